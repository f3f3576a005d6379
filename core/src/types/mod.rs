//! The built-in codecs, one module per PostgreSQL type family.

pub(crate) mod array;
pub(crate) mod array_text;
pub(crate) mod array_type;
#[cfg(feature = "bigdecimal")]
mod bigdecimal;
mod bit;
mod bool;
mod bytea;
#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "cidr")]
mod cidr;
pub mod composite;
mod cube;
pub(crate) mod datetime;
mod domain;
pub mod enums;
#[cfg(feature = "eui48")]
mod eui48;
pub(crate) mod float;
#[cfg(feature = "geo-types")]
mod geo_types;
mod geometric;
mod hstore;
pub(crate) mod int;
#[cfg(feature = "ipnet")]
mod ipnet;
#[cfg(feature = "jiff")]
mod jiff;
mod json;
mod lsn;
mod ltree;
#[cfg(feature = "mac_address")]
mod mac_address;
mod macaddr;
mod money;
mod multirange;
mod network;
pub(crate) mod numeric;
#[cfg(feature = "pgvector")]
mod pgvector;
#[cfg(feature = "postgis")]
mod postgis;
pub(crate) mod range;
pub mod record;
#[cfg(feature = "rust_decimal")]
mod rust_decimal;
mod snapshot;
pub(crate) mod text;
mod tsearch;
pub(crate) mod tuple_dump;
mod uuid;
mod vector;
#[cfg(any(
    feature = "bigdecimal",
    feature = "cidr",
    feature = "eui48",
    feature = "ipnet",
    feature = "mac_address"
))]
mod via;
mod void;

pub use array::{Array, Dimension};
pub use array_type::{array_delimiter, array_type_of};
pub use bit::{BitString, ParseBitStringError};
pub use cube::{CUBE_MAX_DIM, Cube};
pub use datetime::{Infinite, Interval, TimeTz};
pub use domain::domain_base;
pub use geometric::{Circle, GeoBox, Line, LineSegment, Path, Point, Polygon};
pub use json::{Json, RawJson, RawJsonBuf};
pub use lsn::{ParsePgLsnError, PgLsn};
pub use ltree::{Lquery, Ltree, Ltxtquery};
pub use macaddr::{MacAddr, MacAddr8};
pub use multirange::Multirange;
pub use network::Inet;
#[cfg(feature = "postgis")]
pub use postgis::PostgisGeometry;
pub use range::{Bound, Range};
pub use snapshot::Snapshot;
pub use tsearch::{Lexeme, Position, TsQuery, TsVector, Weight, Weights};
pub use vector::{
    HalfVector, SPARSEVEC_MAX_DIM, SPARSEVEC_MAX_NNZ, SparseVector, VECTOR_MAX_DIM, Vector,
};

/// `rust_decimal::Decimal`, re-exported so that its codecs are usable
/// without naming the crate (feature `rust_decimal`).
#[cfg(feature = "rust_decimal")]
pub use ::rust_decimal::Decimal;
pub use money::Money;
pub use numeric::Numeric;
pub use tuple_dump::anonymous_record;
