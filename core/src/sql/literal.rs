//! [`Literal`]: a value written into the query text, and the quoting rules.

use std::fmt;

use bytes::BytesMut;
use postgres_types::{Kind, Type};

use super::identifier::write_part;
use super::render::push_decimal;
use super::stored::Stored;
use super::{QueryValue, SqlValue};
use crate::{Adapters, Ctx, Error, ErrorKind, IsNull, Result};

/// A value written into the query text as an SQL literal.
///
/// The value's *text* dumper writes it (a dumper registered in the rendering
/// scope wins over the type's own [`Dump`](crate::Dump)), then:
///
/// - strings are `'…'` with `'` doubled; any backslash switches to ` E'…'`
///   with backslashes doubled, so the text means the same whatever
///   `standard_conforming_strings` says; a NUL is an [`ErrorKind::Nul`] error;
/// - numbers keep their type: integers are bare, with a leading space when
///   negative (`- -1`, never a `--` comment); a `numeric` is bare when it has
///   a point (`1.50`) and cast otherwise (`'1000'::numeric`), since the lexer
///   reads `1000` as an integer; floats are always quoted and cast
///   (`'1'::float8`, `'0.1'::float4`, `'-0'::float8`, `'NaN'::float8`),
///   since a bare `1.5` is `numeric` and a bare `1` an integer;
/// - `NULL`, `true` and `false` are bare;
/// - any other quoted value gets a cast to its type: built-in types by their
///   SQL name (`'2016-12-31'::date`, `'{1,2}'::int4[]`), user types (enums,
///   composites, domains, anything outside `pg_catalog`) by their quoted,
///   schema-qualified name (`'happy'::"public"."mood"`); `text` gets none.
///
/// ```
/// use pgcast_core::sql::{Composable, Literal};
///
/// assert_eq!(Literal::new("it's").render_inline().unwrap(), "'it''s'");
/// assert_eq!(Literal::new(r"C:\dir").render_inline().unwrap(), r" E'C:\\dir'");
/// assert_eq!(Literal::new(-1_i32).render_inline().unwrap(), " -1");
/// assert_eq!(Literal::new(1.0_f64).render_inline().unwrap(), "'1'::float8");
/// assert_eq!(Literal::new(None::<i32>).render_inline().unwrap(), "NULL");
/// assert_eq!(Literal::new(true).render_inline().unwrap(), "true");
/// assert_eq!(Literal::new([1_u8, 255]).render_inline().unwrap(), r" E'\\x01ff'::bytea");
/// assert_eq!(Literal::new("a\0b").render_inline().unwrap_err().kind(), pgcast_core::ErrorKind::Nul);
/// ```
#[derive(Clone)]
pub struct Literal(pub(crate) Stored<'static>);

impl Literal {
    /// A literal of `value`.
    pub fn new(value: impl SqlValue) -> Literal {
        Literal(Stored::new(value))
    }

    /// The value.
    #[inline]
    pub fn value(&self) -> &dyn QueryValue {
        self.0.get()
    }
}

impl PartialEq for Literal {
    /// See [`Bound`](super::Bound)'s equality: the same rule applies.
    fn eq(&self, other: &Literal) -> bool {
        self.0 == other.0
    }
}

impl fmt::Debug for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Literal").field(&self.0).finish()
    }
}

/// The type of `value` by its own `Dump` (no dumper registered).
#[inline]
pub(crate) fn resolve_builtin(value: &Stored<'_>, policy: &crate::Policy) -> Type {
    value
        .builtin_type()
        .unwrap_or_else(|| value.get().pg_type(policy))
}

/// The PostgreSQL type a value is sent as in `scope`, and the dumper that writes it.
pub(crate) fn resolve<'s>(
    value: &Stored<'_>,
    scope: &'s Adapters,
) -> (Type, Option<&'s crate::DynDumper>) {
    let policy = scope.policy();
    if !scope.has_dumpers() {
        return (resolve_builtin(value, policy), None);
    }
    match scope.dumper(value.key()) {
        Some(d) => {
            let ty = value
                .with_any(|v| d.pg_type(v, policy))
                .unwrap_or_else(|| value.get().pg_type(policy));
            (ty, Some(d))
        }
        None => (value.get().pg_type(policy), None),
    }
}

/// Writes a stored value as a literal: the common scalars straight into
/// `out` when the scope registers no dumper for them (the same text their
/// own text dumpers would give), anything else by [`write_literal`].
#[cfg(test)]
pub(crate) fn write_stored_literal(
    value: &Stored<'_>,
    scope: &Adapters,
    scratch: &mut BytesMut,
    out: &mut String,
) -> Result<()> {
    if write_common_literal(value, scope, out) {
        return Ok(());
    }
    write_literal(value, scope, scratch, out)
}

/// Writes a common scalar (an integer, a bool, a string without NUL) as a
/// literal straight into `out`, when the scope registers no dumper for
/// it: whether it did (otherwise [`write_literal`] writes it).
#[inline]
pub(crate) fn write_common_literal(value: &Stored<'_>, scope: &Adapters, out: &mut String) -> bool {
    if scope.has_dumpers() && scope.dumper(value.key()).is_some() {
        return false;
    }
    write_builtin_literal(value, out).is_some()
}

/// The common scalars a query writes as literals when they are pushed,
/// keeping them only as that text (see [`parse_builtin`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    Bool,
    I16,
    I32,
    I64,
    Str,
}

impl Builtin {
    /// The Rust type a dumper for it is registered for (see
    /// [`Stored::key`]).
    pub(crate) fn key(self) -> std::any::TypeId {
        use std::any::TypeId;
        match self {
            Builtin::Bool => TypeId::of::<bool>(),
            Builtin::I16 => TypeId::of::<i16>(),
            Builtin::I32 => TypeId::of::<i32>(),
            Builtin::I64 => TypeId::of::<i64>(),
            Builtin::Str => TypeId::of::<String>(),
        }
    }
}

/// Writes a common scalar as a literal by its own type's rules (the text
/// its text dumper gives, quoted): which one it is, `None` for any other
/// value.
#[inline]
pub(crate) fn write_builtin_literal(value: &Stored<'_>, out: &mut String) -> Option<Builtin> {
    Some(match value {
        Stored::I16(v) => {
            write_int(i64::from(*v), out);
            Builtin::I16
        }
        Stored::I32(v) => {
            write_int(i64::from(*v), out);
            Builtin::I32
        }
        Stored::I64(v) => {
            write_int(*v, out);
            Builtin::I64
        }
        Stored::Bool(v) => {
            out.push_str(if *v { "true" } else { "false" });
            Builtin::Bool
        }
        // A NUL takes the general path, for the text dumper's error.
        Stored::Str(s) if !s.as_bytes().contains(&0) => {
            write_quoted(s, out);
            Builtin::Str
        }
        _ => return None,
    })
}

/// The value a common literal was written from: `text` is what
/// [`write_builtin_literal`] wrote for a value of kind `builtin` (for
/// showing the piece, and for rendering it again in a scope that registers
/// a dumper of its type).
pub(crate) fn parse_builtin(builtin: Builtin, text: &str) -> Stored<'static> {
    let int = || {
        let digits = text.trim_start().strip_prefix('-');
        let magnitude: i128 = digits.unwrap_or(text).parse().unwrap_or(0);
        if digits.is_some() {
            -magnitude
        } else {
            magnitude
        }
    };
    match builtin {
        Builtin::Bool => Stored::Bool(text == "true"),
        Builtin::I16 => Stored::I16(i16::try_from(int()).unwrap_or(0)),
        Builtin::I32 => Stored::I32(i32::try_from(int()).unwrap_or(0)),
        Builtin::I64 => Stored::I64(i64::try_from(int()).unwrap_or(0)),
        Builtin::Str => {
            // `'…'` or ` E'…'`, each quote and backslash doubled.
            let quoted = text
                .trim_start()
                .strip_prefix('E')
                .unwrap_or(text.trim_start());
            let inner = quoted
                .strip_prefix('\'')
                .and_then(|q| q.strip_suffix('\''))
                .unwrap_or(quoted);
            let mut value = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                value.push(c);
                if c == '\'' || c == '\\' {
                    chars.next();
                }
            }
            Stored::new(value)
        }
    }
}

/// An integer as a bare literal: decimal, a space before a minus sign.
#[inline]
fn write_int(v: i64, out: &mut String) {
    if v < 0 {
        out.push_str(" -");
    }
    push_decimal(v.unsigned_abs(), out);
}

/// Writes `value` as a literal: text dump into `scratch`, then quoting.
pub(crate) fn write_literal(
    value: &Stored<'_>,
    scope: &Adapters,
    scratch: &mut BytesMut,
    out: &mut String,
) -> Result<()> {
    let (ty, dumper) = resolve(value, scope);
    if dumper.is_none() && crate::types::tuple_dump::is_anonymous_record(&ty) {
        // `'(1,a)'::record` cannot be read back; `ROW(…)` of typed fields can.
        let mut field = |text: &str, ty: &Type, out: &mut String| {
            write_text_literal(text, ty, scope, out)?;
            // A bare string in a ROW stays `unknown`, which has no equality.
            if *ty == Type::TEXT {
                out.push_str("::text");
            }
            Ok(())
        };
        let null = crate::types::tuple_dump::write_row_literal(
            value.get(),
            &ty,
            scope.policy(),
            &mut field,
            out,
        )?;
        if null == IsNull::Yes {
            out.push_str("NULL");
        }
        return Ok(());
    }
    scratch.clear();
    let ctx = Ctx::text(&ty).with_scope(scope);
    let null = match dumper {
        Some(d) => value.with_any(|v| d.dump(v, &ctx, scratch))?,
        None => value.get().dump(&ctx, scratch)?,
    };
    if null == IsNull::Yes {
        out.push_str("NULL");
        return Ok(());
    }
    let text = std::str::from_utf8(scratch).map_err(|e| {
        Error::malformed(
            &ty,
            format!(
                "the text dumper wrote invalid UTF-8 at byte {}",
                e.valid_up_to()
            ),
        )
    })?;
    write_text_literal(text, &ty, scope, out)
}

/// Quotes the text form `text` of a value of type `ty`; `scope` names the
/// schema of types found by name.
pub(crate) fn write_text_literal(
    text: &str,
    ty: &Type,
    scope: &Adapters,
    out: &mut String,
) -> Result<()> {
    if let Some(pos) = text.bytes().position(|b| b == 0) {
        return Err(Error::new(
            ErrorKind::Nul,
            format!("literal has a NUL byte at position {pos}; PostgreSQL cannot store it"),
        )
        .with_pg_type(ty));
    }
    match *ty {
        Type::BOOL if text == "t" => {
            out.push_str("true");
            return Ok(());
        }
        Type::BOOL if text == "f" => {
            out.push_str("false");
            return Ok(());
        }
        // Only what the lexer reads back as the same type is bare: integers
        // as int4/int8 constants, numerics with a point or an exponent (a
        // whole `1000` would be read as an integer, and `1000 / 3` is 333).
        // Floats are never bare: a bare `1.5` is numeric and `1` an integer.
        Type::INT2 | Type::INT4 | Type::INT8 if is_bare_number(text) && is_whole(text) => {
            write_bare(text, out);
            return Ok(());
        }
        Type::NUMERIC if is_bare_number(text) && !is_whole(text) => {
            write_bare(text, out);
            return Ok(());
        }
        _ => {}
    }
    write_quoted(text, out);
    if *ty != Type::TEXT && *ty != Type::UNKNOWN {
        out.push_str("::");
        write_type_name(ty, scope, out)?;
    }
    Ok(())
}

/// `'…'` with `'` doubled, or ` E'…'` with `\` doubled too when there is one.
#[inline]
pub(crate) fn write_quoted(text: &str, out: &mut String) {
    let escape = text.as_bytes().contains(&b'\\');
    out.push_str(if escape { " E'" } else { "'" });
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\'' || b == b'\\' {
            out.push_str(&text[start..=i]);
            out.push(b as char);
            start = i + 1;
        }
    }
    out.push_str(&text[start..]);
    out.push('\'');
}

/// `-12`, `3.5`, `1e+300`, `.5`: what the lexer reads as one numeric constant
/// after an optional minus (anything else, `NaN` and `Infinity` included, is quoted).
fn is_bare_number(text: &str) -> bool {
    let b = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let int = digits(&mut i);
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac = digits(&mut i);
    }
    if int + frac == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Whether a number's text has neither a point nor an exponent, so that the
/// lexer reads it as an integer constant.
fn is_whole(text: &str) -> bool {
    !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

/// A number as it is, a space before a minus sign (`- -1`, never `--`).
fn write_bare(text: &str, out: &mut String) {
    if text.starts_with('-') {
        out.push(' ');
    }
    out.push_str(text);
}

/// Whether `ty` is a built-in type, named bare in casts.
fn is_builtin(ty: &Type) -> bool {
    ty.schema() == "pg_catalog"
        && !matches!(
            ty.kind(),
            Kind::Enum(_) | Kind::Composite(_) | Kind::Domain(_)
        )
}

/// The type name for a cast: `date`, `int4[]`, `"char"`, `"app"."mood"[]`.
///
/// A type named without a schema (an extension type the Rust side knows by
/// name only, such as `hstore`) takes the schema `scope` registered it in,
/// or stays bare for the server to resolve by `search_path`: an extension
/// may be installed in any schema.
pub(crate) fn write_type_name(ty: &Type, scope: &Adapters, out: &mut String) -> Result<()> {
    if let Kind::Array(elem) = ty.kind() {
        write_type_name(elem, scope, out)?;
        out.push_str("[]");
        return Ok(());
    }
    if is_builtin(ty) {
        let name = ty.name();
        // `char` and `bit` without a length mean char(1) and bit(1) in casts;
        // quoted, they name the types themselves.
        let plain = !matches!(name, "char" | "bit")
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && name.bytes().next().is_some_and(|b| !b.is_ascii_digit());
        if plain {
            out.push_str(name);
            return Ok(());
        }
        return write_part(name, out);
    }
    let schema = if ty.schema().is_empty() {
        let bare = format!("\"{}\"", ty.name().replace('"', "\"\""));
        scope.type_by_name(&bare).map(|t| t.schema().to_owned())
    } else {
        Some(ty.schema().to_owned())
    };
    if let Some(schema) = schema.filter(|s| !s.is_empty()) {
        write_part(&schema, out)?;
        out.push('.');
    }
    write_part(ty.name(), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers() {
        for ok in [
            "0",
            "-1",
            "3.5",
            "-.5",
            "5.",
            "1e+300",
            "1E-7",
            "12345678901234567890",
        ] {
            assert!(is_bare_number(ok), "{ok}");
        }
        for no in [
            "",
            "-",
            ".",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e",
            "1e+",
            "--1",
            "1 ",
            "1;",
            "0x1",
        ] {
            assert!(!is_bare_number(no), "{no}");
        }
    }

    #[test]
    fn type_names() {
        let scope = Adapters::new();
        let name = |ty: &Type| {
            let mut s = String::new();
            write_type_name(ty, &scope, &mut s).unwrap();
            s
        };
        assert_eq!(name(&Type::DATE), "date");
        assert_eq!(name(&Type::INT4_ARRAY), "int4[]");
        assert_eq!(name(&Type::CHAR), "\"char\"");
        assert_eq!(name(&Type::CHAR_ARRAY), "\"char\"[]");
        assert_eq!(name(&Type::BIT), "\"bit\"");
        assert_eq!(name(&Type::TIMESTAMPTZ), "timestamptz");
        let mood = Type::new(
            "mood".into(),
            90_000,
            Kind::Enum(vec!["sad".into()]),
            "public".into(),
        );
        assert_eq!(name(&mood), r#""public"."mood""#);
        let moods = Type::new("_mood".into(), 90_001, Kind::Array(mood), "public".into());
        assert_eq!(name(&moods), r#""public"."mood"[]"#);
        let weird = Type::new("we\"ird".into(), 90_002, Kind::Simple, "my app".into());
        assert_eq!(name(&weird), r#""my app"."we""ird""#);
        // by name only: bare, or in the schema the scope found it in
        let hstore = Type::new("hstore".into(), 0, Kind::Simple, String::new());
        assert_eq!(name(&hstore), r#""hstore""#);
        let hstores = Type::new(
            "_hstore".into(),
            0,
            Kind::Array(hstore.clone()),
            String::new(),
        );
        assert_eq!(name(&hstores), r#""hstore"[]"#);
        let mut scope = Adapters::new();
        scope.register_type(Type::new(
            "hstore".into(),
            91_000,
            Kind::Simple,
            "ext".into(),
        ));
        let mut s = String::new();
        write_type_name(&hstores, &scope, &mut s).unwrap();
        assert_eq!(s, r#""ext"."hstore"[]"#);
    }

    #[test]
    fn fast_paths_match_the_text_dumpers() {
        fn both<T: SqlValue + Clone>(v: T) -> (Result<String>, Result<String>) {
            let scope = Adapters::new();
            let (mut fast, mut slow) = (String::new(), String::new());
            let mut scratch = BytesMut::new();
            let f = write_stored_literal(&Stored::new(v.clone()), &scope, &mut scratch, &mut fast);
            let s = write_literal(&Stored::new(v), &scope, &mut scratch, &mut slow);
            (f.map(|()| fast), s.map(|()| slow))
        }
        macro_rules! same {
            ($($v:expr),*) => {$(
                let (fast, slow) = both($v);
                assert_eq!(fast.unwrap(), slow.unwrap(), "{:?}", $v);
            )*};
        }
        same!(
            0_i16,
            i16::MIN,
            i16::MAX,
            -1_i32,
            i32::MIN,
            i32::MAX,
            0_i64,
            i64::MIN,
            i64::MAX
        );
        same!(
            true,
            false,
            "",
            "it's",
            r"back\slash",
            "é'€",
            1.5_f64,
            -0.0_f64,
            f32::NAN
        );
        let (fast, slow) = both("a\0b");
        assert_eq!(fast.unwrap_err().kind(), ErrorKind::Nul);
        assert_eq!(slow.unwrap_err().kind(), ErrorKind::Nul);
    }

    #[test]
    fn quoting() {
        let q = |s: &str| {
            let mut o = String::new();
            write_quoted(s, &mut o);
            o
        };
        assert_eq!(q(""), "''");
        assert_eq!(q("'"), "''''");
        assert_eq!(q("\\"), " E'\\\\'");
        assert_eq!(q("a'b\\c"), " E'a''b\\\\c'");
        assert_eq!(q("ü'€"), "'ü''€'");
        // A long string with quotes, backslashes and non-ASCII text.
        let long = "it's \\ ü ".repeat(8);
        assert_eq!(q(&long), format!(" E'{}'", "it''s \\\\ ü ".repeat(8)));
    }

    #[test]
    fn common_literals_read_back_from_their_text() {
        let long = "a'b\\c ü".repeat(9);
        for value in [
            Stored::new(true),
            Stored::new(false),
            Stored::new(i16::MIN),
            Stored::new(i16::MAX),
            Stored::new(-5_i32),
            Stored::new(i64::MIN),
            Stored::new(i64::MAX),
            Stored::new(""),
            Stored::new("it's"),
            Stored::new("back\\slash"),
            Stored::borrowed(&long),
        ] {
            let mut text = String::new();
            let builtin = write_builtin_literal(&value, &mut text).unwrap();
            assert!(
                parse_builtin(builtin, &text) == value,
                "{value:?} as {text}"
            );
            assert_eq!(builtin.key(), value.key());
        }
        let (nul, mut text) = (Stored::new("a\0b"), String::new());
        assert_eq!(
            write_builtin_literal(&nul, &mut text),
            None,
            "a NUL goes the general way"
        );
        assert_eq!(
            write_builtin_literal(&Stored::new(1.5_f64), &mut text),
            None
        );
        assert!(text.is_empty());
    }
}
