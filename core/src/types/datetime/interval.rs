//! `interval` ↔ [`Interval`], and `time::Duration` where exact.
//!
//! Binary: microseconds (`int8`), days (`int4`), months (`int4`). Text: any
//! `IntervalStyle` is read; dumping writes the `postgres` style, which the
//! server reads back whatever its `IntervalStyle`.

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;
use time::Duration;

use super::epoch::{USECS_PER_SEC, fixed, to_micros};
use super::interval_text;
use crate::types::int::BytesWriter;
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// A PostgreSQL `interval`: months, days and microseconds, kept apart as
/// the server keeps them, since a month is not a fixed number of days nor a
/// day (across a daylight-saving change) a fixed number of hours.
///
/// Equality compares the three fields, so `1 day` and `24:00:00` differ
/// (PostgreSQL's `=` would call them equal). `Display` prints the server's
/// `postgres` style; `FromStr` reads every `IntervalStyle`.
///
/// ```
/// use pgcast_core::types::Interval;
///
/// let v = Interval::new(14, -1, 7_380_000_000);
/// assert_eq!(v.to_string(), "1 year 2 mons -1 days +02:03:00");
/// assert_eq!("P1Y2M-1DT2H3M".parse::<Interval>().unwrap(), v);
/// assert_eq!(Interval::from_microseconds(-1_000_000).to_string(), "-00:00:01");
/// assert_eq!(Interval::ZERO.to_string(), "00:00:00");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Interval {
    months: i32,
    days: i32,
    microseconds: i64,
}

impl Interval {
    /// The empty interval, `00:00:00`.
    pub const ZERO: Interval = Interval::new(0, 0, 0);
    /// PostgreSQL 17's `infinity` interval: every field at its maximum.
    ///
    /// Before PostgreSQL 17 the same fields are an ordinary (huge) interval,
    /// which loads and dumps in binary but whose text, `infinity`, those
    /// servers do not read.
    pub const INFINITY: Interval = Interval::new(i32::MAX, i32::MAX, i64::MAX);
    /// PostgreSQL 17's `-infinity` interval: every field at its minimum.
    pub const NEG_INFINITY: Interval = Interval::new(i32::MIN, i32::MIN, i64::MIN);

    /// An interval of months, days and microseconds, each with its own sign.
    pub const fn new(months: i32, days: i32, microseconds: i64) -> Interval {
        Interval {
            months,
            days,
            microseconds,
        }
    }

    /// An interval of whole months (12 to a year).
    pub const fn from_months(months: i32) -> Interval {
        Interval::new(months, 0, 0)
    }

    /// An interval of calendar days.
    pub const fn from_days(days: i32) -> Interval {
        Interval::new(0, days, 0)
    }

    /// An interval of elapsed time.
    pub const fn from_microseconds(microseconds: i64) -> Interval {
        Interval::new(0, 0, microseconds)
    }

    /// The months part (years are 12 months).
    pub const fn months(self) -> i32 {
        self.months
    }

    /// The days part.
    pub const fn days(self) -> i32 {
        self.days
    }

    /// The time part, in microseconds.
    pub const fn microseconds(self) -> i64 {
        self.microseconds
    }

    /// Whether this is neither [`INFINITY`](Self::INFINITY) nor
    /// [`NEG_INFINITY`](Self::NEG_INFINITY).
    pub const fn is_finite(self) -> bool {
        !matches!(
            (self.months, self.days, self.microseconds),
            (i32::MAX, i32::MAX, i64::MAX) | (i32::MIN, i32::MIN, i64::MIN)
        )
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        interval_text::write_postgres(f, *self, false)
    }
}

impl FromStr for Interval {
    type Err = Error;

    /// Reads an interval as the server prints it in any `IntervalStyle`
    /// (`postgres`, `postgres_verbose`, `sql_standard`, `iso_8601`).
    fn from_str(s: &str) -> Result<Interval> {
        interval_text::parse(s.as_bytes()).ok_or_else(|| not_interval(s.as_bytes()))
    }
}

fn not_interval(raw: &[u8]) -> Error {
    let shown = String::from_utf8_lossy(&raw[..raw.len().min(64)]);
    Error::malformed(
        &Type::INTERVAL,
        format!("{shown:?} is not an interval as PostgreSQL prints it"),
    )
}

impl TryFrom<Interval> for Duration {
    type Error = Error;

    /// The elapsed time of an interval without months, counting a day as 24
    /// hours (as `justify_hours` does; across a daylight-saving change
    /// PostgreSQL adds a calendar day instead).
    ///
    /// ```
    /// use pgcast_core::types::Interval;
    /// use time::Duration;
    ///
    /// let d = Duration::try_from(Interval::new(0, 1, -1_500_000)).unwrap();
    /// assert_eq!(d, Duration::days(1) - Duration::milliseconds(1500));
    /// assert!(Duration::try_from(Interval::from_months(1)).is_err());
    /// ```
    fn try_from(v: Interval) -> Result<Duration> {
        if !v.is_finite() {
            return Err(Error::out_of_range::<Duration>(
                &Type::INTERVAL,
                "an infinite interval has no Duration",
            ));
        }
        if v.months != 0 {
            return Err(Error::new(
                ErrorKind::Lossy,
                format!(
                    "{v} has months, which have no fixed length: load it as Interval, \
                     or justify it in SQL first"
                ),
            )
            .with_pg_type(&Type::INTERVAL)
            .with_rust_type::<Duration>());
        }
        // Both parts fit easily: at most 2^31 days and 2^63 microseconds.
        let secs = i64::from(v.days) * 86_400 + v.microseconds.div_euclid(USECS_PER_SEC);
        let nanos = v.microseconds.rem_euclid(USECS_PER_SEC) * 1000;
        Ok(Duration::new(secs, nanos as i32))
    }
}

impl TryFrom<Duration> for Interval {
    type Error = Error;

    /// An interval of the duration's microseconds, if it has no finer part.
    ///
    /// ```
    /// use pgcast_core::types::Interval;
    /// use time::Duration;
    ///
    /// assert_eq!(Interval::try_from(Duration::hours(-2)).unwrap().to_string(), "-02:00:00");
    /// assert!(Interval::try_from(Duration::nanoseconds(1)).is_err());
    /// ```
    fn try_from(d: Duration) -> Result<Interval> {
        duration_micros(&Ctx::binary(&Type::INTERVAL), d).map(Interval::from_microseconds)
    }
}

/// A duration in microseconds, rounded only when the policy allows.
fn duration_micros(ctx: &Ctx<'_>, d: Duration) -> Result<i64> {
    let us = to_micros::<Duration>(ctx, d.whole_nanoseconds())?;
    i64::try_from(us).map_err(|_| {
        Error::out_of_range::<Duration>(ctx.ty, format!("{d} does not fit an interval"))
    })
}

fn check<T>(ctx: &Ctx<'_>) -> Result<()> {
    match *ctx.ty {
        Type::INTERVAL => Ok(()),
        _ => Err(Error::wrong_type::<T>(ctx.ty)),
    }
}

impl Load<'_> for Interval {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check::<Interval>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Interval> {
        Self::check(ctx)?;
        match ctx.format {
            Format::Binary => {
                let b: [u8; 16] = fixed(ctx.ty, raw)?;
                let (us, rest) = b.split_at(8);
                let (days, months) = rest.split_at(4);
                Ok(Interval::new(
                    i32::from_be_bytes(fixed(ctx.ty, months)?),
                    i32::from_be_bytes(fixed(ctx.ty, days)?),
                    i64::from_be_bytes(fixed(ctx.ty, us)?),
                ))
            }
            Format::Text => interval_text::parse(raw).ok_or_else(|| not_interval(raw)),
        }
    }
}

fn write(v: Interval, ctx: &Ctx<'_>, out: &mut BytesMut) {
    match ctx.format {
        Format::Binary => {
            out.put_i64(v.microseconds);
            out.put_i32(v.days);
            out.put_i32(v.months);
        }
        Format::Text => {
            // Writing into BytesMut cannot fail.
            let _ = interval_text::write_postgres(&mut BytesWriter(out), v, true);
        }
    }
}

impl Dump for Interval {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::INTERVAL
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        check::<Interval>(ctx)?;
        write(*self, ctx, out);
        Ok(IsNull::No)
    }
}

impl StaticType for Interval {
    fn static_type(_: &Policy) -> Type {
        Type::INTERVAL
    }
}

/// An `interval` without months, as elapsed time: see
/// [`TryFrom<Interval>`](Interval#impl-TryFrom<Interval>-for-Duration).
impl Load<'_> for Duration {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check::<Duration>(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Duration> {
        Duration::try_from(Interval::load(ctx, raw)?)
    }
}

/// Dumped as microseconds only (`48:00:00`, not `2 days`): an exact span.
impl Dump for Duration {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::INTERVAL
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        check::<Duration>(ctx)?;
        write(
            Interval::from_microseconds(duration_micros(ctx, *self)?),
            ctx,
            out,
        );
        Ok(IsNull::No)
    }
}

impl StaticType for Duration {
    fn static_type(_: &Policy) -> Type {
        Type::INTERVAL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_form() {
        let v = Interval::new(14, -3, 4_000_000);
        let mut out = BytesMut::new();
        v.dump(&Ctx::binary(&Type::INTERVAL), &mut out).unwrap();
        let mut want = 4_000_000_i64.to_be_bytes().to_vec();
        want.extend((-3_i32).to_be_bytes());
        want.extend(14_i32.to_be_bytes());
        assert_eq!(&out[..], &want[..]);
        assert_eq!(
            Interval::load(&Ctx::binary(&Type::INTERVAL), &want).unwrap(),
            v
        );
        assert!(Interval::load(&Ctx::binary(&Type::INTERVAL), &want[1..]).is_err());
        assert!(Interval::load(&Ctx::binary(&Type::TIME), &want).is_err());
    }

    #[test]
    fn text_form() {
        let ctx = Ctx::text(&Type::INTERVAL);
        assert_eq!(
            Interval::load(&ctx, b"1 year 2 mons 3 days 04:05:06.789").unwrap(),
            Interval::new(14, 3, 14_706_789_000)
        );
        assert_eq!(
            Interval::load(&ctx, b"one day").unwrap_err().kind(),
            ErrorKind::Malformed
        );
        let mut out = BytesMut::new();
        Interval::INFINITY.dump(&ctx, &mut out).unwrap();
        assert_eq!(&out[..], b"infinity");
        assert!(!Interval::NEG_INFINITY.is_finite());
    }

    #[test]
    fn durations() {
        let ctx = Ctx::text(&Type::INTERVAL);
        assert_eq!(
            Duration::load(&ctx, b"-1 days +02:00:00").unwrap(),
            Duration::hours(-22)
        );
        let err = Duration::load(&ctx, b"1 mon").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lossy);
        assert_eq!(
            Duration::load(&ctx, b"infinity").unwrap_err().kind(),
            ErrorKind::OutOfRange
        );
        let mut out = BytesMut::new();
        Duration::days(2).dump(&ctx, &mut out).unwrap();
        assert_eq!(&out[..], b"48:00:00");
        let err = Duration::nanoseconds(1500)
            .dump(&ctx, &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Lossy);
        let lossy = Policy {
            lossy: true,
            ..Policy::DEFAULT
        };
        out.clear();
        Duration::nanoseconds(-1500)
            .dump(&ctx.with_policy(&lossy), &mut out)
            .unwrap();
        assert_eq!(&out[..], b"-00:00:00.000002");
        assert_eq!(
            Duration::MAX.dump(&ctx, &mut out).unwrap_err().kind(),
            ErrorKind::Lossy
        );
        let err = Duration::seconds(i64::MAX)
            .dump(&ctx, &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
    }
}
