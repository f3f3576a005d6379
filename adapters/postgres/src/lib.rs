//! pgcast over the synchronous `postgres` crate: keep your `Client` or
//! `Transaction` and gain [`ClientExt`]: composed queries with their bound
//! values and named parameters, rows decoded straight into Rust types,
//! row iterators, server-side cursors, binary and text `COPY`.
//!
//! It builds on [`pgcast_tokio_postgres`] (`postgres::Row` is
//! `tokio_postgres::Row`): the same [`Session`], [`Params`], [`RowType`]s,
//! [`Record`]s and [`Error`], driven through the blocking client.
//!
//! ```no_run
//! # fn f() -> pgcast_postgres::Result<()> {
//! use pgcast::{FromRow, sql};
//! use pgcast_postgres::{params, ClientExt, PgClient};
//!
//! #[derive(FromRow)]
//! struct User { id: i64, email: String }
//!
//! let client = postgres::Client::connect("host=localhost", postgres::NoTls)?;
//! let mut client = PgClient::new(client);
//! let min = 10_i64;
//! let users: Vec<User> = client.query_as(&sql!("SELECT id, email FROM users WHERE id >= {min}"), params! {})?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod copy;
mod cursor;

pub use client::{ClientExt, Connection, PgClient, RowIter, register_type_info};
pub use copy::CopyOutRows;
pub use cursor::Cursor;
pub use pgcast_tokio_postgres::{
    Error, ErrorKind, First, Params, Record, Request, Result, RowType, Session, params,
};

/// The traits to import: `use pgcast_postgres::prelude::*;`.
pub mod prelude {
    pub use crate::{ClientExt, Connection, PgClient, params};
}
