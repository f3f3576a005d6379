//! PostgreSQL enums as Rust enums: the run-time half of
//! `#[derive(PgEnum)]`. Both wire formats carry the label's UTF-8 text.
//!
//! The rule `check` applies: every label the Rust enum can produce must
//! exist on the server (otherwise a value could be written that the server
//! rejects), while labels the server has beyond the Rust variants are
//! allowed, since `ALTER TYPE … ADD VALUE` must not break deployed programs;
//! a row carrying such a label is an [`OutOfRange`](ErrorKind::OutOfRange)
//! error naming the label and the labels the Rust type knows, unless the
//! enum has a catch-all `#[pg(other)]` variant, which keeps the label (and
//! dumps it back as it is). Enum columns are also accepted as text (`text`,
//! `varchar`, `unknown`) and through domains.
//!
//! With `#[pg(repr = "int4")]` (or `int2`, `int8`) the enum is stored in an
//! integer column instead, each variant as its discriminant: see
//! [`load_discriminant`] and [`dump_discriminant`].
//!
//! ```
//! use pgcast_core::types::enums;
//! use pgcast_core::{Ctx, Kind, Type};
//!
//! let mood = Type::new("mood".into(), 90_001, Kind::Enum(vec!["sad".into(), "ok".into()]), "public".into());
//! assert!(enums::check_labels::<()>(&Ctx::binary(&mood), &["ok"]).is_ok());
//! let err = enums::check_labels::<()>(&Ctx::binary(&mood), &["ok", "happy"]).unwrap_err();
//! assert_eq!(err.message(), "enum mood has no label \"happy\"; its labels are \"sad\", \"ok\"");
//! ```

use bytes::BytesMut;
use postgres_types::{Kind, Type};

use super::domain::domain_base;
use super::text::{dump_str, is_text_like};
use crate::{Ctx, Dump, Error, ErrorKind, IsNull, Load, Result};

/// The type of an enum with these labels: what `#[derive(PgEnum)]` gives as
/// its [`StaticType`](crate::StaticType). Its OID is 0 (the server's OID
/// differs per database): a parameter's declared type wins, so this only
/// matters for untyped parameters and literal casts.
pub fn enum_type(schema: &str, name: &str, labels: &[&str]) -> Type {
    Type::new(
        name.to_owned(),
        0,
        Kind::Enum(labels.iter().map(|l| (*l).to_owned()).collect()),
        schema.to_owned(),
    )
}

fn quoted(labels: impl Iterator<Item = impl AsRef<str>>) -> String {
    let all: Vec<String> = labels.map(|l| format!("{:?}", l.as_ref())).collect();
    all.join(", ")
}

/// Whether an enum of `labels` can be loaded from and dumped to `ctx.ty`:
/// an enum type must have every label (see the module's rule); text types
/// take any label.
pub fn check_labels<T: ?Sized>(ctx: &Ctx<'_>, labels: &[&str]) -> Result<()> {
    let base = domain_base(ctx.ty);
    match base.kind() {
        Kind::Enum(server) => {
            let missing: Vec<&str> = labels
                .iter()
                .copied()
                .filter(|l| !server.iter().any(|s| s == l))
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            Err(Error::new(
                ErrorKind::WrongType,
                format!(
                    "enum {} has no label {}; its labels are {}",
                    base.name(),
                    quoted(missing.iter()),
                    quoted(server.iter())
                ),
            )
            .with_pg_type(ctx.ty)
            .with_rust_type::<T>())
        }
        _ if is_text_like(base) => Ok(()),
        _ => Err(Error::wrong_type::<T>(ctx.ty)),
    }
}

/// On `load`: an error unless `ctx.ty` is an enum or text type (labels are
/// matched by the caller).
#[inline]
pub fn check_type<T: ?Sized>(ctx: &Ctx<'_>) -> Result<()> {
    if is_text_like(domain_base(ctx.ty)) {
        Ok(())
    } else {
        Err(Error::wrong_type::<T>(ctx.ty))
    }
}

/// The error for a label the Rust enum does not have.
#[cold]
pub fn unknown_label<T: ?Sized>(ctx: &Ctx<'_>, raw: &[u8], labels: &[&str]) -> Error {
    Error::out_of_range::<T>(
        ctx.ty,
        format!(
            "unknown enum label {:?}; expected one of {}",
            String::from_utf8_lossy(raw),
            quoted(labels.iter())
        ),
    )
}

/// Writes a label, in either format.
///
/// When the target type is an enum whose labels are known (the server's,
/// from a prepared statement or the catalogue), a label it lacks is an
/// [`OutOfRange`](ErrorKind::OutOfRange) error naming the label and the
/// type, raised before anything is sent: the server would only answer
/// 22P02 for the whole statement.
#[inline]
pub fn dump_label<T: ?Sized>(ctx: &Ctx<'_>, label: &str, out: &mut BytesMut) -> Result<IsNull> {
    let base = domain_base(ctx.ty);
    if let Kind::Enum(server) = base.kind()
        && !server.iter().any(|s| s == label)
    {
        return Err(missing_label::<T>(ctx.ty, base, label, server));
    }
    dump_str::<T>(label, &ctx.with_type(base), out)
}

/// The error for dumping a label the target enum does not have.
#[cold]
fn missing_label<T: ?Sized>(ty: &Type, base: &Type, label: &str, server: &[String]) -> Error {
    Error::out_of_range::<T>(
        ty,
        format!(
            "enum {} has no label {label:?}; its labels are {}",
            base.name(),
            quoted(server.iter())
        ),
    )
}

/// The field type of a `#[pg(other)]` variant: text that holds the label.
#[diagnostic::on_unimplemented(
    message = "the `#[pg(other)]` variant holds the label as text: its field must be `String`, `Box<str>`, `Arc<str>` or `Rc<str>`, not `{Self}`",
    label = "not a label type"
)]
pub trait Label {
    /// The value holding `label`.
    fn from_label(label: &str) -> Self;
    /// The label held.
    fn as_label(&self) -> &str;
}

macro_rules! label_types {
    ($($t:ty),*) => {$(
        impl Label for $t {
            fn from_label(label: &str) -> Self {
                <$t>::from(label)
            }

            fn as_label(&self) -> &str {
                self
            }
        }
    )*};
}

label_types!(String, Box<str>, std::sync::Arc<str>, std::rc::Rc<str>);

/// The label of a value the Rust enum has no variant for, for its
/// `#[pg(other)]` variant: the value's UTF-8 text.
pub fn other_label<'r, T: ?Sized>(ctx: &Ctx<'_>, raw: &'r [u8]) -> Result<&'r str> {
    std::str::from_utf8(raw).map_err(|e| {
        Error::malformed(
            ctx.ty,
            format!("invalid UTF-8 in enum label at byte {}", e.valid_up_to()),
        )
        .with_rust_type::<T>()
    })
}

/// Whether an integer-backed enum (`#[pg(repr = "...")]`) can be loaded
/// from and dumped to `ctx.ty`: `int2`, `int4` or `int8`, or a domain over
/// one. Values are matched to discriminants one by one, so a wider column
/// than the `repr` is fine as long as its values are discriminants.
pub fn check_discriminant<T: ?Sized>(ctx: &Ctx<'_>) -> Result<()> {
    match *domain_base(ctx.ty) {
        Type::INT2 | Type::INT4 | Type::INT8 => Ok(()),
        _ => Err(Error::new(
            ErrorKind::WrongType,
            "an integer-backed enum (`#[pg(repr = ...)]`) loads from int2, int4 or int8 columns; \
             for a PostgreSQL enum type, derive PgEnum without `repr`",
        )
        .with_pg_type(ctx.ty)
        .with_rust_type::<T>()),
    }
}

/// The integer of an integer-backed enum's value, to match against the
/// discriminants.
///
/// ```
/// use pgcast_core::types::enums;
/// use pgcast_core::{Ctx, Type};
///
/// assert_eq!(enums::load_discriminant::<()>(&Ctx::binary(&Type::INT2), &[0, 3]).unwrap(), 3);
/// assert_eq!(enums::load_discriminant::<()>(&Ctx::text(&Type::INT8), b"-2").unwrap(), -2);
/// assert!(enums::load_discriminant::<()>(&Ctx::text(&Type::TEXT), b"2").is_err());
/// ```
#[inline]
pub fn load_discriminant<T: ?Sized>(ctx: &Ctx<'_>, raw: &[u8]) -> Result<i64> {
    check_discriminant::<T>(ctx)?;
    i64::load(&ctx.with_type(domain_base(ctx.ty)), raw).map_err(|e| e.with_rust_type::<T>())
}

/// The error for an integer that is no variant's discriminant.
#[cold]
pub fn unknown_discriminant<T: ?Sized>(ctx: &Ctx<'_>, value: i64, known: &[i64]) -> Error {
    let known: Vec<String> = known.iter().map(i64::to_string).collect();
    Error::out_of_range::<T>(
        ctx.ty,
        format!(
            "{value} is no variant's discriminant; expected one of {}",
            known.join(", ")
        ),
    )
}

/// Writes a discriminant as the integer type of `ctx` (range-checked: a
/// discriminant too large for an `int2` column is an error, never a wrap).
#[inline]
pub fn dump_discriminant<T: ?Sized>(
    ctx: &Ctx<'_>,
    value: i64,
    out: &mut BytesMut,
) -> Result<IsNull> {
    check_discriminant::<T>(ctx)?;
    value
        .dump(&ctx.with_type(domain_base(ctx.ty)), out)
        .map_err(|e| e.with_rust_type::<T>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    #[test]
    fn rules() {
        let mood = enum_type("public", "mood", &["sad", "it's", "a b"]);
        let ctx = Ctx::new(&mood, Format::Text);
        assert!(check_labels::<()>(&ctx, &["sad", "a b"]).is_ok());
        assert!(check_labels::<()>(&Ctx::binary(&Type::TEXT), &["x"]).is_ok());
        assert_eq!(
            check_labels::<()>(&Ctx::binary(&Type::INT4), &["x"])
                .unwrap_err()
                .kind(),
            ErrorKind::WrongType
        );
        let dom = Type::new("d".into(), 1, Kind::Domain(mood.clone()), "public".into());
        assert!(check_labels::<()>(&Ctx::binary(&dom), &["it's"]).is_ok());
        assert!(check_type::<()>(&Ctx::binary(&dom)).is_ok());
        assert!(check_type::<()>(&Ctx::binary(&Type::BOOL)).is_err());
        let err = unknown_label::<()>(&ctx, b"happy", &["sad"]);
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert_eq!(
            err.message(),
            "unknown enum label \"happy\"; expected one of \"sad\""
        );
        let mut out = BytesMut::new();
        dump_label::<()>(&Ctx::binary(&dom), "a b", &mut out).unwrap();
        assert_eq!(&out[..], b"a b");
        assert!(dump_label::<()>(&Ctx::binary(&Type::INT4), "a", &mut out).is_err());
        out.clear();
        let err = dump_label::<()>(&Ctx::text(&dom), "happy", &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert_eq!(
            err.message(),
            "enum mood has no label \"happy\"; its labels are \"sad\", \"it's\", \"a b\""
        );
        assert!(out.is_empty(), "nothing written");
        dump_label::<()>(&Ctx::text(&Type::TEXT), "happy", &mut out).unwrap();
        assert_eq!(&out[..], b"happy");
        assert_eq!(other_label::<()>(&ctx, b"new").unwrap(), "new");
        assert!(other_label::<()>(&ctx, &[0xff]).is_err());
    }

    #[test]
    fn discriminants() {
        let ctx = Ctx::binary(&Type::INT4);
        assert_eq!(load_discriminant::<()>(&ctx, &[0, 0, 1, 0]).unwrap(), 256);
        let err = unknown_discriminant::<()>(&ctx, 7, &[1, 2, 3]);
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert_eq!(
            err.message(),
            "7 is no variant's discriminant; expected one of 1, 2, 3"
        );
        let mut out = BytesMut::new();
        dump_discriminant::<()>(&Ctx::binary(&Type::INT2), 5, &mut out).unwrap();
        assert_eq!(&out[..], &[0, 5]);
        let err = dump_discriminant::<()>(&Ctx::binary(&Type::INT2), 1 << 20, &mut out);
        assert_eq!(err.unwrap_err().kind(), ErrorKind::OutOfRange);
        let err = check_discriminant::<()>(&Ctx::binary(&Type::TEXT)).unwrap_err();
        assert!(
            err.message().contains("derive PgEnum without `repr`"),
            "{err}"
        );
    }
}
