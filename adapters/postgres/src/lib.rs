//! pgcast over the synchronous `postgres` crate: keep your `Client` or
//! `Transaction` and gain [`ClientExt`]: composed queries with their bound
//! values, rows decoded straight into Rust types, row iterators,
//! server-side cursors, binary and text `COPY`.
//!
//! The same verbs as the tokio-postgres adapter, driving the same
//! execution core ([`pgcast_core::exec`]) with blocking I/O; `postgres::Row`
//! is `tokio_postgres::Row`, so the row access and error conversion are
//! that adapter's.
//!
//! ```no_run
//! # fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use pgcast_postgres::{ClientExt, PgClient};
//! use pgcast::{FromRow, sql};
//!
//! #[derive(FromRow)]
//! struct User { id: i64, email: String }
//!
//! let client = postgres::Client::connect("host=localhost", postgres::NoTls)?;
//! let mut client = PgClient::new(client);
//! let min = 10_i64;
//! let users: Vec<User> = client.fetch_all(&sql!("SELECT id, email FROM users WHERE id >= {min}"))?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod cancel;
mod client;
mod copy;
mod cursor;

pub use batch::BatchExt;
pub use client::{ClientExt, Conn, PgClient, RowIter, Scoped, TransactionEnd, TransactionExt};
pub use copy::CopyOutRows;
pub use cursor::Cursor;
pub use pgcast_tokio_postgres::{
    BorrowedRow, Error, ErrorKind, First, Prepare, Record, Result, RowType, Session,
};

/// The traits to import: `use pgcast::postgres::prelude::*;`.
pub mod prelude {
    pub use crate::{ClientExt, PgClient, TransactionEnd, TransactionExt};
}
