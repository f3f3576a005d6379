//! The dynamic [`Value`], for work without a Rust type per column.

use postgres_types::Type;
use serde::ser::{Serialize, Serializer};

use crate::{Ctx, Format, Load, Result};

/// Any PostgreSQL value, loaded by its type through the registry: for
/// schema-less tools, reports, and rows turned into JSON.
///
/// ```
/// use pgcast_core::{Adapters, Ctx, Value};
/// use postgres_types::Type;
///
/// let loader = Adapters::global().value_loader(&Type::INT4);
/// let v = loader.load(&Ctx::text(&Type::INT4), Some(b"42")).unwrap();
/// assert_eq!(v, Value::Int4(42));
/// assert_eq!(serde_json::to_string(&v).unwrap(), "42");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
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
    /// `text`, `varchar`, `bpchar`, `name`, enum labels, `citext`.
    Text(String),
    /// `bytea`.
    Bytea(Vec<u8>),
    /// A type with no built-in loader and none registered: its raw bytes.
    Other {
        /// The PostgreSQL type.
        ty: Type,
        /// The format of `bytes`.
        format: Format,
        /// The value as it came from the server.
        bytes: Vec<u8>,
    },
}

/// Decodes one non-NULL value of a known type into a [`Value`].
pub(crate) type LoadFn = fn(&Ctx<'_>, &[u8]) -> Result<Value>;

impl Value {
    /// Loads a value of a built-in type; types without a built-in loader
    /// become [`Value::Other`] with their bytes.
    pub fn load_builtin(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Value> {
        Value::builtin_loader(ctx.ty)(ctx, raw)
    }

    /// The built-in loader for `ty`, chosen once so that each value then
    /// costs one direct call.
    pub(crate) fn builtin_loader(ty: &Type) -> LoadFn {
        match *ty {
            Type::BOOL => |c, r| bool::load(c, r).map(Value::Bool),
            Type::CHAR => |c, r| i8::load(c, r).map(Value::Char),
            Type::INT2 => |c, r| i16::load(c, r).map(Value::Int2),
            Type::INT4 => |c, r| i32::load(c, r).map(Value::Int4),
            Type::INT8 => |c, r| i64::load(c, r).map(Value::Int8),
            Type::OID => |c, r| u32::load(c, r).map(Value::Oid),
            Type::BYTEA => |c, r| Vec::<u8>::load(c, r).map(Value::Bytea),
            _ if crate::types::text::is_text_like(ty) => |c, r| String::load(c, r).map(Value::Text),
            _ => |c, r| {
                Ok(Value::Other {
                    ty: c.ty.clone(),
                    format: c.format,
                    bytes: r.to_vec(),
                })
            },
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(v) => s.serialize_bool(*v),
            Value::Char(v) => s.serialize_i8(*v),
            Value::Int2(v) => s.serialize_i16(*v),
            Value::Int4(v) => s.serialize_i32(*v),
            Value::Int8(v) => s.serialize_i64(*v),
            Value::Oid(v) => s.serialize_u32(*v),
            Value::Text(v) => s.serialize_str(v),
            Value::Bytea(v) => s.serialize_bytes(v),
            Value::Other {
                format: Format::Text,
                bytes,
                ..
            } => s.serialize_str(&String::from_utf8_lossy(bytes)),
            Value::Other { bytes, .. } => s.serialize_bytes(bytes),
        }
    }
}
