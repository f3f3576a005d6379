//! `macaddr` as [`MacAddr`] and `macaddr8` as [`MacAddr8`].
//!
//! Binary: the raw 6 or 8 bytes. Text: lower-case hex pairs joined by `:`,
//! as the server prints them; loading and [`FromStr`] also take the other
//! forms the server accepts (`08-00-2b-01-02-03`, `0800.2b01.0203`,
//! `0800-2b01-0203`, `08002b:010203`, `08002b-010203`, `08002b010203`).
//!
//! A `macaddr8` also loads and takes a 6-byte address, as the server's cast
//! does: `ff:fe` goes in the middle (EUI-48 to modified EUI-64).

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::types::int::BytesWriter;
use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

/// A 6-byte MAC address, a value of `macaddr`.
///
/// ```
/// use pgcast_core::types::MacAddr;
///
/// let mac: MacAddr = "0800.2B01.0203".parse().unwrap();
/// assert_eq!(mac, MacAddr([0x08, 0x00, 0x2b, 0x01, 0x02, 0x03]));
/// assert_eq!(mac.to_string(), "08:00:2b:01:02:03");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

/// An 8-byte (EUI-64) MAC address, a value of `macaddr8`.
///
/// ```
/// use pgcast_core::types::{MacAddr, MacAddr8};
///
/// let mac: MacAddr8 = "08:00:2b:01:02:03:04:05".parse().unwrap();
/// assert_eq!(mac.to_string(), "08:00:2b:01:02:03:04:05");
/// let eui64 = MacAddr8::from(MacAddr([8, 0, 0x2b, 1, 2, 3]));
/// assert_eq!(eui64.to_string(), "08:00:2b:ff:fe:01:02:03");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr8(pub [u8; 8]);

impl From<MacAddr> for MacAddr8 {
    /// EUI-48 to EUI-64 as the server casts it: `ff:fe` in the middle.
    fn from(MacAddr([a, b, c, d, e, f]): MacAddr) -> MacAddr8 {
        MacAddr8([a, b, c, 0xff, 0xfe, d, e, f])
    }
}

fn write_hex_pairs(f: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            f.write_str(":")?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex_pairs(f, &self.0)
    }
}

impl fmt::Display for MacAddr8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex_pairs(f, &self.0)
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A byte from one or two hex digits.
fn hex_byte(digits: &[u8]) -> Option<u8> {
    match digits {
        [l] => hex_digit(*l),
        [h, l] => Some(hex_digit(*h)? << 4 | hex_digit(*l)?),
        _ => None,
    }
}

fn bad_text(ty: &Type, raw: &[u8]) -> Error {
    Error::malformed(
        ty,
        format!(
            "{:?} is not a valid {} value",
            String::from_utf8_lossy(raw),
            ty.name()
        ),
    )
}

/// Parses the `macaddr` input forms of the server's `macaddr_in`.
fn parse_macaddr(ty: &Type, raw: &[u8]) -> Result<MacAddr> {
    let bad = || bad_text(ty, raw).with_rust_type::<MacAddr>();
    let s = raw.trim_ascii();
    let mut out = [0u8; 6];
    // six groups of one or two digits, `:` or `-` between
    for sep in [b':', b'-'] {
        if s.iter().filter(|&&b| b == sep).count() == 5 {
            for (slot, group) in out.iter_mut().zip(s.split(|&b| b == sep)) {
                *slot = hex_byte(group).ok_or_else(bad)?;
            }
            return Ok(MacAddr(out));
        }
    }
    // twelve digits, with separators at fixed places or none
    let seps: &[usize] = if s.len() == 12 {
        &[]
    } else if s.len() == 13 && matches!(s[6], b':' | b'-') {
        &[6]
    } else if s.len() == 14 && s[4] == s[9] && matches!(s[4], b'.' | b'-') {
        &[4, 9]
    } else {
        return Err(bad());
    };
    let mut digits = s
        .iter()
        .enumerate()
        .filter(|(i, _)| !seps.contains(i))
        .map(|(_, &b)| b);
    for slot in &mut out {
        let pair = [
            digits.next().ok_or_else(bad)?,
            digits.next().ok_or_else(bad)?,
        ];
        *slot = hex_byte(&pair).ok_or_else(bad)?;
    }
    Ok(MacAddr(out))
}

/// Parses the `macaddr8` input forms of the server's `macaddr8_in`: 6 or 8
/// pairs of hex digits, each optionally followed by one separator (`:`, `-`
/// or `.`, the same one throughout), surrounding white space allowed.
fn parse_macaddr8(ty: &Type, raw: &[u8]) -> Result<MacAddr8> {
    let bad = || bad_text(ty, raw).with_rust_type::<MacAddr8>();
    let mut rest = raw.trim_ascii();
    let mut bytes = [0u8; 8];
    let mut count = 0;
    let mut sep = None;
    while !rest.is_empty() {
        let [h, l, tail @ ..] = rest else {
            return Err(bad());
        };
        let slot = bytes.get_mut(count).ok_or_else(bad)?;
        *slot = hex_byte(&[*h, *l]).ok_or_else(bad)?;
        count += 1;
        rest = tail;
        if let [s @ (b':' | b'-' | b'.'), tail @ ..] = rest {
            if *sep.get_or_insert(*s) != *s {
                return Err(bad());
            }
            rest = tail;
        }
    }
    match count {
        8 => Ok(MacAddr8(bytes)),
        6 => {
            let [a, b, c, d, e, f, ..] = bytes;
            Ok(MacAddr8::from(MacAddr([a, b, c, d, e, f])))
        }
        _ => Err(bad()),
    }
}

impl FromStr for MacAddr {
    type Err = Error;

    fn from_str(s: &str) -> Result<MacAddr> {
        parse_macaddr(&Type::MACADDR, s.as_bytes())
    }
}

impl FromStr for MacAddr8 {
    type Err = Error;

    /// Parses 8 bytes, or 6 with `ff:fe` put in the middle as the server does.
    fn from_str(s: &str) -> Result<MacAddr8> {
        parse_macaddr8(&Type::MACADDR8, s.as_bytes())
    }
}

fn check_type<T: ?Sized>(ctx: &Ctx<'_>, accepts: &[Type]) -> Result<()> {
    if accepts.contains(ctx.ty) {
        Ok(())
    } else {
        Err(Error::wrong_type::<T>(ctx.ty))
    }
}

fn wrong_length<T: ?Sized>(ty: &Type, len: usize) -> Error {
    Error::malformed(ty, format!("{len} bytes is not a binary {}", ty.name())).with_rust_type::<T>()
}

/// Writes bytes in the context's format: raw, or hex pairs joined by `:`.
fn dump_bytes(bytes: &[u8], ctx: &Ctx<'_>, out: &mut BytesMut) {
    match ctx.format {
        Format::Binary => out.put_slice(bytes),
        Format::Text => {
            // writing into BytesMut cannot fail
            let _ = write_hex_pairs(&mut BytesWriter(out), bytes);
        }
    }
}

impl Load<'_> for MacAddr {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_type::<MacAddr>(ctx, &[Type::MACADDR])
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<MacAddr> {
        Self::check(ctx)?;
        match ctx.format {
            Format::Binary => <[u8; 6]>::try_from(raw)
                .map(MacAddr)
                .map_err(|_| wrong_length::<MacAddr>(ctx.ty, raw.len())),
            Format::Text => parse_macaddr(ctx.ty, raw),
        }
    }
}

impl Dump for MacAddr {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::MACADDR
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        check_type::<MacAddr>(ctx, &[Type::MACADDR, Type::MACADDR8])?;
        if *ctx.ty == Type::MACADDR8 {
            return MacAddr8::from(*self).dump(ctx, out);
        }
        dump_bytes(&self.0, ctx, out);
        Ok(IsNull::No)
    }
}

impl StaticType for MacAddr {
    fn static_type(_: &Policy) -> Type {
        Type::MACADDR
    }
}

impl Load<'_> for MacAddr8 {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_type::<MacAddr8>(ctx, &[Type::MACADDR8, Type::MACADDR])
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<MacAddr8> {
        Self::check(ctx)?;
        if *ctx.ty == Type::MACADDR {
            return MacAddr::load(ctx, raw).map(MacAddr8::from);
        }
        match ctx.format {
            Format::Binary => match raw.len() {
                8 => <[u8; 8]>::try_from(raw)
                    .map(MacAddr8)
                    .map_err(|_| wrong_length::<MacAddr8>(ctx.ty, raw.len())),
                // the server's macaddr8_recv takes 6 bytes too
                6 => <[u8; 6]>::try_from(raw)
                    .map(|b| MacAddr8::from(MacAddr(b)))
                    .map_err(|_| wrong_length::<MacAddr8>(ctx.ty, raw.len())),
                len => Err(wrong_length::<MacAddr8>(ctx.ty, len)),
            },
            Format::Text => parse_macaddr8(ctx.ty, raw),
        }
    }
}

impl Dump for MacAddr8 {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::MACADDR8
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        check_type::<MacAddr8>(ctx, &[Type::MACADDR8])?;
        dump_bytes(&self.0, ctx, out);
        Ok(IsNull::No)
    }
}

impl StaticType for MacAddr8 {
    fn static_type(_: &Policy) -> Type {
        Type::MACADDR8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use proptest::prelude::*;

    const MAC: MacAddr = MacAddr([0x08, 0x00, 0x2b, 0x01, 0x02, 0x03]);

    #[test]
    fn macaddr_input_forms() {
        for form in [
            "08:00:2b:01:02:03",
            "08-00-2b-01-02-03",
            "08002b:010203",
            "08002b-010203",
            "0800.2b01.0203",
            "0800-2b01-0203",
            "08002b010203",
            "08:00:2B:01:02:03",
            "8:0:2b:1:2:3",
            "  08:00:2b:01:02:03 ",
        ] {
            assert_eq!(form.parse::<MacAddr>().unwrap(), MAC, "{form}");
        }
        for bad in [
            "",
            "08:00:2b:01:02",
            "08:00:2b:01:02:03:04",
            "08:00:2b:01:02:003",
            "08:00-2b:01:02:03",
            "08002b01020",
            "08002b0102030",
            "0800.2b01-0203",
            "0800:2b01:0203",
            "08002b.010203",
            "08:00:2b:01:02:0g",
            "08:00:2b:01::03",
        ] {
            let err = bad.parse::<MacAddr>().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{bad:?}");
        }
    }

    #[test]
    fn macaddr8_input_forms() {
        let mac8 = MacAddr8([0x08, 0x00, 0x2b, 0x01, 0x02, 0x03, 0x04, 0x05]);
        for form in [
            "08:00:2b:01:02:03:04:05",
            "08-00-2b-01-02-03-04-05",
            "08002b:0102030405",
            "0800.2b01.0203.0405",
            "0800-2b01-0203-0405",
            "08002b01:02030405",
            "08002b0102030405",
            " 08:00:2B:01:02:03:04:05 ",
        ] {
            assert_eq!(form.parse::<MacAddr8>().unwrap(), mac8, "{form}");
        }
        assert_eq!(
            "08:00:2b:01:02:03".parse::<MacAddr8>().unwrap(),
            MacAddr8::from(MAC)
        );
        for bad in [
            "",
            "08:00:2b:01:02:03:04",
            "08:00:2b:01:02:03:04:05:06",
            "08:00-2b:01:02:03:04:05",
            "8:0:2b:1:2:3:4:5",
            "08002b010203040",
            "08:00:2b:01:02:03:04:0x",
            "08::00:2b:01:02:03:04:05",
        ] {
            let err = bad.parse::<MacAddr8>().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{bad:?}");
        }
    }

    #[test]
    fn wire_forms() {
        let mut out = BytesMut::new();
        MAC.dump(&Ctx::binary(&Type::MACADDR), &mut out).unwrap();
        assert_eq!(&out[..], &MAC.0);
        out.clear();
        MAC.dump(&Ctx::text(&Type::MACADDR), &mut out).unwrap();
        assert_eq!(&out[..], b"08:00:2b:01:02:03");
        out.clear();
        MAC.dump(&Ctx::text(&Type::MACADDR8), &mut out).unwrap();
        assert_eq!(&out[..], b"08:00:2b:ff:fe:01:02:03");
        assert!(MAC.dump(&Ctx::binary(&Type::BYTEA), &mut out).is_err());
        let mac8 = MacAddr8::from(MAC);
        assert!(mac8.dump(&Ctx::binary(&Type::MACADDR), &mut out).is_err());

        let ctx = Ctx::binary(&Type::MACADDR);
        assert!(MacAddr::load(&ctx, &[1, 2, 3, 4, 5]).is_err());
        assert!(MacAddr::load(&ctx, &[1, 2, 3, 4, 5, 6, 7]).is_err());
        assert_eq!(MacAddr8::load(&ctx, &MAC.0).unwrap(), mac8);
        let ctx = Ctx::binary(&Type::MACADDR8);
        assert_eq!(MacAddr8::load(&ctx, &MAC.0).unwrap(), mac8);
        assert_eq!(MacAddr8::load(&ctx, &mac8.0).unwrap(), mac8);
        assert!(MacAddr8::load(&ctx, &[0; 7]).is_err());
        assert!(MacAddr::load(&ctx, &MAC.0).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(bytes in any::<[u8; 6]>(), bytes8 in any::<[u8; 8]>()) {
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::MACADDR, fmt);
                let mut out = BytesMut::new();
                MacAddr(bytes).dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(MacAddr::load(&ctx, &out).unwrap(), MacAddr(bytes));
                let ctx = Ctx::new(&Type::MACADDR8, fmt);
                out.clear();
                MacAddr8(bytes8).dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(MacAddr8::load(&ctx, &out).unwrap(), MacAddr8(bytes8));
            }
            prop_assert_eq!(MacAddr(bytes).to_string().parse::<MacAddr>().unwrap(), MacAddr(bytes));
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..24), s in "[0-9a-f:.\\- ]{0,26}") {
            for fmt in [Format::Binary, Format::Text] {
                let _ = MacAddr::load(&Ctx::new(&Type::MACADDR, fmt), &raw);
                let _ = MacAddr8::load(&Ctx::new(&Type::MACADDR8, fmt), &raw);
            }
            let _ = s.parse::<MacAddr>();
            let _ = s.parse::<MacAddr8>();
        }
    }
}
