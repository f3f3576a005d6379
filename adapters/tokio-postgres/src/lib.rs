//! pgcast over tokio-postgres: keep your `Client`, `Transaction` or pooled
//! client and gain [`ClientExt`]: composed queries with their bound values,
//! rows decoded straight into Rust types.
//!
//! This crate is only the I/O: what to send and how to read what comes back
//! is decided by [`pgcast_core::exec`], the same for every driver.
//!
//! The verbs, the same in every adapter, are [`ClientExt`]'s (its docs map
//! them to sqlx, tokio-postgres and psycopg), and `COPY` is [`CopyExt`]'s.
//! How each query goes out is the session's choice (see [`Prepare`]): a
//! result never seen is described first (tokio-postgres would otherwise
//! look its types up mid-result and can hang), one round trip when every
//! type is known, prepared and kept when it repeats. A [`PgClient`] keeps
//! its session (scope, statements, plans) per connection; errors are one
//! [`Error`] with the SQLSTATE, the query, the column and the types.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use pgcast_tokio_postgres::{ClientExt, PgClient};
//! use pgcast::{FromRow, sql};
//!
//! #[derive(FromRow)]
//! struct User { id: i64, email: String }
//!
//! let (client, connection) = tokio_postgres::connect("host=localhost", tokio_postgres::NoTls).await?;
//! tokio::spawn(connection);
//! let client = PgClient::new(client);
//! let table = "users";
//! let min = 10_i64;
//! let q = sql!("SELECT id, email FROM {table:i} WHERE id >= {min} AND email LIKE {pattern}",
//!     pattern = pgcast::sql::Placeholder::named("pattern"));
//! let users: Vec<User> = client.fetch_all(&q.with("pattern", "%@example.com")).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod cancel;
mod client;
mod copy;
mod cursor;
#[cfg(feature = "deadpool")]
pub mod pool;
mod rows;
mod stream;

pub use batch::{BatchExt, PIPELINE_DEPTH};
pub use client::{
    BorrowedRow, ClientExt, Conn, OwnsClient, PgClient, Scoped, TransactionEnd, TransactionExt,
    server_info,
};
pub use copy::{CopyExt, CopyOutRows};
pub use cursor::Cursor;
pub use pgcast_core::exec::{
    CursorFetch, Error, ErrorKind, First, Prepare, Record, Result, RowType,
};
pub use rows::{Described, RowRef, columns, error, simple_rows};
pub use stream::RowStream;

/// The per-connection state of a rust-postgres client: scope, statements,
/// descriptions, row plans.
pub type Session = pgcast_core::exec::Session<tokio_postgres::Statement>;

/// The traits to import: `use pgcast::tokio_postgres::prelude::*;`.
pub mod prelude {
    pub use crate::{ClientExt, CopyExt, CursorFetch, PgClient, TransactionEnd, TransactionExt};
}
