//! Conversion choices a Rust type cannot make alone.

use super::TimeZone;

/// How `numeric` values load where the Rust side does not fix the type
/// (the dynamic [`Value`](crate::Value)), and whether `f64` may take them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum NumericPolicy {
    /// [`Numeric`](crate::types::Numeric): exact, any precision, NaN and ±Infinity.
    #[default]
    Exact,
    /// `rust_decimal::Decimal` (feature `rust_decimal`): exact up to 28 digits,
    /// an out-of-range error beyond.
    Decimal,
    /// `f64`: lossy by choice, so `f64` also loads `numeric` columns.
    Float,
}

/// Which type serde values ([`Json`](crate::types::Json)) are sent as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum JsonPolicy {
    /// `jsonb`, the type most columns have.
    #[default]
    Jsonb,
    /// `json`, which keeps text as written.
    Json,
}

/// What PostgreSQL's `infinity` and `-infinity` dates and timestamps become.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum InfinityPolicy {
    /// An [`ErrorKind::Infinity`](crate::ErrorKind::Infinity) error: nothing is
    /// silently turned into a real date.
    #[default]
    Error,
    /// The Rust type's minimum and maximum stand for `-infinity` and
    /// `infinity`, both ways (psycopg's opt-in mapping).
    Saturate,
}

/// The conversion policy of a scope: the choices that the Rust type alone
/// cannot make. The default is strict: exact numerics, no lossy conversion,
/// infinity an error, serde values as jsonb, instants shown in UTC.
///
/// ```
/// use pgcast_core::{Adapters, NumericPolicy, Policy};
///
/// let mut scope = Adapters::global().scope();
/// scope.set_policy(Policy { numeric: NumericPolicy::Float, ..Policy::DEFAULT });
/// assert!(scope.policy().allows_numeric_as_float());
/// assert!(!Adapters::global().policy().allows_numeric_as_float());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    /// How `numeric` loads into dynamic values, and whether `f64` takes it.
    pub numeric: NumericPolicy,
    /// Which type serde values are sent as.
    pub json: JsonPolicy,
    /// What ±infinity dates and timestamps become.
    pub infinity: InfinityPolicy,
    /// Allow every lossy conversion (`numeric` → `f64`, `float8` → `f32`).
    pub lossy: bool,
    /// The session's time zone: the offset binary `timestamptz` values load
    /// with, as the server's text form and `to_json` show them (see
    /// [`TimeZone`]). UTC by default; set it with
    /// [`Adapters::set_time_zone`](crate::Adapters::set_time_zone).
    pub time_zone: TimeZone,
}

impl Policy {
    /// The strict default.
    pub const DEFAULT: Policy = Policy {
        numeric: NumericPolicy::Exact,
        json: JsonPolicy::Jsonb,
        infinity: InfinityPolicy::Error,
        lossy: false,
        time_zone: TimeZone::UTC,
    };

    /// Whether `numeric` may load into `f64`.
    pub const fn allows_numeric_as_float(&self) -> bool {
        self.lossy || matches!(self.numeric, NumericPolicy::Float)
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::DEFAULT
    }
}
