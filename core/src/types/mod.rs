//! The built-in codecs, one module per PostgreSQL type family.

mod bool;
mod bytea;
pub(crate) mod datetime;
pub(crate) mod int;
pub(crate) mod numeric;
pub(crate) mod text;

pub use datetime::{Infinite, Interval, TimeTz};
