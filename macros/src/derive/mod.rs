//! Derives on Rust types, built like serde_derive: `internals` turns the
//! input into a checked intermediate representation (attributes parsed into
//! plain structs, every error collected with its span), and each derive
//! generates code from that representation only.

mod bound;
pub mod from_row;
pub mod internals;
pub mod pg_type;
pub mod to_row;
