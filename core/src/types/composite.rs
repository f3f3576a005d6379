//! Composite types and anonymous records, both formats: the run-time half
//! of `#[derive(PgComposite)]`, and tuples `(A, B, …)` as records.
//!
//! A derived composite matches its fields to the type's attributes **by
//! name**, in any order: the attributes come from the `Kind::Composite` of
//! the value's type, which tokio-postgres fetches by itself and
//! [`typeinfo`](crate::typeinfo) builds from the catalogue. A missing or an
//! extra attribute is a [`WrongType`](crate::ErrorKind::WrongType) error at
//! `check` time, and again on `load` (which validates on its own). Each
//! attribute's value goes through its field type's own codec, with domains
//! looked through.
//!
//! Tuples load records **by position**: a composite value (`SELECT t FROM t`)
//! or an anonymous `ROW(1, 'a')` (type `record`). A binary record names each
//! field's type OID, which must be a built-in type unless the column's type
//! has attributes; the text form names no types, so each field is read as the
//! column type's attribute if it has attributes, else as its Rust element's
//! [`StaticType`] (`i64` reads an int8's text, `String` a text's): enough for
//! every built-in type, not for a field of a custom type inside an
//! anonymous record.
//!
//! ```
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let pair: (i32, Option<String>) = Load::load(&Ctx::text(&Type::RECORD), b"(1,\"a b\")").unwrap();
//! assert_eq!(pair, (1, Some("a b".to_owned())));
//! ```

use std::borrow::Cow;

use bytes::BytesMut;
use postgres_types::{Field, Kind, Oid, Type};

use super::domain::domain_base;
use super::record::{self, BinaryWriter, FieldError, TextField};
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, LoadOwned, Result, StaticType};

/// The type of a composite with the given attributes: what
/// `#[derive(PgComposite)]` gives as its [`StaticType`]. Its OID is 0 (the
/// server's OID differs per database): a parameter's declared type wins, so
/// this only matters for untyped parameters and literal casts, where the
/// server resolves the type by its name.
///
/// ```
/// use pgcast_core::types::composite::composite_type;
/// use pgcast_core::{Kind, Type};
///
/// let ty = composite_type("Other Schema", "My Type", vec![("n", Type::INT4)]);
/// assert_eq!((ty.oid(), ty.schema(), ty.name()), (0, "Other Schema", "My Type"));
/// assert!(matches!(ty.kind(), Kind::Composite(f) if f[0].name() == "n"));
/// ```
pub fn composite_type(schema: &str, name: &str, fields: Vec<(&str, Type)>) -> Type {
    let fields = fields
        .into_iter()
        .map(|(name, ty)| Field::new(name.to_owned(), ty))
        .collect();
    Type::new(
        name.to_owned(),
        0,
        Kind::Composite(fields),
        schema.to_owned(),
    )
}

/// `schema.name` as a reader would write it, quoting what needs it.
fn display_name(ty: &Type) -> String {
    fn part(s: &str) -> String {
        let plain = s
            .bytes()
            .enumerate()
            .all(|(i, b)| b == b'_' || b.is_ascii_lowercase() || (i > 0 && b.is_ascii_digit()));
        if plain && !s.is_empty() {
            s.to_owned()
        } else {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
    }
    if ty.schema() == "public" || ty.schema() == "pg_catalog" || ty.schema().is_empty() {
        part(ty.name())
    } else {
        format!("{}.{}", part(ty.schema()), part(ty.name()))
    }
}

fn list(names: impl Iterator<Item = impl AsRef<str>>) -> String {
    let all: Vec<String> = names.map(|n| format!("\"{}\"", n.as_ref())).collect();
    if all.is_empty() {
        "none".to_owned()
    } else {
        all.join(", ")
    }
}

/// An error about one attribute, keeping the inner error's kind and telling
/// which attribute and types it concerns.
#[cold]
fn in_attribute(err: Error, name: &str) -> Error {
    let mut context = Vec::new();
    if let Some(ty) = err.pg_type() {
        context.push(format!("PostgreSQL type {}", display_name(ty)));
    }
    if let Some(rust) = err.rust_type() {
        context.push(format!("Rust type {rust}"));
    }
    let context = if context.is_empty() {
        String::new()
    } else {
        format!(" ({})", context.join(", "))
    };
    Error::new(
        err.kind(),
        format!("attribute \"{name}\"{context}: {}", err.message()),
    )
    .with_source(err)
}

/// The attributes of a composite type, domains looked through; a
/// [`WrongType`](ErrorKind::WrongType) error for other types.
pub fn attributes<T: ?Sized>(ty: &Type) -> Result<&[Field]> {
    match domain_base(ty).kind() {
        Kind::Composite(fields) => Ok(fields),
        _ => Err(Error::new(
            ErrorKind::WrongType,
            format!(
                "{} is not a composite type with known attributes; a composite maps its \
                 attributes by name (register the type through typeinfo, or cast to it)",
                display_name(ty)
            ),
        )
        .with_pg_type(ty)
        .with_rust_type::<T>()),
    }
}

/// A composite type's attributes matched to a Rust type's fields by name:
/// what `#[derive(PgComposite)]` resolves in `check` and on each value.
#[derive(Debug)]
pub struct CompositeFields<'t> {
    ctx: Ctx<'t>,
    names: &'static [&'static str],
    /// The type's attributes; for an anonymous `record`, the fields of the
    /// value being read, typed by the OIDs the binary format carries.
    fields: Cow<'t, [Field]>,
    /// An anonymous `record`: fields match by position, types per value.
    anonymous: bool,
    /// The attribute position of each Rust field.
    positions: Vec<usize>,
}

impl<'t> CompositeFields<'t> {
    /// Matches `names` (the Rust fields' attribute names, in declaration
    /// order) to the attributes of `ctx.ty`: an error naming the missing or
    /// extra attributes unless they are the same set.
    pub fn resolve<T: ?Sized>(
        ctx: &Ctx<'t>,
        names: &'static [&'static str],
    ) -> Result<CompositeFields<'t>> {
        if *domain_base(ctx.ty) == Type::RECORD {
            // `ROW(…)` or `array_agg(ROW(…))`: by position, checked per value.
            return Ok(CompositeFields {
                ctx: *ctx,
                names,
                fields: Cow::Owned(Vec::new()),
                anonymous: true,
                positions: (0..names.len()).collect(),
            });
        }
        let fields = attributes::<T>(ctx.ty)?;
        let mut positions = Vec::with_capacity(names.len());
        let mut missing = Vec::new();
        for (k, name) in names.iter().enumerate() {
            // The usual case, same order, costs one comparison per field.
            let found = match fields.get(k) {
                Some(f) if f.name() == *name => Some(k),
                _ => fields.iter().position(|f| f.name() == *name),
            };
            match found {
                Some(p) => positions.push(p),
                None => missing.push(*name),
            }
        }
        if missing.is_empty() && fields.len() == names.len() {
            return Ok(CompositeFields {
                ctx: *ctx,
                names,
                fields: Cow::Borrowed(fields),
                anonymous: false,
                positions,
            });
        }
        Err(Self::mismatch::<T>(ctx.ty, names, fields, &missing))
    }

    #[cold]
    fn mismatch<T: ?Sized>(ty: &Type, names: &[&str], fields: &[Field], missing: &[&str]) -> Error {
        let extra: Vec<&str> = fields
            .iter()
            .map(Field::name)
            .filter(|f| !names.contains(f))
            .collect();
        let mut message = format!("composite type {}", display_name(ty));
        if !missing.is_empty() {
            message.push_str(&format!(" has no attribute {}", list(missing.iter())));
        }
        if !extra.is_empty() {
            if !missing.is_empty() {
                message.push_str(", and");
            }
            message.push_str(&format!(
                " has attribute {} that no field maps to",
                list(extra.iter())
            ));
        }
        message.push_str(&format!(
            "; its attributes are {}, the fields map to {}",
            list(fields.iter().map(Field::name)),
            list(names.iter())
        ));
        Error::new(ErrorKind::WrongType, message)
            .with_pg_type(ty)
            .with_rust_type::<T>()
    }

    /// The context of Rust field `k`: its attribute's type, domains looked
    /// through.
    #[inline]
    pub fn ctx(&self, k: usize) -> Result<Ctx<'_>> {
        let field = self.field(k)?;
        Ok(self.ctx.with_type(domain_base(field.type_())))
    }

    fn field(&self, k: usize) -> Result<&Field> {
        self.positions
            .get(k)
            .and_then(|&p| self.fields.get(p))
            .ok_or_else(|| Error::new(ErrorKind::Malformed, format!("no field {k}")))
    }

    /// Checks Rust field `k`, of type `F`, against its attribute's type
    /// (for an anonymous `record`, each value is checked as it is read).
    pub fn check<F: LoadOwned>(&self, k: usize) -> Result<()> {
        if self.anonymous {
            return Ok(());
        }
        F::check(&self.ctx(k)?).map_err(|e| in_attribute(e, self.name(k)))
    }

    fn name(&self, k: usize) -> &'static str {
        self.names.get(k).copied().unwrap_or("?")
    }

    /// Reads a composite value of `ctx.ty` in `ctx.format`, its attributes
    /// matched to `names`.
    pub fn read<'r, T: ?Sized>(
        ctx: &Ctx<'t>,
        names: &'static [&'static str],
        raw: &'r [u8],
    ) -> Result<CompositeValue<'t, 'r>> {
        let fields = CompositeFields::resolve::<T>(ctx, names)?;
        let malformed = |msg: String| Error::malformed(ctx.ty, msg).with_rust_type::<T>();
        if fields.anonymous {
            return CompositeValue::anonymous::<T>(fields, raw);
        }
        let values = match ctx.format {
            Format::Binary => {
                let values = record::parse_binary(raw).map_err(malformed)?;
                for (field, (oid, _)) in fields.fields.iter().zip(&values) {
                    if field.type_().oid() != *oid {
                        return Err(malformed(format!(
                            "attribute \"{}\" has type OID {oid}, expected {} ({})",
                            field.name(),
                            field.type_().oid(),
                            field.type_().name()
                        )));
                    }
                }
                values
                    .into_iter()
                    .map(|(_, v)| v.map(Cow::Borrowed))
                    .collect()
            }
            Format::Text => {
                let mut values = record::parse_text(raw).map_err(malformed)?;
                if fields.fields.is_empty() && values.len() == 1 && values[0].is_none() {
                    values.clear();
                }
                values
            }
        };
        if values.len() != fields.fields.len() {
            return Err(malformed(format!(
                "{} fields in the value, the type has {} attributes",
                values.len(),
                fields.fields.len()
            )));
        }
        Ok(CompositeValue { fields, values })
    }
}

/// One composite value, read and matched: [`load`](Self::load) each Rust
/// field from it.
#[derive(Debug)]
pub struct CompositeValue<'t, 'r> {
    fields: CompositeFields<'t>,
    /// In the type's attribute order.
    values: Vec<TextField<'r>>,
}

impl<'t, 'r> CompositeValue<'t, 'r> {
    /// An anonymous `record` in binary format, its fields matched to the
    /// Rust fields by position and typed by the OIDs it carries.
    fn anonymous<T: ?Sized>(
        mut fields: CompositeFields<'t>,
        raw: &'r [u8],
    ) -> Result<CompositeValue<'t, 'r>> {
        let ty = fields.ctx.ty;
        if fields.ctx.format == Format::Text {
            // Text carries no field types: each field loads as its Rust
            // field's own type.
            let values = record::parse_text(raw)
                .map_err(|m| Error::malformed(ty, m).with_rust_type::<T>())?;
            same_width::<T>(ty, values.len(), fields.names.len())?;
            return Ok(CompositeValue { fields, values });
        }
        let values =
            record::parse_binary(raw).map_err(|m| Error::malformed(ty, m).with_rust_type::<T>())?;
        same_width::<T>(ty, values.len(), fields.names.len())?;
        let mut typed = Vec::with_capacity(values.len());
        for (k, (oid, _)) in values.iter().enumerate() {
            let Some(field_ty) = Type::from_oid(*oid) else {
                return Err(Error::new(
                    ErrorKind::WrongType,
                    format!(
                        "field {} of an anonymous record has type OID {oid}, which is not built \
                         in; cast the record to a named composite type (ROW(…)::my_type)",
                        k + 1
                    ),
                )
                .with_pg_type(ty)
                .with_rust_type::<T>());
            };
            let name = fields.names.get(k).copied().unwrap_or("?");
            typed.push(Field::new(name.to_owned(), field_ty));
        }
        fields.fields = Cow::Owned(typed);
        let values = values
            .into_iter()
            .map(|(_, v)| v.map(Cow::Borrowed))
            .collect();
        Ok(CompositeValue { fields, values })
    }

    /// Loads Rust field `k` as `F`.
    #[inline]
    pub fn load<F: LoadOwned + StaticType>(&self, k: usize) -> Result<F> {
        let own;
        let ctx = if self.fields.anonymous && self.fields.fields.is_empty() {
            own = F::static_type(self.fields.ctx.policy);
            self.fields.ctx.with_type(domain_base(&own))
        } else {
            self.fields.ctx(k)?
        };
        let raw = self
            .fields
            .positions
            .get(k)
            .and_then(|&p| self.values.get(p))
            .and_then(|v| v.as_deref());
        F::load_opt(&ctx, raw).map_err(|e| in_attribute(e, self.fields.name(k)))
    }
}

/// An anonymous record matches a Rust type's fields by position: an error
/// unless it has as many fields.
fn same_width<T: ?Sized>(ty: &Type, fields: usize, rust_fields: usize) -> Result<()> {
    if fields == rust_fields {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::WrongType,
        format!("an anonymous record of {fields} fields for {rust_fields} Rust fields (matched by position)"),
    )
    .with_pg_type(ty)
    .with_rust_type::<T>())
}

/// Writes a composite value: `values[k]` is Rust field `k`, whose attribute
/// name is `names[k]`. Into a composite type, fields go by name in the
/// type's attribute order, each dumped as its attribute's type; into
/// `record` or an unknown type (OID 0), in declaration order as their own
/// types.
pub fn dump_composite<T: ?Sized>(
    ctx: &Ctx<'_>,
    names: &'static [&'static str],
    values: &[&dyn Dump],
    out: &mut BytesMut,
) -> Result<IsNull> {
    let base = domain_base(ctx.ty);
    if let Kind::Composite(_) = base.kind() {
        let fields = CompositeFields::resolve::<T>(ctx, names)?;
        // Attribute order: the Rust field at each position.
        let mut order = vec![0; fields.fields.len()];
        for (k, &p) in fields.positions.iter().enumerate() {
            if let Some(slot) = order.get_mut(p) {
                *slot = k;
            }
        }
        let parts = order.iter().map(|&k| {
            let field = fields.field(k)?;
            let value = values.get(k).ok_or_else(|| {
                Error::new(ErrorKind::Malformed, "fewer values than fields").with_rust_type::<T>()
            })?;
            Ok((
                field.type_().clone(),
                *value,
                names.get(k).copied().unwrap_or("?"),
            ))
        });
        let parts: Vec<(Type, &dyn Dump, &str)> = parts.collect::<Result<_>>()?;
        write_parts::<T>(ctx, &parts, out)
    } else if *base == Type::RECORD || *base == Type::UNKNOWN || base.oid() == 0 {
        let parts: Vec<(Type, &dyn Dump, &str)> = values
            .iter()
            .zip(names)
            .map(|(v, name)| (v.pg_type(ctx.policy), *v, *name))
            .collect();
        write_parts::<T>(ctx, &parts, out)
    } else {
        Err(Error::wrong_type::<T>(ctx.ty))
    }
}

fn write_parts<T: ?Sized>(
    ctx: &Ctx<'_>,
    parts: &[(Type, &dyn Dump, &str)],
    out: &mut BytesMut,
) -> Result<IsNull> {
    match ctx.format {
        Format::Binary => {
            let mut w = BinaryWriter::new(out, parts.len())
                .map_err(|m| Error::new(ErrorKind::OutOfRange, m).with_rust_type::<T>())?;
            for (ty, value, name) in parts {
                let fctx = ctx.with_type(domain_base(ty));
                w.field(ty.oid(), |o| value.dump(&fctx, o))
                    .map_err(|e| match e {
                        FieldError::Value(e) => in_attribute(e, name),
                        FieldError::TooLong => Error::out_of_range::<T>(
                            ctx.ty,
                            format!("attribute \"{name}\" is over 2 GiB"),
                        ),
                    })?;
            }
        }
        Format::Text => {
            let mut scratch = BytesMut::new();
            out.extend_from_slice(b"(");
            for (i, (ty, value, name)) in parts.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b",");
                }
                scratch.clear();
                let fctx = ctx.with_type(domain_base(ty));
                match value.dump(&fctx, &mut scratch) {
                    Ok(IsNull::No) => record::write_text_field(out, Some(&scratch)),
                    Ok(IsNull::Yes) => {}
                    Err(e) => return Err(in_attribute(e, name)),
                }
            }
            out.extend_from_slice(b")");
        }
    }
    Ok(IsNull::No)
}

// ---- tuples: records by position ----

/// A record read by position, for tuples.
struct AnonymousRecord<'t, 'r> {
    ctx: Ctx<'t>,
    /// The column type's attributes, when it has them.
    fields: Option<&'t [Field]>,
    values: Vec<(Oid, TextField<'r>)>,
}

impl<'t, 'r> AnonymousRecord<'t, 'r> {
    fn check<T: ?Sized>(ctx: &Ctx<'t>, len: usize) -> Result<Option<&'t [Field]>> {
        let base = domain_base(ctx.ty);
        match base.kind() {
            Kind::Composite(fields) if fields.len() == len => Ok(Some(fields)),
            Kind::Composite(fields) => Err(Error::new(
                ErrorKind::WrongType,
                format!(
                    "a tuple of {len} loads a record of {len} fields; {} has {} attributes",
                    display_name(ctx.ty),
                    fields.len()
                ),
            )
            .with_pg_type(ctx.ty)
            .with_rust_type::<T>()),
            _ if *base == Type::RECORD => Ok(None),
            _ => Err(Error::wrong_type::<T>(ctx.ty)),
        }
    }

    fn read<T: ?Sized>(ctx: &Ctx<'t>, raw: &'r [u8], len: usize) -> Result<Self> {
        let fields = Self::check::<T>(ctx, len)?;
        let malformed = |msg: String| Error::malformed(ctx.ty, msg).with_rust_type::<T>();
        let values: Vec<(Oid, TextField<'r>)> = match ctx.format {
            Format::Binary => record::parse_binary(raw)
                .map_err(malformed)?
                .into_iter()
                .map(|(oid, v)| (oid, v.map(Cow::Borrowed)))
                .collect(),
            Format::Text => record::parse_text(raw)
                .map_err(malformed)?
                .into_iter()
                .map(|v| (0, v))
                .collect(),
        };
        if values.len() != len {
            return Err(malformed(format!(
                "a record of {} fields for a tuple of {len}",
                values.len()
            )));
        }
        Ok(AnonymousRecord {
            ctx: *ctx,
            fields,
            values,
        })
    }

    fn load<F: LoadOwned + StaticType>(&self, i: usize) -> Result<F> {
        let name = format!("{}", i + 1);
        let Some((oid, raw)) = self.values.get(i) else {
            return Err(Error::malformed(self.ctx.ty, format!("no field {i}")));
        };
        let own;
        let ty: &Type = match (self.fields, self.ctx.format) {
            (Some(fields), format) => {
                let field = fields
                    .get(i)
                    .ok_or_else(|| Error::malformed(self.ctx.ty, format!("no attribute {i}")))?;
                if format == Format::Binary && field.type_().oid() != *oid {
                    return Err(Error::malformed(
                        self.ctx.ty,
                        format!(
                            "field {name} has type OID {oid}, expected {}",
                            field.type_().oid()
                        ),
                    ));
                }
                field.type_()
            }
            (None, Format::Binary) => {
                own = match Type::from_oid(*oid) {
                    Some(ty) => ty,
                    None => {
                        let fallback = F::static_type(self.ctx.policy);
                        if fallback.oid() != *oid {
                            return Err(Error::new(
                                ErrorKind::WrongType,
                                format!(
                                    "field {name} of an anonymous record has type OID {oid}, \
                                     which is not built in; cast the record to a registered \
                                     composite type"
                                ),
                            )
                            .with_pg_type(self.ctx.ty)
                            .with_rust_type::<F>());
                        }
                        fallback
                    }
                };
                &own
            }
            (None, Format::Text) => {
                own = F::static_type(self.ctx.policy);
                &own
            }
        };
        let fctx = self.ctx.with_type(domain_base(ty));
        F::load_opt(&fctx, raw.as_deref()).map_err(|e| in_attribute(e, &name))
    }
}

macro_rules! tuple_records {
    ($($len:literal => ($($t:ident $i:tt),+);)+) => {$(
        /// An anonymous record or a composite value, by position.
        impl<'a, $($t: LoadOwned + StaticType),+> Load<'a> for ($($t,)+) {
            fn check(ctx: &Ctx<'_>) -> Result<()> {
                if let Some(fields) = AnonymousRecord::check::<Self>(ctx, $len)? {
                    $(
                        let field = &fields[$i];
                        $t::check(&ctx.with_type(domain_base(field.type_())))
                            .map_err(|e| in_attribute(e, field.name()))?;
                    )+
                }
                Ok(())
            }

            fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self> {
                let record = AnonymousRecord::read::<Self>(ctx, raw, $len)?;
                Ok(($(record.load::<$t>($i)?,)+))
            }
        }

        /// `record`: a tuple nested in a record is an anonymous record.
        impl<$($t),+> StaticType for ($($t,)+) {
            fn static_type(_: &crate::Policy) -> Type {
                Type::RECORD
            }
        }
    )+};
}

tuple_records! {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pair_type() -> Type {
        composite_type(
            "Other Schema",
            "My Type",
            vec![("n", Type::INT4), ("t", Type::TEXT)],
        )
    }

    const NAMES: &[&str] = &["t", "n"];

    fn dump(ctx: &Ctx<'_>, t: &str, n: Option<i32>) -> Result<Vec<u8>> {
        let mut out = BytesMut::new();
        dump_composite::<()>(ctx, NAMES, &[&t, &n], &mut out)?;
        Ok(out.to_vec())
    }

    #[test]
    fn by_name_both_formats() {
        let ty = pair_type();
        for ctx in [Ctx::binary(&ty), Ctx::text(&ty)] {
            let raw = dump(&ctx, "a \"b\"", Some(7)).unwrap();
            let value = CompositeFields::read::<()>(&ctx, NAMES, &raw).unwrap();
            assert_eq!(value.load::<String>(0).unwrap(), "a \"b\"");
            assert_eq!(value.load::<Option<i64>>(1).unwrap(), Some(7));
            let raw = dump(&ctx, "", None).unwrap();
            let value = CompositeFields::read::<()>(&ctx, NAMES, &raw).unwrap();
            assert_eq!(value.load::<String>(0).unwrap(), "");
            assert_eq!(value.load::<Option<i32>>(1).unwrap(), None);
            let err = value.load::<i32>(1).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::UnexpectedNull);
            assert!(err.message().starts_with("attribute \"n\""), "{err}");
        }
        assert_eq!(
            dump(&Ctx::text(&ty), "a b", Some(1)).unwrap(),
            b"(1,\"a b\")"
        );
    }

    #[test]
    fn mismatches_name_the_attributes() {
        let ty = pair_type();
        let ctx = Ctx::text(&ty);
        let err = CompositeFields::resolve::<()>(&ctx, &["n", "x"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert_eq!(
            err.message(),
            "composite type \"Other Schema\".\"My Type\" has no attribute \"x\", and has \
             attribute \"t\" that no field maps to; its attributes are \"n\", \"t\", the \
             fields map to \"n\", \"x\""
        );
        let err = CompositeFields::resolve::<()>(&ctx, &["n"]).unwrap_err();
        assert!(
            err.message()
                .contains("has attribute \"t\" that no field maps to")
        );
        assert!(CompositeFields::resolve::<()>(&Ctx::text(&Type::INT4), &["n"]).is_err());
        let fields = CompositeFields::resolve::<()>(&ctx, NAMES).unwrap();
        assert!(fields.check::<String>(0).is_ok());
        let err = fields.check::<bool>(1).unwrap_err();
        assert_eq!(
            err.message(),
            "attribute \"n\" (PostgreSQL type int4, Rust type bool): no conversion between these types"
        );
    }

    #[test]
    fn malformed_values() {
        let ty = pair_type();
        for (ctx, raw) in [
            (Ctx::text(&ty), &b"(1)"[..]),
            (Ctx::text(&ty), b"(1,a,b)"),
            (Ctx::text(&ty), b"1,a"),
            (
                Ctx::binary(&ty),
                &[0, 0, 0, 1, 0, 0, 0, 23, 255, 255, 255, 255],
            ),
            // the OIDs of the attributes swapped
            (
                Ctx::binary(&ty),
                &[
                    0, 0, 0, 2, 0, 0, 0, 25, 255, 255, 255, 255, 0, 0, 0, 23, 255, 255, 255, 255,
                ],
            ),
        ] {
            let err = CompositeFields::read::<()>(&ctx, NAMES, raw).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{err}");
        }
    }

    #[test]
    fn tuples_by_position() {
        let ty = pair_type();
        let raw = dump(&Ctx::binary(&ty), "x", Some(3)).unwrap();
        let v: (i32, String) = Load::load(&Ctx::binary(&ty), &raw).unwrap();
        assert_eq!(v, (3, "x".to_owned()));
        assert!(<(i32, String) as Load>::check(&Ctx::binary(&ty)).is_ok());
        assert!(<(String, String) as Load>::check(&Ctx::binary(&ty)).is_err());
        assert!(<(i32,) as Load>::check(&Ctx::binary(&ty)).is_err());
        // anonymous records: binary names built-in types, text takes static types
        let v: (i64, Option<String>, bool) =
            Load::load(&Ctx::text(&Type::RECORD), b"(12,,t)").unwrap();
        assert_eq!(v, (12, None, true));
        let mut anon = BytesMut::new();
        dump_composite::<()>(
            &Ctx::binary(&Type::RECORD),
            &["a", "b"],
            &[&5_i16, &"z"],
            &mut anon,
        )
        .unwrap();
        let v: (i32, String) = Load::load(&Ctx::binary(&Type::RECORD), &anon).unwrap();
        assert_eq!(v, (5, "z".to_owned()));
        assert!(<(i32, String) as Load>::load(&Ctx::binary(&Type::RECORD), &anon[..10]).is_err());
        assert!(<(i32, String, i32) as Load>::load(&Ctx::text(&Type::RECORD), b"(1,a)").is_err());
        assert!(<(i32,) as Load>::check(&Ctx::text(&Type::INT4)).is_err());
    }
}
