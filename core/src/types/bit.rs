//! `bit` and `varbit` (`bit varying`) as [`BitString`], and as
//! `bit_vec::BitVec` with the feature `bit-vec`.
//!
//! Binary: the length in bits (`int4`), then the bits packed most
//! significant first, the last byte padded with zero bits. Text: one `0` or
//! `1` per bit, as the server prints it; loading also takes the `B…` and
//! `X…` (hex) forms its input function takes.
//!
//! The server checks a `bit(n)` value's length; pgcast sends what it has.
//!
//! ```
//! use bytes::BytesMut;
//! use pgcast_core::types::BitString;
//! use pgcast_core::{Ctx, Dump, Load, Type};
//!
//! let bits: BitString = "10110".parse().unwrap();
//! let mut out = BytesMut::new();
//! bits.dump(&Ctx::binary(&Type::VARBIT), &mut out).unwrap();
//! assert_eq!(&out[..], &[0, 0, 0, 5, 0b1011_0000]);
//! assert_eq!(BitString::load(&Ctx::text(&Type::BIT), b"X0f").unwrap().to_string(), "00001111");
//! ```

use std::fmt;
use std::str::FromStr;

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// A string of bits, a value of `bit(n)` or `varbit`.
///
/// Equal bit strings compare equal whatever they were built from: the
/// unused bits of the last byte are always zero.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BitString {
    bytes: Vec<u8>,
    len: usize,
}

impl BitString {
    /// The empty bit string.
    pub const fn new() -> BitString {
        BitString {
            bytes: Vec::new(),
            len: 0,
        }
    }

    /// The first `len` bits of `bytes`, most significant bit first; `None`
    /// when `bytes` holds fewer.
    ///
    /// ```
    /// use pgcast_core::types::BitString;
    /// let bits = BitString::from_bytes(vec![0b1010_1111], 4).unwrap();
    /// assert_eq!(bits.to_string(), "1010");
    /// assert_eq!(bits.as_bytes(), [0b1010_0000]);
    /// ```
    pub fn from_bytes(mut bytes: Vec<u8>, len: usize) -> Option<BitString> {
        if bytes.len() < len.div_ceil(8) {
            return None;
        }
        bytes.truncate(len.div_ceil(8));
        if let (Some(last), rem @ 1..) = (bytes.last_mut(), len % 8) {
            *last &= 0xff << (8 - rem);
        }
        Some(BitString { bytes, len })
    }

    /// The number of bits.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bits.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bit at `index` (0 is the first, leftmost), if there is one.
    pub fn get(&self, index: usize) -> Option<bool> {
        (index < self.len).then(|| self.bytes[index / 8] & (0x80 >> (index % 8)) != 0)
    }

    /// Appends one bit.
    pub fn push(&mut self, bit: bool) {
        if self.len.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if bit && let Some(last) = self.bytes.last_mut() {
            *last |= 0x80 >> (self.len % 8);
        }
        self.len += 1;
    }

    /// The bits in order.
    pub fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        (0..self.len).map(|i| self.bytes[i / 8] & (0x80 >> (i % 8)) != 0)
    }

    /// The bits packed most significant first, the last byte padded with zeros.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl FromIterator<bool> for BitString {
    fn from_iter<I: IntoIterator<Item = bool>>(iter: I) -> BitString {
        let mut bits = BitString::new();
        for bit in iter {
            bits.push(bit);
        }
        bits
    }
}

impl fmt::Display for BitString {
    /// `0` and `1`, as the server prints bit strings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for bit in self.iter() {
            f.write_str(if bit { "1" } else { "0" })?;
        }
        Ok(())
    }
}

/// The error of [`BitString::from_str`]: a character that is not a bit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseBitStringError {
    at: usize,
}

impl fmt::Display for ParseBitStringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a bit string: bad character at byte {}", self.at)
    }
}

impl std::error::Error for ParseBitStringError {}

impl FromStr for BitString {
    type Err = ParseBitStringError;

    /// `0`s and `1`s, or what the server's input takes: a `B` prefix, or an
    /// `X` prefix and hex digits (four bits each).
    fn from_str(s: &str) -> std::result::Result<BitString, ParseBitStringError> {
        let bytes = s.as_bytes();
        let (hex, digits, offset) = match bytes {
            [b'x' | b'X', rest @ ..] => (true, rest, 1),
            [b'b' | b'B', rest @ ..] => (false, rest, 1),
            _ => (false, bytes, 0),
        };
        let mut bits = BitString::new();
        for (i, c) in digits.iter().enumerate() {
            let bad = ParseBitStringError { at: i + offset };
            if hex {
                let v = (*c as char).to_digit(16).ok_or(bad)?;
                for shift in (0..4).rev() {
                    bits.push(v >> shift & 1 == 1);
                }
            } else {
                match c {
                    b'0' => bits.push(false),
                    b'1' => bits.push(true),
                    _ => return Err(bad),
                }
            }
        }
        Ok(bits)
    }
}

fn check_bit<T: ?Sized>(ty: &Type) -> Result<()> {
    match *ty {
        Type::BIT | Type::VARBIT => Ok(()),
        _ => Err(Error::wrong_type::<T>(ty)),
    }
}

/// Reads a bit string in either format.
pub(crate) fn read_bits<T: ?Sized>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<BitString> {
    check_bit::<T>(ctx.ty)?;
    match ctx.format {
        Format::Text => std::str::from_utf8(raw)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                Error::malformed(
                    ctx.ty,
                    format!("{:?} is not a bit string", String::from_utf8_lossy(raw)),
                )
                .with_rust_type::<T>()
            }),
        Format::Binary => {
            let bad = |what: String| Error::malformed(ctx.ty, what).with_rust_type::<T>();
            let Some((len, bytes)) = raw.split_first_chunk::<4>() else {
                return Err(bad(format!("{} bytes, no length", raw.len())));
            };
            let len = i32::from_be_bytes(*len);
            let len = usize::try_from(len).map_err(|_| bad(format!("length {len}")))?;
            if bytes.len() != len.div_ceil(8) {
                return Err(bad(format!("{len} bits in {} bytes", bytes.len())));
            }
            BitString::from_bytes(bytes.to_vec(), len)
                .ok_or_else(|| bad(format!("{len} bits in {} bytes", bytes.len())))
        }
    }
}

/// Writes bits given by index in either format.
pub(crate) fn write_bits<T: ?Sized>(
    ctx: &Ctx<'_>,
    len: usize,
    packed: &[u8],
    out: &mut BytesMut,
) -> Result<IsNull> {
    check_bit::<T>(ctx.ty)?;
    match ctx.format {
        Format::Binary => {
            let n = i32::try_from(len).map_err(|_| {
                Error::new(
                    ErrorKind::OutOfRange,
                    format!("{len} bits is longer than a bit string can be"),
                )
                .with_pg_type(ctx.ty)
                .with_rust_type::<T>()
            })?;
            out.put_i32(n);
            out.put_slice(packed);
        }
        Format::Text => {
            out.reserve(len);
            for i in 0..len {
                let bit = packed
                    .get(i / 8)
                    .is_some_and(|b| b & (0x80 >> (i % 8)) != 0);
                out.put_u8(if bit { b'1' } else { b'0' });
            }
        }
    }
    Ok(IsNull::No)
}

impl Load<'_> for BitString {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_bit::<BitString>(ctx.ty)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<BitString> {
        read_bits::<BitString>(ctx, raw)
    }
}

impl Dump for BitString {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::VARBIT
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        write_bits::<BitString>(ctx, self.len, &self.bytes, out)
    }
}

impl StaticType for BitString {
    fn static_type(_: &Policy) -> Type {
        Type::VARBIT
    }
}

#[cfg(feature = "bit-vec")]
mod bit_vec_impls {
    use ::bit_vec::BitVec;

    use super::*;

    impl From<BitString> for BitVec {
        fn from(bits: BitString) -> BitVec {
            let mut v = BitVec::from_bytes(&bits.bytes);
            v.truncate(bits.len);
            v
        }
    }

    impl From<&BitVec> for BitString {
        fn from(v: &BitVec) -> BitString {
            BitString::from_bytes(v.to_bytes(), v.len()).unwrap_or_default()
        }
    }

    /// `bit_vec::BitVec` loads and dumps as a [`BitString`] does.
    impl Load<'_> for BitVec {
        fn check(ctx: &Ctx<'_>) -> Result<()> {
            check_bit::<BitVec>(ctx.ty)
        }

        fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<BitVec> {
            read_bits::<BitVec>(ctx, raw).map(BitVec::from)
        }
    }

    impl Dump for BitVec {
        fn pg_type(&self, _: &Policy) -> Type {
            Type::VARBIT
        }

        fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
            write_bits::<BitVec>(ctx, self.len(), &self.to_bytes(), out)
        }
    }

    impl StaticType for BitVec {
        fn static_type(_: &Policy) -> Type {
            Type::VARBIT
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms_and_errors() {
        let bits: BitString = "101".parse().unwrap();
        assert_eq!(bits.len(), 3);
        assert_eq!(bits.get(0), Some(true));
        assert_eq!(bits.get(1), Some(false));
        assert_eq!(bits.get(3), None);
        assert_eq!("B101".parse::<BitString>().unwrap(), bits);
        assert_eq!("xA".parse::<BitString>().unwrap().to_string(), "1010");
        assert!("102".parse::<BitString>().is_err());
        assert!("xg".parse::<BitString>().is_err());
        let ctx = Ctx::binary(&Type::BIT);
        assert_eq!(
            BitString::load(&ctx, &[0, 0, 0, 0]).unwrap(),
            BitString::new()
        );
        for bad in [
            &[][..],
            &[0, 0, 0],
            &[0, 0, 0, 9, 0],
            &[255, 255, 255, 255],
            &[0, 0, 0, 1],
        ] {
            assert_eq!(
                BitString::load(&ctx, bad).unwrap_err().kind(),
                ErrorKind::Malformed
            );
        }
        // padding bits are cleared, so equal strings are equal
        assert_eq!(
            BitString::load(&ctx, &[0, 0, 0, 1, 0xff])
                .unwrap()
                .as_bytes(),
            [0x80]
        );
        assert_eq!(
            BitString::load(&Ctx::binary(&Type::INT4), &[0; 4])
                .unwrap_err()
                .kind(),
            ErrorKind::WrongType
        );
    }

    proptest! {
        #[test]
        fn round_trip(bits in prop::collection::vec(any::<bool>(), 0..70)) {
            let v: BitString = bits.iter().copied().collect();
            prop_assert_eq!(v.iter().collect::<Vec<_>>(), bits);
            for (ty, fmt) in [(Type::BIT, Format::Binary), (Type::VARBIT, Format::Text)] {
                let ctx = Ctx::new(&ty, fmt);
                let mut out = BytesMut::new();
                v.dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(BitString::load(&ctx, &out).unwrap(), v.clone());
            }
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..16)) {
            for fmt in [Format::Binary, Format::Text] {
                let _ = BitString::load(&Ctx::new(&Type::VARBIT, fmt), &raw);
            }
        }
    }
}
