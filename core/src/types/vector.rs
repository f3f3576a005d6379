//! pgvector's `vector`, `halfvec` and `sparsevec` as [`Vector`],
//! [`HalfVector`] and [`SparseVector`].
//!
//! Extension types have per-database OIDs, so they are recognised by name
//! in any schema. Binary forms (pgvector's `*_send`): `vector` is a 2-byte
//! dimension, 2 unused bytes, then each element as `float4`; `halfvec` the
//! same with each element as the 2 bytes of an IEEE half-precision float;
//! `sparsevec` a 4-byte dimension, the number of non-zero elements, 4 unused
//! bytes, the zero-based indices (ascending) as `int4`, then the values as
//! `float4`. Text forms: `[1,2.5,3]`, and `{1:1.5,3:2}/5` with one-based
//! indices. pgvector refuses NaN, infinities and empty vectors; so does
//! pgcast, before anything is sent.

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use crate::types::float::{parse_f32, write_f32};
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// The most dimensions a `vector` or `halfvec` can have (pgvector's
/// `VECTOR_MAX_DIM`, `HALFVEC_MAX_DIM`).
pub const VECTOR_MAX_DIM: usize = 16_000;
/// The most dimensions a `sparsevec` can have (`SPARSEVEC_MAX_DIM`).
pub const SPARSEVEC_MAX_DIM: usize = 1_000_000_000;
/// The most non-zero elements a `sparsevec` can have (`SPARSEVEC_MAX_NNZ`).
pub const SPARSEVEC_MAX_NNZ: usize = 16_000;

fn check_name<T: ?Sized>(ctx: &Ctx<'_>, name: &str) -> Result<()> {
    if ctx.ty.name() == name {
        Ok(())
    } else {
        Err(Error::wrong_type::<T>(ctx.ty))
    }
}

fn by_name(name: &str) -> Type {
    Type::new(name.into(), 0, Kind::Simple, String::new())
}

fn bad_element<T: ?Sized>(ty: &Type, index: usize, value: f32) -> Error {
    Error::out_of_range::<T>(
        ty,
        format!(
            "element {index} is {value}; {} holds finite values only",
            ty.name()
        ),
    )
}

fn check_dim<T: ?Sized>(ty: &Type, dim: usize, max: usize) -> Result<()> {
    if dim == 0 {
        Err(Error::out_of_range::<T>(
            ty,
            format!("a {} needs at least 1 dimension", ty.name()),
        ))
    } else if dim > max {
        Err(Error::out_of_range::<T>(
            ty,
            format!("a {} has at most {max} dimensions, not {dim}", ty.name()),
        ))
    } else {
        Ok(())
    }
}

/// The `[1,2,3]` text form's elements.
fn parse_list<T: ?Sized>(ty: &Type, raw: &[u8]) -> Result<Vec<f32>> {
    let s = std::str::from_utf8(raw)
        .ok()
        .map(str::trim)
        .and_then(|s| s.strip_prefix('['))
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(|| {
            Error::malformed(
                ty,
                format!("{:?} is not a {}", String::from_utf8_lossy(raw), ty.name()),
            )
            .with_rust_type::<T>()
        })?;
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|n| parse_f32::<T>(ty, n.as_bytes()))
        .collect()
}

fn write_list(values: impl Iterator<Item = f32>, out: &mut BytesMut) {
    out.put_u8(b'[');
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        write_f32(v, Format::Text, out);
    }
    out.put_u8(b']');
}

/// The 4-byte header of `vector` and `halfvec`: the dimension and 0.
fn read_header<'r, T: ?Sized>(
    ty: &Type,
    raw: &'r [u8],
    elem_len: usize,
) -> Result<(usize, &'r [u8])> {
    let Some(([d0, d1, u0, u1], rest)) = raw.split_first_chunk::<4>() else {
        return Err(Error::malformed(ty, format!("{} truncated", ty.name())).with_rust_type::<T>());
    };
    let dim = i16::from_be_bytes([*d0, *d1]);
    let unused = i16::from_be_bytes([*u0, *u1]);
    let dim = usize::try_from(dim).unwrap_or(usize::MAX);
    if unused != 0 || rest.len() != dim.saturating_mul(elem_len) {
        return Err(Error::malformed(
            ty,
            format!(
                "a {} of {dim} dimensions cannot be {} bytes long",
                ty.name(),
                raw.len()
            ),
        )
        .with_rust_type::<T>());
    }
    Ok((dim, rest))
}

/// A pgvector `vector`: single-precision elements.
///
/// ```
/// use pgcast_core::types::Vector;
/// use pgcast_core::{Ctx, Kind, Load, Type};
///
/// let ty = Type::new("vector".into(), 18_001, Kind::Simple, "public".into());
/// let v: Vector = Load::load(&Ctx::text(&ty), b"[1,2.5,-3]").unwrap();
/// assert_eq!(v.as_slice(), [1.0, 2.5, -3.0]);
/// let v: Vector = Load::load(&Ctx::binary(&ty), &[0, 1, 0, 0, 0x3f, 0x80, 0, 0]).unwrap();
/// assert_eq!(v, Vector::from(vec![1.0]));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vector(Vec<f32>);

impl Vector {
    /// The elements.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    /// The elements, owned.
    pub fn into_vec(self) -> Vec<f32> {
        self.0
    }
}

impl From<Vec<f32>> for Vector {
    fn from(v: Vec<f32>) -> Vector {
        Vector(v)
    }
}

impl From<&[f32]> for Vector {
    fn from(v: &[f32]) -> Vector {
        Vector(v.to_vec())
    }
}

impl From<Vector> for Vec<f32> {
    fn from(v: Vector) -> Vec<f32> {
        v.0
    }
}

/// Checks and writes `vector` elements: shared with the `pgvector` crate's type.
pub(crate) fn dump_vector<T: ?Sized>(
    values: &[f32],
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    check_name::<T>(ctx, "vector")?;
    check_dim::<T>(ctx.ty, values.len(), VECTOR_MAX_DIM)?;
    if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(bad_element::<T>(ctx.ty, i, *v));
    }
    match ctx.format {
        Format::Binary => {
            // at most VECTOR_MAX_DIM, checked above
            out.put_i16(values.len() as i16);
            out.put_i16(0);
            values.iter().for_each(|v| out.put_f32(*v));
        }
        Format::Text => write_list(values.iter().copied(), out),
    }
    Ok(IsNull::No)
}

/// Reads `vector` elements in either format.
pub(crate) fn load_vector<T: ?Sized>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Vec<f32>> {
    check_name::<T>(ctx, "vector")?;
    match ctx.format {
        Format::Binary => {
            let (_, rest) = read_header::<T>(ctx.ty, raw, 4)?;
            Ok(rest
                .chunks_exact(4)
                .map(|c| f32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect())
        }
        Format::Text => parse_list::<T>(ctx.ty, raw),
    }
}

impl Load<'_> for Vector {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_name::<Vector>(ctx, "vector")
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Vector> {
        load_vector::<Vector>(ctx, raw).map(Vector)
    }
}

impl Dump for Vector {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_vector::<Vector>(&self.0, ctx, out)
    }
}

impl StaticType for Vector {
    /// The extension type by name, OID 0 and no schema: the server resolves it.
    fn static_type(_: &Policy) -> Type {
        by_name("vector")
    }
}

/// The IEEE half-precision bits nearest to `x` (ties to even); `None` when
/// it rounds to an infinity or is not finite.
pub(crate) fn f32_to_half(x: f32) -> Option<u16> {
    if !x.is_finite() {
        return None;
    }
    let b = x.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xff) as i32;
    let man = b & 0x7f_ffff;
    let e = exp - 127 + 15;
    let bits = if e >= 0x1f {
        return None;
    } else if e <= 0 {
        if e < -10 {
            0
        } else {
            // subnormal: the value in units of 2^-24
            let m = man | 0x80_0000;
            let shift = (14 - e) as u32;
            let half = 1u32 << (shift - 1);
            let rem = m & ((1 << shift) - 1);
            let r = m >> shift;
            r + u32::from(rem > half || (rem == half && r & 1 == 1))
        }
    } else {
        let r = ((e as u32) << 10) | (man >> 13);
        let rem = man & 0x1fff;
        // a carry into the exponent is the right rounding, up to infinity
        r + u32::from(rem > 0x1000 || (rem == 0x1000 && r & 1 == 1))
    };
    if bits >= 0x7c00 {
        return None;
    }
    Some(sign | bits as u16)
}

/// The value of IEEE half-precision bits.
pub(crate) fn half_to_f32(h: u16) -> f32 {
    let negative = h & 0x8000 != 0;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let magnitude = match exp {
        0 => man as f32 * f32::from_bits(0x3380_0000), // 2^-24
        0x1f if man == 0 => f32::INFINITY,
        0x1f => f32::NAN,
        _ => f32::from_bits(((exp + 112) << 23) | (man << 13)),
    };
    if negative { -magnitude } else { magnitude }
}

/// A pgvector `halfvec`: half-precision elements, kept as their bits and
/// read as `f32` (every half value is exact as an `f32`).
///
/// [`HalfVector::new`] takes values that are exact in half precision and
/// refuses others; [`HalfVector::rounded`] rounds, as the server does when
/// it reads `[0.1]::halfvec`.
///
/// ```
/// use pgcast_core::types::HalfVector;
///
/// let v = HalfVector::new(&[1.0, -0.5, 65504.0]).unwrap();
/// assert_eq!(v.to_f32_vec(), [1.0, -0.5, 65504.0]);
/// assert!(HalfVector::new(&[0.1]).is_err());
/// assert_eq!(HalfVector::rounded(&[0.1]).unwrap().to_f32_vec(), [0.099975586]);
/// assert!(HalfVector::rounded(&[1e6]).is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct HalfVector(Vec<u16>);

impl HalfVector {
    /// A vector of these values, each exact in half precision.
    pub fn new(values: &[f32]) -> Result<HalfVector> {
        let v = HalfVector::rounded(values)?;
        for (i, (h, x)) in v.0.iter().zip(values).enumerate() {
            if half_to_f32(*h) != *x {
                return Err(Error::new(
                    ErrorKind::OutOfRange,
                    format!(
                        "element {i} ({x}) is not exact in half precision; HalfVector::rounded rounds it"
                    ),
                )
                .with_rust_type::<HalfVector>());
            }
        }
        Ok(v)
    }

    /// A vector of these values rounded to half precision (to nearest,
    /// ties to even); values beyond ±65504 and non-finite ones are errors.
    pub fn rounded(values: &[f32]) -> Result<HalfVector> {
        values
            .iter()
            .enumerate()
            .map(|(i, x)| {
                f32_to_half(*x).ok_or_else(|| {
                    Error::new(
                        ErrorKind::OutOfRange,
                        format!("element {i} ({x}) is out of range for half precision"),
                    )
                    .with_rust_type::<HalfVector>()
                })
            })
            .collect::<Result<Vec<u16>>>()
            .map(HalfVector)
    }

    /// A vector of these IEEE half-precision bit patterns.
    pub fn from_bits(bits: Vec<u16>) -> HalfVector {
        HalfVector(bits)
    }

    /// The elements' IEEE half-precision bit patterns.
    pub fn bits(&self) -> &[u16] {
        &self.0
    }

    /// The elements as `f32` (exact).
    pub fn to_f32_vec(&self) -> Vec<f32> {
        self.0.iter().map(|h| half_to_f32(*h)).collect()
    }
}

/// Reads `halfvec` elements (bits) in either format.
pub(crate) fn load_halfvec<T: ?Sized>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Vec<u16>> {
    check_name::<T>(ctx, "halfvec")?;
    match ctx.format {
        Format::Binary => {
            let (_, rest) = read_header::<T>(ctx.ty, raw, 2)?;
            Ok(rest
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect())
        }
        Format::Text => parse_list::<T>(ctx.ty, raw)?
            .iter()
            .enumerate()
            .map(|(i, x)| {
                f32_to_half(*x).ok_or_else(|| {
                    Error::malformed(ctx.ty, format!("element {i} ({x}) is not a half"))
                        .with_rust_type::<T>()
                })
            })
            .collect(),
    }
}

/// Checks and writes `halfvec` elements given as bits.
pub(crate) fn dump_halfvec<T: ?Sized>(
    bits: &[u16],
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    check_name::<T>(ctx, "halfvec")?;
    check_dim::<T>(ctx.ty, bits.len(), VECTOR_MAX_DIM)?;
    if let Some((i, h)) = bits.iter().enumerate().find(|(_, h)| *h & 0x7c00 == 0x7c00) {
        return Err(bad_element::<T>(ctx.ty, i, half_to_f32(*h)));
    }
    match ctx.format {
        Format::Binary => {
            // at most VECTOR_MAX_DIM, checked above
            out.put_i16(bits.len() as i16);
            out.put_i16(0);
            bits.iter().for_each(|h| out.put_u16(*h));
        }
        Format::Text => write_list(bits.iter().map(|h| half_to_f32(*h)), out),
    }
    Ok(IsNull::No)
}

impl Load<'_> for HalfVector {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_name::<HalfVector>(ctx, "halfvec")
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<HalfVector> {
        load_halfvec::<HalfVector>(ctx, raw).map(HalfVector)
    }
}

impl Dump for HalfVector {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_halfvec::<HalfVector>(&self.0, ctx, out)
    }
}

impl StaticType for HalfVector {
    /// The extension type by name, OID 0 and no schema: the server resolves it.
    fn static_type(_: &Policy) -> Type {
        by_name("halfvec")
    }
}

/// A pgvector `sparsevec`: a dimension and its non-zero elements by
/// zero-based index, ascending. Zeros are not kept (as on the server), so
/// equal vectors compare equal however they were built.
///
/// ```
/// use pgcast_core::types::SparseVector;
/// use pgcast_core::{Ctx, Kind, Load, Type};
///
/// let ty = Type::new("sparsevec".into(), 18_003, Kind::Simple, "public".into());
/// let v: SparseVector = Load::load(&Ctx::text(&ty), b"{1:1.5,3:2}/5").unwrap();
/// assert_eq!((v.dim(), v.indices(), v.values()), (5, &[0, 2][..], &[1.5, 2.0][..]));
/// assert_eq!(v.to_dense(), [1.5, 0.0, 2.0, 0.0, 0.0]);
/// assert_eq!(SparseVector::from_dense(&[1.5, 0.0, 2.0, 0.0, 0.0]), v);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparseVector {
    dim: usize,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl SparseVector {
    /// A vector of `dim` dimensions with these `(zero-based index, value)`
    /// elements, in any order; zeros are dropped. An index out of range or
    /// given twice is an error.
    pub fn new(dim: usize, elements: impl IntoIterator<Item = (u32, f32)>) -> Result<SparseVector> {
        let mut elements: Vec<(u32, f32)> =
            elements.into_iter().filter(|(_, v)| *v != 0.0).collect();
        elements.sort_by_key(|(i, _)| *i);
        for pair in elements.windows(2) {
            if pair[0].0 == pair[1].0 {
                return Err(Error::new(
                    ErrorKind::OutOfRange,
                    format!("index {} is given twice", pair[0].0),
                )
                .with_rust_type::<SparseVector>());
            }
        }
        if let Some((i, _)) = elements.last()
            && *i as usize >= dim
        {
            return Err(Error::new(
                ErrorKind::OutOfRange,
                format!("index {i} is beyond the {dim} dimensions (indices count from 0)"),
            )
            .with_rust_type::<SparseVector>());
        }
        let (indices, values) = elements.into_iter().unzip();
        Ok(SparseVector {
            dim,
            indices,
            values,
        })
    }

    /// The sparse form of a dense vector.
    pub fn from_dense(values: &[f32]) -> SparseVector {
        let (indices, kept) = values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v != 0.0)
            .map(|(i, v)| (i as u32, *v))
            .unzip();
        SparseVector {
            dim: values.len(),
            indices,
            values: kept,
        }
    }

    /// The number of dimensions.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The zero-based indices of the non-zero elements, ascending.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The non-zero elements, in the order of [`indices`](Self::indices).
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The dense form: `dim` elements.
    pub fn to_dense(&self) -> Vec<f32> {
        let mut dense = vec![0.0; self.dim];
        for (i, v) in self.indices.iter().zip(&self.values) {
            if let Some(slot) = dense.get_mut(*i as usize) {
                *slot = *v;
            }
        }
        dense
    }
}

/// Reads a `sparsevec` in either format: `(dim, indices, values)`.
pub(crate) fn load_sparsevec<T: ?Sized>(
    ctx: &Ctx<'_>,
    raw: &[u8],
) -> Result<(usize, Vec<u32>, Vec<f32>)> {
    check_name::<T>(ctx, "sparsevec")?;
    let ty = ctx.ty;
    let bad = |what: String| Error::malformed(ty, what).with_rust_type::<T>();
    let (dim, elements): (usize, Vec<(u32, f32)>) = match ctx.format {
        Format::Binary => {
            let int = |at: usize| -> Result<i32> {
                raw.get(at..at + 4)
                    .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                    .ok_or_else(|| bad("sparsevec truncated".into()))
            };
            let (dim, nnz, unused) = (int(0)?, int(4)?, int(8)?);
            let nnz = usize::try_from(nnz).map_err(|_| bad(format!("{nnz} elements")))?;
            if unused != 0 || raw.len() != 12 + nnz.saturating_mul(8) {
                return Err(bad(format!(
                    "a sparsevec of {nnz} elements cannot be {} bytes long",
                    raw.len()
                )));
            }
            let dim = usize::try_from(dim).map_err(|_| bad(format!("dimension {dim}")))?;
            let values = &raw[12 + nnz * 4..];
            let elements = (0..nnz)
                .map(|k| {
                    let i = int(12 + k * 4)?;
                    let i = u32::try_from(i).map_err(|_| bad(format!("index {i}")))?;
                    let b = &values[k * 4..k * 4 + 4];
                    Ok((i, f32::from_be_bytes([b[0], b[1], b[2], b[3]])))
                })
                .collect::<Result<_>>()?;
            (dim, elements)
        }
        Format::Text => {
            let text = std::str::from_utf8(raw).map_err(|_| bad("invalid UTF-8".into()))?;
            let malformed = || bad(format!("{text:?} is not a sparsevec"));
            let (body, dim) = text.trim().rsplit_once('/').ok_or_else(malformed)?;
            let dim: usize = dim.trim().parse().map_err(|_| malformed())?;
            let body = body
                .trim()
                .strip_prefix('{')
                .and_then(|b| b.strip_suffix('}'))
                .ok_or_else(malformed)?;
            let elements = if body.trim().is_empty() {
                Vec::new()
            } else {
                body.split(',')
                    .map(|pair| {
                        let (i, v) = pair.split_once(':').ok_or_else(malformed)?;
                        let i: u32 = i.trim().parse().map_err(|_| malformed())?;
                        let i = i.checked_sub(1).ok_or_else(malformed)?;
                        Ok((i, parse_f32::<T>(ty, v.as_bytes())?))
                    })
                    .collect::<Result<_>>()?
            };
            (dim, elements)
        }
    };
    let v = SparseVector::new(dim, elements).map_err(|e| bad(e.message().to_owned()))?;
    Ok((v.dim, v.indices, v.values))
}

/// Checks and writes a `sparsevec` whose indices ascend and values are
/// non-zero.
pub(crate) fn dump_sparsevec<T: ?Sized>(
    dim: usize,
    indices: &[u32],
    values: &[f32],
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    check_name::<T>(ctx, "sparsevec")?;
    check_dim::<T>(ctx.ty, dim, SPARSEVEC_MAX_DIM)?;
    if indices.len() != values.len() || indices.len() > SPARSEVEC_MAX_NNZ {
        return Err(Error::out_of_range::<T>(
            ctx.ty,
            format!(
                "{} indices for {} values; a sparsevec has at most {SPARSEVEC_MAX_NNZ} non-zero elements",
                indices.len(),
                values.len()
            ),
        ));
    }
    if let Some((k, _)) = indices
        .iter()
        .enumerate()
        .find(|(k, i)| **i as usize >= dim || (*k > 0 && indices[k - 1] >= **i))
    {
        return Err(Error::out_of_range::<T>(
            ctx.ty,
            format!(
                "index {} is out of order or beyond the {dim} dimensions",
                indices[k]
            ),
        ));
    }
    if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(bad_element::<T>(ctx.ty, i, *v));
    }
    match ctx.format {
        Format::Binary => {
            // bounded by SPARSEVEC_MAX_DIM and SPARSEVEC_MAX_NNZ, checked above
            out.put_i32(dim as i32);
            out.put_i32(indices.len() as i32);
            out.put_i32(0);
            indices.iter().for_each(|i| out.put_i32(*i as i32));
            values.iter().for_each(|v| out.put_f32(*v));
        }
        Format::Text => {
            out.put_u8(b'{');
            for (k, (i, v)) in indices.iter().zip(values).enumerate() {
                if k > 0 {
                    out.put_u8(b',');
                }
                out.put_slice((u64::from(*i) + 1).to_string().as_bytes());
                out.put_u8(b':');
                write_f32(*v, Format::Text, out);
            }
            out.put_u8(b'}');
            out.put_u8(b'/');
            out.put_slice(dim.to_string().as_bytes());
        }
    }
    Ok(IsNull::No)
}

impl Load<'_> for SparseVector {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_name::<SparseVector>(ctx, "sparsevec")
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<SparseVector> {
        let (dim, indices, values) = load_sparsevec::<SparseVector>(ctx, raw)?;
        Ok(SparseVector {
            dim,
            indices,
            values,
        })
    }
}

impl Dump for SparseVector {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_sparsevec::<SparseVector>(self.dim, &self.indices, &self.values, ctx, out)
    }
}

impl StaticType for SparseVector {
    /// The extension type by name, OID 0 and no schema: the server resolves it.
    fn static_type(_: &Policy) -> Type {
        by_name("sparsevec")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(name: &str) -> Type {
        Type::new(name.into(), 18_000, Kind::Simple, "public".into())
    }

    fn both<T: for<'a> Load<'a> + Dump + PartialEq + std::fmt::Debug>(name: &str, v: &T) {
        let ty = ty(name);
        for ctx in [Ctx::binary(&ty), Ctx::text(&ty)] {
            let mut out = BytesMut::new();
            v.dump(&ctx, &mut out).unwrap();
            assert_eq!(&T::load(&ctx, &out).unwrap(), v, "{:?}", ctx.format);
        }
    }

    #[test]
    fn round_trips_in_both_formats() {
        both("vector", &Vector::from(vec![1.0, -2.5, 1e-7, 3.4e38]));
        both(
            "halfvec",
            &HalfVector::new(&[1.0, -0.5, 65504.0, f32::from_bits(0x3380_0000)]).unwrap(),
        );
        both(
            "sparsevec",
            &SparseVector::new(5, [(4, 1.5), (0, -2.0)]).unwrap(),
        );
        both("sparsevec", &SparseVector::new(3, []).unwrap());
    }

    #[test]
    fn server_bytes() {
        // SELECT '[1,2]'::vector, '[1,2]'::halfvec, '{2:3}/4'::sparsevec (binary)
        let v = Vector::load(
            &Ctx::binary(&ty("vector")),
            &[0, 2, 0, 0, 0x3f, 0x80, 0, 0, 0x40, 0, 0, 0],
        );
        assert_eq!(v.unwrap().as_slice(), [1.0, 2.0]);
        let h = HalfVector::load(
            &Ctx::binary(&ty("halfvec")),
            &[0, 2, 0, 0, 0x3c, 0, 0x40, 0],
        );
        assert_eq!(h.unwrap().to_f32_vec(), [1.0, 2.0]);
        let s = SparseVector::load(
            &Ctx::binary(&ty("sparsevec")),
            &[
                0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x40, 0x40, 0, 0,
            ],
        );
        assert_eq!(s.unwrap(), SparseVector::new(4, [(1, 3.0)]).unwrap());
        let mut out = BytesMut::new();
        SparseVector::new(4, [(1, 3.0)])
            .unwrap()
            .dump(&Ctx::text(&ty("sparsevec")), &mut out)
            .unwrap();
        assert_eq!(&out[..], b"{2:3}/4");
    }

    #[test]
    fn refusals() {
        let vty = ty("vector");
        let mut out = BytesMut::new();
        for bad in [vec![], vec![f32::NAN], vec![f32::INFINITY]] {
            assert!(
                Vector::from(bad)
                    .dump(&Ctx::binary(&vty), &mut out)
                    .is_err()
            );
        }
        for bad in [&[0u8, 1, 0, 0][..], &[0, 1, 0, 1, 0, 0, 0, 0], &[0, 1]] {
            assert!(Vector::load(&Ctx::binary(&vty), bad).is_err(), "{bad:?}");
        }
        assert!(Vector::load(&Ctx::text(&vty), b"1,2").is_err());
        assert!(SparseVector::new(2, [(2, 1.0)]).is_err());
        assert!(SparseVector::new(2, [(1, 1.0), (1, 2.0)]).is_err());
        let sty = ty("sparsevec");
        for bad in ["{0:1}/2", "{3:1}/2", "{1:1}", "1:1/2"] {
            assert!(
                SparseVector::load(&Ctx::text(&sty), bad.as_bytes()).is_err(),
                "{bad}"
            );
        }
        assert!(Vector::check(&Ctx::binary(&sty)).is_err());
    }

    #[test]
    fn half_precision() {
        for bits in 0..=u16::MAX {
            let x = half_to_f32(bits);
            if x.is_finite() {
                let back = f32_to_half(x).unwrap();
                assert!(
                    back == bits || (x == 0.0 && back & 0x7fff == 0),
                    "{bits:#x}"
                );
            }
        }
        assert_eq!(f32_to_half(65520.0), None, "rounds to infinity");
        assert_eq!(f32_to_half(65519.0), Some(0x7bff));
        assert_eq!(
            f32_to_half(2.0_f32.powi(-25)),
            Some(0),
            "a tie rounds to even"
        );
        assert_eq!(f32_to_half(1.5 * 2.0_f32.powi(-24)), Some(2));
    }
}
