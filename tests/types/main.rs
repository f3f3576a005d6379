//! Every codec round-trips through a real PostgreSQL server, in both wire
//! formats. One module per type family; `support` (shared with the other
//! test binaries) starts the server and offers `test_type`.

#[path = "../support/mod.rs"]
mod support;

mod array;
mod basic;
mod builtin;
mod crates;
mod datetime;
mod extension;
mod json;
mod network;
mod numeric;
#[cfg(feature = "postgis")]
mod postgis;
mod range;
mod shapes;
mod typeinfo;
mod value;
mod vector;
