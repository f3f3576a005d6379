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

pub use money::Money;
pub use numeric::Numeric;
