//! The built-in codecs, one module per PostgreSQL type family.

mod bool;
mod bytea;
pub(crate) mod float;
pub(crate) mod int;
mod money;
pub(crate) mod numeric;
#[cfg(feature = "rust_decimal")]
mod rust_decimal;
pub(crate) mod text;

/// `rust_decimal::Decimal`, re-exported so that its codecs are usable
/// without naming the crate (feature `rust_decimal`).
#[cfg(feature = "rust_decimal")]
pub use ::rust_decimal::Decimal;
pub use money::Money;
pub use numeric::Numeric;
