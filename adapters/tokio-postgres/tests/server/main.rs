//! The tokio-postgres adapter against a real server: every extension
//! method, streaming, cursors, COPY, type registration, errors and pools.

#[path = "../../../../tests/support/mod.rs"]
mod support;

mod cancel;
mod copy;
mod correctness;
mod cursor;
mod errors;
mod faults;
mod lend;
mod pool;
mod pooler;
mod queries;
mod stream;
mod typeinfo;
