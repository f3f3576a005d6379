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
//!
//! Queries are composed, never spliced; `sql!` checks its format string at
//! compile time:
//!
//! ```
//! use pgcast::sql;
//!
//! let table = "users";
//! let column = String::from("e-mail");
//! let id = 42_i64;
//! let q = sql!("SELECT * FROM {table:i} WHERE {column:i} = {id} AND name <> {:l}", "O'Brien");
//! let r = q.render().unwrap();
//! assert_eq!(r.text(), r#"SELECT * FROM "users" WHERE "e-mail" = $1 AND name <> 'O''Brien'"#);
//! assert_eq!(r.params().len(), 1);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use pgcast_core::*;
pub use pgcast_macros::sql;
