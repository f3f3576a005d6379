//! `uuid` as [`uuid::Uuid`].
//!
//! Binary: the 16 bytes. Text: lower-case and hyphenated, as the server
//! prints it; loading also takes what the server's input function takes:
//! upper case, `{braces}`, and a hyphen or none after any group of four
//! digits (`a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11`).
//!
//! ```
//! use bytes::BytesMut;
//! use pgcast_core::{Ctx, Dump, Load};
//! use postgres_types::Type;
//! use uuid::Uuid;
//!
//! let ctx = Ctx::text(&Type::UUID);
//! let id = Uuid::load(&ctx, b"{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}").unwrap();
//! let mut out = BytesMut::new();
//! id.dump(&ctx, &mut out).unwrap();
//! assert_eq!(&out[..], b"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
//! ```

use ::uuid::Uuid;
use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

fn check_uuid(ctx: &Ctx<'_>) -> Result<()> {
    match *ctx.ty {
        Type::UUID => Ok(()),
        _ => Err(Error::wrong_type::<Uuid>(ctx.ty)),
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

/// Parses the text forms the server's `uuid_in` accepts.
fn parse_uuid(ty: &Type, raw: &[u8]) -> Result<Uuid> {
    let bad = || {
        Error::malformed(
            ty,
            format!("{:?} is not a uuid", String::from_utf8_lossy(raw)),
        )
        .with_rust_type::<Uuid>()
    };
    let mut rest = raw;
    let braces = if let [b'{', inner @ ..] = rest {
        rest = inner;
        true
    } else {
        false
    };
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        let [hi, lo, tail @ ..] = rest else {
            return Err(bad());
        };
        *byte = match (hex_digit(*hi), hex_digit(*lo)) {
            (Some(h), Some(l)) => h << 4 | l,
            _ => return Err(bad()),
        };
        rest = tail;
        // a hyphen may follow any group of four digits but the last
        if i % 2 == 1 && i < 15 {
            rest = rest.strip_prefix(b"-").unwrap_or(rest);
        }
    }
    if braces {
        match rest {
            [b'}', tail @ ..] => rest = tail,
            _ => return Err(bad()),
        }
    }
    if rest.is_empty() {
        Ok(Uuid::from_bytes(bytes))
    } else {
        Err(bad())
    }
}

impl Load<'_> for Uuid {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_uuid(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Uuid> {
        if ctx.format == Format::Binary
            && *ctx.ty == Type::UUID
            && let Ok(bytes) = <[u8; 16]>::try_from(raw)
        {
            return Ok(Uuid::from_bytes(bytes));
        }
        check_uuid(ctx)?;
        match ctx.format {
            Format::Binary => match <[u8; 16]>::try_from(raw) {
                Ok(bytes) => Ok(Uuid::from_bytes(bytes)),
                Err(_) => Err(Error::malformed(
                    ctx.ty,
                    format!("{} bytes, expected 16", raw.len()),
                )
                .with_rust_type::<Uuid>()),
            },
            Format::Text => parse_uuid(ctx.ty, raw),
        }
    }
}

impl Dump for Uuid {
    fn pg_type(&self, _: &Policy) -> Type {
        Type::UUID
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        if ctx.format == Format::Binary && *ctx.ty == Type::UUID {
            out.put_slice(self.as_bytes());
            return Ok(IsNull::No);
        }
        dump_uuid(self, ctx, out)
    }
}

/// The text form and the errors, out of line so that the binary fast path
/// of `dump` stays small enough to inline.
fn dump_uuid(v: &Uuid, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    check_uuid(ctx)?;
    match ctx.format {
        Format::Binary => out.put_slice(v.as_bytes()),
        Format::Text => {
            let mut buf = [0u8; 36];
            out.put_slice(v.hyphenated().encode_lower(&mut buf).as_bytes());
        }
    }
    Ok(IsNull::No)
}

impl StaticType for Uuid {
    fn static_type(_: &Policy) -> Type {
        Type::UUID
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use proptest::prelude::*;

    const ID: &str = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";

    #[test]
    fn server_input_forms() {
        let ctx = Ctx::text(&Type::UUID);
        let expected = Uuid::parse_str(ID).unwrap();
        for form in [
            ID,
            "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
            "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
            "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}",
        ] {
            assert_eq!(
                Uuid::load(&ctx, form.as_bytes()).unwrap(),
                expected,
                "{form}"
            );
        }
        for bad in [
            "",
            "{",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111",
            "a0e-ebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11",
            "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
            "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        ] {
            let err = Uuid::load(&ctx, bad.as_bytes()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{bad}");
        }
    }

    #[test]
    fn binary_and_types() {
        let ctx = Ctx::binary(&Type::UUID);
        let id = Uuid::parse_str(ID).unwrap();
        let mut out = BytesMut::new();
        id.dump(&ctx, &mut out).unwrap();
        assert_eq!(&out[..], id.as_bytes());
        assert_eq!(Uuid::load(&ctx, &out).unwrap(), id);
        assert!(Uuid::load(&ctx, &out[..15]).is_err());
        assert!(Uuid::load(&ctx, &[0; 17]).is_err());
        assert!(Uuid::load(&Ctx::binary(&Type::BYTEA), &[0; 16]).is_err());
        assert_eq!(
            id.dump(&Ctx::text(&Type::TEXT), &mut out)
                .unwrap_err()
                .kind(),
            ErrorKind::WrongType
        );
        assert_eq!(id.pg_type(&Policy::DEFAULT), Type::UUID);
    }

    proptest! {
        #[test]
        fn round_trip(bytes in any::<[u8; 16]>()) {
            let id = Uuid::from_bytes(bytes);
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::UUID, fmt);
                let mut out = BytesMut::new();
                id.dump(&ctx, &mut out).unwrap();
                prop_assert_eq!(Uuid::load(&ctx, &out).unwrap(), id);
            }
            let simple = id.simple().to_string().to_uppercase();
            prop_assert_eq!(Uuid::load(&Ctx::text(&Type::UUID), simple.as_bytes()).unwrap(), id);
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..48)) {
            let _ = Uuid::load(&Ctx::binary(&Type::UUID), &raw);
            let _ = Uuid::load(&Ctx::text(&Type::UUID), &raw);
        }
    }
}
