//! `txid_snapshot` and `pg_snapshot` as [`Snapshot`].
//!
//! Binary: the count of in-progress transactions (`int4`), `xmin` and
//! `xmax` (`int8`), then each in-progress transaction id (`int8`). Text:
//! `xmin:xmax:xip,xip,…`, as the server prints it (`10:20:10,14,15`).
//!
//! ```
//! use pgcast_core::types::Snapshot;
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let s = Snapshot::load(&Ctx::text(&Type::PG_SNAPSHOT), b"10:20:10,14,15").unwrap();
//! assert_eq!(s, Snapshot { xmin: 10, xmax: 20, xip: vec![10, 14, 15] });
//! assert_eq!(s.to_string(), "10:20:10,14,15");
//! ```

use std::fmt;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::types::int::BytesWriter;
use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

/// A transaction snapshot, a value of `pg_snapshot` or `txid_snapshot`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Snapshot {
    /// The earliest transaction id still active.
    pub xmin: u64,
    /// The first transaction id not yet assigned.
    pub xmax: u64,
    /// The transaction ids active at the time, ascending.
    pub xip: Vec<u64>,
}

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:", self.xmin, self.xmax)?;
        for (i, x) in self.xip.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{x}")?;
        }
        Ok(())
    }
}

fn check(ctx: &Ctx<'_>) -> Result<()> {
    match *ctx.ty {
        Type::PG_SNAPSHOT | Type::TXID_SNAPSHOT => Ok(()),
        _ => Err(Error::wrong_type::<Snapshot>(ctx.ty)),
    }
}

fn parse(text: &str) -> Option<Snapshot> {
    let mut parts = text.splitn(3, ':');
    let number = |s: &str| {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            s.parse::<u64>().ok()
        }
    };
    let xmin = number(parts.next()?)?;
    let xmax = number(parts.next()?)?;
    let rest = parts.next()?;
    let xip = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split(',').map(number).collect::<Option<_>>()?
    };
    Some(Snapshot { xmin, xmax, xip })
}

fn read_binary(raw: &[u8]) -> Option<Snapshot> {
    let (n, rest) = raw.split_first_chunk::<4>()?;
    let n = usize::try_from(i32::from_be_bytes(*n)).ok()?;
    if n.checked_mul(8)?.checked_add(16)? != rest.len() {
        return None;
    }
    let mut words = rest
        .chunks_exact(8)
        .map(|c| u64::from_be_bytes(c.try_into().unwrap_or_default()));
    let xmin = words.next()?;
    let xmax = words.next()?;
    Some(Snapshot {
        xmin,
        xmax,
        xip: words.collect(),
    })
}

impl Load<'_> for Snapshot {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Snapshot> {
        check(ctx)?;
        let parsed = match ctx.format {
            Format::Binary => read_binary(raw),
            Format::Text => std::str::from_utf8(raw).ok().and_then(parse),
        };
        parsed.ok_or_else(|| {
            Error::malformed(
                ctx.ty,
                format!("{:?} is not a snapshot", String::from_utf8_lossy(raw)),
            )
            .with_rust_type::<Snapshot>()
        })
    }
}

impl Dump for Snapshot {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::PG_SNAPSHOT
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        check(ctx)?;
        match ctx.format {
            Format::Binary => {
                let n = i32::try_from(self.xip.len()).map_err(|_| {
                    Error::out_of_range::<Snapshot>(ctx.ty, "too many transaction ids")
                })?;
                out.put_i32(n);
                out.put_u64(self.xmin);
                out.put_u64(self.xmax);
                for x in &self.xip {
                    out.put_u64(*x);
                }
            }
            Format::Text => {
                use std::fmt::Write;
                let _ = write!(BytesWriter(out), "{self}");
            }
        }
        Ok(IsNull::No)
    }
}

impl StaticType for Snapshot {
    fn static_type(_: &Policy) -> Type {
        Type::PG_SNAPSHOT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms() {
        let ctx = Ctx::text(&Type::TXID_SNAPSHOT);
        assert_eq!(
            Snapshot::load(&ctx, b"724:724:").unwrap(),
            Snapshot {
                xmin: 724,
                xmax: 724,
                xip: vec![]
            }
        );
        for bad in [&b""[..], b"1:2", b"1:2:a", b"1::", b"1:2:3,", b"-1:2:"] {
            assert!(Snapshot::load(&ctx, bad).is_err(), "{bad:?}");
        }
        let bin = Ctx::binary(&Type::PG_SNAPSHOT);
        assert!(Snapshot::load(&bin, &[0, 0, 0, 1]).is_err());
        assert!(Snapshot::load(&bin, &[255; 20]).is_err());
        assert!(Snapshot::load(&Ctx::binary(&Type::INT8), &[0; 20]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(xmin in any::<u64>(), xmax in any::<u64>(), xip in prop::collection::vec(any::<u64>(), 0..4)) {
            let s = Snapshot { xmin, xmax, xip };
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::PG_SNAPSHOT, fmt);
                let mut out = BytesMut::new();
                s.dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(Snapshot::load(&ctx, &out).unwrap(), s.clone());
            }
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..40)) {
            for fmt in [Format::Binary, Format::Text] {
                let _ = Snapshot::load(&Ctx::new(&Type::TXID_SNAPSHOT, fmt), &raw);
            }
        }
    }
}
