//! pgcast: compose SQL safely and move typed values between Rust and
//! PostgreSQL, over the driver you already use.
//!
//! This facade re-exports [`pgcast_core`] and the [`sql!`] macro; driver
//! adapters and derive macros join it behind features as they land.
//!
//! ```
//! use pgcast::{Ctx, Load};
//! use pgcast::Type;
//!
//! assert_eq!(i64::load(&Ctx::text(&Type::INT8), b"7").unwrap(), 7);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use pgcast_core::*;
pub use pgcast_macros::sql;
