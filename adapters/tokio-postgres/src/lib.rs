//! pgcast over tokio-postgres: keep your `Client`, `Transaction` or pooled
//! client and gain [`ClientExt`]: composed queries with their bound values
//! and named parameters, rows decoded straight into Rust types.
//!
//! - Queries: [`ClientExt::query_as`], [`query_one_as`](ClientExt::query_one_as),
//!   [`query_opt_as`](ClientExt::query_opt_as),
//!   [`query_scalar_as`](ClientExt::query_scalar_as), dynamic
//!   [`query_records`](ClientExt::query_records),
//!   [`exec`](ClientExt::exec); placeholders filled with
//!   [`params!`].
//! - Large results: [`query_stream`](ClientExt::query_stream) decodes rows as
//!   they come off the wire; [`cursor`](ClientExt::cursor) opens a
//!   server-side cursor read with [`Cursor::fetchmany`].
//! - `COPY`: binary in from an iterator or stream of [`ToRow`](pgcast_core::ToRow) values
//!   ([`copy_in_rows`](CopyExt::copy_in_rows),
//!   [`copy_in_stream`](CopyExt::copy_in_stream)), binary out into row
//!   types ([`copy_out_as`](CopyExt::copy_out_as)), text or CSV in and out as
//!   bytes ([`copy_in_raw`](CopyExt::copy_in_raw),
//!   [`copy_out_raw`](CopyExt::copy_out_raw)).
//! - One round trip: a query whose parameter types are all known goes out
//!   unprepared (`query_typed`); other queries are prepared, and a
//!   [`PgClient`]'s [`Session`] caches statements by text and row plans per
//!   statement.
//! - Per-connection registry: a [`PgClient`]'s session holds its own
//!   [`Adapters`](pgcast_core::Adapters) scope;
//!   [`PgClient::register_types`] fetches custom and extension types from
//!   the catalogue and registers them there.
//! - One [`Error`] over the driver's and pgcast's errors, with the SQLSTATE
//!   ([`Error::code`]), the query, the column and the types.
//!
//! ```no_run
//! # async fn f() -> pgcast_tokio_postgres::Result<()> {
//! use pgcast::{FromRow, sql};
//! use pgcast_tokio_postgres::{params, ClientExt, PgClient};
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
//! let users: Vec<User> = client.query_as(&q, params! { "pattern" => "%@example.com" }).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod copy;
mod cursor;
mod error;
mod params;
mod request;
mod rows;
mod session;
mod stream;
mod typeinfo;

pub use client::{ClientExt, Connection, PgClient};
pub use copy::{
    BinaryCopyDecoder, BinaryCopyEncoder, CopyExt, CopyOutBytes, CopyOutRows, CopyRow, decode_copy,
};
pub use cursor::Cursor;
pub use error::{Error, ErrorKind, Result};
pub use params::Params;
pub use request::{Arg, Request};
pub use rows::{AnyPlan, Decoder, First, Record, RecordPlan, RowRef, RowType, describe};
pub use session::Session;
pub use stream::RowStream;
pub use typeinfo::{Resolution, Step, fetch_type_info, register_type_info};

/// Building blocks shared with other rust-postgres adapters (the synchronous
/// `pgcast-postgres` runs the same statements through its own client).
pub mod driver {
    pub use crate::copy::{copy_in_statements, copy_out_statement};
    pub use crate::cursor::{close_sql, declare, fetch_sql};
    pub use crate::typeinfo::parse_row;
}

/// The traits to import: `use pgcast_tokio_postgres::prelude::*;`.
pub mod prelude {
    pub use crate::{ClientExt, Connection, CopyExt, PgClient, params};
}
