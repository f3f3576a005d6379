//! `json` and `jsonb` as [`Json<T>`] (any serde type), `serde_json::Value`,
//! and unparsed JSON text ([`RawJson`], [`RawJsonBuf`]).
//!
//! Wire forms: binary `json` is the UTF-8 text; binary `jsonb` is a version
//! byte (1) then the text; the text format is the text for both.
//!
//! Values dump as the type the [`JsonPolicy`](crate::JsonPolicy) names
//! (`jsonb` by default) and into whichever of `json` / `jsonb` the parameter
//! has. They also dump into and load from `text` and `varchar`: JSON text is
//! valid text, the conversion is lossless both ways, and the wrapper type
//! already says the column holds JSON. `bpchar` (blank-padded) and `name`
//! (truncated at 63 bytes) are refused, since they can change the text.
//!
//! `jsonb` cannot store the character U+0000 (the server rejects `\u0000`);
//! dumping such a string into `jsonb` is an [`ErrorKind::Nul`] error here,
//! before the server sees it. `json` stores it as written.
//!
//! serde_json writes non-finite floats (NaN, ±infinity) as `null`: that is
//! serde_json's documented choice, made before pgcast sees the output.

use std::io;
use std::ops::{Deref, DerefMut};

use bytes::{BufMut, BytesMut};
use postgres_types::Type;
use serde::{Deserialize, Serialize};
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use crate::StaticType;
use crate::{Ctx, Dump, Error, ErrorKind, Format, IsNull, JsonPolicy, Load, Policy, Result};

/// The only `jsonb` binary format version PostgreSQL has defined.
const JSONB_VERSION: u8 = 1;

/// A serde value stored as `json` or `jsonb`.
///
/// Dumping serializes `T` with serde_json; loading deserializes, borrowing
/// from the row's buffer where `T` borrows (`&'a str` fields, say). The
/// default type is the policy's ([`JsonPolicy`](crate::JsonPolicy)); `json`,
/// `jsonb`, `text` and `varchar` parameters and columns all work.
///
/// Errors: JSON that does not parse is [`Malformed`](crate::ErrorKind::Malformed);
/// JSON that does not fit `T`, or a `T` serde cannot serialize, is
/// [`Custom`](crate::ErrorKind::Custom) with the serde error as its source; a
/// string holding U+0000 sent to `jsonb` (which cannot store it) is
/// [`Nul`](crate::ErrorKind::Nul).
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::types::Json;
/// use pgcast_core::{Ctx, Dump, Load, Policy};
/// use postgres_types::Type;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Debug, PartialEq)]
/// struct Prefs<'a> { theme: &'a str, size: u8 }
///
/// let prefs = Json(Prefs { theme: "dark", size: 12 });
/// assert_eq!(prefs.pg_type(&Policy::DEFAULT), Type::JSONB);
///
/// let mut out = BytesMut::new();
/// prefs.dump(&Ctx::binary(&Type::JSONB), &mut out).unwrap();
/// assert_eq!(&out[..], b"\x01{\"theme\":\"dark\",\"size\":12}");
///
/// let back: Json<Prefs> = Load::load(&Ctx::binary(&Type::JSONB), &out).unwrap();
/// assert_eq!(back, prefs);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The wrapped value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Json(value)
    }
}

/// JSON text, borrowed from the row's buffer and not parsed: for passing
/// documents through, or parsing later with a borrowing deserializer.
///
/// Loading checks only that the text is UTF-8 (and strips `jsonb`'s version
/// byte); dumping sends the text as is, and the server validates it.
///
/// ```
/// use pgcast_core::types::RawJson;
/// use pgcast_core::{Ctx, Load};
/// use postgres_types::Type;
///
/// let raw: RawJson = Load::load(&Ctx::binary(&Type::JSONB), b"\x01{\"a\": 1}").unwrap();
/// assert_eq!(raw.as_str(), "{\"a\": 1}");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RawJson<'a>(pub &'a str);

impl<'a> RawJson<'a> {
    /// The JSON text.
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// An owned copy.
    pub fn to_buf(&self) -> RawJsonBuf {
        RawJsonBuf(self.0.to_owned())
    }
}

/// Owned, unparsed JSON text: [`RawJson`] for APIs that drop the row's buffer.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::types::RawJsonBuf;
/// use pgcast_core::{Ctx, Dump};
/// use postgres_types::Type;
///
/// let doc = RawJsonBuf(r#"{"b": [1, 2]}"#.to_owned());
/// let mut out = BytesMut::new();
/// doc.dump(&Ctx::text(&Type::JSONB), &mut out).unwrap();
/// assert_eq!(&out[..], br#"{"b": [1, 2]}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RawJsonBuf(pub String);

impl RawJsonBuf {
    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as a borrowed [`RawJson`].
    pub fn as_raw(&self) -> RawJson<'_> {
        RawJson(&self.0)
    }

    /// The owned text.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<String> for RawJsonBuf {
    fn from(text: String) -> Self {
        RawJsonBuf(text)
    }
}

/// The types JSON values load from and dump into.
fn is_json_target(ty: &Type) -> bool {
    matches!(*ty, Type::JSON | Type::JSONB | Type::TEXT | Type::VARCHAR)
}

fn check_json<T: ?Sized>(ctx: &Ctx<'_>) -> Result<()> {
    if is_json_target(ctx.ty) {
        Ok(())
    } else {
        Err(Error::wrong_type::<T>(ctx.ty))
    }
}

fn policy_type(policy: &Policy) -> Type {
    match policy.json {
        JsonPolicy::Jsonb => Type::JSONB,
        JsonPolicy::Json => Type::JSON,
    }
}

/// The JSON text of a value: without `jsonb`'s version byte, not yet
/// checked for UTF-8.
#[inline]
fn json_bytes<'a, T: ?Sized>(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<&'a [u8]> {
    check_json::<T>(ctx)?;
    if *ctx.ty == Type::JSONB && ctx.format == Format::Binary {
        match raw.split_first() {
            Some((&JSONB_VERSION, text)) => Ok(text),
            Some((v, _)) => Err(
                Error::malformed(ctx.ty, format!("unsupported jsonb version {v}"))
                    .with_rust_type::<T>(),
            ),
            None => Err(Error::malformed(ctx.ty, "empty binary jsonb").with_rust_type::<T>()),
        }
    } else {
        Ok(raw)
    }
}

/// The JSON text of a value as `&str`, unparsed.
fn json_str<'a, T: ?Sized>(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<&'a str> {
    let text = json_bytes::<T>(ctx, raw)?;
    std::str::from_utf8(text).map_err(|e| {
        Error::malformed(ctx.ty, format!("invalid UTF-8 at byte {}", e.valid_up_to()))
            .with_rust_type::<T>()
    })
}

/// Parses the JSON of a value into `T`.
#[inline]
fn load_serde<'a, T: Deserialize<'a>>(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<T> {
    let text = json_bytes::<T>(ctx, raw)?;
    serde_json::from_slice(text).map_err(|e| {
        let kind = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                ErrorKind::Malformed
            }
            serde_json::error::Category::Data | serde_json::error::Category::Io => {
                ErrorKind::Custom
            }
        };
        let message = match kind {
            ErrorKind::Malformed => format!("invalid JSON: {e}"),
            _ => format!("JSON does not fit the Rust type: {e}"),
        };
        Error::new(kind, message)
            .with_pg_type(ctx.ty)
            .with_rust_type::<T>()
            .with_source(e)
    })
}

/// A serde_json formatter that refuses the character U+0000, which `jsonb`
/// cannot store (serde_json would write it as `\u0000`).
struct NoNul<'a> {
    found: &'a mut bool,
}

impl Formatter for NoNul<'_> {
    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        if let CharEscape::AsciiControl(0) = escape {
            *self.found = true;
            return Err(io::Error::other("U+0000 in jsonb"));
        }
        CompactFormatter.write_char_escape(writer, escape)
    }
}

fn nul_error<T: ?Sized>(ty: &Type) -> Error {
    Error::new(
        ErrorKind::Nul,
        "a string holds U+0000 (\\u0000), which jsonb cannot store; use json or remove it",
    )
    .with_pg_type(ty)
    .with_rust_type::<T>()
}

/// Serializes `value` as JSON text for `ctx.ty` in `ctx.format`.
fn dump_serde<T: Serialize + ?Sized>(
    value: &T,
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    check_json::<T>(ctx)?;
    let start = out.len();
    let jsonb = *ctx.ty == Type::JSONB;
    if jsonb && ctx.format == Format::Binary {
        out.put_u8(JSONB_VERSION);
    }
    let mut found_nul = false;
    let result = if jsonb {
        let formatter = NoNul {
            found: &mut found_nul,
        };
        let mut ser = serde_json::Serializer::with_formatter((&mut *out).writer(), formatter);
        value.serialize(&mut ser)
    } else {
        serde_json::to_writer((&mut *out).writer(), value)
    };
    match result {
        Ok(()) => Ok(IsNull::No),
        Err(_) if found_nul => {
            out.truncate(start);
            Err(nul_error::<T>(ctx.ty))
        }
        Err(e) => {
            out.truncate(start);
            Err(
                Error::new(ErrorKind::Custom, format!("cannot serialize as JSON: {e}"))
                    .with_pg_type(ctx.ty)
                    .with_rust_type::<T>()
                    .with_source(e),
            )
        }
    }
}

/// Whether JSON text holds the escape `\u0000` (in valid JSON, backslashes
/// only occur in strings, each starting one escape).
fn has_nul_escape(text: &[u8]) -> bool {
    let mut rest = text;
    while let Some(pos) = rest.iter().position(|&b| b == b'\\') {
        let Some(after) = rest.get(pos + 1..) else {
            return false;
        };
        match after {
            [b'u', b'0', b'0', b'0', b'0', ..] => return true,
            [_, tail @ ..] => rest = tail,
            [] => return false,
        }
    }
    false
}

/// Writes unparsed JSON text for `ctx.ty` in `ctx.format`.
fn dump_raw<T: ?Sized>(text: &str, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    check_json::<T>(ctx)?;
    if let Some(pos) = text.bytes().position(|b| b == 0) {
        return Err(Error::new(
            ErrorKind::Nul,
            format!("JSON text has a NUL byte at position {pos}; PostgreSQL cannot store it"),
        )
        .with_pg_type(ctx.ty)
        .with_rust_type::<T>());
    }
    let jsonb = *ctx.ty == Type::JSONB;
    if jsonb && has_nul_escape(text.as_bytes()) {
        return Err(nul_error::<T>(ctx.ty));
    }
    if jsonb && ctx.format == Format::Binary {
        out.reserve(1 + text.len());
        out.put_u8(JSONB_VERSION);
    }
    out.put_slice(text.as_bytes());
    Ok(IsNull::No)
}

impl<'a, T: Deserialize<'a>> Load<'a> for Json<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_json::<T>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self> {
        load_serde(ctx, raw).map(Json)
    }
}

impl<T: Serialize> Dump for Json<T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        policy_type(policy)
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_serde(&self.0, ctx, out)
    }
}

impl<T> StaticType for Json<T> {
    fn static_type(policy: &Policy) -> Type {
        policy_type(policy)
    }
}

impl Load<'_> for serde_json::Value {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_json::<serde_json::Value>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Self> {
        load_serde(ctx, raw)
    }
}

impl Dump for serde_json::Value {
    fn pg_type(&self, policy: &Policy) -> Type {
        policy_type(policy)
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_serde(self, ctx, out)
    }
}

impl StaticType for serde_json::Value {
    fn static_type(policy: &Policy) -> Type {
        policy_type(policy)
    }
}

impl<'a> Load<'a> for RawJson<'a> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_json::<RawJson<'_>>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &'a [u8]) -> Result<Self> {
        json_str::<RawJson<'_>>(ctx, raw).map(RawJson)
    }
}

impl Dump for RawJson<'_> {
    fn pg_type(&self, policy: &Policy) -> Type {
        policy_type(policy)
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_raw::<RawJson<'_>>(self.0, ctx, out)
    }
}

impl StaticType for RawJson<'_> {
    fn static_type(policy: &Policy) -> Type {
        policy_type(policy)
    }
}

impl Load<'_> for RawJsonBuf {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_json::<RawJsonBuf>(ctx)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Self> {
        json_str::<RawJsonBuf>(ctx, raw).map(|s| RawJsonBuf(s.to_owned()))
    }
}

impl Dump for RawJsonBuf {
    fn pg_type(&self, policy: &Policy) -> Type {
        policy_type(policy)
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_raw::<RawJsonBuf>(&self.0, ctx, out)
    }
}

impl StaticType for RawJsonBuf {
    fn static_type(policy: &Policy) -> Type {
        policy_type(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;

    fn dump<T: Dump + ?Sized>(v: &T, ctx: &Ctx<'_>) -> Result<BytesMut> {
        let mut out = BytesMut::new();
        v.dump(ctx, &mut out).map(|_| out)
    }

    const CONTEXTS: [(Type, Format); 4] = [
        (Type::JSON, Format::Binary),
        (Type::JSON, Format::Text),
        (Type::JSONB, Format::Binary),
        (Type::JSONB, Format::Text),
    ];

    #[test]
    fn wire_forms() {
        let v = json!({"a": [1, "x", null, true]});
        let text = br#"{"a":[1,"x",null,true]}"#;
        for (ty, fmt) in CONTEXTS {
            let ctx = Ctx::new(&ty, fmt);
            let out = dump(&v, &ctx).unwrap();
            if ty == Type::JSONB && fmt == Format::Binary {
                assert_eq!(out[0], 1);
                assert_eq!(&out[1..], text);
            } else {
                assert_eq!(&out[..], text);
            }
            assert_eq!(Value::load(&ctx, &out).unwrap(), v);
        }
    }

    #[test]
    fn policy_picks_type() {
        let v = Json(1);
        assert_eq!(v.pg_type(&Policy::DEFAULT), Type::JSONB);
        let json = Policy {
            json: JsonPolicy::Json,
            ..Policy::DEFAULT
        };
        assert_eq!(v.pg_type(&json), Type::JSON);
        assert_eq!(<Option<Json<i32>>>::static_type(&json), Type::JSON);
        assert_eq!(Value::Null.pg_type(&Policy::DEFAULT), Type::JSONB);
        assert_eq!(RawJson("1").pg_type(&json), Type::JSON);
    }

    #[test]
    fn jsonb_version_byte() {
        let ctx = Ctx::binary(&Type::JSONB);
        for bad in [&b""[..], b"\x02{}", b"\x00{}", b"{}"] {
            let err = Value::load(&ctx, bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{bad:?}");
            assert!(RawJson::load(&ctx, bad).is_err());
        }
        // version byte only matters in binary jsonb
        assert_eq!(
            Value::load(&Ctx::text(&Type::JSONB), b"{}").unwrap(),
            json!({})
        );
        assert!(Value::load(&Ctx::binary(&Type::JSON), b"\x01{}").is_err());
    }

    #[test]
    fn borrows_from_the_buffer() {
        #[derive(Deserialize)]
        struct Doc<'a> {
            name: &'a str,
        }
        let raw = b"\x01{\"name\": \"pg\"}";
        let doc: Json<Doc<'_>> = Load::load(&Ctx::binary(&Type::JSONB), raw).unwrap();
        assert_eq!(doc.name, "pg");
        let range = raw.as_ptr_range();
        assert!(range.contains(&doc.name.as_ptr()));
    }

    #[test]
    fn serde_errors_are_typed() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Prefs {
            size: u8,
        }
        let ctx = Ctx::text(&Type::JSONB);
        let err = Json::<Prefs>::load(&ctx, br#"{"size": 300}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Custom);
        assert_eq!(err.pg_type(), Some(&Type::JSONB));
        assert_eq!(err.rust_type(), Some("Prefs"));
        let source = std::error::Error::source(&err).expect("serde error as source");
        assert!(source.downcast_ref::<serde_json::Error>().is_some());

        let err = Json::<Prefs>::load(&ctx, br#"{"size": "#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed);
        let err = Value::load(&ctx, b"{} x").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed);
        let err = Value::load(&ctx, b"\"\xff\"").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed);

        // a map with non-string keys cannot be JSON
        let mut map = BTreeMap::new();
        map.insert(vec![1], 2);
        let mut out = BytesMut::from(&b"keep"[..]);
        let err = Json(map)
            .dump(&Ctx::binary(&Type::JSONB), &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Custom);
        assert!(err.to_string().contains("PostgreSQL type jsonb"), "{err}");
        assert_eq!(&out[..], b"keep", "nothing half-written");
    }

    #[test]
    fn nul_in_jsonb() {
        let v = json!({"k": "a\u{0}b"});
        for fmt in [Format::Binary, Format::Text] {
            let mut out = BytesMut::new();
            let err = v.dump(&Ctx::new(&Type::JSONB, fmt), &mut out).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Nul);
            assert!(out.is_empty());
            // json stores it as written
            let out = dump(&v, &Ctx::new(&Type::JSON, fmt)).unwrap();
            assert_eq!(&out[..], br#"{"k":"a\u0000b"}"#);
        }
        let key = json!({"a\u{0}": 1});
        assert_eq!(
            dump(&key, &Ctx::binary(&Type::JSONB)).unwrap_err().kind(),
            ErrorKind::Nul
        );
        // other control characters are fine
        let ok = json!("\u{1}\t\n\\u0000");
        let out = dump(&ok, &Ctx::binary(&Type::JSONB)).unwrap();
        assert_eq!(&out[1..], br#""\u0001\t\n\\u0000""#);

        // raw text: the escape and a literal NUL byte
        let ctx = Ctx::binary(&Type::JSONB);
        assert_eq!(
            dump(&RawJson(r#"["\u0000"]"#), &ctx).unwrap_err().kind(),
            ErrorKind::Nul
        );
        assert!(dump(&RawJson(r#"["\\u0000"]"#), &ctx).is_ok());
        assert!(dump(&RawJson(r#"["\u0000"]"#), &Ctx::binary(&Type::JSON)).is_ok());
        assert_eq!(
            dump(&RawJson("\"\0\""), &Ctx::binary(&Type::JSON))
                .unwrap_err()
                .kind(),
            ErrorKind::Nul
        );
    }

    #[test]
    fn nul_escape_scan() {
        assert!(has_nul_escape(br#""\u0000""#));
        assert!(has_nul_escape(br#""\\\u0000""#));
        assert!(!has_nul_escape(br#""\\u0000""#));
        assert!(!has_nul_escape(br#""\u00001""#.split_at(5).0));
        assert!(!has_nul_escape(b"\\"));
        assert!(!has_nul_escape(br#""\u0001""#));
    }

    #[test]
    fn raw_json() {
        let ctx = Ctx::binary(&Type::JSONB);
        let doc = RawJson(r#"{"a" : 1}"#);
        let out = dump(&doc, &ctx).unwrap();
        assert_eq!(&out[..], b"\x01{\"a\" : 1}");
        let back = RawJson::load(&ctx, &out).unwrap();
        assert_eq!(back, doc);
        assert_eq!(RawJsonBuf::load(&ctx, &out).unwrap(), doc.to_buf());
        assert_eq!(doc.to_buf().as_raw(), doc);
        // not parsed: invalid JSON passes, invalid UTF-8 does not
        assert!(RawJson::load(&Ctx::text(&Type::JSON), b"{oops").is_ok());
        let err = RawJson::load(&Ctx::text(&Type::JSON), b"\xff").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Malformed);
    }

    #[test]
    fn target_types() {
        let v = Json(vec!["a"]);
        for ty in [Type::TEXT, Type::VARCHAR] {
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&ty, fmt);
                let out = dump(&v, &ctx).unwrap();
                assert_eq!(&out[..], br#"["a"]"#);
                assert_eq!(Json::<Vec<String>>::load(&ctx, &out).unwrap().0, ["a"]);
            }
        }
        for ty in [Type::BPCHAR, Type::NAME, Type::INT4, Type::BYTEA] {
            let ctx = Ctx::binary(&ty);
            assert_eq!(
                dump(&v, &ctx).unwrap_err().kind(),
                ErrorKind::WrongType,
                "{ty}"
            );
            assert!(Value::check(&ctx).is_err());
            assert!(RawJson::load(&ctx, b"1").is_err());
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let text = prop_oneof![any::<String>(), "[a\\\\u0\\x00\"\u{e9}\u{1f600}]{0,12}"];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            // floats serde_json prints and parses back exactly (at most 15
            // significant digits: without its `float_roundtrip` feature,
            // longer ones may come back one ULP off)
            (any::<i32>(), 0..4u32).prop_map(|(m, e)| Value::from(m as f64 / 2f64.powi(e as i32))),
            text.clone().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(text.clone(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn holds_nul(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(holds_nul),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn values_round_trip(v in arb_json()) {
            for (ty, fmt) in CONTEXTS {
                let ctx = Ctx::new(&ty, fmt);
                let mut out = BytesMut::new();
                match v.dump(&ctx, &mut out) {
                    Ok(_) => {
                        prop_assert!(ty == Type::JSON || !holds_nul(&v));
                        prop_assert_eq!(&Value::load(&ctx, &out).unwrap(), &v);
                        let raw = RawJson::load(&ctx, &out).unwrap();
                        prop_assert_eq!(&serde_json::from_str::<Value>(raw.0).unwrap(), &v);
                    }
                    Err(e) => {
                        prop_assert_eq!(e.kind(), ErrorKind::Nul);
                        prop_assert!(ty == Type::JSONB && holds_nul(&v));
                    }
                }
            }
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..64)) {
            for (ty, fmt) in CONTEXTS {
                let ctx = Ctx::new(&ty, fmt);
                let _ = Value::load(&ctx, &raw);
                let _ = RawJson::load(&ctx, &raw);
                let _ = Json::<Vec<(String, i8)>>::load(&ctx, &raw);
            }
        }
    }
}
