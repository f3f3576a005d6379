//! pgcast-core: safe SQL composition and typed adaptation between Rust and
//! PostgreSQL wire bytes, with no driver dependency.
//!
//! - [`adapt`]: the [`Dump`] / [`Load`] traits, wire [`Format`]s, the
//!   conversion [`Policy`], and the [`Adapters`] registry with copy-on-write
//!   scopes (global → connection → query).
//! - [`types`]: the built-in codecs, one module per PostgreSQL type family,
//!   each in text and binary format.
//! - [`bridge`]: interoperation with `postgres-types` (`ToSql` / `FromSql`)
//!   both ways, which is how rust-postgres drivers plug in.
//! - [`sql`]: safe composition of dynamic SQL: [`Sql`](sql::Sql),
//!   [`Identifier`](sql::Identifier), [`Literal`](sql::Literal),
//!   [`Placeholder`](sql::Placeholder), [`bind`](sql::bind), rendered once into
//!   the query text and its parameters.
//! - [`Value`]: a dynamic value for schema-less work.
//!
//! ```
//! use bytes::BytesMut;
//! use pgcast_core::{Ctx, Dump, Format, Load};
//! use postgres_types::Type;
//!
//! let mut out = BytesMut::new();
//! "héllo".dump(&Ctx::new(&Type::TEXT, Format::Binary), &mut out).unwrap();
//! let back: String = Load::load(&Ctx::binary(&Type::TEXT), &out).unwrap();
//! assert_eq!(back, "héllo");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[doc(hidden)]
pub mod __private;
pub mod adapt;
pub mod bridge;
mod error;
pub mod exec;
pub mod row;
pub mod sql;
pub mod typeinfo;
pub mod types;
mod value;

pub use adapt::{
    Adapters, Ctx, Dump, Dumper, DynDumper, Format, InScope, InfinityPolicy, IsNull, JsonPolicy,
    Load, LoadOwned, Loader, NumericPolicy, Policy, StaticType, TimeZone, ValueLoader,
};
pub use error::{ColumnRef, Error, ErrorKind, Result};
pub use postgres_types::{Kind, Oid, Type};
pub use row::{FromRow, ToRow};
pub use value::Value;
