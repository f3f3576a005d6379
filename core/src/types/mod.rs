//! The built-in codecs, one module per PostgreSQL type family.

pub(crate) mod array;
pub(crate) mod array_text;
pub(crate) mod array_type;
mod bool;
mod bytea;
pub mod composite;
pub(crate) mod datetime;
mod domain;
pub mod enums;
pub(crate) mod float;
mod hstore;
pub(crate) mod int;
mod json;
mod ltree;
mod macaddr;
mod money;
mod multirange;
mod network;
pub(crate) mod numeric;
pub(crate) mod range;
pub mod record;
#[cfg(feature = "rust_decimal")]
mod rust_decimal;
pub(crate) mod text;
pub(crate) mod tuple_dump;
mod uuid;

pub use array::{Array, Dimension};
pub use array_type::{array_delimiter, array_type_of};
pub use datetime::{Infinite, Interval, TimeTz};
pub use domain::domain_base;
pub use json::{Json, RawJson, RawJsonBuf};
pub use ltree::{Lquery, Ltree};
pub use macaddr::{MacAddr, MacAddr8};
pub use multirange::Multirange;
pub use network::Inet;
pub use range::{Bound, Range};

/// `rust_decimal::Decimal`, re-exported so that its codecs are usable
/// without naming the crate (feature `rust_decimal`).
#[cfg(feature = "rust_decimal")]
pub use ::rust_decimal::Decimal;
pub use money::Money;
pub use numeric::Numeric;
pub use tuple_dump::anonymous_record;
