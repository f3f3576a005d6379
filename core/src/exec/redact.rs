//! Parameter values in query logs: rendered as SQL literals with pgcast's
//! own literal rendering (so a logged statement can be pasted into `psql`),
//! each value redacted unless a rule shows it, and always redacted when
//! marked secret ([`Redacted`], `#[pg(redact)]` fields).

use std::cell::Cell;
use std::fmt;

use bytes::{BufMut, BytesMut};

use crate::sql::{Bound, Composed, Param, ParamSource};
use crate::{Adapters, Ctx, Dump, Format, IsNull, Policy, StaticType, Type};

/// What a redacted value is logged as.
pub const REDACTED: &str = "'<redacted>'";

/// A value that goes to the server as `T` but never shows in logs: a query
/// log or a slow-query report renders it as `'<redacted>'`, whatever the
/// [`LogValues`] rule, and its `Debug` hides it.
///
/// ```
/// use pgcast_core::exec::Redacted;
/// use pgcast_core::sql::{bind, Composable, Sql};
/// use pgcast_core::Type;
///
/// let password = Redacted(String::from("hunter2"));
/// assert_eq!(format!("{password:?}"), "Redacted(<redacted>)");
/// let q = Sql::new("SELECT crypt(") + bind(password) + Sql::new(", 'x')");
/// let r = q.render().unwrap();
/// assert_eq!(r.params()[0].pg_type(), Some(&Type::TEXT)); // sent as the text it wraps
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Redacted<T>(pub T);

impl<T> Redacted<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redacted(<redacted>)")
    }
}

impl<T: Dump> Dump for Redacted<T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        self.0.pg_type(policy)
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> crate::Result<IsNull> {
        match redact_value(ctx, out) {
            Some(done) => done,
            None => self.0.dump(ctx, out),
        }
    }
}

impl<T: StaticType> StaticType for Redacted<T> {
    fn static_type(policy: &Policy) -> Type {
        T::static_type(policy)
    }
}

thread_local! {
    /// While a log renders values: `Some(hit)`, `hit` set once a secret
    /// value was met. `None` the rest of the time (values go to the server).
    static RENDERING: Cell<Option<bool>> = const { Cell::new(None) };
}

/// The hook secret values call from their text dump: while a query log
/// renders values, writes `<redacted>` instead of the value, marks the
/// value being rendered as secret (it is then logged as `'<redacted>'`
/// as a whole) and returns `Some`; at any other time (the value is going
/// to the server) returns `None`, and the caller dumps as usual.
///
/// [`Redacted`] calls it, and so does the code `#[pg(redact)]` generates
/// for a field.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::exec::redact_value;
/// use pgcast_core::{Ctx, Type};
///
/// let mut out = BytesMut::new();
/// assert!(redact_value(&Ctx::text(&Type::TEXT), &mut out).is_none()); // not logging
/// assert!(out.is_empty());
/// ```
#[inline]
pub fn redact_value(ctx: &Ctx<'_>, out: &mut BytesMut) -> Option<crate::Result<IsNull>> {
    if ctx.format != Format::Text {
        return None;
    }
    let rendering = RENDERING.try_with(Cell::get).ok().flatten();
    rendering?;
    let _ = RENDERING.try_with(|r| r.set(Some(true)));
    out.put_slice(b"<redacted>");
    Some(Ok(IsNull::No))
}

/// Which parameter values a query log shows. Values are logged only when
/// a rule is set ([`Session::set_log_values`](super::Session::set_log_values));
/// then every value is `'<redacted>'` unless the rule shows its type, and
/// a secret value ([`Redacted`], a `#[pg(redact)]` field) is redacted
/// whatever the rule.
///
/// ```
/// use pgcast_core::exec::LogValues;
/// use pgcast_core::Type;
///
/// let rule = LogValues::redacted().show(Type::INT4).show(Type::INT8);
/// assert!(rule.shows(&Type::INT8));
/// assert!(!rule.shows(&Type::TEXT));
/// assert!(LogValues::all().shows(&Type::TEXT));
/// // by name: a rule per placeholder or captured variable
/// let rule = LogValues::all().redact_name("password");
/// assert!(!rule.shows_param(&Type::TEXT, Some("password")));
/// assert!(rule.shows_param(&Type::TEXT, Some("email")));
/// let rule = LogValues::redacted().show_name("id");
/// assert!(rule.shows_param(&Type::TEXT, Some("id")));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogValues {
    all: bool,
    types: Vec<Type>,
    /// Values shown by name, whatever their type.
    shown: Vec<String>,
    /// Values hidden by name, whatever else the rule says.
    hidden: Vec<String>,
}

impl LogValues {
    /// Values logged, each as `'<redacted>'`: the shape of the statement
    /// without its data. Add types to show with [`show`](Self::show).
    pub fn redacted() -> LogValues {
        LogValues::default()
    }

    /// Every value shown, except secret ones.
    pub fn all() -> LogValues {
        LogValues {
            all: true,
            ..LogValues::default()
        }
    }

    /// Also shows values sent as `ty` (arrays of it too).
    pub fn show(mut self, ty: Type) -> LogValues {
        self.types.push(ty);
        self
    }

    /// Also shows the values named `name` (the placeholder they filled, the
    /// variable `sql!` captured them from), whatever their type.
    pub fn show_name(mut self, name: &str) -> LogValues {
        self.shown.push(name.to_owned());
        self
    }

    /// Hides the values named `name`, whatever else the rule shows: a
    /// `password` placeholder stays `'<redacted>'` under [`all`](Self::all).
    pub fn redact_name(mut self, name: &str) -> LogValues {
        self.hidden.push(name.to_owned());
        self
    }

    /// Whether a value of `ty`, named `name` if it has a name, is shown.
    pub fn shows_param(&self, ty: &Type, name: Option<&str>) -> bool {
        match name {
            Some(n) if self.hidden.iter().any(|h| h == n) => false,
            Some(n) if self.shown.iter().any(|s| s == n) => true,
            _ => self.shows(ty),
        }
    }

    /// Whether values of `ty` are shown.
    pub fn shows(&self, ty: &Type) -> bool {
        if self.all {
            return true;
        }
        let elem = match ty.kind() {
            crate::Kind::Array(elem) => elem,
            _ => ty,
        };
        self.types.iter().any(|t| t == ty || t == elem)
    }
}

/// One parameter as a literal under `rule`: `'<redacted>'` when the rule
/// hides its type or it holds a secret; the literal otherwise.
pub(crate) fn param_literal(param: &Param, rule: &LogValues, scope: &Adapters) -> String {
    let (ParamSource::Value(value), Some(ty)) = (param.source(), param.pg_type()) else {
        return "NULL".to_owned();
    };
    if !rule.shows_param(ty, param.name()) {
        return REDACTED.to_owned();
    }
    literal(value, scope)
}

/// `value` as a literal, as `render_inline` writes it; `'<redacted>'` if
/// it holds a secret.
pub(crate) fn literal(value: &Bound, scope: &Adapters) -> String {
    let previous = RENDERING
        .try_with(|r| r.replace(Some(false)))
        .ok()
        .flatten();
    let mut q = Composed::with_capacity(1);
    q.push(value.clone());
    let written = q.render_inline_with(scope);
    let hit = RENDERING
        .try_with(|r| r.replace(previous))
        .ok()
        .flatten()
        .unwrap_or(true);
    match written {
        _ if hit => REDACTED.to_owned(),
        Ok(out) => out.trim_start().to_owned(),
        Err(_) => "'<unrenderable>'".to_owned(),
    }
}

/// `text` with each `$n` outside quotes and comments replaced by
/// `values[n - 1]`.
pub(crate) fn inline(text: &str, values: &[String]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + values.len() * 8);
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let skip_to = match bytes[i] {
            b'\'' => quoted_end(bytes, i + 1, b'\'', escapes_backslash(bytes, i)),
            b'"' => quoted_end(bytes, i + 1, b'"', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => bytes[i..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| i + p + 1),
            b'/' if bytes.get(i + 1) == Some(&b'*') => block_comment_end(bytes, i + 2),
            b'$' => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let after_word =
                    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
                if digits > 0 && !after_word {
                    let n: usize = text[i + 1..i + 1 + digits].parse().unwrap_or(0);
                    if let Some(value) = n.checked_sub(1).and_then(|k| values.get(k)) {
                        out.push_str(&text[copied..i]);
                        out.push_str(value);
                        copied = i + 1 + digits;
                    }
                    i + 1 + digits
                } else {
                    dollar_quote_end(text, i).unwrap_or(i + 1)
                }
            }
            _ => i + 1,
        };
        i = skip_to.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether the quote at `i` opens an `E'…'` string.
fn escapes_backslash(bytes: &[u8], i: usize) -> bool {
    i > 0
        && matches!(bytes[i - 1], b'E' | b'e')
        && (i < 2 || !(bytes[i - 2].is_ascii_alphanumeric() || bytes[i - 2] == b'_'))
}

/// The index after the quote closing a string opened before `from`.
fn quoted_end(bytes: &[u8], mut from: usize, quote: u8, backslash: bool) -> usize {
    while from < bytes.len() {
        match bytes[from] {
            b'\\' if backslash => from += 2,
            b if b == quote => {
                if bytes.get(from + 1) == Some(&quote) {
                    from += 2;
                } else {
                    return from + 1;
                }
            }
            _ => from += 1,
        }
    }
    bytes.len()
}

/// The index after the end of a (nesting) block comment whose body starts at `from`.
fn block_comment_end(bytes: &[u8], mut from: usize) -> usize {
    let mut depth = 1;
    while from < bytes.len() && depth > 0 {
        match bytes.get(from..from + 2) {
            Some(b"*/") => {
                depth -= 1;
                from += 2;
            }
            Some(b"/*") => {
                depth += 1;
                from += 2;
            }
            _ => from += 1,
        }
    }
    from
}

/// The index after a `$tag$…$tag$` string starting at `start`, if one does.
fn dollar_quote_end(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start + 1..];
    let tag_len = rest.find('$')?;
    let tag = &rest[..tag_len];
    if !tag.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let delimiter = &text[start..start + tag_len + 2];
    let body = start + tag_len + 2;
    let close = text[body..].find(delimiter)?;
    Some(body + close + delimiter.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{Sql, bind};

    fn values(q: &crate::sql::Composed, rule: &LogValues) -> Vec<String> {
        let r = q.render().unwrap();
        let scope = Adapters::global();
        r.params()
            .iter()
            .map(|p| param_literal(p, rule, &scope))
            .collect()
    }

    #[test]
    fn rules_and_secrets() {
        let q = Sql::new("SELECT ")
            + bind(7_i32)
            + Sql::new(", ")
            + bind("O'Brien")
            + Sql::new(", ")
            + bind(Redacted(String::from("hunter2")))
            + Sql::new(", ")
            + bind(Some(Redacted(5_i64)));
        assert_eq!(
            values(&q, &LogValues::redacted()),
            [REDACTED, REDACTED, REDACTED, REDACTED]
        );
        assert_eq!(
            values(&q, &LogValues::redacted().show(Type::INT4)),
            ["7", REDACTED, REDACTED, REDACTED]
        );
        assert_eq!(
            values(&q, &LogValues::all()),
            ["7", "'O''Brien'", REDACTED, REDACTED]
        );
        // outside logging, secrets dump as themselves
        let mut out = BytesMut::new();
        Redacted(String::from("x"))
            .dump(&Ctx::text(&Type::TEXT), &mut out)
            .unwrap();
        assert_eq!(&out[..], b"x");
    }

    #[test]
    fn inlines_only_placeholders() {
        let v = ["1".to_owned(), "'a'".to_owned()];
        assert_eq!(
            inline(
                "SELECT $1, '$1', \"$2\", $2 -- $1\n/* $2 /* $1 */ */ $$ $1 $$ $x$ $2 $x$",
                &v
            ),
            "SELECT 1, '$1', \"$2\", 'a' -- $1\n/* $2 /* $1 */ */ $$ $1 $$ $x$ $2 $x$"
        );
        assert_eq!(inline("SELECT E'\\'$1', $1", &v), "SELECT E'\\'$1', 1");
        assert_eq!(inline("SELECT $3, a$1", &v), "SELECT $3, a$1");
    }
}
