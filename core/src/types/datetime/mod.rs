//! Dates, times, timestamps and intervals, with the `time` crate.
//!
//! | PostgreSQL    | Rust                                   |
//! |---------------|----------------------------------------|
//! | `date`        | `time::Date`, [`Infinite<Date>`](Infinite) |
//! | `time`        | `time::Time`                           |
//! | `timetz`      | [`TimeTz`]                             |
//! | `timestamp`   | `time::PrimitiveDateTime`, [`Infinite`] of it |
//! | `timestamptz` | `time::OffsetDateTime`, [`Infinite`] of it |
//! | `interval`    | [`Interval`], `time::Duration` (exact spans only) |
//!
//! PostgreSQL keeps microseconds: dumping a value with a sub-microsecond
//! part is a [`Lossy`](crate::ErrorKind::Lossy) error unless the policy
//! allows lossy conversions, which round half to even. Values outside
//! PostgreSQL's range (4713 BC to 5874897 AD for dates, 294276 AD for
//! timestamps) or the `time` crate's (±9999 unless its `large-dates`
//! feature is on) are [`OutOfRange`](crate::ErrorKind::OutOfRange) errors.
//! `infinity` follows the [`InfinityPolicy`](crate::InfinityPolicy), or is
//! kept as such by [`Infinite`].
//!
//! Text is read and written as the server prints it with `DateStyle` ISO,
//! its default (`2024-02-29 13:45:06.5+01`, `0044-03-15 BC`); other
//! DateStyles are not parsed. Intervals are read in every `IntervalStyle`.

mod date;
mod epoch;
#[cfg(any(feature = "chrono", feature = "jiff"))]
pub(crate) mod foreign;
pub(crate) mod infinite;
mod interval;
mod interval_text;
#[cfg(test)]
mod proptests;
mod syntax;
mod time_of_day;
mod timestamp;

pub use infinite::Infinite;
pub use interval::Interval;
pub use time_of_day::TimeTz;
pub(crate) use timestamp::text_in_own_offset;
