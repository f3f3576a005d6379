//! `numeric` as the exact [`Numeric`], and integers written as `numeric`,
//! `float4` or `float8`.
//!
//! `Numeric` keeps everything the server has: sign, base-10000 digit groups,
//! weight, display scale (`1.50` stays `1.50`), and NaN / ±Infinity. The
//! binary form is that of `numeric_send` / `numeric_recv`; the text form is
//! what `numeric_out` prints and what `numeric_in` accepts.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::types::int::{BytesWriter, read_int, write_int};
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// Decimal digits per base-10000 digit group.
const DEC_DIGITS: i64 = 4;
/// The largest display scale the wire format can carry (14 bits).
pub(crate) const MAX_SCALE: u16 = 0x3FFF;
pub(crate) const SIGN_POS: u16 = 0x0000;
pub(crate) const SIGN_NEG: u16 = 0x4000;
const SIGN_NAN: u16 = 0xC000;
const SIGN_PINF: u16 = 0xD000;
const SIGN_NINF: u16 = 0xF000;
const POW10: [u16; 4] = [1, 10, 100, 1000];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Sign {
    Pos,
    Neg,
    NaN,
    PosInf,
    NegInf,
}

/// An exact PostgreSQL `numeric`: any precision, the display scale, NaN and
/// ±Infinity, nothing lost in either direction.
///
/// The value is held as PostgreSQL holds it: base-10000 digit groups, the
/// weight of the first group, and the display scale (digits after the
/// decimal point when printed). Zero has no sign, as in PostgreSQL.
///
/// **Equality and hashing** follow the numeric value, as PostgreSQL compares:
/// `1.5 == 1.50`, and NaN equals NaN. The scale is kept for display and
/// round trips ([`Display`](fmt::Display) prints `1.50`), but not compared.
/// **Ordering** is PostgreSQL's too: `-Infinity` < every number <
/// `Infinity` < `NaN`.
///
/// ```
/// use pgcast_core::types::Numeric;
///
/// let a: Numeric = "1.50".parse().unwrap();
/// let b: Numeric = " +15e-1 ".parse().unwrap();
/// assert_eq!(a.to_string(), "1.50");
/// assert_eq!(b.to_string(), "1.5");
/// assert_eq!(a, b);
/// assert!(Numeric::NAN > Numeric::INFINITY);
/// assert_eq!("-inf".parse::<Numeric>().unwrap(), Numeric::NEG_INFINITY);
/// assert_eq!(Numeric::from(-42_i64).to_string(), "-42");
/// assert_eq!(i64::try_from(&a).unwrap_err().kind(), pgcast_core::ErrorKind::Lossy);
/// ```
#[derive(Clone)]
pub struct Numeric {
    sign: Sign,
    /// Weight of `digits[0]`: its value is `digits[0] * 10000^weight`.
    weight: i16,
    /// Display scale; 0 for the special values.
    scale: u16,
    /// No leading or trailing zero groups; empty for zero and the specials.
    digits: Vec<u16>,
}

/// Why text or parts are not a numeric; made into an [`Error`] by the caller,
/// which knows the input and the types involved.
#[derive(Clone, Copy, Debug)]
enum Invalid {
    Syntax,
    Overflow,
    HiddenDigits,
}

impl Invalid {
    fn into_error(self, shown: impl fmt::Display) -> Error {
        match self {
            Invalid::Syntax => Error::malformed(
                &Type::NUMERIC,
                format!("{shown} is not a valid numeric"),
            ),
            Invalid::Overflow => Error::new(
                ErrorKind::OutOfRange,
                format!("{shown} overflows the numeric format (weight beyond ±32767 groups or scale beyond 16383)"),
            )
            .with_pg_type(&Type::NUMERIC),
            Invalid::HiddenDigits => Error::malformed(
                &Type::NUMERIC,
                format!("{shown} has non-zero digits beyond its display scale"),
            ),
        }
    }
}

impl Numeric {
    /// Not-a-number; PostgreSQL sorts it above every other value.
    pub const NAN: Numeric = Numeric::special(Sign::NaN);
    /// `Infinity`.
    pub const INFINITY: Numeric = Numeric::special(Sign::PosInf);
    /// `-Infinity`.
    pub const NEG_INFINITY: Numeric = Numeric::special(Sign::NegInf);
    /// Zero, with scale 0.
    pub const ZERO: Numeric = Numeric::special(Sign::Pos);

    const fn special(sign: Sign) -> Numeric {
        Numeric {
            sign,
            weight: 0,
            scale: 0,
            digits: Vec::new(),
        }
    }

    /// A numeric from its wire parts: sign, the weight of the first
    /// base-10000 group, the display scale, and the groups (each 0..=9999).
    /// Leading and trailing zero groups are dropped; a non-zero digit beyond
    /// the scale, a group over 9999 or a scale over 16383 is an error.
    ///
    /// ```
    /// use pgcast_core::types::Numeric;
    ///
    /// // 12345678.9 = 1234 5678 . 9000
    /// let n = Numeric::from_parts(false, 1, 1, &[1234, 5678, 9000]).unwrap();
    /// assert_eq!(n.to_string(), "12345678.9");
    /// assert!(Numeric::from_parts(false, 0, 0, &[1, 5000]).is_err()); // 1.5 with scale 0
    /// ```
    pub fn from_parts(negative: bool, weight: i16, scale: u16, digits: &[u16]) -> Result<Numeric> {
        if let Some(d) = digits.iter().find(|d| **d > 9999) {
            return Err(Error::malformed(
                &Type::NUMERIC,
                format!("digit group {d} is over 9999"),
            ));
        }
        Numeric::from_groups(negative, i32::from(weight), scale, digits).map_err(|e| {
            e.into_error(format_args!(
                "numeric with weight {weight}, scale {scale} and digit groups {digits:?}"
            ))
        })
    }

    /// Normalises validated groups (each ≤ 9999) into a numeric.
    fn from_groups(
        negative: bool,
        mut weight: i32,
        scale: u16,
        digits: &[u16],
    ) -> Result<Numeric, Invalid> {
        if scale > MAX_SCALE {
            return Err(Invalid::Overflow);
        }
        let first = digits.iter().position(|d| *d != 0);
        let last = digits.iter().rposition(|d| *d != 0);
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Numeric {
                scale,
                ..Numeric::ZERO
            });
        };
        weight -= first as i32;
        let digits = &digits[first..=last];
        let weight = i16::try_from(weight).map_err(|_| Invalid::Overflow)?;
        // The exponent of 10 of the last non-zero decimal digit must not be
        // below -scale: the scale may not hide digits.
        let last_group_weight = i64::from(weight) - (digits.len() as i64 - 1);
        let tail = digits[digits.len() - 1];
        let trailing_zeros = POW10
            .iter()
            .rev()
            .position(|p| tail.is_multiple_of(*p))
            .map_or(0, |i| 3 - i);
        let last_exp = last_group_weight * DEC_DIGITS + trailing_zeros as i64;
        if -last_exp > i64::from(scale) {
            return Err(Invalid::HiddenDigits);
        }
        Ok(Numeric {
            sign: if negative { Sign::Neg } else { Sign::Pos },
            weight,
            scale,
            digits: digits.to_vec(),
        })
    }

    /// A numeric from decimal digits: the ASCII digits of `parts` in order,
    /// the first one worth `10^dweight`, shown with `dscale` fraction digits.
    fn from_decimal(
        negative: bool,
        parts: [&[u8]; 2],
        dweight: i64,
        dscale: i64,
    ) -> Result<Numeric, Invalid> {
        let scale = u16::try_from(dscale.max(0))
            .ok()
            .filter(|s| *s <= MAX_SCALE)
            .ok_or(Invalid::Overflow)?;
        let all = || parts[0].iter().chain(parts[1].iter());
        let total = parts[0].len() + parts[1].len();
        let lead = all().take_while(|c| **c == b'0').count();
        if lead == total {
            return Ok(Numeric {
                scale,
                ..Numeric::ZERO
            });
        }
        let trail = all().rev().take_while(|c| **c == b'0').count();
        let significant = total - lead - trail;
        let dweight = dweight - lead as i64;
        let last_exp = dweight - (significant as i64 - 1);
        if -last_exp > i64::from(scale) {
            return Err(Invalid::HiddenDigits);
        }
        let weight = dweight.div_euclid(DEC_DIGITS);
        let weight = i16::try_from(weight).map_err(|_| Invalid::Overflow)?;
        // Leading zero places in the first group, so groups align on the point.
        let offset = ((i64::from(weight) + 1) * DEC_DIGITS - (dweight + 1)) as usize;
        let mut digits = vec![0u16; (significant + offset).div_ceil(4)];
        for (i, c) in all().skip(lead).take(significant).enumerate() {
            let pos = i + offset;
            digits[pos / 4] += u16::from(c - b'0') * POW10[3 - pos % 4];
        }
        Ok(Numeric {
            sign: if negative { Sign::Neg } else { Sign::Pos },
            weight,
            scale,
            digits,
        })
    }

    /// An integer coefficient shown with `scale` fraction digits:
    /// `coefficient / 10^scale`.
    pub(crate) fn from_coefficient(negative: bool, coefficient: u128, scale: u16) -> Numeric {
        let mut buf = [0u8; 39];
        let mut n = coefficient;
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let digits = &buf[start..];
        let dweight = digits.len() as i64 - 1 - i64::from(scale);
        // At most 39 digits and a scale the caller bounds: always in range.
        Numeric::from_decimal(negative, [digits, &[]], dweight, i64::from(scale))
            .unwrap_or(Numeric::NAN)
    }

    /// Whether this is NaN.
    pub fn is_nan(&self) -> bool {
        self.sign == Sign::NaN
    }

    /// Whether this is `Infinity` or `-Infinity`.
    pub fn is_infinite(&self) -> bool {
        matches!(self.sign, Sign::PosInf | Sign::NegInf)
    }

    /// Whether this is a number (neither NaN nor infinite).
    pub fn is_finite(&self) -> bool {
        matches!(self.sign, Sign::Pos | Sign::Neg)
    }

    /// Whether this is zero (of any scale).
    pub fn is_zero(&self) -> bool {
        self.is_finite() && self.digits.is_empty()
    }

    /// Whether this is below zero (`-Infinity` included).
    pub fn is_negative(&self) -> bool {
        matches!(self.sign, Sign::Neg | Sign::NegInf)
    }

    /// Whether this is a finite whole number (`2.00` is).
    pub fn is_integer(&self) -> bool {
        self.is_finite()
            && (self.digits.is_empty() || i64::from(self.weight) >= self.digits.len() as i64 - 1)
    }

    /// The display scale: digits printed after the decimal point (0 for
    /// NaN and ±Infinity).
    pub fn scale(&self) -> u16 {
        self.scale
    }

    /// The same value shown with another scale; an error if the scale would
    /// hide non-zero digits or is over 16383.
    ///
    /// ```
    /// use pgcast_core::types::Numeric;
    ///
    /// let n: Numeric = "1.5".parse().unwrap();
    /// assert_eq!(n.with_scale(3).unwrap().to_string(), "1.500");
    /// assert!(n.with_scale(0).is_err());
    /// ```
    pub fn with_scale(&self, scale: u16) -> Result<Numeric> {
        if !self.is_finite() {
            return Ok(self.clone());
        }
        Numeric::from_groups(
            self.is_negative(),
            i32::from(self.weight),
            scale,
            &self.digits,
        )
        .map_err(|e| e.into_error(format_args!("{self} with scale {scale}")))
    }

    /// The weight of the first base-10000 digit group (0 for zero and the
    /// special values).
    pub fn weight(&self) -> i16 {
        self.weight
    }

    /// The base-10000 digit groups, without leading or trailing zero groups
    /// (empty for zero and the special values).
    pub fn digits(&self) -> &[u16] {
        &self.digits
    }

    /// The nearest `f64`: **lossy** (precision beyond 17 digits is rounded,
    /// numbers beyond ±1.8e308 become ±infinity, tiny ones 0). NaN and
    /// ±Infinity map to their float counterparts.
    ///
    /// ```
    /// use pgcast_core::types::Numeric;
    ///
    /// assert_eq!("0.1".parse::<Numeric>().unwrap().to_f64(), 0.1);
    /// assert_eq!(Numeric::NEG_INFINITY.to_f64(), f64::NEG_INFINITY);
    /// ```
    pub fn to_f64(&self) -> f64 {
        match self.sign {
            Sign::NaN => f64::NAN,
            Sign::PosInf => f64::INFINITY,
            Sign::NegInf => f64::NEG_INFINITY,
            Sign::Pos | Sign::Neg => {
                let magnitude = self.fast_f64().unwrap_or_else(|| {
                    // Rust's parser rounds correctly from any number of digits.
                    self.scientific().parse::<f64>().unwrap_or(f64::NAN)
                });
                if self.sign == Sign::Neg {
                    -magnitude
                } else {
                    magnitude
                }
            }
        }
    }

    /// The nearest `f32`: **lossy**, like [`to_f64`](Self::to_f64), rounded
    /// once from the decimal value.
    pub fn to_f32(&self) -> f32 {
        match self.sign {
            Sign::NaN => f32::NAN,
            Sign::PosInf => f32::INFINITY,
            Sign::NegInf => f32::NEG_INFINITY,
            Sign::Pos | Sign::Neg => {
                let magnitude = self.scientific().parse::<f32>().unwrap_or(f32::NAN);
                if self.sign == Sign::Neg {
                    -magnitude
                } else {
                    magnitude
                }
            }
        }
    }

    /// Exact when the coefficient and the power of ten are both exact in f64
    /// (one correctly rounded operation).
    fn fast_f64(&self) -> Option<f64> {
        const POW10_F64: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        if self.digits.len() > 4 {
            return None;
        }
        let coefficient = self
            .digits
            .iter()
            .fold(0u64, |acc, d| acc * 10_000 + u64::from(*d));
        if coefficient > 1 << 53 {
            return None;
        }
        let exp = (i64::from(self.weight) - (self.digits.len() as i64 - 1)) * DEC_DIGITS;
        let power = *POW10_F64.get(exp.unsigned_abs() as usize)?;
        Some(if exp >= 0 {
            coefficient as f64 * power
        } else {
            coefficient as f64 / power
        })
    }

    /// The magnitude as `DDDDe±N`, for float parsing.
    fn scientific(&self) -> String {
        use std::fmt::Write;
        let mut s = String::with_capacity(self.digits.len() * 4 + 8);
        for d in &self.digits {
            let _ = write!(s, "{d:04}");
        }
        if s.is_empty() {
            s.push('0');
        }
        let exp = (i64::from(self.weight) - (self.digits.len() as i64 - 1)) * DEC_DIGITS;
        let _ = write!(s, "e{exp}");
        s
    }

    /// The value as an `i128` if it is a whole number in range; the error
    /// names the value.
    fn to_i128<T: ?Sized>(&self, ty: &Type) -> Result<i128> {
        let err = |kind, why: &str| {
            Error::new(kind, format!("{self} {why}"))
                .with_pg_type(ty)
                .with_rust_type::<T>()
        };
        if !self.is_finite() {
            return Err(err(ErrorKind::OutOfRange, "is not a finite number"));
        }
        if !self.is_integer() {
            return Err(err(
                ErrorKind::Lossy,
                "has a fractional part an integer cannot hold",
            ));
        }
        let mut acc: i128 = 0;
        let groups = i64::from(self.weight) + 1;
        for i in 0..groups.max(0) {
            let d = self.digits.get(i as usize).copied().unwrap_or(0);
            acc = acc
                .checked_mul(10_000)
                .and_then(|a| a.checked_add(i128::from(d)))
                .ok_or_else(|| err(ErrorKind::OutOfRange, "is out of range"))?;
        }
        Ok(if self.sign == Sign::Neg { -acc } else { acc })
    }

    /// Reads the binary form (`numeric_recv`), validating every field.
    pub(crate) fn read_binary(raw: &[u8]) -> Result<Numeric> {
        let header = |i: usize| raw.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
        let (Some(ndigits), Some(weight), Some(sign), Some(scale)) =
            (header(0), header(2), header(4), header(6))
        else {
            return Err(Error::malformed(
                &Type::NUMERIC,
                format!("{} bytes is shorter than a numeric header", raw.len()),
            ));
        };
        let body = &raw[8..];
        if body.len() != usize::from(ndigits) * 2 {
            return Err(Error::malformed(
                &Type::NUMERIC,
                format!(
                    "numeric announces {ndigits} digit groups but has {} bytes of digits",
                    body.len()
                ),
            ));
        }
        if scale > MAX_SCALE {
            return Err(Error::malformed(
                &Type::NUMERIC,
                format!("invalid numeric scale {scale}"),
            ));
        }
        let mut digits = Vec::with_capacity(usize::from(ndigits));
        for pair in body.chunks_exact(2) {
            let d = u16::from_be_bytes([pair[0], pair[1]]);
            if d > 9999 {
                return Err(Error::malformed(
                    &Type::NUMERIC,
                    format!("invalid numeric digit group {d}"),
                ));
            }
            digits.push(d);
        }
        let negative = match sign {
            SIGN_POS => false,
            SIGN_NEG => true,
            // As numeric_recv does, the specials ignore digits and scale.
            SIGN_NAN => return Ok(Numeric::NAN),
            SIGN_PINF => return Ok(Numeric::INFINITY),
            SIGN_NINF => return Ok(Numeric::NEG_INFINITY),
            _ => {
                return Err(Error::malformed(
                    &Type::NUMERIC,
                    format!("invalid numeric sign {sign:#06x}"),
                ));
            }
        };
        let weight = i16::from_be_bytes(weight.to_be_bytes());
        Numeric::from_groups(negative, i32::from(weight), scale, &digits).map_err(|e| {
            e.into_error(format_args!(
                "binary numeric (weight {weight}, scale {scale}, groups {digits:?})"
            ))
        })
    }

    /// Writes the binary form (`numeric_send`).
    pub(crate) fn write_binary(&self, out: &mut BytesMut) {
        out.reserve(8 + self.digits.len() * 2);
        // At most 32768 + 4097 groups: the weight and scale bounds keep it in u16.
        out.put_u16(self.digits.len() as u16);
        out.put_i16(self.weight);
        out.put_u16(match self.sign {
            Sign::Pos => SIGN_POS,
            Sign::Neg => SIGN_NEG,
            Sign::NaN => SIGN_NAN,
            Sign::PosInf => SIGN_PINF,
            Sign::NegInf => SIGN_NINF,
        });
        out.put_u16(self.scale);
        for d in &self.digits {
            out.put_u16(*d);
        }
    }

    /// Parses the text form, as `numeric_in` accepts it.
    fn parse(text: &[u8]) -> Result<Numeric, Invalid> {
        let s = trim_space(text);
        if let Some(special) = parse_special(s) {
            return Ok(special);
        }
        let (negative, s) = match s {
            [b'-', rest @ ..] => (true, rest),
            [b'+', rest @ ..] => (false, rest),
            _ => (false, s),
        };
        let int_len = s.iter().take_while(|c| c.is_ascii_digit()).count();
        let (int_part, rest) = s.split_at(int_len);
        let (frac_part, rest) = match rest {
            [b'.', rest @ ..] => {
                let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                rest.split_at(n)
            }
            _ => (&[][..], rest),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(Invalid::Syntax);
        }
        let exp = match rest {
            [] => 0,
            [b'e' | b'E', rest @ ..] => parse_exponent(rest)?,
            _ => return Err(Invalid::Syntax),
        };
        let dweight = int_part.len() as i64 - 1 + exp;
        let dscale = frac_part.len() as i64 - exp;
        Numeric::from_decimal(negative, [int_part, frac_part], dweight, dscale)
    }
}

/// `numeric_in`'s whitespace: space, \t, \n, \v, \f, \r.
pub(crate) fn trim_space(s: &[u8]) -> &[u8] {
    let space = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let start = s.iter().position(|c| !space(c)).unwrap_or(s.len());
    let end = s.iter().rposition(|c| !space(c)).map_or(start, |e| e + 1);
    &s[start..end]
}

fn parse_special(s: &[u8]) -> Option<Numeric> {
    let is = |word: &str| s.eq_ignore_ascii_case(word.as_bytes());
    if is("nan") {
        Some(Numeric::NAN)
    } else if is("infinity") || is("+infinity") || is("inf") || is("+inf") {
        Some(Numeric::INFINITY)
    } else if is("-infinity") || is("-inf") {
        Some(Numeric::NEG_INFINITY)
    } else {
        None
    }
}

fn parse_exponent(s: &[u8]) -> Result<i64, Invalid> {
    let (negative, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Invalid::Syntax);
    }
    let mut exp: i64 = 0;
    for c in digits {
        exp = exp * 10 + i64::from(c - b'0');
        // Far beyond any weight or scale numeric can hold.
        if exp > 1_000_000_000 {
            return Err(Invalid::Overflow);
        }
    }
    Ok(if negative { -exp } else { exp })
}

impl FromStr for Numeric {
    type Err = Error;

    /// Parses what PostgreSQL's `numeric_in` accepts: `-12.3400`, `.5`, `5.`,
    /// `+1`, `1.5e10`, surrounding whitespace, `NaN`, `Infinity`, `-inf`
    /// (case-insensitive).
    fn from_str(s: &str) -> Result<Numeric> {
        Numeric::parse(s.as_bytes()).map_err(|e| e.into_error(format_args!("{s:?}")))
    }
}

impl fmt::Display for Numeric {
    /// Prints as `numeric_out` does: `-12.3400`, `0.000001`, `NaN`,
    /// `Infinity`, `-Infinity`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sign {
            Sign::NaN => return f.write_str("NaN"),
            Sign::PosInf => return f.write_str("Infinity"),
            Sign::NegInf => return f.write_str("-Infinity"),
            Sign::Neg => f.write_str("-")?,
            Sign::Pos => {}
        }
        let group = |weight: i64| -> u16 {
            let idx = i64::from(self.weight) - weight;
            usize::try_from(idx)
                .ok()
                .and_then(|i| self.digits.get(i))
                .copied()
                .unwrap_or(0)
        };
        if self.weight < 0 || self.digits.is_empty() {
            f.write_str("0")?;
        } else {
            write!(f, "{}", group(i64::from(self.weight)))?;
            for w in (0..i64::from(self.weight)).rev() {
                write!(f, "{:04}", group(w))?;
            }
        }
        if self.scale > 0 {
            f.write_str(".")?;
            let mut left = usize::from(self.scale);
            let mut w = -1;
            while left > 0 {
                let text = format_group(group(w));
                let take = left.min(4);
                f.write_str(std::str::from_utf8(&text[..take]).unwrap_or("0000"))?;
                left -= take;
                w -= 1;
            }
        }
        Ok(())
    }
}

fn format_group(d: u16) -> [u8; 4] {
    [
        b'0' + (d / 1000 % 10) as u8,
        b'0' + (d / 100 % 10) as u8,
        b'0' + (d / 10 % 10) as u8,
        b'0' + (d % 10) as u8,
    ]
}

impl fmt::Debug for Numeric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Numeric({self})")
    }
}

impl Default for Numeric {
    fn default() -> Self {
        Numeric::ZERO
    }
}

impl PartialEq for Numeric {
    fn eq(&self, other: &Numeric) -> bool {
        // Normalised digits make the value's representation unique.
        self.sign == other.sign && self.weight == other.weight && self.digits == other.digits
            || self.is_zero() && other.is_zero()
    }
}

impl Eq for Numeric {}

impl Hash for Numeric {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.is_zero() {
            0u8.hash(state);
        } else {
            self.sign.hash(state);
            self.weight.hash(state);
            self.digits.hash(state);
        }
    }
}

impl Ord for Numeric {
    fn cmp(&self, other: &Numeric) -> Ordering {
        fn rank(n: &Numeric) -> i8 {
            match n.sign {
                Sign::NegInf => -2,
                Sign::Neg if !n.digits.is_empty() => -1,
                Sign::Pos | Sign::Neg => {
                    if n.digits.is_empty() {
                        0
                    } else {
                        1
                    }
                }
                Sign::PosInf => 2,
                Sign::NaN => 3,
            }
        }
        let (a, b) = (rank(self), rank(other));
        if a != b {
            return a.cmp(&b);
        }
        let magnitude = self
            .weight
            .cmp(&other.weight)
            .then_with(|| self.digits.cmp(&other.digits));
        match a {
            1 => magnitude,
            -1 => magnitude.reverse(),
            _ => Ordering::Equal,
        }
    }
}

impl PartialOrd for Numeric {
    fn partial_cmp(&self, other: &Numeric) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Numeric {
            fn from(v: $t) -> Numeric {
                let negative = v < 0;
                Numeric::from_coefficient(negative, v.unsigned_abs() as u128, 0)
            }
        }
    )*};
}

from_int!(i8, i16, i32, i64, i128, isize);

macro_rules! from_uint {
    ($($t:ty),*) => {$(
        impl From<$t> for Numeric {
            fn from(v: $t) -> Numeric {
                Numeric::from_coefficient(false, v as u128, 0)
            }
        }
    )*};
}

from_uint!(u8, u16, u32, u64, u128, usize);

macro_rules! try_into_int {
    ($($t:ty),*) => {$(
        impl TryFrom<&Numeric> for $t {
            type Error = Error;

            /// A whole number in range: a fraction is a
            /// [`Lossy`](ErrorKind::Lossy) error, overflow, NaN and ±Infinity
            /// are [`OutOfRange`](ErrorKind::OutOfRange).
            fn try_from(n: &Numeric) -> Result<$t> {
                let v = n.to_i128::<$t>(&Type::NUMERIC)?;
                <$t>::try_from(v).map_err(|_| {
                    Error::out_of_range::<$t>(&Type::NUMERIC, format!("{n} does not fit in {}", stringify!($t)))
                })
            }
        }

        impl TryFrom<Numeric> for $t {
            type Error = Error;

            /// As for `&Numeric`.
            fn try_from(n: Numeric) -> Result<$t> {
                <$t>::try_from(&n)
            }
        }
    )*};
}

try_into_int!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

/// Exact decimals of floats: the shortest representation that round-trips.
macro_rules! from_float {
    ($($t:ty => $doc:literal;)*) => {$(
        impl From<$t> for Numeric {
            #[doc = $doc]
            fn from(v: $t) -> Numeric {
                if v.is_nan() {
                    return Numeric::NAN;
                }
                if v.is_infinite() {
                    return if v > 0.0 {
                        Numeric::INFINITY
                    } else {
                        Numeric::NEG_INFINITY
                    };
                }
                let mut buf = StackBuf::new();
                let _ = fmt::Write::write_fmt(&mut buf, format_args!("{v:e}"));
                numeric_from_sci(buf.as_bytes())
            }
        }
    )*};
}

from_float! {
    f64 => "The exact decimal of the shortest representation that round-trips \
        (`0.1` → `0.1`, `1e100` → `1` and 100 zeros); NaN and ±infinity map to \
        their numeric counterparts, `-0.0` to zero (numeric has no negative \
        zero). `Numeric::try_from(f64)` works too and never fails.\n\n\
        ```\n\
        use pgcast_core::types::Numeric;\n\n\
        assert_eq!(Numeric::from(0.1_f64).to_string(), \"0.1\");\n\
        assert_eq!(Numeric::from(2.5e-7_f64).to_string(), \"0.00000025\");\n\
        assert!(Numeric::from(f64::NAN).is_nan());\n\
        ```";
    f32 => "As for `f64`, with the shortest representation that round-trips as \
        `f32` (`0.1_f32` → `0.1`).";
}

/// Rust's `{:e}` output (`-1.5e-7`) as a numeric.
fn numeric_from_sci(s: &[u8]) -> Numeric {
    // The shortest float digits are at most 17 and the exponent within
    // ±324, so this always fits.
    Numeric::parse(s).unwrap_or(Numeric::NAN)
}

/// A small fixed buffer for formatting numbers without allocating.
pub(crate) struct StackBuf {
    buf: [u8; 48],
    len: usize,
}

impl StackBuf {
    pub(crate) fn new() -> StackBuf {
        StackBuf {
            buf: [0; 48],
            len: 0,
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dest = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Loads a `numeric` value, in either format.
#[inline]
pub(crate) fn read_numeric(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Numeric> {
    match ctx.format {
        Format::Binary => Numeric::read_binary(raw),
        Format::Text => Numeric::parse(raw)
            .map_err(|e| e.into_error(format_args!("{:?}", String::from_utf8_lossy(raw)))),
    }
}

/// Loads a `numeric` value into an integer: range- and fraction-checked,
/// without allocating on the binary path.
#[inline]
pub(crate) fn read_numeric_int<T: ?Sized>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<i128> {
    if ctx.format == Format::Binary
        && let Some(v) = binary_integer(raw)
    {
        return Ok(v);
    }
    // Slow path: fractions, huge values, specials, malformed input; the
    // error names the value.
    read_numeric(ctx, raw)
        .map_err(|e| e.with_rust_type::<T>())?
        .to_i128::<T>(ctx.ty)
}

/// A well-formed binary numeric that is a whole number within ±10^36.
fn binary_integer(raw: &[u8]) -> Option<i128> {
    let (header, body) = raw.split_first_chunk::<8>()?;
    let ndigits = usize::from(u16::from_be_bytes([header[0], header[1]]));
    let weight = i16::from_be_bytes([header[2], header[3]]);
    let sign = u16::from_be_bytes([header[4], header[5]]);
    let scale = u16::from_be_bytes([header[6], header[7]]);
    if body.len() != ndigits * 2 || scale > MAX_SCALE || weight > 8 {
        return None;
    }
    let negative = match sign {
        SIGN_POS => false,
        SIGN_NEG => true,
        _ => return None,
    };
    let mut acc: i128 = 0;
    let mut w = i32::from(weight);
    for pair in body.chunks_exact(2) {
        let d = u16::from_be_bytes([pair[0], pair[1]]);
        if d > 9999 || (w < 0 && d != 0) {
            return None;
        }
        if w >= 0 {
            acc = acc * 10_000 + i128::from(d);
        }
        w -= 1;
    }
    if ndigits > 0 {
        for _ in 0..=w.max(-1) {
            acc *= 10_000;
        }
    }
    Some(if negative { -acc } else { acc })
}

impl Load<'_> for Numeric {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::NUMERIC | Type::INT2 | Type::INT4 | Type::INT8 => Ok(()),
            _ => Err(Error::wrong_type::<Numeric>(ctx.ty)),
        }
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Numeric> {
        match *ctx.ty {
            Type::NUMERIC => read_numeric(ctx, raw).map_err(|e| e.with_rust_type::<Numeric>()),
            Type::INT2 | Type::INT4 | Type::INT8 => read_int(ctx, raw).map(Numeric::from),
            _ => Err(Error::wrong_type::<Numeric>(ctx.ty)),
        }
    }
}

impl Dump for Numeric {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::NUMERIC
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match *ctx.ty {
            Type::NUMERIC => {
                match ctx.format {
                    Format::Binary => self.write_binary(out),
                    Format::Text => {
                        let _ =
                            fmt::Write::write_fmt(&mut BytesWriter(out), format_args!("{self}"));
                    }
                }
                Ok(IsNull::No)
            }
            Type::INT2 | Type::INT4 | Type::INT8 => {
                let v = self.to_i128::<Numeric>(ctx.ty)?;
                let v = i64::try_from(v).map_err(|_| {
                    Error::out_of_range::<Numeric>(
                        ctx.ty,
                        format!("{self} does not fit in {}", ctx.ty.name()),
                    )
                })?;
                write_int::<Numeric>(v, ctx, out)
            }
            Type::FLOAT8 => {
                let v = self.to_f64();
                self.check_float_exact(v.is_finite(), Numeric::from(v), ctx)?;
                crate::types::float::write_f64(v, ctx.format, out);
                Ok(IsNull::No)
            }
            Type::FLOAT4 => {
                let v = self.to_f32();
                self.check_float_exact(v.is_finite(), Numeric::from(v), ctx)?;
                crate::types::float::write_f32(v, ctx.format, out);
                Ok(IsNull::No)
            }
            _ => Err(Error::wrong_type::<Numeric>(ctx.ty)),
        }
    }
}

impl Numeric {
    /// A float parameter takes a numeric only if the float converts back to
    /// the same decimal (or `policy.lossy` allows rounding); never overflow.
    fn check_float_exact(&self, finite: bool, back: Numeric, ctx: &Ctx<'_>) -> Result<()> {
        if self.is_finite() && !finite {
            return Err(Error::out_of_range::<Numeric>(
                ctx.ty,
                format!("{self} overflows {}", ctx.ty.name()),
            ));
        }
        if back != *self && !ctx.policy.lossy {
            return Err(Error::new(
                ErrorKind::Lossy,
                format!(
                    "{self} is not exact as {} (it would become {back}); allow with Policy::lossy",
                    ctx.ty.name()
                ),
            )
            .with_pg_type(ctx.ty)
            .with_rust_type::<Numeric>());
        }
        Ok(())
    }
}

impl StaticType for Numeric {
    fn static_type(_: &Policy) -> Type {
        Type::NUMERIC
    }
}

/// Writes an integer for a `numeric`, `float4` or `float8` parameter.
pub(crate) fn write_int_as_number<T: ?Sized>(
    v: i64,
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    use std::fmt::Write;
    match (ctx.format, ctx.ty) {
        (Format::Text, _) => {
            let _ = write!(BytesWriter(out), "{v}");
        }
        (Format::Binary, &Type::FLOAT8) => {
            let f = v as f64;
            if f as i128 != v as i128 {
                return Err(Error::out_of_range::<T>(
                    ctx.ty,
                    format!("{v} is not exact as float8"),
                ));
            }
            out.put_f64(f);
        }
        (Format::Binary, &Type::FLOAT4) => {
            let f = v as f32;
            if f as i128 != v as i128 {
                return Err(Error::out_of_range::<T>(
                    ctx.ty,
                    format!("{v} is not exact as float4"),
                ));
            }
            out.put_f32(f);
        }
        (Format::Binary, _) => write_binary_integer(v, out),
    }
    Ok(IsNull::No)
}

/// The binary numeric of an integer: base-10000 digits, weight, sign, scale 0.
fn write_binary_integer(v: i64, out: &mut BytesMut) {
    let mut magnitude = v.unsigned_abs();
    let mut digits = [0u16; 5];
    let mut n = 0;
    while magnitude > 0 {
        digits[n] = (magnitude % 10_000) as u16;
        magnitude /= 10_000;
        n += 1;
    }
    // Trailing zero groups are implied by the weight.
    let mut lowest = 0;
    while lowest < n && digits[lowest] == 0 {
        lowest += 1;
    }
    let ndigits = n - lowest;
    out.put_u16(ndigits as u16);
    out.put_i16(if n == 0 { 0 } else { n as i16 - 1 });
    out.put_u16(if v < 0 { 0x4000 } else { 0 });
    out.put_u16(0);
    for d in digits[lowest..n].iter().rev() {
        out.put_u16(*d);
    }
}

#[cfg(test)]
mod tests;
