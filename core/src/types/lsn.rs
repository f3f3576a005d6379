//! `pg_lsn` as [`PgLsn`], a position in the write-ahead log.
//!
//! Binary: a big-endian `u64`. Text: the high and low 32 bits in upper-case
//! hex joined by `/` (`16/B374D848`), as the server prints it.
//!
//! ```
//! use pgcast_core::types::PgLsn;
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let lsn = PgLsn::load(&Ctx::text(&Type::PG_LSN), b"16/B374D848").unwrap();
//! assert_eq!(lsn, PgLsn(0x16_B374_D848));
//! assert_eq!(lsn.to_string(), "16/B374D848");
//! ```

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::types::int::BytesWriter;
use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

/// A write-ahead log position, a value of `pg_lsn`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PgLsn(pub u64);

impl fmt::Display for PgLsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xffff_ffff)
    }
}

/// The error of [`PgLsn::from_str`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsePgLsnError;

impl fmt::Display for ParsePgLsnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a pg_lsn: expected 1 to 8 hex digits, '/', 1 to 8 hex digits")
    }
}

impl std::error::Error for ParsePgLsnError {}

impl FromStr for PgLsn {
    type Err = ParsePgLsnError;

    fn from_str(s: &str) -> std::result::Result<PgLsn, ParsePgLsnError> {
        let half = |h: &str| {
            if (1..=8).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()) {
                u32::from_str_radix(h, 16).map_err(|_| ParsePgLsnError)
            } else {
                Err(ParsePgLsnError)
            }
        };
        let (hi, lo) = s.split_once('/').ok_or(ParsePgLsnError)?;
        Ok(PgLsn(u64::from(half(hi)?) << 32 | u64::from(half(lo)?)))
    }
}

impl From<u64> for PgLsn {
    fn from(v: u64) -> PgLsn {
        PgLsn(v)
    }
}

impl From<PgLsn> for u64 {
    fn from(v: PgLsn) -> u64 {
        v.0
    }
}

impl Load<'_> for PgLsn {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::PG_LSN => Ok(()),
            _ => Err(Error::wrong_type::<PgLsn>(ctx.ty)),
        }
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<PgLsn> {
        Self::check(ctx)?;
        let parsed = match ctx.format {
            Format::Binary => <[u8; 8]>::try_from(raw)
                .ok()
                .map(|b| PgLsn(u64::from_be_bytes(b))),
            Format::Text => std::str::from_utf8(raw).ok().and_then(|s| s.parse().ok()),
        };
        parsed.ok_or_else(|| {
            Error::malformed(
                ctx.ty,
                format!("{:?} is not a pg_lsn", String::from_utf8_lossy(raw)),
            )
            .with_rust_type::<PgLsn>()
        })
    }
}

impl Dump for PgLsn {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::PG_LSN
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        <PgLsn as Load>::check(ctx)?;
        match ctx.format {
            Format::Binary => out.put_u64(self.0),
            Format::Text => {
                use std::fmt::Write;
                let _ = write!(BytesWriter(out), "{self}");
            }
        }
        Ok(IsNull::No)
    }
}

impl StaticType for PgLsn {
    fn static_type(_: &Policy) -> Type {
        Type::PG_LSN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms() {
        assert_eq!("0/0".parse::<PgLsn>().unwrap(), PgLsn(0));
        assert_eq!(PgLsn(u64::MAX).to_string(), "FFFFFFFF/FFFFFFFF");
        for bad in ["", "/", "1/", "/1", "123456789/0", "g/0", "1/2/3", " 1/2"] {
            assert!(bad.parse::<PgLsn>().is_err(), "{bad}");
        }
        assert!(PgLsn::load(&Ctx::binary(&Type::PG_LSN), &[0; 7]).is_err());
        assert!(PgLsn::load(&Ctx::binary(&Type::INT8), &[0; 8]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(v in any::<u64>()) {
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::PG_LSN, fmt);
                let mut out = BytesMut::new();
                PgLsn(v).dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(PgLsn::load(&ctx, &out).unwrap(), PgLsn(v));
            }
        }
    }
}
