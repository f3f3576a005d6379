//! The dynamic [`Value`], for work without a Rust type per column.

use bytes::BytesMut;
use postgres_types::{Kind, Type};
use serde::ser::{Serialize, SerializeSeq, Serializer};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};
use uuid::Uuid;

use std::collections::BTreeMap;

use crate::types::{
    Array, BitString, Circle, GeoBox, Inet, Interval, Line, LineSegment, MacAddr, MacAddr8, Money,
    Multirange, Numeric, Path, PgLsn, Point, Polygon, Range, Snapshot, TimeTz, TsQuery, TsVector,
};
use crate::{Ctx, Dump, Error, Format, IsNull, Load, NumericPolicy, Policy, Result, StaticType};

/// Any PostgreSQL value, loaded by its type through the registry: for
/// schema-less tools, reports, and rows turned into JSON.
///
/// Each built-in type has its variant; `numeric` becomes [`Value::Numeric`],
/// `Value::Decimal` (feature `rust_decimal`) or [`Value::Float8`] as the scope's
/// [`NumericPolicy`] says; types with no loader become [`Value::Other`] with
/// their bytes. Loaders registered on a scope
/// ([`Adapters::register_loader`](crate::Adapters::register_loader)) come first.
///
/// `Serialize` writes JSON the way PostgreSQL's `to_json` does where JSON
/// has a form for the value (numbers, booleans, arrays, json itself) and the
/// value's PostgreSQL text otherwise (`"2024-02-29T13:45:06+00:00"`,
/// `"\\x00ff"`). `numeric` is written as a string, so no digit is lost to
/// a float; NaN and ±Infinity floats as `"NaN"`, `"Infinity"`, `"-Infinity"`.
///
/// ```
/// use pgcast_core::{Adapters, Ctx, Value};
/// use postgres_types::Type;
///
/// let loader = Adapters::global().value_loader(&Type::INT4_ARRAY);
/// let v = loader.load(&Ctx::text(&Type::INT4_ARRAY), Some(b"{1,NULL,3}")).unwrap();
/// assert_eq!(serde_json::to_string(&v).unwrap(), "[1,null,3]");
///
/// let numeric = Adapters::global().value_loader(&Type::NUMERIC);
/// let v = numeric.load(&Ctx::text(&Type::NUMERIC), Some(b"12345678901234567890.5")).unwrap();
/// assert_eq!(serde_json::to_string(&v).unwrap(), "\"12345678901234567890.5\"");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
// A plain tag byte first: reading the variant (to drop or match a value) is
// one load, not a decode of niches spread over the variants' fields.
#[repr(u8)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// `bool`.
    Bool(bool),
    /// `"char"`.
    Char(i8),
    /// `int2`.
    Int2(i16),
    /// `int4`.
    Int4(i32),
    /// `int8`.
    Int8(i64),
    /// `oid`.
    Oid(u32),
    /// `float4`.
    Float4(f32),
    /// `float8`, and `numeric` under [`NumericPolicy::Float`].
    Float8(f64),
    /// `numeric` under [`NumericPolicy::Exact`] (the default).
    Numeric(Numeric),
    /// `numeric` under [`NumericPolicy::Decimal`] (feature `rust_decimal`).
    #[cfg(feature = "rust_decimal")]
    Decimal(rust_decimal::Decimal),
    /// `money`.
    Money(Money),
    /// `text`, `varchar`, `bpchar`, `name`, enum labels, `citext`.
    Text(String),
    /// `bytea`.
    Bytea(Vec<u8>),
    /// `json` and `jsonb`.
    Json(serde_json::Value),
    /// `uuid`.
    Uuid(Uuid),
    /// `date`.
    Date(Date),
    /// `time`.
    Time(Time),
    /// `timetz`.
    TimeTz(TimeTz),
    /// `timestamp`.
    Timestamp(PrimitiveDateTime),
    /// `timestamptz`.
    TimestampTz(OffsetDateTime),
    /// `interval`.
    Interval(Interval),
    /// `inet` and `cidr`.
    Inet(Inet),
    /// `macaddr`.
    MacAddr(MacAddr),
    /// `macaddr8`.
    MacAddr8(MacAddr8),
    /// An array of any element type, with its dimensions and lower bounds
    /// (boxed: it is large, and every `Value` is as large as its largest variant).
    Array(Box<Array<Value>>),
    /// A range of any subtype.
    Range(Box<Range<Value>>),
    /// A multirange of any subtype.
    Multirange(Multirange<Value>),
    /// The `hstore` extension type (found by name).
    Hstore(BTreeMap<String, Option<String>>),
    /// `bit` and `varbit`.
    Bit(BitString),
    /// `point`.
    Point(Point),
    /// `line`.
    Line(Line),
    /// `lseg`.
    LineSegment(LineSegment),
    /// `box`.
    Box(GeoBox),
    /// `path`.
    Path(Path),
    /// `polygon`.
    Polygon(Polygon),
    /// `circle`.
    Circle(Circle),
    /// `tsvector`.
    TsVector(TsVector),
    /// `tsquery`.
    TsQuery(TsQuery),
    /// `pg_lsn`.
    PgLsn(PgLsn),
    /// `pg_snapshot` and `txid_snapshot`.
    Snapshot(Snapshot),
    /// `xml`, as its text.
    Xml(String),
    /// `void`, what a function returning nothing gives.
    Void,
    /// A type with no built-in loader and none registered: its raw bytes.
    Other {
        /// The PostgreSQL type.
        ty: Type,
        /// The format of `bytes`.
        format: Format,
        /// The value as it came from the server.
        bytes: Box<[u8]>,
    },
}

/// Decodes one non-NULL value of a known type into a [`Value`].
pub(crate) type LoadFn = fn(&Ctx<'_>, &[u8]) -> Result<Value>;

impl Value {
    /// Loads a value of a built-in type; types without a built-in loader
    /// become [`Value::Other`] with their bytes.
    pub fn load_builtin(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Value> {
        Value::builtin_loader(ctx.ty, ctx.policy)(ctx, raw)
    }

    /// Whether values of `ty` have a built-in loader (rather than becoming
    /// [`Value::Other`] with their bytes): arrays, ranges and domains when
    /// their element, subtype or base type does.
    pub(crate) fn has_builtin_loader(ty: &Type) -> bool {
        match ty.kind() {
            Kind::Array(elem) => Value::has_builtin_loader(elem),
            Kind::Range(sub) | Kind::Multirange(sub) | Kind::Domain(sub) => {
                Value::has_builtin_loader(sub)
            }
            _ => Value::simple_builtin(ty) || ty.name() == "hstore",
        }
    }

    /// Whether a simple built-in type is one the loader below handles.
    fn simple_builtin(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::BOOL
                | Type::CHAR
                | Type::INT2
                | Type::INT4
                | Type::INT8
                | Type::OID
                | Type::FLOAT4
                | Type::FLOAT8
                | Type::NUMERIC
                | Type::MONEY
                | Type::BYTEA
                | Type::JSON
                | Type::JSONB
                | Type::UUID
                | Type::DATE
                | Type::TIME
                | Type::TIMETZ
                | Type::TIMESTAMP
                | Type::TIMESTAMPTZ
                | Type::INTERVAL
                | Type::INET
                | Type::CIDR
                | Type::MACADDR
                | Type::MACADDR8
                | Type::BIT
                | Type::VARBIT
                | Type::POINT
                | Type::LINE
                | Type::LSEG
                | Type::BOX
                | Type::PATH
                | Type::POLYGON
                | Type::CIRCLE
                | Type::TS_VECTOR
                | Type::TSQUERY
                | Type::PG_LSN
                | Type::PG_SNAPSHOT
                | Type::TXID_SNAPSHOT
                | Type::XML
                | Type::VOID
        ) || crate::types::text::is_text_like(ty)
    }

    /// The built-in loader for `ty` under `policy`, chosen once so that each
    /// value then costs one direct call.
    pub(crate) fn builtin_loader(ty: &Type, policy: &Policy) -> LoadFn {
        match *ty {
            Type::BOOL => |c, r| bool::load(c, r).map(Value::Bool),
            Type::CHAR => |c, r| i8::load(c, r).map(Value::Char),
            Type::INT2 => |c, r| i16::load(c, r).map(Value::Int2),
            Type::INT4 => |c, r| i32::load(c, r).map(Value::Int4),
            Type::INT8 => |c, r| i64::load(c, r).map(Value::Int8),
            Type::OID => |c, r| u32::load(c, r).map(Value::Oid),
            Type::FLOAT4 => |c, r| f32::load(c, r).map(Value::Float4),
            Type::FLOAT8 => |c, r| f64::load(c, r).map(Value::Float8),
            Type::NUMERIC => match policy.numeric {
                NumericPolicy::Exact => |c, r| Numeric::load(c, r).map(Value::Numeric),
                NumericPolicy::Float => |c, r| f64::load(c, r).map(Value::Float8),
                #[cfg(feature = "rust_decimal")]
                NumericPolicy::Decimal => {
                    |c, r| rust_decimal::Decimal::load(c, r).map(Value::Decimal)
                }
                #[cfg(not(feature = "rust_decimal"))]
                NumericPolicy::Decimal => |c, _| {
                    Err(Error::new(
                        crate::ErrorKind::WrongType,
                        "NumericPolicy::Decimal needs the `rust_decimal` feature of pgcast",
                    )
                    .with_pg_type(c.ty))
                },
            },
            Type::MONEY => |c, r| Money::load(c, r).map(Value::Money),
            Type::BYTEA => |c, r| Vec::<u8>::load(c, r).map(Value::Bytea),
            Type::JSON | Type::JSONB => |c, r| serde_json::Value::load(c, r).map(Value::Json),
            Type::UUID => |c, r| Uuid::load(c, r).map(Value::Uuid),
            Type::DATE => |c, r| Date::load(c, r).map(Value::Date),
            Type::TIME => |c, r| Time::load(c, r).map(Value::Time),
            Type::TIMETZ => |c, r| TimeTz::load(c, r).map(Value::TimeTz),
            Type::TIMESTAMP => |c, r| PrimitiveDateTime::load(c, r).map(Value::Timestamp),
            Type::TIMESTAMPTZ => |c, r| OffsetDateTime::load(c, r).map(Value::TimestampTz),
            Type::INTERVAL => |c, r| Interval::load(c, r).map(Value::Interval),
            Type::INET | Type::CIDR => |c, r| Inet::load(c, r).map(Value::Inet),
            Type::MACADDR => |c, r| MacAddr::load(c, r).map(Value::MacAddr),
            Type::MACADDR8 => |c, r| MacAddr8::load(c, r).map(Value::MacAddr8),
            Type::BIT | Type::VARBIT => |c, r| BitString::load(c, r).map(Value::Bit),
            Type::POINT => |c, r| Point::load(c, r).map(Value::Point),
            Type::LINE => |c, r| Line::load(c, r).map(Value::Line),
            Type::LSEG => |c, r| LineSegment::load(c, r).map(Value::LineSegment),
            Type::BOX => |c, r| GeoBox::load(c, r).map(Value::Box),
            Type::PATH => |c, r| Path::load(c, r).map(Value::Path),
            Type::POLYGON => |c, r| Polygon::load(c, r).map(Value::Polygon),
            Type::CIRCLE => |c, r| Circle::load(c, r).map(Value::Circle),
            Type::TS_VECTOR => |c, r| TsVector::load(c, r).map(Value::TsVector),
            Type::TSQUERY => |c, r| TsQuery::load(c, r).map(Value::TsQuery),
            Type::PG_LSN => |c, r| PgLsn::load(c, r).map(Value::PgLsn),
            Type::PG_SNAPSHOT | Type::TXID_SNAPSHOT => {
                |c, r| Snapshot::load(c, r).map(Value::Snapshot)
            }
            Type::XML => |c, r| String::load(c, r).map(Value::Xml),
            Type::VOID => |c, r| <()>::load(c, r).map(|()| Value::Void),
            _ if crate::types::text::is_text_like(ty) => |c, r| String::load(c, r).map(Value::Text),
            _ if ty.name() == "hstore" => {
                |c, r| BTreeMap::<String, Option<String>>::load(c, r).map(Value::Hstore)
            }
            // postgres-types calls `_record` a pseudo-type; it is an array.
            Type::RECORD_ARRAY => {
                |c, r| Array::<Value>::load(c, r).map(|a| Value::Array(Box::new(a)))
            }
            _ => match ty.kind() {
                Kind::Array(_) => {
                    |c, r| Array::<Value>::load(c, r).map(|a| Value::Array(Box::new(a)))
                }
                Kind::Range(_) => {
                    |c, r| Range::<Value>::load(c, r).map(|v| Value::Range(Box::new(v)))
                }
                Kind::Multirange(_) => {
                    |c, r| Multirange::<Value>::load(c, r).map(Value::Multirange)
                }
                // A domain travels as its base type.
                Kind::Domain(_) => |c, r| match c.ty.kind() {
                    Kind::Domain(base) => Value::load(&c.with_type(base), r),
                    _ => Err(Error::wrong_type::<Value>(c.ty)),
                },
                _ => |c, r| {
                    Ok(Value::Other {
                        ty: c.ty.clone(),
                        format: c.format,
                        bytes: r.into(),
                    })
                },
            },
        }
    }

    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as it dumps, by variant: the inner value's own dumper.
    fn inner(&self) -> Option<&dyn Dump> {
        Some(match self {
            Value::Null | Value::Other { .. } | Value::Array(_) => return None,
            Value::Range(v) => &**v,
            Value::Multirange(v) => v,
            Value::Hstore(v) => v,
            Value::Bool(v) => v,
            Value::Char(v) => v,
            Value::Int2(v) => v,
            Value::Int4(v) => v,
            Value::Int8(v) => v,
            Value::Oid(v) => v,
            Value::Float4(v) => v,
            Value::Float8(v) => v,
            Value::Numeric(v) => v,
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(v) => v,
            Value::Money(v) => v,
            Value::Text(v) => v,
            Value::Bytea(v) => v,
            Value::Json(v) => v,
            Value::Uuid(v) => v,
            Value::Date(v) => v,
            Value::Time(v) => v,
            Value::TimeTz(v) => v,
            Value::Timestamp(v) => v,
            Value::TimestampTz(v) => v,
            Value::Interval(v) => v,
            Value::Inet(v) => v,
            Value::MacAddr(v) => v,
            Value::MacAddr8(v) => v,
            Value::Bit(v) => v,
            Value::Point(v) => v,
            Value::Line(v) => v,
            Value::LineSegment(v) => v,
            Value::Box(v) => v,
            Value::Path(v) => v,
            Value::Polygon(v) => v,
            Value::Circle(v) => v,
            Value::TsVector(v) => v,
            Value::TsQuery(v) => v,
            Value::PgLsn(v) => v,
            Value::Snapshot(v) => v,
            Value::Xml(v) => v,
            Value::Void => &(),
        })
    }

    /// The PostgreSQL text of a value that JSON has no form for.
    fn text(&self) -> std::result::Result<String, Error> {
        let Some(inner) = self.inner() else {
            return Ok(String::new());
        };
        let ty = inner.pg_type(&Policy::DEFAULT);
        let mut out = BytesMut::new();
        inner.dump(&Ctx::text(&ty), &mut out)?;
        String::from_utf8(out.to_vec()).map_err(|e| Error::malformed(&ty, e.to_string()))
    }
}

/// `Value` loads any type: a loader registered in the context's scope for
/// the value's type, else the built-in one; NULL as [`Value::Null`]. This is
/// what arrays, ranges and domains of values use for their elements, so a
/// registered loader applies at every depth.
impl Load<'_> for Value {
    fn check(_: &Ctx<'_>) -> Result<()> {
        Ok(())
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Value> {
        // A loader registered in the scope applies at every depth.
        if let Some(scope) = ctx.scope
            && let Some(loader) = scope.registered_loader(ctx.ty)
        {
            return loader.load(ctx, raw);
        }
        Value::load_builtin(ctx, raw)
    }

    fn load_null(_: &Ctx<'_>) -> Result<Value> {
        Ok(Value::Null)
    }
}

/// A `Value` dumps as its variant's type; [`Value::Null`] as NULL of any
/// type; [`Value::Other`] only as its own type and format; arrays as the
/// array type the statement declares.
impl Dump for Value {
    fn pg_type(&self, policy: &Policy) -> Type {
        match self {
            Value::Null => Type::UNKNOWN,
            Value::Other { ty, .. } => ty.clone(),
            Value::Xml(_) => Type::XML,
            Value::Array(a) => a.pg_type(policy),
            v => v.inner().map_or(Type::UNKNOWN, |i| i.pg_type(policy)),
        }
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Other { ty, format, bytes } if ty == ctx.ty && *format == ctx.format => {
                out.extend_from_slice(bytes);
                Ok(IsNull::No)
            }
            Value::Other { .. } => Err(Error::wrong_type::<Value>(ctx.ty)),
            Value::Array(a) => a.dump(ctx, out),
            v => match v.inner() {
                Some(inner) => inner.dump(ctx, out),
                None => Err(Error::wrong_type::<Value>(ctx.ty)),
            },
        }
    }
}

/// Values have no one type; `unknown` lets the statement decide.
impl StaticType for Value {
    fn static_type(_: &Policy) -> Type {
        Type::UNKNOWN
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        fn float<S: Serializer>(s: S, v: f64) -> std::result::Result<S::Ok, S::Error> {
            match v {
                v if v.is_nan() => s.serialize_str("NaN"),
                f64::INFINITY => s.serialize_str("Infinity"),
                f64::NEG_INFINITY => s.serialize_str("-Infinity"),
                v => s.serialize_f64(v),
            }
        }
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(v) => s.serialize_bool(*v),
            Value::Char(v) => s.serialize_i8(*v),
            Value::Int2(v) => s.serialize_i16(*v),
            Value::Int4(v) => s.serialize_i32(*v),
            Value::Int8(v) => s.serialize_i64(*v),
            Value::Oid(v) => s.serialize_u32(*v),
            Value::Float4(v) if v.is_finite() => s.serialize_f32(*v),
            Value::Float4(v) => float(s, f64::from(*v)),
            Value::Float8(v) => float(s, *v),
            Value::Text(v) | Value::Xml(v) => s.serialize_str(v),
            Value::Json(v) => v.serialize(s),
            // hstore_to_json: an object of strings and nulls.
            Value::Hstore(v) => v.serialize(s),
            Value::Array(a) => {
                // Nested JSON arrays, one level per dimension, as to_json does.
                let dims: Vec<usize> = a
                    .dimensions()
                    .iter()
                    .map(|d| usize::try_from(d.len).unwrap_or(0))
                    .collect();
                serialize_nested(s, &dims, a.elements())
            }
            Value::Timestamp(_) | Value::TimestampTz(_) => {
                // PostgreSQL's to_json: ISO 8601 with a `T` and a full offset.
                let text = match self {
                    // In the offset it was loaded with (the session's), as
                    // to_json shows it; the text dump would show UTC.
                    Value::TimestampTz(v) => crate::types::datetime::text_in_own_offset(*v),
                    _ => self.text().map_err(S::Error::custom)?,
                };
                let mut iso = text.replacen(' ', "T", 1);
                // The text form shortens a whole-hour offset to `+01`;
                // to_json writes `+01:00` (and seconds only when there are any).
                if let Value::TimestampTz(v) = self
                    && v.offset().minutes_past_hour() == 0
                    && v.offset().seconds_past_minute() == 0
                {
                    let end = iso.strip_suffix(" BC").map_or(iso.len(), str::len);
                    iso.insert_str(end, ":00");
                }
                s.serialize_str(&iso)
            }
            Value::Other {
                format: Format::Text,
                bytes,
                ..
            } => s.serialize_str(&String::from_utf8_lossy(bytes)),
            Value::Other { bytes, .. } => {
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                s.serialize_str(&format!("\\x{hex}"))
            }
            // numeric (exact, as a string), money, bytea (hex), uuid, dates,
            // times, intervals, MAC addresses: their PostgreSQL text.
            v => s.serialize_str(&v.text().map_err(S::Error::custom)?),
        }
    }
}

fn serialize_nested<S: Serializer>(
    s: S,
    dims: &[usize],
    elements: &[Value],
) -> std::result::Result<S::Ok, S::Error> {
    struct Nested<'a>(&'a [usize], &'a [Value]);
    impl Serialize for Nested<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            serialize_nested(s, self.0, self.1)
        }
    }
    match dims {
        [] => s.serialize_seq(Some(0))?.end(),
        [_] => {
            let mut seq = s.serialize_seq(Some(elements.len()))?;
            for e in elements {
                seq.serialize_element(e)?;
            }
            seq.end()
        }
        [n, rest @ ..] => {
            let chunk = rest.iter().product::<usize>().max(1);
            let mut seq = s.serialize_seq(Some(*n))?;
            for part in elements.chunks(chunk) {
                seq.serialize_element(&Nested(rest, part))?;
            }
            seq.end()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Adapters;

    fn load(ty: &Type, text: &str, policy: Policy) -> Value {
        let scope = Adapters::new().with_policy(policy);
        scope
            .value_loader(ty)
            .load(
                &Ctx::text(ty).with_policy(scope.policy()),
                Some(text.as_bytes()),
            )
            .unwrap()
    }

    #[test]
    fn numeric_follows_the_policy() {
        let exact = load(&Type::NUMERIC, "1.50", Policy::DEFAULT);
        assert!(matches!(exact, Value::Numeric(_)));
        let float = Policy {
            numeric: NumericPolicy::Float,
            ..Policy::DEFAULT
        };
        assert_eq!(load(&Type::NUMERIC, "1.50", float), Value::Float8(1.5));
    }

    #[test]
    fn json_forms() {
        let cases = [
            (Type::BYTEA, "\\x00ff", "\"\\\\x00ff\""),
            (
                Type::TIMESTAMPTZ,
                "2024-02-29 13:45:06.5+00",
                "\"2024-02-29T13:45:06.5+00:00\"",
            ),
            (
                Type::TIMESTAMP,
                "2024-02-29 13:45:06",
                "\"2024-02-29T13:45:06\"",
            ),
            (Type::DATE, "2024-02-29", "\"2024-02-29\""),
            (Type::FLOAT8, "NaN", "\"NaN\""),
            (Type::JSONB, "{\"a\": [1, 2]}", "{\"a\":[1,2]}"),
            (Type::INT4_ARRAY, "{{1,2},{3,NULL}}", "[[1,2],[3,null]]"),
            (Type::INET, "10.0.0.0/8", "\"10.0.0.0/8\""),
            (
                Type::UUID,
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"",
            ),
        ];
        for (ty, text, json) in cases {
            let v = load(&ty, text, Policy::DEFAULT);
            assert_eq!(serde_json::to_string(&v).unwrap(), json, "{text}");
        }
    }

    #[test]
    fn hstore_by_name() {
        let hstore = Type::new("hstore".into(), 91_111, Kind::Simple, "ext".into());
        let v = load(&hstore, r#""a"=>"1", "b"=>NULL"#, Policy::DEFAULT);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"a":"1","b":null}"#);
    }

    #[test]
    fn values_dump_as_their_type() {
        let v = Value::Int4(7);
        assert_eq!(v.pg_type(&Policy::DEFAULT), Type::INT4);
        let mut out = BytesMut::new();
        v.dump(&Ctx::binary(&Type::INT8), &mut out).unwrap();
        assert_eq!(&out[..], &7_i64.to_be_bytes());
        assert_eq!(
            Value::Null
                .dump(&Ctx::binary(&Type::INT8), &mut out)
                .unwrap(),
            IsNull::Yes
        );
        let other = Value::Other {
            ty: Type::POINT,
            format: Format::Binary,
            bytes: vec![1].into(),
        };
        assert!(other.dump(&Ctx::text(&Type::POINT), &mut out).is_err());
    }
}
