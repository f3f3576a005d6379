//! The built-in codecs, one module per PostgreSQL type family.

mod bool;
mod bytea;
pub(crate) mod int;
mod json;
mod macaddr;
mod network;
pub(crate) mod numeric;
pub(crate) mod text;
mod uuid;

pub use json::{Json, RawJson, RawJsonBuf};
pub use macaddr::{MacAddr, MacAddr8};
pub use network::Inet;
