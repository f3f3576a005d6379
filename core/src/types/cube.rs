//! The `cube` extension's n-dimensional boxes and points as [`Cube`].
//!
//! `cube` has a per-database OID, so it is recognised by name in any
//! schema. Binary form (`cube_send`, the extension's version 1.5 and later):
//! a 4-byte header (the dimension, with the high bit set for a point) then
//! the lower-left corner's coordinates as `float8`, and for a box the
//! upper-right corner's; text form: `(1, 2)` for a point, `(1, 2),(3, 4)`
//! for a box (the server also reads `1, 2` and `[(1, 2),(3, 4)]`).

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use crate::types::float::{parse_f64, write_f64};
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// The most dimensions a cube can have (`CUBE_MAX_DIM`).
pub const CUBE_MAX_DIM: usize = 100;

const POINT_BIT: u32 = 0x8000_0000;

/// A `cube`: a box between two corners, or a point (both corners equal).
///
/// Points and boxes with equal corners are the same value, as on the
/// server (`'(1),(1)'::cube = '(1)'::cube`); a point is sent in the
/// shorter point form.
///
/// ```
/// use pgcast_core::types::Cube;
/// use pgcast_core::{Ctx, Kind, Load, Type};
///
/// let ty = Type::new("cube".into(), 17_001, Kind::Simple, "public".into());
/// let c: Cube = Load::load(&Ctx::text(&ty), b"(1, 2),(3, 4)").unwrap();
/// assert_eq!((c.lower(), c.upper()), (&[1.0, 2.0][..], &[3.0, 4.0][..]));
/// assert_eq!(Cube::point([5.0]).to_string(), "(5)");
/// assert!(Cube::new([1.0], [1.0, 2.0]).is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cube {
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl Cube {
    /// A point with these coordinates.
    ///
    /// Up to [`CUBE_MAX_DIM`] coordinates; the server refuses more.
    pub fn point(coords: impl Into<Vec<f64>>) -> Cube {
        let lower = coords.into();
        Cube {
            upper: lower.clone(),
            lower,
        }
    }

    /// The box between two corners, which must have the same dimension
    /// (at most [`CUBE_MAX_DIM`]).
    pub fn new(lower: impl Into<Vec<f64>>, upper: impl Into<Vec<f64>>) -> Result<Cube> {
        let (lower, upper) = (lower.into(), upper.into());
        if lower.len() != upper.len() {
            return Err(Error::new(
                ErrorKind::OutOfRange,
                format!(
                    "a cube's corners have the same dimension, not {} and {}",
                    lower.len(),
                    upper.len()
                ),
            )
            .with_rust_type::<Cube>());
        }
        if lower.len() > CUBE_MAX_DIM {
            return Err(too_many(lower.len()).with_rust_type::<Cube>());
        }
        Ok(Cube { lower, upper })
    }

    /// The number of dimensions.
    pub fn dim(&self) -> usize {
        self.lower.len()
    }

    /// The lower-left corner (as written: the server does not sort the
    /// coordinates of each dimension).
    pub fn lower(&self) -> &[f64] {
        &self.lower
    }

    /// The upper-right corner; the same as [`lower`](Self::lower) for a point.
    pub fn upper(&self) -> &[f64] {
        &self.upper
    }

    /// Whether both corners are the same (as the server prints it: one
    /// parenthesised list).
    pub fn is_point(&self) -> bool {
        self.lower == self.upper
    }
}

impl std::fmt::Display for Cube {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = BytesMut::new();
        write_text(self, &mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

fn too_many(dim: usize) -> Error {
    Error::new(
        ErrorKind::OutOfRange,
        format!("a cube has at most {CUBE_MAX_DIM} dimensions, not {dim}"),
    )
}

fn check_cube<T: ?Sized>(ctx: &Ctx<'_>) -> Result<()> {
    if ctx.ty.name() == "cube" {
        Ok(())
    } else {
        Err(Error::wrong_type::<T>(ctx.ty))
    }
}

fn load_binary(ty: &Type, raw: &[u8]) -> Result<Cube> {
    let Some((header, rest)) = raw.split_first_chunk::<4>() else {
        return Err(Error::malformed(ty, "cube truncated"));
    };
    let header = u32::from_be_bytes(*header);
    let dim = (header & !POINT_BIT) as usize;
    if dim > CUBE_MAX_DIM {
        return Err(Error::malformed(ty, too_many(dim).message().to_owned()));
    }
    let point = header & POINT_BIT != 0;
    let count = if point { dim } else { 2 * dim };
    if rest.len() != count * 8 {
        return Err(Error::malformed(
            ty,
            format!(
                "a cube of {dim} dimensions has {} bytes of coordinates, not {}",
                count * 8,
                rest.len()
            ),
        ));
    }
    let coords: Vec<f64> = rest
        .chunks_exact(8)
        .map(|c| f64::from_be_bytes(c.try_into().unwrap_or_default()))
        .collect();
    Ok(if point {
        Cube::point(coords)
    } else {
        let mut lower = coords;
        let upper = lower.split_off(dim);
        Cube { lower, upper }
    })
}

/// Parses the forms `cube_in` reads: `x, y`, `(x, y)`, `(x, y),(z, w)`,
/// `[(x, y),(z, w)]`, and `()` for no dimensions.
fn parse_text(ty: &Type, raw: &[u8]) -> Result<Cube> {
    let bad = || {
        Error::malformed(
            ty,
            format!("{:?} is not a cube", String::from_utf8_lossy(raw)),
        )
    };
    let s = std::str::from_utf8(raw).map_err(|_| bad())?.trim();
    let s = match s.strip_prefix('[') {
        Some(inner) => inner.strip_suffix(']').ok_or_else(bad)?.trim(),
        None => s,
    };
    let list = |part: &str| -> Result<Vec<f64>> {
        if part.trim().is_empty() {
            return Ok(Vec::new());
        }
        part.split(',')
            .map(|n| parse_f64::<Cube>(ty, n.trim().as_bytes()))
            .collect()
    };
    let cube = if s.is_empty() {
        return Err(bad());
    } else if s.starts_with('(') {
        let mut groups = Vec::new();
        let mut rest = s;
        loop {
            let inner = rest.strip_prefix('(').ok_or_else(bad)?;
            let end = inner.find(')').ok_or_else(bad)?;
            groups.push(list(&inner[..end])?);
            rest = inner[end + 1..].trim_start();
            match rest.strip_prefix(',') {
                Some(next) => rest = next.trim_start(),
                None if rest.is_empty() => break,
                None => return Err(bad()),
            }
        }
        match <[Vec<f64>; 2]>::try_from(groups) {
            Ok([lower, upper]) => {
                Cube::new(lower, upper).map_err(|e| Error::malformed(ty, e.message().to_owned()))?
            }
            Err(groups) if groups.len() == 1 => {
                Cube::point(groups.into_iter().next().unwrap_or_default())
            }
            Err(_) => return Err(bad()),
        }
    } else {
        Cube::point(list(s)?)
    };
    if cube.dim() > CUBE_MAX_DIM {
        return Err(Error::malformed(
            ty,
            too_many(cube.dim()).message().to_owned(),
        ));
    }
    Ok(cube)
}

fn write_list(coords: &[f64], out: &mut BytesMut) {
    out.put_u8(b'(');
    for (i, c) in coords.iter().enumerate() {
        if i > 0 {
            out.put_slice(b", ");
        }
        write_f64(*c, Format::Text, out);
    }
    out.put_u8(b')');
}

/// `cube_out`: one list for a point, two for a box.
fn write_text(cube: &Cube, out: &mut BytesMut) {
    write_list(&cube.lower, out);
    if !cube.is_point() {
        out.put_u8(b',');
        write_list(&cube.upper, out);
    }
}

impl Load<'_> for Cube {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_cube::<Cube>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Cube> {
        check_cube::<Cube>(ctx)?;
        match ctx.format {
            Format::Binary => load_binary(ctx.ty, raw),
            Format::Text => parse_text(ctx.ty, raw),
        }
        .map_err(|e| e.with_rust_type::<Cube>())
    }
}

impl Dump for Cube {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        check_cube::<Cube>(ctx)?;
        if self.dim() > CUBE_MAX_DIM || self.lower.len() != self.upper.len() {
            return Err(too_many(self.dim())
                .with_pg_type(ctx.ty)
                .with_rust_type::<Cube>());
        }
        match ctx.format {
            Format::Binary => {
                // at most CUBE_MAX_DIM, checked above
                let dim = self.dim() as u32;
                if self.is_point() {
                    out.put_u32(dim | POINT_BIT);
                    self.lower.iter().for_each(|c| out.put_f64(*c));
                } else {
                    out.put_u32(dim);
                    self.lower.iter().for_each(|c| out.put_f64(*c));
                    self.upper.iter().for_each(|c| out.put_f64(*c));
                }
            }
            Format::Text => write_text(self, out),
        }
        Ok(IsNull::No)
    }
}

impl StaticType for Cube {
    /// The extension type by name, OID 0 and no schema (the extension may
    /// live in any): the server resolves it.
    fn static_type(_: &Policy) -> Type {
        Type::new("cube".into(), 0, Kind::Simple, String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty() -> Type {
        Type::new("cube".into(), 17_001, Kind::Simple, "public".into())
    }

    #[test]
    fn text_forms() {
        let ty = ty();
        let load = |s: &str| Cube::load(&Ctx::text(&ty), s.as_bytes());
        let b = Cube::new([1.0, 2.0], [3.0, 4.5]).unwrap();
        assert_eq!(load("(1, 2),(3, 4.5)").unwrap(), b);
        assert_eq!(load("[(1,2),(3,4.5)]").unwrap(), b);
        assert_eq!(load(" 1, 2 ").unwrap(), Cube::point([1.0, 2.0]));
        assert_eq!(load("(1),(1)").unwrap(), Cube::point([1.0]));
        assert_eq!(load("()").unwrap(), Cube::point([]));
        assert_eq!(
            load("(NaN, -Infinity)").unwrap().lower()[1],
            f64::NEG_INFINITY
        );
        for bad in ["", "(1", "(1),(2),(3)", "(1),(2, 3)", "(a)", "(1) x"] {
            assert!(load(bad).is_err(), "{bad:?}");
        }
        assert_eq!(b.to_string(), "(1, 2),(3, 4.5)");
        assert_eq!(Cube::point([1e100, -0.5]).to_string(), "(1e+100, -0.5)");
    }

    #[test]
    fn binary_forms() {
        let ty = ty();
        for cube in [
            Cube::point([1.5, -2.0]),
            Cube::new([0.0], [1.0]).unwrap(),
            Cube::point([]),
        ] {
            let mut out = BytesMut::new();
            cube.dump(&Ctx::binary(&ty), &mut out).unwrap();
            assert_eq!(Cube::load(&Ctx::binary(&ty), &out).unwrap(), cube);
        }
        let mut out = BytesMut::new();
        Cube::point([1.0])
            .dump(&Ctx::binary(&ty), &mut out)
            .unwrap();
        assert_eq!(&out[..4], &[0x80, 0, 0, 1]);
        for bad in [
            &[0u8, 0][..],
            &[0, 0, 0, 1, 0],
            &[0, 0, 0, 101],
            &[0x80, 0, 0, 1],
        ] {
            assert!(Cube::load(&Ctx::binary(&ty), bad).is_err(), "{bad:?}");
        }
        assert!(Cube::check(&Ctx::binary(&Type::BOX)).is_err());
    }
}
