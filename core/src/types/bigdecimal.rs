//! `bigdecimal` 0.4 (feature `bigdecimal`): `BigDecimal` as `numeric`,
//! exact at any precision and scale, through [`Numeric`]. `NaN` and
//! ±Infinity, which a `BigDecimal` cannot hold, are errors naming
//! [`Numeric`], which can.
//!
//! ```
//! use bigdecimal::BigDecimal;
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let v = BigDecimal::load(&Ctx::text(&Type::NUMERIC), b"12345678901234567890.000100").unwrap();
//! assert_eq!(v.to_string(), "12345678901234567890.000100");
//! assert!(BigDecimal::load(&Ctx::text(&Type::NUMERIC), b"NaN").is_err());
//! ```

use std::str::FromStr;

use ::bigdecimal::BigDecimal;

use super::numeric::Numeric;
use super::via::via_own;
use crate::{Error, ErrorKind};

via_own!(
    BigDecimal,
    Numeric,
    |ctx, o| {
        if !o.is_finite() {
            return Err(Error::new(
                ErrorKind::OutOfRange,
                format!("a BigDecimal cannot hold {o}; load pgcast::types::Numeric, which can"),
            )
            .with_pg_type(ctx.ty)
            .with_rust_type::<BigDecimal>());
        }
        BigDecimal::from_str(&o.to_string())
            .map_err(|e| Error::malformed(ctx.ty, e.to_string()).with_rust_type::<BigDecimal>())
    },
    |v| Numeric::from_str(&v.to_plain_string())
        .map_err(|e| Error::out_of_range::<BigDecimal>(ctx.ty, format!("{v}: {e}")))?
);
