//! pgcast over tokio-postgres: keep your `Client`, `Transaction` or pooled
//! client and gain [`ClientExt`]: composed queries with their bound values,
//! rows decoded straight into Rust types.
//!
//! This crate is only the I/O: what to send and how to read what comes back
//! is decided by [`pgcast_core::exec`], the same for every driver.
//!
//! - Queries: [`exec`](ClientExt::exec), [`fetch_all`](ClientExt::fetch_all),
//!   [`fetch_one`](ClientExt::fetch_one),
//!   [`fetch_optional`](ClientExt::fetch_optional),
//!   [`fetch_scalar`](ClientExt::fetch_scalar), dynamic
//!   [`fetch_records`](ClientExt::fetch_records),
//!   [`describe`](ClientExt::describe); a per-query scope with
//!   [`with_scope`](ClientExt::with_scope).
//! - Large results: [`fetch_stream`](ClientExt::fetch_stream) decodes rows
//!   as they come off the wire; [`cursor`](ClientExt::cursor) opens a
//!   server-side cursor read with [`Cursor::fetch_many`].
//! - `COPY`: binary in from an iterator or stream of [`ToRow`](pgcast_core::ToRow) values
//!   ([`copy_in_rows`](CopyExt::copy_in_rows),
//!   [`copy_in_stream`](CopyExt::copy_in_stream)), binary out into row
//!   types ([`copy_out_as`](CopyExt::copy_out_as)), text or CSV in and out as
//!   bytes ([`copy_in_raw`](CopyExt::copy_in_raw),
//!   [`copy_out_raw`](CopyExt::copy_out_raw)).
//! - How a query goes out: described first when its result is unseen
//!   (tokio-postgres would otherwise look unseen types up mid-result and
//!   can hang), one round trip when every type is known, prepared and kept
//!   when it repeats — see [`Prepare`].
//! - Per-connection registry: a [`PgClient`]'s session holds its own
//!   [`Adapters`](pgcast_core::Adapters) scope;
//!   [`PgClient::register_types`] fetches custom and extension types from
//!   the catalogue and registers them there.
//! - One [`Error`] over the driver's and pgcast's errors, with the SQLSTATE
//!   ([`Error::code`]), the query, the column and the types.
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
mod client;
mod copy;
mod cursor;
mod rows;
mod stream;

pub use batch::{BatchExt, PIPELINE_DEPTH};
pub use client::{ClientExt, Conn, PgClient, Scoped};
pub use copy::{CopyExt, CopyOutBytes, CopyOutRows};
pub use cursor::Cursor;
pub use pgcast_core::exec::{Error, ErrorKind, First, Prepare, Record, Result, RowType};
pub use rows::{RowRef, columns, error};
pub use stream::RowStream;

/// The per-connection state of a rust-postgres client: scope, statements,
/// descriptions, row plans.
pub type Session = pgcast_core::exec::Session<tokio_postgres::Statement>;

/// The traits to import: `use pgcast::tokio_postgres::prelude::*;`.
pub mod prelude {
    pub use crate::{ClientExt, CopyExt, PgClient};
}
