//! The built-in codecs, one module per PostgreSQL type family.

mod bool;
mod bytea;
mod hstore;
pub(crate) mod int;
mod json;
mod ltree;
mod macaddr;
mod multirange;
mod network;
pub(crate) mod numeric;
pub(crate) mod range;
pub(crate) mod text;
mod uuid;

pub use json::{Json, RawJson, RawJsonBuf};
pub use ltree::{Lquery, Ltree};
pub use macaddr::{MacAddr, MacAddr8};
pub use multirange::Multirange;
pub use network::Inet;
pub use range::{Bound, Range};
