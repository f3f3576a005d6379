//! The text forms of `interval` in every `IntervalStyle`:
//!
//! | style          | example                                   |
//! |----------------|-------------------------------------------|
//! | `postgres`     | `1 year 2 mons -3 days +04:05:06.789`     |
//! | `postgres_verbose` | `@ 1 year 2 mons -3 days 4 hours ago` |
//! | `sql_standard` | `+1-2 -3 +4:05:06.789`, `1-2`, `3 4:05:06` |
//! | `iso_8601`     | `P1Y2M-3DT4H5M6.789S`                     |
//!
//! Values are summed exactly in wide integers: no floating point.

use std::fmt::{self, Write};

use super::Interval;
use super::epoch::{USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC};
use super::syntax::{self, Cursor};

/// The three fields while they are summed, wide enough not to overflow.
#[derive(Default)]
struct Sum {
    months: i64,
    days: i64,
    us: i128,
}

impl Sum {
    fn negate(&mut self) {
        self.months = -self.months;
        self.days = -self.days;
        self.us = -self.us;
    }

    fn finish(self) -> Option<Interval> {
        Some(Interval::new(
            self.months.try_into().ok()?,
            self.days.try_into().ok()?,
            self.us.try_into().ok()?,
        ))
    }
}

/// Parses an interval as the server prints it in any `IntervalStyle`.
pub(crate) fn parse(raw: &[u8]) -> Option<Interval> {
    match raw {
        b"infinity" => return Some(Interval::INFINITY),
        b"-infinity" => return Some(Interval::NEG_INFINITY),
        [b'P', ..] => return iso_8601(raw),
        _ => {}
    }
    let text = std::str::from_utf8(raw).ok()?;
    if text.bytes().any(|b| b.is_ascii_alphabetic() || b == b'@') {
        postgres(text)
    } else {
        sql_standard(text)
    }
}

/// An optional sign: -1 for `-`, else 1.
fn sign(c: &mut Cursor<'_>) -> i64 {
    if c.eat(b'-') {
        -1
    } else {
        c.eat(b'+');
        1
    }
}

/// `[+-]digits` with nothing after.
fn integer(s: &str) -> Option<i64> {
    let mut c = Cursor::new(s.as_bytes());
    let sign = sign(&mut c);
    let (v, _) = c.digits(1, 18)?;
    c.is_done().then_some(sign * v)
}

/// `[+-]digits[.ffffff]` seconds as microseconds, stopping at what follows.
fn seconds(c: &mut Cursor<'_>) -> Option<i128> {
    let sign = sign(c);
    let (whole, _) = c.digits(1, 18)?;
    let frac = c.micros_fraction()?;
    Some(i128::from(sign) * (i128::from(whole) * i128::from(USECS_PER_SEC) + i128::from(frac)))
}

/// `[+-]H:MM:SS[.ffffff]`, hours of any width, as microseconds.
fn clock(s: &str) -> Option<i128> {
    let mut c = Cursor::new(s.as_bytes());
    let sign = sign(&mut c);
    let (h, _) = c.digits(1, 18)?;
    c.expect(b':')?;
    let (m, _) = c.digits(2, 2)?;
    c.expect(b':')?;
    let (sec, _) = c.digits(2, 2)?;
    let frac = c.micros_fraction()?;
    if !c.is_done() || m >= 60 || sec >= 60 {
        return None;
    }
    let us = i128::from(h) * i128::from(USECS_PER_HOUR)
        + i128::from(m * USECS_PER_MINUTE + sec * USECS_PER_SEC + frac);
    Some(i128::from(sign) * us)
}

/// `postgres` and `postgres_verbose`: `N unit` pairs, a clock, `@`, `ago`.
fn postgres(text: &str) -> Option<Interval> {
    let mut sum = Sum::default();
    let mut tokens = text.split(' ').peekable();
    if tokens.peek() == Some(&"@") {
        tokens.next();
    }
    let mut any = false;
    while let Some(token) = tokens.next() {
        if token == "ago" {
            if tokens.next().is_some() {
                return None;
            }
            sum.negate();
            break;
        }
        any = true;
        if token.contains(':') {
            sum.us += clock(token)?;
            continue;
        }
        let unit = tokens.next_if(|u| u.bytes().all(|b| b.is_ascii_alphabetic()));
        let unit = unit.map(|u| u.strip_suffix('s').unwrap_or(u));
        match unit {
            Some("sec") => {
                let mut c = Cursor::new(token.as_bytes());
                sum.us += seconds(&mut c).filter(|_| c.is_done())?;
            }
            Some("min") => sum.us += i128::from(integer(token)?) * i128::from(USECS_PER_MINUTE),
            Some("hour") => sum.us += i128::from(integer(token)?) * i128::from(USECS_PER_HOUR),
            Some("day") => sum.days += integer(token)?,
            Some("mon") => sum.months += integer(token)?,
            Some("year") => sum.months += integer(token)?.checked_mul(12)?,
            // `@ 0`, the verbose zero.
            None if token == "0" && matches!(tokens.peek(), None | Some(&"ago")) => {}
            _ => return None,
        }
    }
    any.then_some(())?;
    sum.finish()
}

/// `sql_standard`: `0`, `[-]Y-M`, `[-]D H:MM:SS`, `[-]H:MM:SS`, or the
/// mixed-sign `±Y-M ±D ±H:MM:SS`.
fn sql_standard(text: &str) -> Option<Interval> {
    let year_month = |s: &str| -> Option<i64> {
        let mut c = Cursor::new(s.as_bytes());
        let sign = sign(&mut c);
        let (y, _) = c.digits(1, 18)?;
        c.expect(b'-')?;
        let (m, _) = c.digits(1, 18)?;
        c.is_done()
            .then_some(sign * y.checked_mul(12)?.checked_add(m)?)
    };
    let signed = |s: &str| s.starts_with(['+', '-']);
    let mut sum = Sum::default();
    // At most three fields: no allocation.
    let mut fields = [""; 3];
    let mut n = 0;
    for field in text.split(' ') {
        *fields.get_mut(n)? = field;
        n += 1;
    }
    match fields[..n] {
        ["0"] => {}
        [t] if t.contains(':') => sum.us = clock(t)?,
        [ym] => sum.months = year_month(ym)?,
        [d, t] if !signed(t) => {
            sum.days = integer(d)?;
            sum.us = clock(t)?;
            // A leading minus applies to every field.
            if d.starts_with('-') {
                sum.us = -sum.us;
            }
        }
        [ym, d, t] if signed(ym) && signed(d) && signed(t) => {
            sum.months = year_month(ym)?;
            sum.days = integer(d)?;
            sum.us = clock(t)?;
        }
        _ => return None,
    }
    sum.finish()
}

/// `iso_8601`: `P[nY][nM][nD][T[nH][nM][n.fS]]`, each number signed.
fn iso_8601(raw: &[u8]) -> Option<Interval> {
    let mut c = Cursor::new(raw);
    c.expect(b'P')?;
    let mut sum = Sum::default();
    let mut in_time = false;
    let mut any = false;
    while !c.is_done() {
        if !in_time && c.eat(b'T') {
            in_time = true;
            continue;
        }
        let us = seconds(&mut c)?;
        let unit = c.peek()?;
        c.eat(unit);
        any = true;
        if unit == b'S' && in_time {
            sum.us += us;
            continue;
        }
        // Every other unit is a whole number.
        if us % i128::from(USECS_PER_SEC) != 0 {
            return None;
        }
        let n = i64::try_from(us / i128::from(USECS_PER_SEC)).ok()?;
        match (in_time, unit) {
            (false, b'Y') => sum.months += n.checked_mul(12)?,
            (false, b'M') => sum.months += n,
            (false, b'W') => sum.days += n.checked_mul(7)?,
            (false, b'D') => sum.days += n,
            (true, b'H') => sum.us += i128::from(n) * i128::from(USECS_PER_HOUR),
            (true, b'M') => sum.us += i128::from(n) * i128::from(USECS_PER_MINUTE),
            _ => return None,
        }
    }
    any.then_some(())?;
    sum.finish()
}

/// Writes an interval as the server prints it with IntervalStyle
/// `postgres`. With `for_input`, the one value PostgreSQL prints but cannot
/// read back (microseconds of `i64::MIN`) is written in units instead.
pub(crate) fn write_postgres(w: &mut impl Write, v: Interval, for_input: bool) -> fmt::Result {
    if v == Interval::INFINITY {
        return w.write_str("infinity");
    }
    if v == Interval::NEG_INFINITY {
        return w.write_str("-infinity");
    }
    let mut is_zero = true;
    let mut is_before = false;
    let mut part = |w: &mut dyn Write, value: i32, unit: &str| -> fmt::Result {
        if value == 0 {
            return Ok(());
        }
        let space = if is_zero { "" } else { " " };
        let plus = if is_before && value > 0 { "+" } else { "" };
        let plural = if value == 1 { "" } else { "s" };
        is_before = value < 0;
        is_zero = false;
        write!(w, "{space}{plus}{value} {unit}{plural}")
    };
    part(w, v.months() / 12, "year")?;
    part(w, v.months() % 12, "mon")?;
    part(w, v.days(), "day")?;
    let us = v.microseconds();
    if is_zero || us != 0 {
        w.write_str(if is_zero { "" } else { " " })?;
        w.write_str(if us < 0 {
            "-"
        } else if is_before {
            "+"
        } else {
            ""
        })?;
        let abs = us.unsigned_abs();
        if for_input && us == i64::MIN {
            let hour = USECS_PER_HOUR as u64;
            write!(
                w,
                "{} hours -{}",
                abs / hour,
                (abs % hour) / USECS_PER_SEC as u64
            )?;
            syntax::write_fraction(w, abs % USECS_PER_SEC as u64)?;
            w.write_str(" secs")?;
        } else {
            syntax::write_time(w, abs)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(months: i32, days: i32, us: i64) -> Interval {
        Interval::new(months, days, us)
    }

    /// Every row was printed by PostgreSQL 15 in the four styles.
    const PRINTED: &[(Interval, [&str; 4])] = &[
        (
            Interval::new(14, 3, 14_706_789_000),
            [
                "1 year 2 mons 3 days 04:05:06.789",
                "@ 1 year 2 mons 3 days 4 hours 5 mins 6.789 secs",
                "+1-2 +3 +4:05:06.789",
                "P1Y2M3DT4H5M6.789S",
            ],
        ),
        (
            Interval::new(0, -1, 7_380_000_000),
            [
                "-1 days +02:03:00",
                "@ 1 day -2 hours -3 mins ago",
                "+0-0 -1 +2:03:00",
                "P-1DT2H3M",
            ],
        ),
        (Interval::new(0, 0, 0), ["00:00:00", "@ 0", "0", "PT0S"]),
        (
            Interval::new(0, 0, -1_000_000),
            ["-00:00:01", "@ 1 sec ago", "-0:00:01", "PT-1S"],
        ),
        (
            Interval::new(0, 0, -500_000),
            ["-00:00:00.5", "@ 0.5 secs ago", "-0:00:00.5", "PT-0.5S"],
        ),
        (
            Interval::new(-14, 3, -14_706_000_000),
            [
                "-1 years -2 mons +3 days -04:05:06",
                "@ 1 year 2 mons -3 days 4 hours 5 mins 6 secs ago",
                "-1-2 +3 -4:05:06",
                "P-1Y-2M3DT-4H-5M-6S",
            ],
        ),
        (
            Interval::new(-14, 0, 0),
            ["-1 years -2 mons", "@ 1 year 2 mons ago", "-1-2", "P-1Y-2M"],
        ),
        (
            Interval::new(0, -3, -14_706_000_000),
            [
                "-3 days -04:05:06",
                "@ 3 days 4 hours 5 mins 6 secs ago",
                "-3 4:05:06",
                "P-3DT-4H-5M-6S",
            ],
        ),
        (
            Interval::new(0, 3, 0),
            ["3 days", "@ 3 days", "3 0:00:00", "P3D"],
        ),
        (
            Interval::new(0, 0, 1_000_000),
            ["00:00:01", "@ 1 sec", "0:00:01", "PT1S"],
        ),
        (
            Interval::new(0, -1, -1_000_000),
            [
                "-1 days -00:00:01",
                "@ 1 day 1 sec ago",
                "-1 0:00:01",
                "P-1DT-1S",
            ],
        ),
    ];

    #[test]
    fn every_style() {
        for (v, forms) in PRINTED {
            let mut s = String::new();
            write_postgres(&mut s, *v, false).unwrap();
            assert_eq!(s, forms[0]);
            for form in forms {
                assert_eq!(parse(form.as_bytes()), Some(*v), "{form}");
            }
        }
    }

    #[test]
    fn extremes() {
        let max = iv(i32::MAX, i32::MAX, i64::MAX - 1);
        let mut s = String::new();
        write_postgres(&mut s, max, false).unwrap();
        assert_eq!(
            s,
            "178956970 years 7 mons 2147483647 days 2562047788:00:54.775806"
        );
        assert_eq!(parse(s.as_bytes()), Some(max));
        let min = iv(0, 0, i64::MIN);
        s.clear();
        write_postgres(&mut s, min, false).unwrap();
        assert_eq!(s, "-2562047788:00:54.775808");
        assert_eq!(parse(s.as_bytes()), Some(min));
        s.clear();
        write_postgres(&mut s, min, true).unwrap();
        assert_eq!(s, "-2562047788 hours -54.775808 secs");
        assert_eq!(parse(s.as_bytes()), Some(min));
        assert_eq!(parse(b"2562047788:00:54.775808"), None, "overflow");
        assert_eq!(parse(b"infinity"), Some(Interval::INFINITY));
    }

    #[test]
    fn garbage() {
        for bad in [
            "",
            " ",
            "@",
            "ago",
            "1",
            "1 fortnight",
            "1 days ago 2",
            "1.5 days",
            "P",
            "PT",
            "P1S",
            "P1.5Y",
            "PT1H2",
            "1-",
            "-",
            "+1-2 3 +4:00:00",
            "1 2:00:00 3",
            "12:60:00",
            "1:2:3",
            "00:00:00.1234567",
            "99999999999999999999 days",
            "P99999999999999999999Y",
            "--1 days",
            "1 days  2 mons",
        ] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
        }
    }
}
