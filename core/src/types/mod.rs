//! The built-in codecs, one module per PostgreSQL type family.

pub(crate) mod array;
pub(crate) mod array_text;
pub(crate) mod array_type;
mod bool;
mod bytea;
pub(crate) mod int;
mod json;
mod macaddr;
mod network;
pub(crate) mod numeric;
pub(crate) mod text;
mod uuid;

pub use array::{Array, Dimension};
pub use array_type::{array_delimiter, array_type_of};
pub use json::{Json, RawJson, RawJsonBuf};
pub use macaddr::{MacAddr, MacAddr8};
pub use network::Inet;
