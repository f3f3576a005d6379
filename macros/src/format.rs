//! The format string grammar of `sql!`: text, `{{`/`}}`, and holes
//! `{}`, `{0}`, `{name}`, each optionally `:i`, `:l` or `:q`.

use std::ops::Range;

/// What a hole makes of its argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No kind: bind a value, or insert a composable as it is.
    Bind,
    /// `:i`: an identifier.
    Ident,
    /// `:l`: a literal.
    Literal,
    /// `:q`: a nested composable.
    Query,
}

/// Which argument a hole takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgRef {
    /// `{}`: the n-th automatic hole.
    Auto(usize),
    /// `{0}`.
    Index(usize),
    /// `{name}`.
    Named(String),
}

/// A piece of the format string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text, braces unescaped.
    Text(String),
    /// A hole.
    Hole {
        arg: ArgRef,
        kind: Kind,
        /// Byte range of the hole (braces included) in the string's value.
        span: Range<usize>,
    },
}

/// An error and where it is in the string's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    pub message: String,
    pub span: Range<usize>,
}

fn err(message: impl Into<String>, span: Range<usize>) -> FormatError {
    FormatError {
        message: message.into(),
        span,
    }
}

/// Parses the whole string; every error found is returned (parsing stops at
/// an unclosed brace, since nothing after it can be read reliably).
pub fn parse(s: &str) -> Result<Vec<Part>, Vec<FormatError>> {
    let mut parts = Vec::new();
    let mut errors = Vec::new();
    let mut text = String::new();
    let mut auto = 0;
    let mut first_auto: Option<Range<usize>> = None;
    let mut first_index: Option<Range<usize>> = None;
    let mut mixed_reported = false;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                chars.next();
                text.push('}');
            }
            '}' => errors.push(err(
                "unmatched `}` in format string; write `}}` for a literal brace",
                i..i + 1,
            )),
            '{' => {
                let Some(close) = s[i + 1..].find(['{', '}']).map(|j| i + 1 + j) else {
                    errors.push(err(
                        "unclosed `{` in format string; write `{{` for a literal brace",
                        i..s.len(),
                    ));
                    break;
                };
                if s.as_bytes()[close] == b'{' {
                    errors.push(err(
                        "unclosed `{` in format string; write `{{` for a literal brace",
                        i..close,
                    ));
                    break;
                }
                while chars.peek().is_some_and(|&(j, _)| j <= close) {
                    chars.next();
                }
                let span = i..close + 1;
                let inner = &s[i + 1..close];
                let (name, kind) = match inner.split_once(':') {
                    Some((name, kind)) => (name, Some(kind)),
                    None => (inner, None),
                };
                let kind = match kind {
                    None => Kind::Bind,
                    Some("i") => Kind::Ident,
                    Some("l") => Kind::Literal,
                    Some("q") => Kind::Query,
                    Some(other) => {
                        errors.push(err(
                            format!(
                                "unknown hole kind `{other}`: expected `i` (identifier), \
                                 `l` (literal) or `q` (nested query), or none to bind a parameter"
                            ),
                            span,
                        ));
                        continue;
                    }
                };
                let arg = if name.is_empty() {
                    auto += 1;
                    first_auto.get_or_insert(span.clone());
                    ArgRef::Auto(auto - 1)
                } else if name.bytes().all(|b| b.is_ascii_digit()) {
                    match name.parse() {
                        Ok(n) => {
                            first_index.get_or_insert(span.clone());
                            ArgRef::Index(n)
                        }
                        Err(_) => {
                            errors.push(err(format!("hole index `{name}` is too large"), span));
                            continue;
                        }
                    }
                } else if is_ident(name) {
                    ArgRef::Named(name.to_owned())
                } else {
                    errors.push(err(
                        format!(
                            "invalid hole `{{{inner}}}`: expected `{{}}`, `{{0}}` or `{{name}}`, \
                             optionally followed by `:i`, `:l` or `:q`"
                        ),
                        span,
                    ));
                    continue;
                };
                if first_auto.is_some() && first_index.is_some() && !mixed_reported {
                    {
                        mixed_reported = true;
                        errors.push(err(
                            "cannot mix automatic `{}` and numbered `{0}` holes",
                            span.clone(),
                        ));
                    }
                }
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Hole { arg, kind, span });
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    if errors.is_empty() {
        Ok(parts)
    } else {
        Err(errors)
    }
}

fn is_ident(s: &str) -> bool {
    let mut bytes = s.bytes();
    s != "_"
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let p = parse("SELECT {{x}} {} FROM {t:i} WHERE {:l}").unwrap();
        assert_eq!(p[0], Part::Text("SELECT {x} ".into()));
        assert_eq!(
            p[1],
            Part::Hole {
                arg: ArgRef::Auto(0),
                kind: Kind::Bind,
                span: 13..15
            }
        );
        assert!(
            matches!(&p[3], Part::Hole { arg: ArgRef::Named(n), kind: Kind::Ident, .. } if n == "t")
        );
        assert!(matches!(
            &p[5],
            Part::Hole {
                arg: ArgRef::Auto(1),
                kind: Kind::Literal,
                ..
            }
        ));
    }

    #[test]
    fn errors() {
        let msg = |s: &str| parse(s).unwrap_err()[0].message.clone();
        assert!(msg("{").starts_with("unclosed"));
        assert!(msg("{a{b}").starts_with("unclosed"));
        assert!(msg("}").starts_with("unmatched"));
        assert!(msg("{}{0}").starts_with("cannot mix"));
        assert!(msg("{x:z}").starts_with("unknown hole kind `z`"));
        assert!(msg("{a-b}").starts_with("invalid hole `{a-b}`"));
        assert_eq!(parse("{x:z} } {}{0}").unwrap_err().len(), 3);
    }
}
