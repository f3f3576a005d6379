//! The `pgvector` crate's `Vector`, `HalfVector` and `SparseVector` load
//! and dump as pgvector's `vector`, `halfvec` and `sparsevec` (feature
//! `pgvector`), through the same codecs as pgcast's own
//! [`Vector`](super::Vector), [`HalfVector`](super::HalfVector) and
//! [`SparseVector`](super::SparseVector), with conversions both ways.

use bytes::BytesMut;
use half::f16;
use postgres_types::Type;

use super::vector::{
    dump_halfvec, dump_sparsevec, dump_vector, load_halfvec, load_sparsevec, load_vector,
};
use crate::{Ctx, Dump, Error, ErrorKind, IsNull, Load, Policy, Result, StaticType};

impl Load<'_> for pgvector::Vector {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        super::Vector::check(ctx).map_err(|e| e.with_rust_type::<Self>())
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Self> {
        load_vector::<Self>(ctx, raw).map(Self::from)
    }
}

impl Dump for pgvector::Vector {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_vector::<Self>(self.as_slice(), ctx, out)
    }
}

impl StaticType for pgvector::Vector {
    fn static_type(policy: &Policy) -> Type {
        super::Vector::static_type(policy)
    }
}

impl From<pgvector::Vector> for super::Vector {
    fn from(v: pgvector::Vector) -> Self {
        super::Vector::from(v.to_vec())
    }
}

impl From<super::Vector> for pgvector::Vector {
    fn from(v: super::Vector) -> Self {
        pgvector::Vector::from(v.into_vec())
    }
}

impl Load<'_> for pgvector::HalfVector {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        super::HalfVector::check(ctx).map_err(|e| e.with_rust_type::<Self>())
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Self> {
        let bits = load_halfvec::<Self>(ctx, raw)?;
        Ok(Self::from(
            bits.into_iter().map(f16::from_bits).collect::<Vec<_>>(),
        ))
    }
}

impl Dump for pgvector::HalfVector {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        let bits: Vec<u16> = self.as_slice().iter().map(|h| h.to_bits()).collect();
        dump_halfvec::<Self>(&bits, ctx, out)
    }
}

impl StaticType for pgvector::HalfVector {
    fn static_type(policy: &Policy) -> Type {
        super::HalfVector::static_type(policy)
    }
}

impl From<pgvector::HalfVector> for super::HalfVector {
    fn from(v: pgvector::HalfVector) -> Self {
        super::HalfVector::from_bits(v.as_slice().iter().map(|h| h.to_bits()).collect())
    }
}

impl From<super::HalfVector> for pgvector::HalfVector {
    fn from(v: super::HalfVector) -> Self {
        pgvector::HalfVector::from(
            v.bits()
                .iter()
                .map(|b| f16::from_bits(*b))
                .collect::<Vec<_>>(),
        )
    }
}

/// The crate keeps dimensions and indices as `i32`.
fn sparse_from_parts<T: ?Sized>(
    dim: usize,
    indices: &[u32],
    values: &[f32],
) -> Result<pgvector::SparseVector> {
    let too_big = || {
        Error::new(
            ErrorKind::OutOfRange,
            format!("a sparsevec of {dim} dimensions does not fit the pgvector crate's i32"),
        )
        .with_rust_type::<T>()
    };
    let dim = i32::try_from(dim).map_err(|_| too_big())?;
    let indices: Vec<i32> = indices
        .iter()
        .map(|i| i32::try_from(*i).map_err(|_| too_big()))
        .collect::<Result<_>>()?;
    Ok(pgvector::SparseVector::from_map(
        indices.iter().zip(values),
        dim,
    ))
}

/// The crate's parts as pgcast's, checked: a negative dimension or index is
/// an error.
fn sparse_parts<T: ?Sized>(v: &pgvector::SparseVector) -> Result<(usize, Vec<u32>)> {
    let negative = |what: String| {
        Error::new(
            ErrorKind::OutOfRange,
            format!("a sparsevec has no negative {what}"),
        )
        .with_rust_type::<T>()
    };
    let dim = usize::try_from(v.dimensions())
        .map_err(|_| negative(format!("dimension ({})", v.dimensions())))?;
    let indices = v
        .indices()
        .iter()
        .map(|i| u32::try_from(*i).map_err(|_| negative(format!("index ({i})"))))
        .collect::<Result<_>>()?;
    Ok((dim, indices))
}

impl Load<'_> for pgvector::SparseVector {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        super::SparseVector::check(ctx).map_err(|e| e.with_rust_type::<Self>())
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Self> {
        let (dim, indices, values) = load_sparsevec::<Self>(ctx, raw)?;
        sparse_from_parts::<Self>(dim, &indices, &values).map_err(|e| e.with_pg_type(ctx.ty))
    }
}

impl Dump for pgvector::SparseVector {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        let (dim, indices) = sparse_parts::<Self>(self).map_err(|e| e.with_pg_type(ctx.ty))?;
        dump_sparsevec::<Self>(dim, &indices, self.values(), ctx, out)
    }
}

impl StaticType for pgvector::SparseVector {
    fn static_type(policy: &Policy) -> Type {
        super::SparseVector::static_type(policy)
    }
}

impl TryFrom<pgvector::SparseVector> for super::SparseVector {
    type Error = Error;

    fn try_from(v: pgvector::SparseVector) -> Result<Self> {
        let (dim, indices) = sparse_parts::<pgvector::SparseVector>(&v)?;
        super::SparseVector::new(dim, indices.into_iter().zip(v.values().iter().copied()))
    }
}

impl TryFrom<super::SparseVector> for pgvector::SparseVector {
    type Error = Error;

    fn try_from(v: super::SparseVector) -> Result<Self> {
        sparse_from_parts::<super::SparseVector>(v.dim(), v.indices(), v.values())
    }
}

#[cfg(test)]
mod tests {
    use postgres_types::Kind;

    use super::*;

    #[test]
    fn the_crate_types_round_trip() {
        let ty = |n: &str| Type::new(n.into(), 18_000, Kind::Simple, "public".into());
        let (vty, hty, sty) = (ty("vector"), ty("halfvec"), ty("sparsevec"));
        for ctx in [Ctx::binary(&vty), Ctx::text(&vty)] {
            let v = pgvector::Vector::from(vec![1.0, -2.5]);
            let mut out = BytesMut::new();
            v.dump(&ctx, &mut out).unwrap();
            assert_eq!(pgvector::Vector::load(&ctx, &out).unwrap(), v);
        }
        for ctx in [Ctx::binary(&hty), Ctx::text(&hty)] {
            let v = pgvector::HalfVector::from_f32_slice(&[1.0, -0.5]);
            let mut out = BytesMut::new();
            v.dump(&ctx, &mut out).unwrap();
            assert_eq!(pgvector::HalfVector::load(&ctx, &out).unwrap(), v);
        }
        for ctx in [Ctx::binary(&sty), Ctx::text(&sty)] {
            let v = pgvector::SparseVector::from_dense(&[0.0, 1.5, 0.0]);
            let mut out = BytesMut::new();
            v.dump(&ctx, &mut out).unwrap();
            assert_eq!(pgvector::SparseVector::load(&ctx, &out).unwrap(), v);
        }
        let ours =
            super::super::SparseVector::try_from(pgvector::SparseVector::from_dense(&[0.0, 2.0]));
        assert_eq!(ours.unwrap().to_dense(), [0.0, 2.0]);
        let v = super::super::HalfVector::from(pgvector::HalfVector::from_f32_slice(&[0.5]));
        assert_eq!(v.to_f32_vec(), [0.5]);
    }
}
