//! The session time zone `timestamptz` values are shown in.

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{LazyLock, Mutex, PoisonError};

use time::{OffsetDateTime, UtcOffset};

use crate::{Error, ErrorKind, Result};

/// The time zone `timestamptz` values are shown in: the connection's
/// `TimeZone` setting, as the server's own text output and `to_json` use it.
///
/// A `timestamptz` is an instant; the binary wire form is UTC and carries no
/// zone, while the text form shows the session's zone. The
/// [`Policy::time_zone`](crate::Policy::time_zone) of a scope says which
/// offset binary values load with, so both formats give the same
/// `OffsetDateTime`, and a [`Value`](crate::Value) serializes to the JSON
/// `to_json` writes. The default is UTC; a session sets the zone the server
/// reports (at connect and whenever `TimeZone` changes) with
/// [`Adapters::set_time_zone`](crate::Adapters::set_time_zone).
///
/// A named zone (`Europe/Amsterdam`) is read from the system's time zone
/// database (`/usr/share/zoneinfo`) once per process and name; POSIX TZ
/// strings (`<+03>-03`, `EST5EDT`, what `SET TIME ZONE INTERVAL '+03:00'`
/// reports) need no database. The client's database should match the
/// server's: they agree on every zone since 1970, and may differ on local
/// mean time before zones were standardised.
///
/// ```
/// use pgcast_core::adapt::TimeZone;
/// use time::macros::{datetime, offset};
///
/// let ist = TimeZone::named("Asia/Kolkata").unwrap();
/// assert_eq!(ist.offset_at(datetime!(2024-02-29 12:00 UTC)).unwrap(), offset!(+5:30));
/// let east3 = TimeZone::named("<+03>-03").unwrap();
/// assert_eq!(east3.offset_at(datetime!(2024-02-29 12:00 UTC)).unwrap(), offset!(+3));
/// assert_eq!(TimeZone::UTC.offset_at(datetime!(2024-02-29 12:00 +1)).unwrap(), offset!(UTC));
/// assert!(TimeZone::named("No/Such_Zone").is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(Zone);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Zone {
    Utc,
    Fixed(UtcOffset),
    Named(&'static Named),
}

/// A zone read by name: kept for the life of the process (a program meets a
/// handful of zones), so that [`TimeZone`] stays `Copy` like the rest of
/// the policy.
struct Named {
    name: Box<str>,
    rules: tz::TimeZone,
}

impl PartialEq for Named {
    fn eq(&self, other: &Named) -> bool {
        self.name == other.name
    }
}

impl Eq for Named {}

impl Hash for Named {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

/// Every named zone read so far, by name.
static NAMED: LazyLock<Mutex<HashMap<Box<str>, &'static Named>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

impl TimeZone {
    /// UTC: offsets `+00`.
    pub const UTC: TimeZone = TimeZone(Zone::Utc);

    /// A zone with one offset all year.
    pub const fn fixed(offset: UtcOffset) -> TimeZone {
        TimeZone(Zone::Fixed(offset))
    }

    /// The zone `name`, as the server reports its `TimeZone` setting: an
    /// IANA name (`Europe/Amsterdam`, `UTC`) or a POSIX TZ string
    /// (`<+03>-03`). An error of kind [`Malformed`](ErrorKind::Malformed)
    /// when it is neither.
    pub fn named(name: &str) -> Result<TimeZone> {
        if matches!(name, "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Z" | "Zulu") {
            return Ok(TimeZone::UTC);
        }
        let mut named = NAMED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(zone) = named.get(name) {
            return Ok(TimeZone(Zone::Named(zone)));
        }
        // A name is looked up under the zone directories only: never a path
        // of its own choosing.
        if name.is_empty() || name.starts_with('/') || name.split('/').any(|p| p == "..") {
            return Err(unknown_zone(name, "not a zone name"));
        }
        let rules = tz::TimeZone::from_posix_tz(name).map_err(|e| unknown_zone(name, e))?;
        let zone: &'static Named = Box::leak(Box::new(Named {
            name: name.into(),
            rules,
        }));
        named.insert(name.into(), zone);
        Ok(TimeZone(Zone::Named(zone)))
    }

    /// The name this zone was made from, if it was made from one.
    pub fn name(&self) -> Option<&'static str> {
        match self.0 {
            Zone::Utc => Some("UTC"),
            Zone::Fixed(_) => None,
            Zone::Named(n) => Some(&n.name),
        }
    }

    /// The offset this zone shows at `instant`. An error of kind
    /// [`OutOfRange`](ErrorKind::OutOfRange) only for instants the zone's
    /// rules cannot place.
    #[inline]
    pub fn offset_at(&self, instant: OffsetDateTime) -> Result<UtcOffset> {
        match self.0 {
            Zone::Utc => Ok(UtcOffset::UTC),
            Zone::Fixed(offset) => Ok(offset),
            Zone::Named(n) => n
                .rules
                .find_local_time_type(instant.unix_timestamp())
                .ok()
                .and_then(|t| UtcOffset::from_whole_seconds(t.ut_offset()).ok())
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::OutOfRange,
                        format!("time zone {} has no offset for {instant}", n.name),
                    )
                }),
        }
    }

    /// Whether this is UTC, where a UTC instant needs no conversion.
    #[inline]
    pub(crate) fn is_utc(&self) -> bool {
        matches!(self.0, Zone::Utc)
    }
}

#[cold]
fn unknown_zone(name: &str, why: impl fmt::Display) -> Error {
    Error::new(
        ErrorKind::Malformed,
        format!(
            "unknown time zone {name:?} ({why}): expected a zone of the system's time zone \
             database (/usr/share/zoneinfo) or a POSIX TZ string"
        ),
    )
}

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone::UTC
    }
}

impl fmt::Debug for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Zone::Utc => f.write_str("TimeZone(UTC)"),
            Zone::Fixed(offset) => write!(f, "TimeZone({offset})"),
            Zone::Named(n) => write!(f, "TimeZone({:?})", n.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn zones() {
        let ams = TimeZone::named("Europe/Amsterdam").unwrap();
        assert_eq!(ams, TimeZone::named("Europe/Amsterdam").unwrap());
        assert_eq!(ams.name(), Some("Europe/Amsterdam"));
        let winter = datetime!(2024-02-29 12:00 UTC);
        let summer = datetime!(2024-07-01 12:00 UTC);
        assert_eq!(ams.offset_at(winter).unwrap(), offset!(+1));
        assert_eq!(ams.offset_at(summer).unwrap(), offset!(+2));
        let nl = TimeZone::named("America/St_Johns").unwrap();
        assert_eq!(nl.offset_at(winter).unwrap(), offset!(-3:30));
        let fixed = TimeZone::fixed(offset!(-7));
        assert_eq!(fixed.offset_at(summer).unwrap(), offset!(-7));
        assert_eq!(fixed.name(), None);
        assert_eq!(TimeZone::named("UTC").unwrap(), TimeZone::UTC);
        assert!(TimeZone::named("UTC").unwrap().is_utc());
        for bad in [
            "",
            "/etc/passwd",
            "../../etc/passwd",
            "Europe/../../x",
            "No/Such_Zone",
        ] {
            let err = TimeZone::named(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{bad}");
        }
    }
}
