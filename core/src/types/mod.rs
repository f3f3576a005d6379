//! The built-in codecs, one module per PostgreSQL type family.

pub(crate) mod array;
pub(crate) mod array_text;
pub(crate) mod array_type;
mod bool;
mod bytea;
pub(crate) mod datetime;
pub(crate) mod float;
pub(crate) mod int;
mod json;
mod macaddr;
mod money;
mod network;
pub(crate) mod numeric;
#[cfg(feature = "rust_decimal")]
mod rust_decimal;
pub(crate) mod text;
mod uuid;

pub use array::{Array, Dimension};
pub use array_type::{array_delimiter, array_type_of};
pub use datetime::{Infinite, Interval, TimeTz};
pub use json::{Json, RawJson, RawJsonBuf};
pub use macaddr::{MacAddr, MacAddr8};
pub use network::Inet;

/// `rust_decimal::Decimal`, re-exported so that its codecs are usable
/// without naming the crate (feature `rust_decimal`).
#[cfg(feature = "rust_decimal")]
pub use ::rust_decimal::Decimal;
pub use money::Money;
pub use numeric::Numeric;
