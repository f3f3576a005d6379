//! Tuples as values: anonymous records dumped field by field, by position.
//!
//! - Into a composite type (a parameter the statement gives a named type:
//!   `$1::point`, a composite column), field `k` is dumped as attribute
//!   `k`'s type; the counts must agree.
//! - Anywhere else the fields are dumped as their own types, as an
//!   anonymous record.
//!
//! A tuple's type is [`anonymous_record`]: `record` without an OID, so a
//! parameter goes out untyped and the server infers the composite type
//! from the statement. PostgreSQL cannot read a parameter typed `record`
//! ("input of anonymous composite types is not implemented"), so a tuple
//! parameter needs a statement that names its type. As a
//! [`Literal`](crate::sql::Literal) a tuple is `ROW(…)` of its fields'
//! literals, which the server accepts anywhere.
//!
//! A `Vec` of tuples takes its element type from the tuples'
//! [`StaticType`](crate::StaticType), `record`, and goes out as `record[]`,
//! which the server cannot read either: bind a `Vec` of a derived
//! `PgComposite` instead.
//!
//! ```
//! use pgcast_core::sql::{Composable, Literal};
//!
//! let lit = Literal::new((1_i32, Some("a b"), None::<f64>));
//! assert_eq!(lit.render_inline().unwrap(), "ROW(1, 'a b'::text, NULL)");
//! ```

use bytes::BytesMut;
use postgres_types::{Kind, Type};

use super::domain::domain_base;
use super::record::{self, BinaryWriter, FieldError};
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Policy, Result};

/// The type of a tuple value: `record` with OID 0, which leaves the
/// parameter's type to the server.
///
/// ```
/// use pgcast_core::types::anonymous_record;
/// use pgcast_core::{Dump, Policy};
///
/// assert_eq!((1_i32, "a").pg_type(&Policy::DEFAULT), anonymous_record());
/// assert_eq!(anonymous_record().oid(), 0);
/// ```
pub fn anonymous_record() -> Type {
    Type::new(
        "record".to_owned(),
        0,
        Kind::Pseudo,
        "pg_catalog".to_owned(),
    )
}

/// Whether `ty` is an anonymous record: `record`, or a tuple's type.
pub(crate) fn is_anonymous_record(ty: &Type) -> bool {
    *ty == Type::RECORD || (ty.oid() == 0 && ty.name() == "record" && ty.schema() == "pg_catalog")
}

/// Writes the tuple `values` as `ctx.ty`.
fn dump_tuple<T: ?Sized>(
    ctx: &Ctx<'_>,
    values: &[&dyn Dump],
    out: &mut BytesMut,
) -> Result<IsNull> {
    let base = domain_base(ctx.ty);
    let types: Vec<Type> = match base.kind() {
        Kind::Composite(fields) => {
            if fields.len() != values.len() {
                return Err(Error::new(
                    ErrorKind::WrongType,
                    format!(
                        "a tuple of {} values for a composite type of {} attributes",
                        values.len(),
                        fields.len()
                    ),
                )
                .with_pg_type(ctx.ty)
                .with_rust_type::<T>());
            }
            fields.iter().map(|f| f.type_().clone()).collect()
        }
        _ if is_anonymous_record(base) || *base == Type::UNKNOWN || base.oid() == 0 => {
            // A nested tuple is a `record` field.
            let own = |v: &&dyn Dump| match v.pg_type(ctx.policy) {
                ty if is_anonymous_record(&ty) => Type::RECORD,
                ty => ty,
            };
            values.iter().map(own).collect()
        }
        _ => return Err(Error::wrong_type::<T>(ctx.ty)),
    };
    let in_field = |e: Error, k: usize| e.with_column(k, &format!("{}", k + 1));
    match ctx.format {
        Format::Binary => {
            let mut w = BinaryWriter::new(out, values.len())
                .map_err(|m| Error::new(ErrorKind::OutOfRange, m).with_rust_type::<T>())?;
            for (k, (value, ty)) in values.iter().zip(&types).enumerate() {
                let fctx = ctx.with_type(domain_base(ty));
                w.field(ty.oid(), |o| value.dump(&fctx, o))
                    .map_err(|e| match e {
                        FieldError::Value(e) => in_field(e, k),
                        FieldError::TooLong => Error::out_of_range::<T>(
                            ctx.ty,
                            format!("field {} is over 2 GiB", k + 1),
                        ),
                    })?;
            }
        }
        Format::Text => {
            let mut fields: Vec<Option<BytesMut>> = Vec::with_capacity(values.len());
            for (k, (value, ty)) in values.iter().zip(&types).enumerate() {
                let mut field = BytesMut::new();
                let fctx = ctx.with_type(domain_base(ty));
                match value.dump(&fctx, &mut field).map_err(|e| in_field(e, k))? {
                    IsNull::Yes => fields.push(None),
                    IsNull::No => fields.push(Some(field)),
                }
            }
            record::write_text(out, fields.iter().map(|f| f.as_deref()));
        }
    }
    Ok(IsNull::No)
}

macro_rules! tuple_dumps {
    ($($len:literal => ($($t:ident $i:tt),+);)+) => {$(
        /// An anonymous record, or a composite value by position.
        impl<$($t: Dump),+> Dump for ($($t,)+) {
            fn pg_type(&self, _: &Policy) -> Type {
                anonymous_record()
            }

            fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
                dump_tuple::<Self>(ctx, &[$(&self.$i as &dyn Dump),+], out)
            }
        }
    )+};
}

tuple_dumps! {
    1 => (A 0);
    2 => (A 0, B 1);
    3 => (A 0, B 1, C 2);
    4 => (A 0, B 1, C 2, D 3);
    5 => (A 0, B 1, C 2, D 3, E 4);
    6 => (A 0, B 1, C 2, D 3, E 4, F 5);
    7 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    8 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    9 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    10 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    11 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    12 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
}

/// Writes an anonymous record as `ROW(…)`: its text form gives each
/// field's text, its binary form each field's type (nested records
/// recursively), and each field is written as a literal of its type.
pub(crate) fn write_row_literal(
    value: &dyn Dump,
    ty: &Type,
    policy: &Policy,
    field_literal: &mut dyn FnMut(&str, &Type, &mut String) -> Result<()>,
    out: &mut String,
) -> Result<IsNull> {
    let mut text = BytesMut::new();
    let mut binary = BytesMut::new();
    let null = value.dump(
        &Ctx {
            ty,
            format: Format::Text,
            policy,
            scope: None,
        },
        &mut text,
    )?;
    if null == IsNull::Yes {
        return Ok(IsNull::Yes);
    }
    value.dump(
        &Ctx {
            ty,
            format: Format::Binary,
            policy,
            scope: None,
        },
        &mut binary,
    )?;
    write_fields(&text, &binary, field_literal, out)?;
    Ok(IsNull::No)
}

fn write_fields(
    text: &[u8],
    binary: &[u8],
    field_literal: &mut dyn FnMut(&str, &Type, &mut String) -> Result<()>,
    out: &mut String,
) -> Result<()> {
    let malformed = |m: String| Error::malformed(&Type::RECORD, m);
    let texts = record::parse_text(text).map_err(malformed)?;
    let binaries = record::parse_binary(binary).map_err(malformed)?;
    if texts.len() != binaries.len() {
        return Err(malformed(format!(
            "the text form has {} fields, the binary form {}",
            texts.len(),
            binaries.len()
        )));
    }
    out.push_str("ROW(");
    for (k, (t, (oid, b))) in texts.iter().zip(&binaries).enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        match (t, b) {
            (Some(t), Some(b)) if *oid == Type::RECORD.oid() => {
                write_fields(t, b, field_literal, out)?
            }
            (Some(t), _) => {
                let t = std::str::from_utf8(t)
                    .map_err(|_| malformed(format!("field {} is not UTF-8", k + 1)))?;
                let ty = Type::from_oid(*oid).unwrap_or(Type::UNKNOWN);
                field_literal(t, &ty, out)?;
            }
            (None, _) => out.push_str("NULL"),
        }
    }
    out.push(')');
    Ok(())
}
