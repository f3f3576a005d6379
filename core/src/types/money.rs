//! `money` as [`Money`], a count of the currency's minor units.
//!
//! The binary form is an `int8` of minor units (cents). The text form
//! depends on the server's `lc_monetary`; pgcast reads and writes it as the
//! server does with `lc_monetary = 'C'` (and `en_US`): `$1,234.56`,
//! `-$1,234.56`, two fraction digits. With another locale use the binary
//! format, or cast to `numeric` in SQL.

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::types::int::BytesWriter;
use crate::types::numeric::trim_space;
use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

/// A PostgreSQL `money` value, in the currency's minor units (cents): exact,
/// the whole `int8` range.
///
/// [`Display`](fmt::Display) and [`FromStr`] use the server's text with
/// `lc_monetary = 'C'`; parsing also takes what `cash_in` takes in that
/// locale (`1234.5`, `(1.50)`, `$-1`, `1.5-`), but never rounds: a third
/// fraction digit other than 0 is an error.
///
/// ```
/// use pgcast_core::types::Money;
///
/// assert_eq!(Money(123_456).to_string(), "$1,234.56");
/// assert_eq!(Money(-5).to_string(), "-$0.05");
/// assert_eq!("(1,234.5)".parse::<Money>().unwrap(), Money(-123_450));
/// assert!("1.005".parse::<Money>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = self.0.unsigned_abs();
        if self.0 < 0 {
            f.write_str("-")?;
        }
        f.write_str("$")?;
        let whole = (cents / 100).to_string();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                f.write_str(",")?;
            }
            write!(f, "{c}")?;
        }
        write!(f, ".{:02}", cents % 100)
    }
}

/// Parses `money` text in the C locale's style; `None` if it is not one.
fn parse(s: &[u8]) -> Option<i64> {
    let mut s = trim_space(s);
    let mut negative = false;
    if let [b'(', inner @ .., b')'] = s {
        negative = true;
        s = trim_space(inner);
    }
    // A sign and a currency symbol, in either order, before the number.
    let mut signed = negative;
    let mut dollar = false;
    loop {
        match s {
            [b'-', rest @ ..] if !signed => (negative, signed, s) = (true, true, rest),
            [b'+', rest @ ..] if !signed => (signed, s) = (true, rest),
            [b'$', rest @ ..] if !dollar => (dollar, s) = (true, rest),
            [b' ', rest @ ..] => s = rest,
            _ => break,
        }
    }
    let mut cents: i128 = 0;
    let mut int_digits = 0;
    while let [c, rest @ ..] = s {
        match c {
            b'0'..=b'9' => {
                cents = cents * 10 + i128::from(c - b'0');
                int_digits += 1;
                if cents > i128::from(i64::MAX) + 1 {
                    return None;
                }
            }
            b',' if int_digits > 0 => {}
            _ => break,
        }
        s = rest;
    }
    cents *= 100;
    let mut frac_digits = 0;
    if let [b'.', rest @ ..] = s {
        s = rest;
        while let [c @ b'0'..=b'9', rest @ ..] = s {
            let d = i128::from(c - b'0');
            match frac_digits {
                0 => cents += d * 10,
                1 => cents += d,
                // Extra digits would be rounded by the server: only zeros pass.
                _ if d != 0 => return None,
                _ => {}
            }
            frac_digits += 1;
            s = rest;
        }
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    match trim_space(s) {
        [] => {}
        [b'-'] if !signed => negative = true,
        [b'+'] if !signed => {}
        _ => return None,
    }
    let cents = if negative { -cents } else { cents };
    i64::try_from(cents).ok()
}

impl FromStr for Money {
    type Err = Error;

    fn from_str(s: &str) -> Result<Money> {
        parse(s.as_bytes()).map(Money).ok_or_else(|| {
            Error::malformed(
                &Type::MONEY,
                format!("{s:?} is not a money amount in the C locale's format"),
            )
            .with_rust_type::<Money>()
        })
    }
}

impl Load<'_> for Money {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        match *ctx.ty {
            Type::MONEY => Ok(()),
            _ => Err(Error::wrong_type::<Money>(ctx.ty)),
        }
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Money> {
        Self::check(ctx)?;
        match ctx.format {
            Format::Binary => raw
                .try_into()
                .map(|b| Money(i64::from_be_bytes(b)))
                .map_err(|_| {
                    Error::malformed(ctx.ty, format!("{} bytes is not a binary money", raw.len()))
                }),
            Format::Text => parse(raw).map(Money).ok_or_else(|| {
                Error::malformed(
                    ctx.ty,
                    format!(
                        "{:?} is not a money amount in the C locale's format (lc_monetary = 'C')",
                        String::from_utf8_lossy(raw)
                    ),
                )
                .with_rust_type::<Money>()
            }),
        }
    }
}

impl Dump for Money {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::MONEY
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        <Money as Load>::check(ctx)?;
        match ctx.format {
            Format::Binary => out.put_i64(self.0),
            Format::Text => {
                let _ = fmt::Write::write_fmt(&mut BytesWriter(out), format_args!("{self}"));
            }
        }
        Ok(IsNull::No)
    }
}

impl StaticType for Money {
    fn static_type(_: &Policy) -> Type {
        Type::MONEY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn server_text() {
        for (text, cents) in [
            ("$1,234.56", 123_456),
            ("-$1,234.56", -123_456),
            ("$0.00", 0),
            ("-$0.01", -1),
            ("$92,233,720,368,547,758.07", i64::MAX),
            ("-$92,233,720,368,547,758.08", i64::MIN),
        ] {
            assert_eq!(Money(cents).to_string(), text);
            let ctx = Ctx::text(&Type::MONEY);
            assert_eq!(Money::load(&ctx, text.as_bytes()).unwrap(), Money(cents));
        }
    }

    #[test]
    fn what_cash_in_accepts() {
        for (text, cents) in [
            ("(1.5)", -150),
            ("$-1.5", -150),
            ("1.5-", -150),
            (" $ 1,2,3.4 ", 12_340),
            ("+1", 100),
            (".5", 50),
            ("5.", 500),
            ("1.500", 150),
            ("1234", 123_400),
        ] {
            assert_eq!(text.parse::<Money>().unwrap(), Money(cents), "{text}");
        }
        for bad in [
            "",
            "$",
            "abc",
            "1e3",
            "1.005",
            "-(1)",
            "$-(1)",
            "--1",
            "1..2",
            "1.2.3",
            "$1 x",
            "92233720368547758.08",
            "-92233720368547758.09",
            ",1",
            "1-1",
        ] {
            assert!(bad.parse::<Money>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn binary_and_types() {
        let ctx = Ctx::binary(&Type::MONEY);
        assert_eq!(
            Money::load(&ctx, &(-5_i64).to_be_bytes()).unwrap(),
            Money(-5)
        );
        assert!(Money::load(&ctx, &[0; 7]).is_err());
        assert!(Money::load(&ctx, &[0; 9]).is_err());
        assert!(Money::load(&Ctx::binary(&Type::INT8), &[0; 8]).is_err());
        let mut out = BytesMut::new();
        assert!(Money(1).dump(&Ctx::binary(&Type::INT8), &mut out).is_err());
        Money(1).dump(&ctx, &mut out).unwrap();
        assert_eq!(&out[..], &1_i64.to_be_bytes());
    }

    proptest! {
        #[test]
        fn round_trips(cents in any::<i64>()) {
            for format in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::MONEY, format);
                let mut out = BytesMut::new();
                Money(cents).dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(Money::load(&ctx, &out).unwrap(), Money(cents));
            }
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..24)) {
            let _ = Money::load(&Ctx::text(&Type::MONEY), &bytes);
            let _ = Money::load(&Ctx::binary(&Type::MONEY), &bytes);
        }
    }
}
