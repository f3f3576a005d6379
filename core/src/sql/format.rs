//! Run-time format strings: [`parse_format`] and [`Sql::format`].
//!
//! The grammar is `format!`'s without specs: `{}` takes the next positional
//! argument, `{0}` a positional argument by index, `{name}` a named one;
//! `{{` and `}}` are literal braces. Mixing `{}` with `{0}`, a missing or
//! unused argument, or a format spec (`{0:x}`) is an error.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use super::{Composable, Composed, Sql};
use crate::{Error, ErrorKind, Result};

/// A piece of a parsed format string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Literal text (escaped braces arrive as their own one-brace segment).
    Text(&'a str),
    /// A hole to fill with an argument, at a byte offset of the format string.
    Hole {
        /// The argument it takes.
        arg: HoleRef<'a>,
        /// Where the hole's `{` is.
        offset: usize,
    },
}

/// Which argument a hole takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoleRef<'a> {
    /// `{}`: the next positional argument; the number is its index.
    Auto(usize),
    /// `{0}`: a positional argument by index.
    Index(usize),
    /// `{name}`: a named argument.
    Named(&'a str),
}

/// What is wrong with a format string or its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormatErrorKind {
    /// A `{` with no matching `}`.
    UnclosedBrace,
    /// A `}` that closes nothing (write `}}` for a literal brace).
    UnmatchedClose,
    /// `{}` and `{0}` in the same string.
    MixedNumbering,
    /// A format spec such as `{0:x}`, which SQL holes do not take.
    Spec,
    /// Hole contents that are neither empty, a number, nor a name.
    InvalidHole,
    /// A hole refers to an argument that was not given.
    MissingArgument,
    /// An argument that no hole uses.
    UnusedArgument,
}

/// A bad format string or argument list, with the byte offset in the format
/// string where the problem is (for unused arguments: the string's length).
///
/// ```
/// use pgcast_core::sql::{parse_format, FormatErrorKind};
///
/// let err = parse_format("SELECT {} FROM {0}").unwrap_err();
/// assert_eq!(err.kind, FormatErrorKind::MixedNumbering);
/// assert_eq!(err.offset, 15);
/// assert_eq!(err.to_string(), "cannot mix automatic `{}` and numbered `{0}` holes (at byte 15)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// What is wrong.
    pub kind: FormatErrorKind,
    /// Where, as a byte offset into the format string.
    pub offset: usize,
    /// Details (the hole text or the argument).
    pub detail: Cow<'static, str>,
}

impl FormatError {
    fn new(kind: FormatErrorKind, offset: usize, detail: impl Into<Cow<'static, str>>) -> Self {
        FormatError {
            kind,
            offset,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.detail;
        match self.kind {
            FormatErrorKind::UnclosedBrace => {
                f.write_str("unclosed `{`; write `{{` for a brace")?
            }
            FormatErrorKind::UnmatchedClose => {
                f.write_str("unmatched `}`; write `}}` for a brace")?
            }
            FormatErrorKind::MixedNumbering => {
                f.write_str("cannot mix automatic `{}` and numbered `{0}` holes")?
            }
            FormatErrorKind::Spec => write!(f, "format specs are not supported: `{{{d}}}`")?,
            FormatErrorKind::InvalidHole => write!(
                f,
                "invalid hole `{{{d}}}`: expected `{{}}`, `{{0}}` or `{{name}}`"
            )?,
            FormatErrorKind::MissingArgument => write!(f, "no argument for hole `{{{d}}}`")?,
            FormatErrorKind::UnusedArgument => write!(f, "argument {d} is never used")?,
        }
        write!(f, " (at byte {})", self.offset)
    }
}

impl std::error::Error for FormatError {}

impl From<FormatError> for Error {
    fn from(e: FormatError) -> Error {
        Error::new(ErrorKind::Format, e.to_string())
    }
}

/// Parses a format string into text and holes; pure, allocation only for the
/// result.
///
/// ```
/// use pgcast_core::sql::{parse_format, HoleRef, Segment};
///
/// let segs = parse_format("a {} b {{x}} {name}").unwrap();
/// assert_eq!(segs, [
///     Segment::Text("a "), Segment::Hole { arg: HoleRef::Auto(0), offset: 2 },
///     Segment::Text(" b "), Segment::Text("{"), Segment::Text("x"), Segment::Text("}"),
///     Segment::Text(" "), Segment::Hole { arg: HoleRef::Named("name"), offset: 13 },
/// ]);
/// ```
pub fn parse_format(s: &str) -> Result<Vec<Segment<'_>>, FormatError> {
    let mut segs = Vec::new();
    parse_each(s, |seg| segs.push(seg))?;
    Ok(segs)
}

/// [`parse_format`] handing each segment to `each` as it is found.
fn parse_each<'a>(s: &'a str, mut each: impl FnMut(Segment<'a>)) -> Result<(), FormatError> {
    let bytes = s.as_bytes();
    let mut auto = 0usize;
    // Offset of the first hole of each numbering style, to report mixing.
    let mut seen_auto = false;
    let mut seen_index = false;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'{') if bytes.get(i + 1) == Some(&b'{') => {
                push_text(&mut each, s, start, i);
                push_text(&mut each, s, i, i + 1);
                i += 2;
                start = i;
            }
            Some(b'}') if bytes.get(i + 1) == Some(&b'}') => {
                push_text(&mut each, s, start, i);
                push_text(&mut each, s, i, i + 1);
                i += 2;
                start = i;
            }
            Some(b'}') => {
                return Err(FormatError::new(FormatErrorKind::UnmatchedClose, i, ""));
            }
            Some(b'{') => {
                push_text(&mut each, s, start, i);
                let close = s
                    .get(i + 1..)
                    .and_then(|rest| rest.find(['}', '{']))
                    .filter(|&j| bytes.get(i + 1 + j) == Some(&b'}'))
                    .ok_or_else(|| FormatError::new(FormatErrorKind::UnclosedBrace, i, ""))?;
                let inner = s.get(i + 1..i + 1 + close).unwrap_or_default();
                let hole = parse_hole(inner, i)?;
                let hole = match hole {
                    Parsed::Auto => {
                        if seen_index {
                            return Err(FormatError::new(FormatErrorKind::MixedNumbering, i, ""));
                        }
                        seen_auto = true;
                        auto += 1;
                        HoleRef::Auto(auto - 1)
                    }
                    Parsed::Index(n) => {
                        if seen_auto {
                            return Err(FormatError::new(FormatErrorKind::MixedNumbering, i, ""));
                        }
                        seen_index = true;
                        HoleRef::Index(n)
                    }
                    Parsed::Named(name) => HoleRef::Named(name),
                };
                each(Segment::Hole {
                    arg: hole,
                    offset: i,
                });
                i += close + 2;
                start = i;
            }
            _ => i += 1,
        }
    }
    push_text(&mut each, s, start, bytes.len());
    Ok(())
}

fn push_text<'a>(each: &mut impl FnMut(Segment<'a>), s: &'a str, from: usize, to: usize) {
    if let Some(text) = s.get(from..to).filter(|t| !t.is_empty()) {
        each(Segment::Text(text));
    }
}

enum Parsed<'a> {
    Auto,
    Index(usize),
    Named(&'a str),
}

fn parse_hole(inner: &str, at: usize) -> Result<Parsed<'_>, FormatError> {
    if inner.contains(':') {
        return Err(FormatError::new(
            FormatErrorKind::Spec,
            at,
            inner.to_owned(),
        ));
    }
    let invalid = || FormatError::new(FormatErrorKind::InvalidHole, at, inner.to_owned());
    let b = inner.as_bytes();
    match b.first() {
        None => Ok(Parsed::Auto),
        Some(c) if c.is_ascii_digit() => {
            if !b.iter().all(u8::is_ascii_digit) {
                return Err(invalid());
            }
            inner.parse().map(Parsed::Index).map_err(|_| invalid())
        }
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
            if inner == "_" || !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                return Err(invalid());
            }
            Ok(Parsed::Named(inner))
        }
        _ => Err(invalid()),
    }
}

/// The arguments of [`Sql::format`]: positional ones in order, named ones by name.
///
/// Every argument is appended to one shared sequence as it is added, so
/// adding arguments allocates once per doubling, not once per argument.
///
/// ```
/// use pgcast_core::sql::{bind, Args, Identifier};
///
/// let args = Args::new().arg(Identifier::new("t")).named("v", bind(1_i32));
/// assert_eq!(args.len(), 2);
/// assert_eq!(
///     format!("{args:?}"),
///     r#"Args { positional: [Composed([Identifier("t")])], named: [("v", Composed([Bound(1)]))] }"#
/// );
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Args<'a> {
    /// Every argument's pieces, in the order they were added.
    all: Composed<'a>,
    /// Each positional argument's range of pieces in `all`.
    positional: Vec<Range<usize>>,
    named: Vec<(Cow<'static, str>, Range<usize>)>,
}

/// Pieces (and positional arguments) the first argument makes room for.
const FIRST_PIECES: usize = 16;
/// Bytes of text the first argument makes room for.
const FIRST_TEXT: usize = 128;

impl<'a> Args<'a> {
    /// No arguments.
    pub fn new() -> Args<'a> {
        Args::default()
    }

    fn add(&mut self, value: impl Composable + 'a) -> Range<usize> {
        if self.all.pieces.capacity() == 0 {
            // Room for a typical statement's arguments at once.
            self.all.pieces.reserve(FIRST_PIECES);
            self.all.text.reserve(FIRST_TEXT);
            self.positional.reserve(FIRST_PIECES);
        }
        let start = self.all.len();
        value.append_to(&mut self.all);
        start..self.all.len()
    }

    /// Adds the next positional argument.
    pub fn arg(mut self, value: impl Composable + 'a) -> Args<'a> {
        let range = self.add(value);
        self.positional.push(range);
        self
    }

    /// Adds a named argument.
    pub fn named(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Composable + 'a,
    ) -> Args<'a> {
        let range = self.add(value);
        self.named.push((name.into(), range));
        self
    }

    /// The number of arguments.
    pub fn len(&self) -> usize {
        self.positional.len() + self.named.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One argument as a sequence of its own.
    fn get(&self, range: &Range<usize>) -> Composed<'a> {
        let mut c = Composed::new();
        c.push_range(&self.all, range.clone());
        c
    }
}

impl fmt::Debug for Args<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let positional: Vec<_> = self.positional.iter().map(|r| self.get(r)).collect();
        let named: Vec<_> = self
            .named
            .iter()
            .map(|(n, r)| (&**n, self.get(r)))
            .collect();
        f.debug_struct("Args")
            .field("positional", &positional)
            .field("named", &named)
            .finish()
    }
}

impl<'a, C: Composable + 'a, const N: usize> From<[C; N]> for Args<'a> {
    fn from(values: [C; N]) -> Args<'a> {
        let mut args = Args {
            all: Composed::with_capacity(N),
            positional: Vec::with_capacity(N),
            named: Vec::new(),
        };
        for value in values {
            let range = args.add(value);
            args.positional.push(range);
        }
        args
    }
}

impl Sql {
    /// Fills the holes of this text with `args`.
    ///
    /// ```
    /// use pgcast_core::sql::{bind, Args, Composable, Identifier, Sql};
    ///
    /// let q = Sql::new("SELECT {} FROM {} WHERE id = {id}")
    ///     .format(Args::new()
    ///         .arg(Identifier::list(["a", "b"]))
    ///         .arg(Identifier::new("t"))
    ///         .named("id", bind(7_i64)))
    ///     .unwrap();
    /// assert_eq!(q.render().unwrap().text(), r#"SELECT "a", "b" FROM "t" WHERE id = $1"#);
    ///
    /// let err = Sql::new("SELECT {}, {}").format([Identifier::new("a")]).unwrap_err();
    /// assert_eq!(err.to_string(), "bad format string: no argument for hole `{}` (at byte 11)");
    /// ```
    pub fn format<'a>(&self, args: impl Into<Args<'a>>) -> Result<Composed<'a>> {
        fill(self.as_str(), &args.into())
    }
}

fn fill<'a>(text: &str, args: &Args<'a>) -> Result<Composed<'a>> {
    let mut used_pos = vec![false; args.positional.len()];
    let mut used_named = vec![false; args.named.len()];
    // Text pieces and argument pieces, about; each argument used once.
    let mut out = Composed::with_capacities(
        args.all.len() + args.len() + 1,
        text.len() + args.all.text.len(),
    );
    // The first missing argument, reported unless the string itself is bad.
    let mut missing = None;
    parse_each(text, |seg| {
        let (arg, offset) = match seg {
            Segment::Text(t) => {
                out.push_sql_str(t);
                return;
            }
            Segment::Hole { arg, offset } => (arg, offset),
        };
        let (range, used) = match arg {
            HoleRef::Auto(n) | HoleRef::Index(n) => (args.positional.get(n), used_pos.get_mut(n)),
            HoleRef::Named(name) => {
                let i = args.named.iter().position(|(n, _)| n == name);
                (
                    i.and_then(|i| args.named.get(i)).map(|(_, r)| r),
                    i.and_then(|i| used_named.get_mut(i)),
                )
            }
        };
        match (range, used) {
            (Some(range), Some(used)) => {
                *used = true;
                out.push_range(&args.all, range.clone());
            }
            _ if missing.is_none() => {
                let label = match arg {
                    HoleRef::Auto(_) => String::new(),
                    HoleRef::Index(n) => n.to_string(),
                    HoleRef::Named(name) => name.to_owned(),
                };
                missing = Some(FormatError::new(
                    FormatErrorKind::MissingArgument,
                    offset,
                    label,
                ));
            }
            _ => {}
        }
    })?;
    if let Some(e) = missing {
        return Err(e.into());
    }
    if let Some(i) = used_pos.iter().position(|u| !u) {
        let detail = format!("{i} (positional)");
        return Err(FormatError::new(FormatErrorKind::UnusedArgument, text.len(), detail).into());
    }
    if let Some(i) = used_named.iter().position(|u| !u) {
        let name = args.named.get(i).map(|(n, _)| &**n).unwrap_or_default();
        let detail = format!("{name:?}");
        return Err(FormatError::new(FormatErrorKind::UnusedArgument, text.len(), detail).into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> FormatErrorKind {
        parse_format(s).unwrap_err().kind
    }

    #[test]
    fn grammar() {
        assert_eq!(parse_format("").unwrap(), []);
        assert_eq!(
            parse_format("{{}}").unwrap(),
            [Segment::Text("{"), Segment::Text("}")]
        );
        assert_eq!(
            parse_format("{0}{1}{0}").unwrap(),
            [
                Segment::Hole {
                    arg: HoleRef::Index(0),
                    offset: 0
                },
                Segment::Hole {
                    arg: HoleRef::Index(1),
                    offset: 3
                },
                Segment::Hole {
                    arg: HoleRef::Index(0),
                    offset: 6
                }
            ]
        );
        assert_eq!(kind("{"), FormatErrorKind::UnclosedBrace);
        assert_eq!(kind("a {b"), FormatErrorKind::UnclosedBrace);
        assert_eq!(kind("{a{b}"), FormatErrorKind::UnclosedBrace);
        assert_eq!(kind("}"), FormatErrorKind::UnmatchedClose);
        assert_eq!(kind("{}{0}"), FormatErrorKind::MixedNumbering);
        assert_eq!(kind("{0}{}"), FormatErrorKind::MixedNumbering);
        assert_eq!(kind("{0:x}"), FormatErrorKind::Spec);
        assert_eq!(kind("{a:i}"), FormatErrorKind::Spec);
        assert_eq!(kind("{ }"), FormatErrorKind::InvalidHole);
        assert_eq!(kind("{0a}"), FormatErrorKind::InvalidHole);
        assert_eq!(kind("{_}"), FormatErrorKind::InvalidHole);
        assert_eq!(kind("{a-b}"), FormatErrorKind::InvalidHole);
        assert_eq!(
            kind("{99999999999999999999999}"),
            FormatErrorKind::InvalidHole
        );
        assert_eq!(parse_format("é{}ü").unwrap().len(), 3);
    }

    #[test]
    fn fill_from_shared_arguments() {
        use crate::sql::{Identifier, bind};
        let args = Args::new()
            .arg(Identifier::new("a") + Identifier::new("b"))
            .arg(bind(1_i32))
            .named("t", Identifier::qualified(["s", "t"]))
            .named("e", Composed::new());
        let q = Sql::new("SELECT {0}, {0} FROM {t}{e} WHERE x = {1}")
            .format(args.clone())
            .unwrap();
        assert_eq!(
            q.render().unwrap().text(),
            r#"SELECT "a""b", "a""b" FROM "s"."t" WHERE x = $1"#
        );
        let by_hand = Sql::new("SELECT ")
            + Identifier::new("a")
            + Identifier::new("b")
            + Sql::new(", ")
            + Identifier::new("a")
            + Identifier::new("b")
            + Sql::new(" FROM ")
            + Identifier::qualified(["s", "t"])
            + Sql::new(" WHERE x = ")
            + bind(1_i32);
        assert_eq!(q, by_hand);
        assert_eq!(q.param_count_upper_bound(), 1);
        assert_eq!(args, args.clone());
        assert_ne!(args, Args::new());
        // A bad string is reported before a missing argument in it.
        let err = Sql::new("{x} {").format(Args::new()).unwrap_err();
        assert!(err.to_string().contains("unclosed"), "{err}");
        let err = Sql::new("{x} {y}").format(Args::new()).unwrap_err();
        assert!(err.to_string().contains("`{x}`"), "{err}");
        let err = Sql::new("{}").format(Args::new().arg(Sql::new("a")).arg(Sql::new("b")));
        assert!(
            err.unwrap_err()
                .to_string()
                .contains("argument 1 (positional) is never used")
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_format(&s);
        }

        #[test]
        fn braces_round_trip(s in "[a-z{}é ]*") {
            if let Ok(segs) = parse_format(&s) {
                let mut back = String::new();
                for seg in segs {
                    match seg {
                        Segment::Text("{") => back.push_str("{{"),
                        Segment::Text("}") => back.push_str("}}"),
                        Segment::Text(t) => back.push_str(t),
                        Segment::Hole { arg: HoleRef::Auto(_), .. } => back.push_str("{}"),
                        Segment::Hole { arg: HoleRef::Index(n), .. } => back.push_str(&format!("{{{n}}}")),
                        Segment::Hole { arg: HoleRef::Named(n), .. } => back.push_str(&format!("{{{n}}}")),
                    }
                }
                proptest::prop_assert_eq!(back, s);
            }
        }
    }
}
