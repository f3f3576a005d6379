//! `float4` and `float8` as `f32` and `f64`.
//!
//! Text is what the server prints with the default `extra_float_digits = 1`:
//! the shortest representation that round-trips (`1.5`, `1e+100`, `-0`,
//! `NaN`, `Infinity`, `-Infinity`), and dumping writes the same. Widening is
//! free (`float4` → `f64`, `int4` → `f64`); anything that could round
//! (`int8`, `float8` → `f32`, `numeric`) is checked per value or needs the
//! [`Policy`] to allow it.

use std::fmt::Write;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::types::int::read_int;
use crate::types::numeric::{Numeric, StackBuf, read_numeric, trim_space};
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// Writes an `f64` as `float8`.
pub(crate) fn write_f64(v: f64, format: Format, out: &mut BytesMut) {
    match format {
        Format::Binary => out.put_f64(v),
        Format::Text => write_text(v, 15, out),
    }
}

/// Writes an `f32` as `float4`.
pub(crate) fn write_f32(v: f32, format: Format, out: &mut BytesMut) {
    match format {
        Format::Binary => out.put_f32(v),
        Format::Text => write_text(v, 6, out),
    }
}

/// PostgreSQL's float output: the shortest round-trip digits, fixed-point
/// when the decimal exponent is in `-4..fixed_below` (15 for float8, 6 for
/// float4, as `printf`'s `%g` would), else `d.ddde±XX`.
fn write_text<F: std::fmt::LowerExp + Into<f64> + Copy>(
    v: F,
    fixed_below: i32,
    out: &mut BytesMut,
) {
    let wide: f64 = v.into();
    if wide.is_nan() {
        return out.put_slice(b"NaN");
    }
    if wide.is_infinite() {
        return out.put_slice(if wide > 0.0 {
            b"Infinity"
        } else {
            b"-Infinity"
        });
    }
    let mut sci = StackBuf::new();
    // `{:e}` gives the shortest round-trip digits of the value's own type.
    let _ = write!(sci, "{v:e}");
    let sci = sci.as_bytes();
    let (negative, sci) = match sci {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, sci),
    };
    let e_at = sci.iter().position(|c| *c == b'e').unwrap_or(sci.len());
    let (mantissa, exp) = sci.split_at(e_at);
    let exp: i32 = std::str::from_utf8(exp.get(1..).unwrap_or_default())
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let mut digits = [0u8; 24];
    let mut n = 0;
    for c in mantissa.iter().filter(|c| c.is_ascii_digit()) {
        if let Some(slot) = digits.get_mut(n) {
            *slot = *c;
            n += 1;
        }
    }
    let digits = &digits[..n.max(1)];
    if negative {
        out.put_u8(b'-');
    }
    if (-4..fixed_below).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.put_slice(digits);
                out.put_bytes(b'0', int_len - digits.len());
            } else {
                out.put_slice(&digits[..int_len]);
                out.put_u8(b'.');
                out.put_slice(&digits[int_len..]);
            }
        } else {
            out.put_slice(b"0.");
            out.put_bytes(b'0', (-exp - 1) as usize);
            out.put_slice(digits);
        }
    } else {
        out.put_u8(digits[0]);
        if digits.len() > 1 {
            out.put_u8(b'.');
            out.put_slice(&digits[1..]);
        }
        out.put_u8(b'e');
        out.put_u8(if exp < 0 { b'-' } else { b'+' });
        let _ = write!(
            crate::types::int::BytesWriter(out),
            "{:02}",
            exp.unsigned_abs()
        );
    }
}

/// Parses float text as `float4in` / `float8in` accept it (no hex floats):
/// surrounding whitespace, `NaN`, `Infinity`, `inf` with either sign, and
/// decimal notation. Overflow and underflow to zero are out-of-range errors,
/// as on the server.
macro_rules! parse_float {
    ($name:ident, $t:ty) => {
        pub(crate) fn $name<T: ?Sized>(ty: &Type, raw: &[u8]) -> Result<$t> {
            let s = trim_space(raw);
            let is = |w: &str| s.eq_ignore_ascii_case(w.as_bytes());
            if is("nan") {
                return Ok(<$t>::NAN);
            }
            if is("infinity") || is("+infinity") || is("inf") || is("+inf") {
                return Ok(<$t>::INFINITY);
            }
            if is("-infinity") || is("-inf") {
                return Ok(<$t>::NEG_INFINITY);
            }
            let bad = || {
                Error::malformed(
                    ty,
                    format!("{:?} is not a {}", String::from_utf8_lossy(raw), ty.name()),
                )
                .with_rust_type::<T>()
            };
            if s.is_empty()
                || !s
                    .iter()
                    .all(|c| matches!(c, b'0'..=b'9' | b'+' | b'-' | b'.' | b'e' | b'E'))
            {
                return Err(bad());
            }
            let v: $t = std::str::from_utf8(s)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(bad)?;
            let mantissa = s
                .split(|c| *c == b'e' || *c == b'E')
                .next()
                .unwrap_or_default();
            let nonzero = mantissa.iter().any(|c| matches!(c, b'1'..=b'9'));
            if v.is_infinite() || (v == 0.0 && nonzero) {
                return Err(Error::out_of_range::<T>(
                    ty,
                    format!(
                        "{} is out of range for {}",
                        String::from_utf8_lossy(s),
                        ty.name()
                    ),
                ));
            }
            Ok(v)
        }
    };
}

parse_float!(parse_f64, f64);
parse_float!(parse_f32, f32);

fn read_f64<T: ?Sized>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<f64> {
    match ctx.format {
        Format::Binary => raw.try_into().map(f64::from_be_bytes).map_err(|_| {
            Error::malformed(
                ctx.ty,
                format!("{} bytes is not a binary float8", raw.len()),
            )
        }),
        Format::Text => parse_f64::<T>(ctx.ty, raw),
    }
}

fn read_f32<T: ?Sized>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<f32> {
    match ctx.format {
        Format::Binary => raw.try_into().map(f32::from_be_bytes).map_err(|_| {
            Error::malformed(
                ctx.ty,
                format!("{} bytes is not a binary float4", raw.len()),
            )
        }),
        Format::Text => parse_f32::<T>(ctx.ty, raw),
    }
}

fn lossy<T: ?Sized>(ty: &Type, what: std::fmt::Arguments<'_>) -> Error {
    Error::new(
        ErrorKind::Lossy,
        format!("{what}; allow rounding with Policy {{ lossy: true, .. }}"),
    )
    .with_pg_type(ty)
    .with_rust_type::<T>()
}

/// The error for `numeric` into a float without a policy that allows it.
fn numeric_not_allowed<T: ?Sized>(ty: &Type) -> Error {
    Error::new(
        ErrorKind::Lossy,
        "numeric into a float rounds; opt in with NumericPolicy::Float or Policy { lossy: true, .. }, or load Numeric",
    )
    .with_pg_type(ty)
    .with_rust_type::<T>()
}

/// `f64` → `f32`: exact, or rounded if `policy.lossy`; overflow is always
/// an error.
fn narrow<T: ?Sized>(v: f64, ctx: &Ctx<'_>) -> Result<f32> {
    let f = v as f32;
    if v.is_finite() && f.is_infinite() {
        return Err(Error::out_of_range::<T>(
            ctx.ty,
            format!("{v} overflows f32"),
        ));
    }
    if f64::from(f) != v && !v.is_nan() && !ctx.policy.lossy {
        return Err(lossy::<T>(
            ctx.ty,
            format_args!("{v} is not exact as f32 (it would be {f})"),
        ));
    }
    Ok(f)
}

/// An integer to a float type: exact, or rounded if `policy.lossy`.
fn int_to_float<T: ?Sized, F: Copy + std::fmt::Display>(
    v: i64,
    f: F,
    exact: bool,
    ctx: &Ctx<'_>,
) -> Result<F> {
    if !exact && !ctx.policy.lossy {
        return Err(lossy::<T>(
            ctx.ty,
            format_args!("{v} is not exact as a float (it would be {f})"),
        ));
    }
    Ok(f)
}

impl Load<'_> for f64 {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::FLOAT8 | Type::FLOAT4 | Type::INT2 | Type::INT4 | Type::INT8 => Ok(()),
            Type::NUMERIC if ctx.policy.allows_numeric_as_float() => Ok(()),
            Type::NUMERIC => Err(numeric_not_allowed::<f64>(ctx.ty)),
            _ => Err(Error::wrong_type::<f64>(ctx.ty)),
        }
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<f64> {
        // The common case first: the type's own binary form.
        if ctx.format == Format::Binary
            && *ctx.ty == Type::FLOAT8
            && let Ok(bytes) = <[u8; 8]>::try_from(raw)
        {
            return Ok(f64::from_be_bytes(bytes));
        }
        load_f64(ctx, raw)
    }
}

/// Every other conversion into `f64`, and the errors.
fn load_f64(ctx: &Ctx<'_>, raw: &[u8]) -> Result<f64> {
    match *ctx.ty {
        Type::FLOAT8 => read_f64::<f64>(ctx, raw),
        Type::FLOAT4 => read_f32::<f64>(ctx, raw).map(f64::from),
        Type::INT2 | Type::INT4 => read_int(ctx, raw).map(|v| v as f64),
        Type::INT8 => {
            let v = read_int(ctx, raw)?;
            let f = v as f64;
            int_to_float::<f64, f64>(v, f, f as i128 == i128::from(v), ctx)
        }
        Type::NUMERIC => {
            <f64 as Load>::check(ctx)?;
            let n = read_numeric(ctx, raw).map_err(|e| e.with_rust_type::<f64>())?;
            let f = n.to_f64();
            if n.is_finite() && f.is_infinite() {
                return Err(Error::out_of_range::<f64>(
                    ctx.ty,
                    format!("{n} overflows f64"),
                ));
            }
            Ok(f)
        }
        _ => Err(Error::wrong_type::<f64>(ctx.ty)),
    }
}

impl Load<'_> for f32 {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::FLOAT4 | Type::FLOAT8 | Type::INT2 | Type::INT4 | Type::INT8 => Ok(()),
            Type::NUMERIC if ctx.policy.allows_numeric_as_float() => Ok(()),
            Type::NUMERIC => Err(numeric_not_allowed::<f32>(ctx.ty)),
            _ => Err(Error::wrong_type::<f32>(ctx.ty)),
        }
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<f32> {
        // The common case first: the type's own binary form.
        if ctx.format == Format::Binary
            && *ctx.ty == Type::FLOAT4
            && let Ok(bytes) = <[u8; 4]>::try_from(raw)
        {
            return Ok(f32::from_be_bytes(bytes));
        }
        load_f32(ctx, raw)
    }
}

/// Every other conversion into `f32`, and the errors.
fn load_f32(ctx: &Ctx<'_>, raw: &[u8]) -> Result<f32> {
    match *ctx.ty {
        Type::FLOAT4 => read_f32::<f32>(ctx, raw),
        Type::FLOAT8 => narrow::<f32>(read_f64::<f32>(ctx, raw)?, ctx),
        Type::INT2 | Type::INT4 | Type::INT8 => {
            let v = read_int(ctx, raw)?;
            let f = v as f32;
            int_to_float::<f32, f32>(v, f, f as i128 == i128::from(v), ctx)
        }
        Type::NUMERIC => {
            <f32 as Load>::check(ctx)?;
            let n = read_numeric(ctx, raw).map_err(|e| e.with_rust_type::<f32>())?;
            let f = n.to_f32();
            if n.is_finite() && f.is_infinite() {
                return Err(Error::out_of_range::<f32>(
                    ctx.ty,
                    format!("{n} overflows f32"),
                ));
            }
            Ok(f)
        }
        _ => Err(Error::wrong_type::<f32>(ctx.ty)),
    }
}

/// A float for a `numeric` parameter: the decimal of its shortest
/// round-trip digits, NaN and ±Infinity included.
fn write_float_as_numeric(
    text_of_float: impl FnOnce(&mut BytesMut),
    n: impl FnOnce() -> Numeric,
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) {
    match ctx.format {
        // numeric_in reads the float's text (`1e+100`, `NaN`) as the same decimal.
        Format::Text => text_of_float(out),
        Format::Binary => n().write_binary(out),
    }
}

impl Dump for f64 {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::FLOAT8
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        let v = *self;
        if ctx.format == Format::Binary && *ctx.ty == Type::FLOAT8 {
            out.put_slice(&v.to_be_bytes());
            return Ok(IsNull::No);
        }
        dump_f64(v, ctx, out)
    }
}

/// Every other conversion from `f64` (text, other types), and the errors;
/// out of line so that the binary fast path of `dump` stays small enough
/// to inline.
fn dump_f64(v: f64, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    match *ctx.ty {
        Type::FLOAT8 => write_f64(v, ctx.format, out),
        Type::FLOAT4 => write_f32(narrow::<f64>(v, ctx)?, ctx.format, out),
        Type::NUMERIC => {
            write_float_as_numeric(|out| write_text(v, 15, out), || Numeric::from(v), ctx, out)
        }
        _ => return Err(Error::wrong_type::<f64>(ctx.ty)),
    }
    Ok(IsNull::No)
}

impl Dump for f32 {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::FLOAT4
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        let v = *self;
        if ctx.format == Format::Binary && *ctx.ty == Type::FLOAT4 {
            out.put_slice(&v.to_be_bytes());
            return Ok(IsNull::No);
        }
        dump_f32(v, ctx, out)
    }
}

/// Every other conversion from `f32` (text, other types), and the errors;
/// out of line so that the binary fast path of `dump` stays small enough
/// to inline.
fn dump_f32(v: f32, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    match *ctx.ty {
        Type::FLOAT4 => write_f32(v, ctx.format, out),
        // Widening is exact: the text is that of the f64, not of the f32.
        Type::FLOAT8 => write_f64(f64::from(v), ctx.format, out),
        Type::NUMERIC => {
            write_float_as_numeric(|out| write_text(v, 6, out), || Numeric::from(v), ctx, out)
        }
        _ => return Err(Error::wrong_type::<f32>(ctx.ty)),
    }
    Ok(IsNull::No)
}

impl StaticType for f64 {
    fn static_type(_: &Policy) -> Type {
        Type::FLOAT8
    }
}

impl StaticType for f32 {
    fn static_type(_: &Policy) -> Type {
        Type::FLOAT4
    }
}

#[cfg(test)]
mod tests;
