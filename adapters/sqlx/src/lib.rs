//! pgcast over sqlx: keep your `PgPool`, `PgConnection`, `Transaction` or
//! pooled connection and gain [`ClientExt`] (and [`PoolExt`] on a pool):
//! composed queries with their bound values, rows decoded straight into
//! Rust types with a plan made once per statement.
//!
//! This crate is only the I/O: what to send and how to read what comes back
//! is decided by [`pgcast_core::exec`], the same for every driver (the
//! module [`run`] says how its actions map onto sqlx). Each physical
//! connection keeps its [`Session`] (registry scope, statement
//! descriptions, row plans), also behind a `PgPool` (see [`session`]).
//! Errors are one [`Error`] with the SQLSTATE, the query, the column and
//! the types.
//!
//! Types with sqlx's own `Type` / `Encode` / `Decode` impls (a
//! `#[derive(sqlx::Type)]` enum, `sqlx::types::Json`, chrono, bigdecimal)
//! need no pgcast impls: bind them as [`SqlxValue`], load rows of them with
//! [`SqlxExt`]'s verbs (see the module [`bridge`] for why loading is a verb).
//!
//! ```no_run
//! # async fn f(pool: sqlx::PgPool) -> Result<(), Box<dyn std::error::Error>> {
//! use pgcast::{FromRow, sql};
//! use pgcast_sqlx::{ClientExt, PoolExt};
//!
//! #[derive(FromRow)]
//! struct User { id: i64, email: String }
//!
//! let table = "users";
//! let min = 10_i64;
//! let q = sql!("SELECT id, email FROM {table:i} WHERE id >= {min} AND email LIKE {pattern}",
//!     pattern = pgcast::sql::Placeholder::named("pattern"));
//! let users: Vec<User> = pool.fetch_all(&q.clone().with("pattern", "%@example.com")).await?;
//! // a checked-out connection or a transaction has the same verbs
//! let mut tx = pool.begin().await?;
//! let n = tx.exec(&sql!("DELETE FROM {table:i} WHERE id < {min}")).await?;
//! tx.rollback().await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bridge;
mod client;
mod copy;
mod cursor;
pub mod run;
pub mod session;
mod stream;
mod wire;

pub use bridge::{SqlxExt, SqlxValue, pg_type_of};
pub use client::{BorrowedRow, ClientExt, Conn, PoolExt, Pooled, Scoped, WithSession};
pub use copy::CopyExt;
pub use cursor::Cursor;
pub use pgcast_core::exec::{
    CursorFetch, Error, ErrorKind, First, Prepare, Record, Result, RowType,
};
pub use run::Statement;
pub use wire::{RowRef, columns, error, transcode};

/// The per-connection state of a sqlx connection: scope, statement
/// descriptions, row plans.
pub type Session = pgcast_core::exec::Session<Statement>;

/// The traits to import: `use pgcast::sqlx::prelude::*;`.
pub mod prelude {
    pub use crate::{ClientExt, CopyExt, CursorFetch, PoolExt, SqlxExt};
}
