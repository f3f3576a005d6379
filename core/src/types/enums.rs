//! PostgreSQL enums as Rust enums: the run-time half of
//! `#[derive(PgEnum)]`. Both wire formats carry the label's UTF-8 text.
//!
//! The rule `check` applies: every label the Rust enum can produce must
//! exist on the server (otherwise a value could be written that the server
//! rejects), while labels the server has beyond the Rust variants are
//! allowed, since `ALTER TYPE … ADD VALUE` must not break deployed programs;
//! a row carrying such a label is an [`OutOfRange`](ErrorKind::OutOfRange)
//! error naming the label and the labels the Rust type knows. Enum columns
//! are also accepted as text (`text`, `varchar`, `unknown`) and through
//! domains.
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
use crate::{Ctx, Error, ErrorKind, IsNull, Result};

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
    }
}
