//! The `ltree` extension's `ltree` (label paths), `lquery` (path
//! patterns) and `ltxtquery` (full-text-like queries over labels) as
//! [`Ltree`], [`Lquery`] and [`Ltxtquery`].
//!
//! Extension types have per-database OIDs, so they are recognised by name
//! (`ltree`, `lquery`, `ltxtquery`), in any schema. Binary form: a version byte (1) then
//! the text; text form: the text (`Top.Science.Astronomy`, `*.Astronomy.*`).
//! The label syntax (which characters, how long) depends on the server
//! version and is checked by the server; pgcast only refuses NUL.

use std::fmt;

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, Policy, Result, StaticType};

/// The only binary format version of the ltree types.
const VERSION: u8 = 1;

fn load_text<'r, T: ?Sized>(ctx: &Ctx<'_>, name: &str, raw: &'r [u8]) -> Result<&'r str> {
    if ctx.ty.name() != name {
        return Err(Error::wrong_type::<T>(ctx.ty));
    }
    let text = match ctx.format {
        Format::Text => raw,
        Format::Binary => match raw.split_first() {
            Some((&VERSION, text)) => text,
            Some((v, _)) => {
                return Err(
                    Error::malformed(ctx.ty, format!("unknown {name} version {v}"))
                        .with_rust_type::<T>(),
                );
            }
            None => return Err(Error::malformed(ctx.ty, "no version byte").with_rust_type::<T>()),
        },
    };
    std::str::from_utf8(text).map_err(|e| {
        Error::malformed(ctx.ty, format!("invalid UTF-8 at byte {}", e.valid_up_to()))
            .with_rust_type::<T>()
    })
}

fn dump_text<T: ?Sized>(
    ctx: &Ctx<'_>,
    name: &str,
    text: &str,
    out: &mut BytesMut,
) -> Result<IsNull> {
    if ctx.ty.name() != name {
        return Err(Error::wrong_type::<T>(ctx.ty));
    }
    if text.as_bytes().contains(&0) {
        return Err(
            Error::new(ErrorKind::Nul, format!("an {name} cannot hold a NUL byte"))
                .with_pg_type(ctx.ty)
                .with_rust_type::<T>(),
        );
    }
    if ctx.format == Format::Binary {
        out.put_u8(VERSION);
    }
    out.put_slice(text.as_bytes());
    Ok(IsNull::No)
}

macro_rules! ltree_type {
    ($(#[$doc:meta])* $t:ident, $name:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $t(String);

        impl $t {
            #[doc = concat!("An `", $name, "` of this text (checked by the server).")]
            pub fn new(text: impl Into<String>) -> $t {
                $t(text.into())
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $t {
            fn from(s: String) -> Self {
                $t(s)
            }
        }

        impl From<&str> for $t {
            fn from(s: &str) -> Self {
                $t(s.to_owned())
            }
        }

        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Load<'_> for $t {
            fn check(ctx: &Ctx<'_>) -> Result<()> {
                if ctx.ty.name() == $name {
                    Ok(())
                } else {
                    Err(Error::wrong_type::<$t>(ctx.ty))
                }
            }

            fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<$t> {
                load_text::<$t>(ctx, $name, raw).map(|s| $t(s.to_owned()))
            }
        }

        impl Dump for $t {
            fn pg_type(&self, policy: &Policy) -> Type {
                Self::static_type(policy)
            }

            fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
                dump_text::<$t>(ctx, $name, &self.0, out)
            }
        }

        impl StaticType for $t {
            /// The extension type by name, OID 0 and no schema (the
            /// extension may live in any): the server resolves it.
            fn static_type(_: &Policy) -> Type {
                Type::new($name.into(), 0, Kind::Simple, String::new())
            }
        }
    };
}

ltree_type! {
    /// An `ltree` label path, such as `Top.Science.Astronomy`.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use pgcast_core::types::Ltree;
    /// use pgcast_core::{Ctx, Dump, Kind, Load, Type};
    ///
    /// let ty = Type::new("ltree".into(), 16_500, Kind::Simple, "public".into());
    /// let path: Ltree = Load::load(&Ctx::binary(&ty), b"\x01Top.Science").unwrap();
    /// assert_eq!(path.labels().collect::<Vec<_>>(), ["Top", "Science"]);
    ///
    /// let mut out = BytesMut::new();
    /// path.dump(&Ctx::text(&ty), &mut out).unwrap();
    /// assert_eq!(&out[..], b"Top.Science");
    /// ```
    Ltree, "ltree"
}

ltree_type! {
    /// An `lquery` path pattern, such as `*.Astronomy.*{1,2}`.
    ///
    /// ```
    /// use pgcast_core::types::Lquery;
    /// use pgcast_core::{Ctx, Kind, Load, Type};
    ///
    /// let ty = Type::new("lquery".into(), 16_600, Kind::Simple, "public".into());
    /// let q: Lquery = Load::load(&Ctx::text(&ty), b"*.Astronomy.*").unwrap();
    /// assert_eq!(q.as_str(), "*.Astronomy.*");
    /// ```
    Lquery, "lquery"
}

ltree_type! {
    /// An `ltxtquery`, such as `Europe & Russia*@ & !Transportation`.
    ///
    /// ```
    /// use pgcast_core::types::Ltxtquery;
    /// use pgcast_core::{Ctx, Kind, Load, Type};
    ///
    /// let ty = Type::new("ltxtquery".into(), 16_700, Kind::Simple, "public".into());
    /// let q: Ltxtquery = Load::load(&Ctx::binary(&ty), b"\x01Europe & !Asia").unwrap();
    /// assert_eq!(q.as_str(), "Europe & !Asia");
    /// ```
    Ltxtquery, "ltxtquery"
}

impl Ltree {
    /// The labels of the path, in order (none for the empty path).
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.0.split('.').filter(|_| !self.0.is_empty())
    }

    /// A path made of these labels, joined with `.`.
    ///
    /// ```
    /// use pgcast_core::types::Ltree;
    /// assert_eq!(Ltree::from_labels(["a", "b"]).as_str(), "a.b");
    /// ```
    pub fn from_labels<'a>(labels: impl IntoIterator<Item = &'a str>) -> Ltree {
        let mut s = String::new();
        for (n, label) in labels.into_iter().enumerate() {
            if n > 0 {
                s.push('.');
            }
            s.push_str(label);
        }
        Ltree(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ty(name: &str) -> Type {
        Type::new(name.into(), 70_000, Kind::Simple, "ext".into())
    }

    #[test]
    fn forms_and_errors() {
        let t = ty("ltree");
        assert_eq!(Ltree::load(&Ctx::text(&t), b"a.b").unwrap().as_str(), "a.b");
        assert_eq!(
            Ltree::load(&Ctx::binary(&t), b"\x01")
                .unwrap()
                .labels()
                .count(),
            0
        );
        for bad in [&b""[..], b"\x02a", b"\x01\xff"] {
            assert_eq!(
                Ltree::load(&Ctx::binary(&t), bad).unwrap_err().kind(),
                ErrorKind::Malformed
            );
        }
        assert_eq!(
            Ltree::load(&Ctx::text(&Type::TEXT), b"a")
                .unwrap_err()
                .kind(),
            ErrorKind::WrongType
        );
        assert!(
            Lquery::load(&Ctx::text(&t), b"a").is_err(),
            "an lquery is not an ltree"
        );
        assert!(Lquery::check(&Ctx::text(&ty("lquery"))).is_ok());
        let mut out = BytesMut::new();
        assert_eq!(
            Ltree::new("a\0")
                .dump(&Ctx::text(&t), &mut out)
                .unwrap_err()
                .kind(),
            ErrorKind::Nul
        );
        Ltree::new("a.b").dump(&Ctx::binary(&t), &mut out).unwrap();
        assert_eq!(&out[..], b"\x01a.b");
        assert_eq!(Ltree::static_type(&Policy::DEFAULT).name(), "ltree");
    }

    proptest! {
        #[test]
        fn round_trip(s in "[A-Za-z0-9_.ä]{0,12}") {
            for (name, fmt) in [("ltree", Format::Binary), ("ltree", Format::Text), ("lquery", Format::Binary), ("lquery", Format::Text)] {
                let t = ty(name);
                let ctx = Ctx::new(&t, fmt);
                let mut out = BytesMut::new();
                if name == "ltree" {
                    Ltree::new(s.clone()).dump(&ctx, &mut out).unwrap();
                    prop_assert_eq!(Ltree::load(&ctx, &out).unwrap(), Ltree::new(s.clone()));
                } else {
                    Lquery::new(s.clone()).dump(&ctx, &mut out).unwrap();
                    prop_assert_eq!(Lquery::load(&ctx, &out).unwrap(), Lquery::new(s.clone()));
                }
            }
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..8)) {
            for fmt in [Format::Binary, Format::Text] {
                let _ = Ltree::load(&Ctx::new(&ty("ltree"), fmt), &raw);
            }
        }
    }
}
