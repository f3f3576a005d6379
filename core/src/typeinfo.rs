//! Type information from the system catalogue, without a driver: the query
//! text, the parser of its row, and the `postgres_types::Type` it describes.
//!
//! Custom and extension types (composites, enums, domains, ranges, `hstore`
//! …) have OIDs that differ per database. A driver fetches their
//! description once with [`TypeInfo::query_by_name`] (or
//! [`query_by_oid`](TypeInfo::query_by_oid) for the types a description
//! refers to), hands the row's raw values to [`TypeInfo::from_row`], and
//! [`register`](TypeInfo::register)s the result in a scope of the
//! [`Adapters`] registry, where loaders find it by OID and by name.
//!
//! The query works on PostgreSQL 13 to 17: the multirange of a range
//! (PostgreSQL 14+) is read without naming the column 13 lacks.
//!
//! ```
//! use pgcast_core::typeinfo::{TypeInfo, TypeKind};
//! use pgcast_core::{Adapters, Format, Kind};
//!
//! let q = TypeInfo::query_by_qualified_name("Other Schema", "Mood");
//! assert!(q.sql.contains("to_regtype($1::text)"));
//! assert_eq!(q.param, "\"Other Schema\".\"Mood\"");
//!
//! // the row the server sends back (text format here), column by column
//! let row: [Option<&[u8]>; 17] = [
//!     Some(b"91234"), Some(b"Mood"), Some(b"Other Schema"), Some(b"e"), Some(b"4"),
//!     Some(b"0"), Some(b"91233"), Some(b"_Mood"), Some(b"0"), Some(b"0"), Some(b","),
//!     None, None, None, Some(b"{}"), Some(b"{}"), Some(b"{sad,\"it's ok\"}"),
//! ];
//! let info = TypeInfo::from_row(&row, Format::Text).unwrap();
//! assert!(matches!(&info.kind, TypeKind::Enum(e) if e.labels == ["sad", "it's ok"]));
//!
//! let mut scope = Adapters::global().scope();
//! let ty = info.register(&mut scope).unwrap();
//! assert_eq!(scope.type_by_oid(91234), Some(ty.clone()));
//! assert_eq!(scope.type_by_oid(91233).unwrap().kind(), &Kind::Array(ty));
//! ```

use postgres_types::{Field, Kind, Oid, Type};

use crate::{Adapters, Ctx, Error, ErrorKind, Format, LoadOwned, Result};

/// The columns of the catalogue query, shared by both lookups. The
/// multirange link (`pg_range.rngmultitypid`, PostgreSQL 14+) is read
/// through `to_jsonb` so that the text does not name a column PostgreSQL 13
/// lacks: there it is NULL.
macro_rules! type_info_select {
    () => {
        "SELECT t.oid, t.typname::text, n.nspname::text, t.typtype::text, t.typlen, \
         t.typelem, t.typarray, ta.typname::text, t.typbasetype, t.typrelid, \
         t.typdelim::text, r.rngsubtype, \
         (to_jsonb(r) ->> 'rngmultitypid')::oid, \
         CASE WHEN t.typtype = 'm' THEN \
           (SELECT r2.rngtypid FROM pg_catalog.pg_range r2 \
             WHERE (to_jsonb(r2) ->> 'rngmultitypid')::oid = t.oid) END, \
         ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a \
           WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped \
           ORDER BY a.attnum), \
         ARRAY(SELECT a.atttypid FROM pg_catalog.pg_attribute a \
           WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped \
           ORDER BY a.attnum), \
         ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e \
           WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         LEFT JOIN pg_catalog.pg_type ta ON ta.oid = t.typarray \
         LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid"
    };
}

/// The catalogue query for a type by name; `$1` is the name as text, in SQL
/// syntax (`hstore`, `app.mood`, `"Other Schema"."My Type"`), resolved with
/// `to_regtype` and the connection's `search_path`. No row if there is no
/// such type.
pub const TYPE_BY_NAME_SQL: &str =
    concat!(type_info_select!(), " WHERE t.oid = to_regtype($1::text)");

/// The catalogue query for a type by OID; `$1` is the OID (`oid`).
pub const TYPE_BY_OID_SQL: &str = concat!(type_info_select!(), " WHERE t.oid = $1::oid");

/// The number of columns of the catalogue queries' row.
pub const COLUMNS: usize = 17;

/// A catalogue query and its one parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogQuery<P> {
    /// The SQL text, with a `$1` placeholder.
    pub sql: &'static str,
    /// The value for `$1` (it dumps in both formats).
    pub param: P,
}

/// A composite type's attributes, in order, dropped ones left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompositeInfo {
    /// The OID of the relation behind the type (`pg_type.typrelid`).
    pub relid: Oid,
    /// `(name, type OID)` of each attribute.
    pub fields: Vec<(String, Oid)>,
}

/// An enum type's labels, in sort order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumInfo {
    /// The labels, in `enumsortorder`.
    pub labels: Vec<String>,
}

/// A range type's subtype and multirange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeInfo {
    /// The element type.
    pub subtype: Oid,
    /// The multirange type over this range (PostgreSQL 14+); `None` before.
    pub multirange: Option<Oid>,
}

/// What kind of type a [`TypeInfo`] describes, with what that kind needs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypeKind {
    /// A base type (`int4`, `hstore`, `ltree` …).
    Base,
    /// An array type, with its element's OID.
    Array {
        /// The element type.
        element: Oid,
    },
    /// A composite (row) type.
    Composite(CompositeInfo),
    /// An enum type.
    Enum(EnumInfo),
    /// A domain, with its base type's OID.
    Domain {
        /// The underlying type.
        base: Oid,
    },
    /// A range type.
    Range(RangeInfo),
    /// A multirange type, with its range type's OID.
    Multirange {
        /// The range type.
        range: Oid,
    },
    /// A pseudo-type (`record`, `anyelement` …).
    Pseudo,
}

/// A type as the catalogue describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeInfo {
    /// The type's OID in this database.
    pub oid: Oid,
    /// The type's name, unquoted.
    pub name: String,
    /// The schema's name, unquoted.
    pub schema: String,
    /// The kind, with what it needs (fields, labels, subtype …).
    pub kind: TypeKind,
    /// The array type over this type, if there is one: OID and name.
    pub array: Option<(Oid, String)>,
    /// The array element delimiter (`,` for all types but `box`).
    pub delimiter: u8,
}

/// Double-quotes an identifier, doubling its quotes.
fn quote_ident(s: &str) -> String {
    let mut out = String::new();
    crate::sql::write_quoted_name(s, &mut out);
    out
}

impl TypeInfo {
    /// The query for the type named `name` in SQL syntax: quote what needs
    /// quoting (`"Other Schema"."My Type"`); unqualified names follow the
    /// `search_path`.
    ///
    /// ```
    /// use pgcast_core::typeinfo::{TypeInfo, TYPE_BY_NAME_SQL};
    /// let q = TypeInfo::query_by_name("hstore");
    /// assert_eq!((q.sql, q.param), (TYPE_BY_NAME_SQL, "hstore"));
    /// ```
    pub fn query_by_name(name: &str) -> CatalogQuery<&str> {
        CatalogQuery {
            sql: TYPE_BY_NAME_SQL,
            param: name,
        }
    }

    /// The query for the type `name` in `schema`, both given unquoted: they
    /// are quoted here, so any characters work.
    pub fn query_by_qualified_name(schema: &str, name: &str) -> CatalogQuery<String> {
        CatalogQuery {
            sql: TYPE_BY_NAME_SQL,
            param: format!("{}.{}", quote_ident(schema), quote_ident(name)),
        }
    }

    /// The query for the type with this OID: for the types a description
    /// refers to ([`dependencies`](Self::dependencies)).
    pub fn query_by_oid(oid: Oid) -> CatalogQuery<Oid> {
        CatalogQuery {
            sql: TYPE_BY_OID_SQL,
            param: oid,
        }
    }

    /// Parses the catalogue query's row as a driver hands it over.
    pub fn from_raw_row<R: crate::row::RawRow + ?Sized>(
        row: &R,
        format: Format,
    ) -> Result<TypeInfo> {
        let values = (0..COLUMNS)
            .map(|i| row.raw(i))
            .collect::<Result<Vec<_>>>()?;
        TypeInfo::from_row(&values, format)
    }

    /// Parses the catalogue query's row: the raw value of each of its
    /// [`COLUMNS`] columns, in order, all in `format`.
    pub fn from_row(values: &[Option<&[u8]>], format: Format) -> Result<TypeInfo> {
        if values.len() != COLUMNS {
            return Err(Error::new(
                ErrorKind::Malformed,
                format!(
                    "a type information row has {COLUMNS} columns, not {}",
                    values.len()
                ),
            ));
        }
        let col = |i: usize| values.get(i).copied().flatten();
        let oid = get::<Oid>(col(0), &Type::OID, format, "oid")?;
        let name = get::<String>(col(1), &Type::TEXT, format, "typname")?;
        let schema = get::<String>(col(2), &Type::TEXT, format, "nspname")?;
        let typtype = get::<String>(col(3), &Type::TEXT, format, "typtype")?;
        let typlen = get::<i16>(col(4), &Type::INT2, format, "typlen")?;
        let elem = get::<Oid>(col(5), &Type::OID, format, "typelem")?;
        let array_oid = get::<Oid>(col(6), &Type::OID, format, "typarray")?;
        let array_name = get::<Option<String>>(col(7), &Type::TEXT, format, "array typname")?;
        let base = get::<Oid>(col(8), &Type::OID, format, "typbasetype")?;
        let relid = get::<Oid>(col(9), &Type::OID, format, "typrelid")?;
        let delim = get::<String>(col(10), &Type::TEXT, format, "typdelim")?;
        let subtype = get::<Option<Oid>>(col(11), &Type::OID, format, "rngsubtype")?;
        let multirange = get::<Option<Oid>>(col(12), &Type::OID, format, "rngmultitypid")?;
        let range_of_multi = get::<Option<Oid>>(col(13), &Type::OID, format, "rngtypid")?;
        let attnames = get::<Vec<String>>(col(14), &Type::TEXT_ARRAY, format, "attname")?;
        let atttypes = get::<Vec<Oid>>(col(15), &Type::OID_ARRAY, format, "atttypid")?;
        let labels = get::<Vec<String>>(col(16), &Type::TEXT_ARRAY, format, "enumlabel")?;

        let bad = |what: &str| Error::new(ErrorKind::Malformed, format!("type {name}: {what}"));
        let kind = match typtype.as_str() {
            "b" if elem != 0 && typlen == -1 => TypeKind::Array { element: elem },
            "b" => TypeKind::Base,
            "c" => {
                if attnames.len() != atttypes.len() {
                    return Err(bad("attribute names and types differ in number"));
                }
                TypeKind::Composite(CompositeInfo {
                    relid,
                    fields: attnames.into_iter().zip(atttypes).collect(),
                })
            }
            "e" => TypeKind::Enum(EnumInfo { labels }),
            "d" => TypeKind::Domain { base },
            "r" => TypeKind::Range(RangeInfo {
                subtype: subtype.ok_or_else(|| bad("a range without a subtype"))?,
                multirange: multirange.filter(|&m| m != 0),
            }),
            "m" => TypeKind::Multirange {
                range: range_of_multi.ok_or_else(|| bad("a multirange without a range"))?,
            },
            "p" => TypeKind::Pseudo,
            other => return Err(bad(&format!("unknown typtype {other:?}"))),
        };
        let delimiter = match delim.as_bytes() {
            [d] => *d,
            _ => return Err(bad("a delimiter that is not one byte")),
        };
        Ok(TypeInfo {
            oid,
            name,
            schema,
            kind,
            array: match array_name {
                Some(array_name) if array_oid != 0 => Some((array_oid, array_name)),
                _ => None,
            },
            delimiter,
        })
    }

    /// The OIDs of the types this one refers to (element, base, subtype,
    /// range, attribute types), which [`to_type`](Self::to_type) must be
    /// able to resolve.
    pub fn dependencies(&self) -> Vec<Oid> {
        match &self.kind {
            TypeKind::Array { element } => vec![*element],
            TypeKind::Domain { base } => vec![*base],
            TypeKind::Range(r) => vec![r.subtype],
            TypeKind::Multirange { range } => vec![*range],
            TypeKind::Composite(c) => c.fields.iter().map(|(_, oid)| *oid).collect(),
            TypeKind::Base | TypeKind::Enum(_) | TypeKind::Pseudo => Vec::new(),
        }
    }

    /// The `postgres_types::Type` this describes; `lookup` resolves the
    /// OIDs it refers to (see [`dependencies`](Self::dependencies)). A
    /// built-in type is returned as its constant (`Type::INT4`).
    ///
    /// A multirange's kind holds its range's element type, as
    /// postgres-types' built-in multiranges do (`Kind::Multirange(int4)`).
    pub fn to_type(&self, lookup: impl Fn(Oid) -> Option<Type>) -> Result<Type> {
        if let Some(builtin) = Type::from_oid(self.oid) {
            return Ok(builtin);
        }
        let resolve = |oid: Oid, role: &str| {
            lookup(oid).ok_or_else(|| {
                Error::new(
                    ErrorKind::WrongType,
                    format!(
                        "type {}.{} refers to an unknown type (OID {oid}, {role}): fetch and register it first",
                        self.schema, self.name
                    ),
                )
            })
        };
        let kind = match &self.kind {
            TypeKind::Base => Kind::Simple,
            TypeKind::Pseudo => Kind::Pseudo,
            TypeKind::Array { element } => Kind::Array(resolve(*element, "element")?),
            TypeKind::Domain { base } => Kind::Domain(resolve(*base, "base type")?),
            TypeKind::Enum(e) => Kind::Enum(e.labels.clone()),
            TypeKind::Range(r) => Kind::Range(resolve(r.subtype, "subtype")?),
            TypeKind::Multirange { range } => {
                let range = resolve(*range, "range")?;
                match range.kind() {
                    Kind::Range(sub) => Kind::Multirange(sub.clone()),
                    _ => Kind::Multirange(range),
                }
            }
            TypeKind::Composite(c) => Kind::Composite(
                c.fields
                    .iter()
                    .map(|(name, oid)| Ok(Field::new(name.clone(), resolve(*oid, name)?)))
                    .collect::<Result<_>>()?,
            ),
        };
        Ok(Type::new(
            self.name.clone(),
            self.oid,
            kind,
            self.schema.clone(),
        ))
    }

    /// Builds the type with the types `adapters` knows (built-in or
    /// registered) and registers it, and its array type, in `adapters`.
    pub fn register(&self, adapters: &mut Adapters) -> Result<Type> {
        let ty = self.to_type(|oid| adapters.type_by_oid(oid))?;
        if Type::from_oid(self.oid).is_none() {
            adapters.register_type(ty.clone());
            if let Some((oid, name)) = &self.array
                && Type::from_oid(*oid).is_none()
            {
                adapters.register_type(Type::new(
                    name.clone(),
                    *oid,
                    Kind::Array(ty.clone()),
                    self.schema.clone(),
                ));
            }
        }
        Ok(ty)
    }
}

/// Loads one column of the catalogue row.
fn get<T: LoadOwned>(raw: Option<&[u8]>, ty: &Type, format: Format, column: &str) -> Result<T> {
    T::load_opt(&Ctx::new(ty, format), raw).map_err(|e| {
        Error::new(
            e.kind(),
            format!("catalogue column {column}: {}", e.message()),
        )
        .with_pg_type(ty)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;

    fn text_row(cols: [Option<&str>; COLUMNS]) -> Result<TypeInfo> {
        let raw: Vec<Option<&[u8]>> = cols.iter().map(|c| c.map(str::as_bytes)).collect();
        TypeInfo::from_row(&raw, Format::Text)
    }

    fn base(typtype: &'static str) -> [Option<&'static str>; COLUMNS] {
        [
            Some("70000"),
            Some("thing"),
            Some("app"),
            Some(typtype),
            Some("-1"),
            Some("0"),
            Some("70001"),
            Some("_thing"),
            Some("0"),
            Some("0"),
            Some(","),
            None,
            None,
            None,
            Some("{}"),
            Some("{}"),
            Some("{}"),
        ]
    }

    #[test]
    fn kinds() {
        let info = text_row(base("b")).unwrap();
        assert_eq!(info.kind, TypeKind::Base);
        assert_eq!(info.array, Some((70001, "_thing".into())));
        let ty = info.to_type(|_| None).unwrap();
        assert_eq!(
            (ty.name(), ty.oid(), ty.schema(), ty.kind()),
            ("thing", 70000, "app", &Kind::Simple)
        );

        let mut row = base("c");
        row[9] = Some("70002");
        row[14] = Some("{\"Field One\",\"x\\\"y\"}");
        row[15] = Some("{23,70010}");
        let info = text_row(row).unwrap();
        assert_eq!(
            info.kind,
            TypeKind::Composite(CompositeInfo {
                relid: 70002,
                fields: vec![("Field One".into(), 23), ("x\"y".into(), 70010)]
            })
        );
        assert_eq!(info.dependencies(), [23, 70010]);
        let err = info.to_type(Type::from_oid).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        let custom = Type::new("c".into(), 70010, Kind::Simple, "app".into());
        let ty = info
            .to_type(|oid| Type::from_oid(oid).or_else(|| (oid == 70010).then(|| custom.clone())))
            .unwrap();
        let Kind::Composite(fields) = ty.kind() else {
            panic!("{ty:?}")
        };
        assert_eq!(fields[0].name(), "Field One");
        assert_eq!(fields[1].type_(), &custom);

        let mut row = base("r");
        row[11] = Some("701");
        let info = text_row(row).unwrap();
        assert_eq!(
            info.kind,
            TypeKind::Range(RangeInfo {
                subtype: 701,
                multirange: None
            })
        );
        assert_eq!(
            info.to_type(Type::from_oid).unwrap().kind(),
            &Kind::Range(Type::FLOAT8)
        );

        let mut row = base("m");
        row[13] = Some("3904");
        let info = text_row(row).unwrap();
        assert_eq!(
            info.to_type(Type::from_oid).unwrap().kind(),
            &Kind::Multirange(Type::INT4)
        );

        let mut row = base("d");
        row[8] = Some("23");
        assert_eq!(
            text_row(row)
                .unwrap()
                .to_type(Type::from_oid)
                .unwrap()
                .kind(),
            &Kind::Domain(Type::INT4)
        );

        let mut row = base("b");
        row[0] = Some("1007");
        row[5] = Some("23");
        let info = text_row(row).unwrap();
        assert_eq!(info.kind, TypeKind::Array { element: 23 });
        assert_eq!(
            info.to_type(|_| None).unwrap(),
            Type::INT4_ARRAY,
            "built-ins are the constants"
        );
    }

    #[test]
    fn malformed_rows() {
        assert!(TypeInfo::from_row(&[None; 3], Format::Text).is_err());
        assert!(text_row(base("x")).is_err());
        assert!(text_row(base("r")).is_err(), "a range needs its subtype");
        let mut row = base("b");
        row[0] = None;
        assert_eq!(text_row(row).unwrap_err().kind(), ErrorKind::UnexpectedNull);
        let mut row = base("c");
        row[14] = Some("{a,b}");
        row[15] = Some("{23}");
        assert!(text_row(row).is_err());
        let mut row = base("b");
        row[10] = Some(",,");
        assert!(text_row(row).is_err());
    }

    #[test]
    fn binary_rows_parse() {
        use crate::Dump;
        fn put(v: &dyn Dump, ty: &Type) -> Option<BytesMut> {
            let mut out = BytesMut::new();
            v.dump(&Ctx::binary(ty), &mut out).unwrap();
            Some(out)
        }
        let no = Vec::<String>::new();
        let bufs = [
            put(&70000_u32, &Type::OID),
            put(&"mood", &Type::TEXT),
            put(&"public", &Type::TEXT),
            put(&"e", &Type::TEXT),
            put(&4_i16, &Type::INT2),
            put(&0_u32, &Type::OID),
            put(&0_u32, &Type::OID),
            None,
            put(&0_u32, &Type::OID),
            put(&0_u32, &Type::OID),
            put(&",", &Type::TEXT),
            None,
            None,
            None,
            put(&no, &Type::TEXT_ARRAY),
            put(&Vec::<u32>::new(), &Type::OID_ARRAY),
            put(
                &vec!["it's".to_owned(), "a b".to_owned()],
                &Type::TEXT_ARRAY,
            ),
        ];
        let raw: Vec<Option<&[u8]>> = bufs.iter().map(|b| b.as_deref()).collect();
        let info = TypeInfo::from_row(&raw, Format::Binary).unwrap();
        assert_eq!(
            info.kind,
            TypeKind::Enum(EnumInfo {
                labels: vec!["it's".into(), "a b".into()]
            })
        );
        assert_eq!(info.array, None);
        let mut scope = Adapters::new();
        let ty = info.register(&mut scope).unwrap();
        assert_eq!(scope.type_by_name("public.mood"), Some(ty));
    }

    #[test]
    fn qualified_names_are_quoted() {
        let q = TypeInfo::query_by_qualified_name("a\"b", "c.d");
        assert_eq!(q.param, "\"a\"\"b\".\"c.d\"");
        assert_eq!(TypeInfo::query_by_oid(5).param, 5);
        assert!(TYPE_BY_OID_SQL.ends_with("$1::oid"));
        assert!(
            !TYPE_BY_NAME_SQL.contains("rngmultitypid,"),
            "PostgreSQL 13 has no such column"
        );
    }
}
