//! The text forms PostgreSQL prints with `DateStyle` ISO (the default):
//! `2024-02-29`, `0044-03-15 BC`, `13:45:06.5`, `+05:30`, and the cursor
//! the parsers share. Parsing assumes DateStyle ISO: other styles
//! (`SQL`, `German`, `Postgres`) are rejected as malformed.

use std::fmt::{self, Write};

use super::epoch::{
    EPOCH_JULIAN, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC, civil,
};

/// A position in text being parsed; every method checks bounds.
pub(crate) struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(s: &'a [u8]) -> Cursor<'a> {
        Cursor { s, pos: 0 }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.pos >= self.s.len()
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    /// Consumes `b` if it comes next.
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.pos += usize::from(hit);
        hit
    }

    /// Consumes `lit` if it comes next.
    pub(crate) fn eat_str(&mut self, lit: &str) -> bool {
        let hit = self
            .s
            .get(self.pos..)
            .is_some_and(|r| r.starts_with(lit.as_bytes()));
        if hit {
            self.pos += lit.len();
        }
        hit
    }

    /// Consumes `b`, or fails.
    pub(crate) fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    /// `min..=max` decimal digits (at most 18, so no overflow), and how many.
    pub(crate) fn digits(&mut self, min: usize, max: usize) -> Option<(i64, usize)> {
        let start = self.pos;
        let mut v: i64 = 0;
        while self.pos - start < max.min(18) {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    v = v * 10 + i64::from(b - b'0');
                    self.pos += 1;
                }
                _ => break,
            }
        }
        let n = self.pos - start;
        (n >= min && !matches!(self.peek(), Some(b'0'..=b'9'))).then_some((v, n))
    }

    /// A fraction after `.`: 1 to 6 digits, as microseconds.
    pub(crate) fn micros_fraction(&mut self) -> Option<i64> {
        if !self.eat(b'.') {
            return Some(0);
        }
        let (v, n) = self.digits(1, 6)?;
        Some(v * 10_i64.pow(6 - n as u32))
    }
}

/// `Y-MM-DD[ BC]` minus the ` BC`: year (4 or more digits), month, day,
/// checked only for shape.
pub(crate) fn date(c: &mut Cursor<'_>) -> Option<(i64, u8, u8)> {
    let (year, _) = c.digits(4, 9)?;
    c.expect(b'-')?;
    let (month, _) = c.digits(2, 2)?;
    c.expect(b'-')?;
    let (day, _) = c.digits(2, 2)?;
    Some((year, month as u8, day as u8))
}

/// Turns a printed year and its ` BC` marker into an astronomical year
/// (1 BC is year 0).
pub(crate) fn astronomical(year: i64, bc: bool) -> Option<i64> {
    match (year, bc) {
        (0, _) => None,
        (y, true) => Some(1 - y),
        (y, false) => Some(y),
    }
}

/// `HH:MM:SS[.ffffff]` as microseconds since midnight; `24:00:00` is the
/// largest value.
pub(crate) fn time(c: &mut Cursor<'_>) -> Option<i64> {
    let (h, _) = c.digits(2, 2)?;
    c.expect(b':')?;
    let (m, _) = c.digits(2, 2)?;
    c.expect(b':')?;
    let (s, _) = c.digits(2, 2)?;
    let frac = c.micros_fraction()?;
    let us = h * USECS_PER_HOUR + m * USECS_PER_MINUTE + s * USECS_PER_SEC + frac;
    (m < 60 && s < 60 && us <= USECS_PER_DAY).then_some(us)
}

/// `+HH[:MM[:SS]]` or `-…` as seconds east of UTC.
pub(crate) fn offset(c: &mut Cursor<'_>) -> Option<i32> {
    let sign = match c.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.pos += 1;
    let (h, _) = c.digits(2, 2)?;
    let (mut m, mut s) = (0, 0);
    if c.eat(b':') {
        m = c.digits(2, 2)?.0;
        if c.eat(b':') {
            s = c.digits(2, 2)?.0;
        }
    }
    (m < 60 && s < 60).then_some(sign * (h * 3600 + m * 60 + s) as i32)
}

/// Writes a date, PostgreSQL style; returns whether ` BC` must follow
/// (after the time and offset, where PostgreSQL puts it).
pub(crate) fn write_date(w: &mut impl Write, julian: i64) -> Result<bool, fmt::Error> {
    let (y, m, d) = civil(julian);
    let (shown, bc) = if y > 0 { (y, false) } else { (1 - y, true) };
    write!(w, "{shown:04}-{m:02}-{d:02}")?;
    Ok(bc)
}

/// Writes `HH:MM:SS` and a fraction without trailing zeros, from microseconds
/// since midnight (or, for intervals, of any size).
pub(crate) fn write_time(w: &mut impl Write, us: u64) -> fmt::Result {
    const SEC: u64 = USECS_PER_SEC as u64;
    let secs = us / SEC;
    write!(
        w,
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )?;
    write_fraction(w, us % SEC)
}

/// Writes `.ffffff` without trailing zeros, nothing for zero.
pub(crate) fn write_fraction(w: &mut impl Write, frac_us: u64) -> fmt::Result {
    write_digits(w, frac_us, 6)
}

/// Writes a fraction of `width` digits as `.ddd` without trailing zeros.
pub(crate) fn write_digits(w: &mut impl Write, mut frac: u64, mut width: usize) -> fmt::Result {
    if frac == 0 {
        return Ok(());
    }
    while frac.is_multiple_of(10) {
        frac /= 10;
        width -= 1;
    }
    write!(w, ".{frac:0width$}")
}

/// Writes a UTC offset (seconds east) as `+HH`, `+HH:MM` or `+HH:MM:SS`.
pub(crate) fn write_offset(w: &mut impl Write, east: i32) -> fmt::Result {
    let sign = if east < 0 { '-' } else { '+' };
    let a = east.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    match (m, s) {
        (0, 0) => write!(w, "{sign}{h:02}"),
        (_, 0) => write!(w, "{sign}{h:02}:{m:02}"),
        _ => write!(w, "{sign}{h:02}:{m:02}:{s:02}"),
    }
}

/// Writes a timestamp given as microseconds from PostgreSQL's epoch in its
/// own wall clock, with the offset it is shown in, if any.
pub(crate) fn write_timestamp(w: &mut impl Write, local_us: i64, east: Option<i32>) -> fmt::Result {
    let days = local_us.div_euclid(USECS_PER_DAY);
    let bc = write_date(w, days + EPOCH_JULIAN)?;
    w.write_char(' ')?;
    write_time(w, local_us.rem_euclid(USECS_PER_DAY) as u64)?;
    if let Some(east) = east {
        write_offset(w, east)?;
    }
    if bc {
        w.write_str(" BC")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time_of(s: &str) -> Option<i64> {
        let mut c = Cursor::new(s.as_bytes());
        time(&mut c).filter(|_| c.is_done())
    }

    #[test]
    fn times() {
        assert_eq!(time_of("24:00:00"), Some(USECS_PER_DAY));
        assert_eq!(time_of("00:00:00.5"), Some(500_000));
        assert_eq!(time_of("00:00:00.000001"), Some(1));
        for bad in [
            "24:00:00.000001",
            "12:60:00",
            "1:00:00",
            "12:00:00.",
            "12:00:00.1234567",
            "12:00",
            "",
        ] {
            assert_eq!(time_of(bad), None, "{bad}");
        }
        let mut s = String::new();
        write_time(&mut s, 45_906_120_000).unwrap();
        assert_eq!(s, "12:45:06.12");
    }

    #[test]
    fn offsets() {
        for (text, east) in [
            ("+05:30", 19_800),
            ("-03:30", -12_600),
            ("+00", 0),
            ("-05:53:28", -21_208),
        ] {
            let mut c = Cursor::new(text.as_bytes());
            assert_eq!(offset(&mut c), Some(east));
            let mut s = String::new();
            write_offset(&mut s, east).unwrap();
            assert_eq!(s, text);
        }
    }

    #[test]
    fn dates() {
        let mut s = String::new();
        assert!(write_date(&mut s, 0).unwrap());
        assert_eq!(s, "4714-11-24");
        let mut c = Cursor::new(b"10000-01-01");
        assert_eq!(date(&mut c), Some((10_000, 1, 1)));
        assert_eq!(date(&mut Cursor::new(b"999-01-01")), None);
        assert_eq!(astronomical(44, true), Some(-43));
        assert_eq!(astronomical(0, false), None);
    }
}
