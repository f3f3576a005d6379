//! The text form of arrays, as `array_in` reads it and `array_out` writes it:
//! `{1,2,NULL}`, `{{"a b",c},{d,e}}`, `[0:1]={x,y}`.
//!
//! Elements are unquoted (surrounding whitespace trimmed, backslash escapes
//! allowed, `NULL` in any case is SQL NULL) or double-quoted (`\"` and `\\`
//! escapes, never NULL). Sub-arrays nest with braces and must be
//! rectangular; a `[lower:upper]` prefix per dimension gives lower bounds
//! other than 1.

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use super::array::{Dimension, MAX_DIMS, Shape};
use crate::types::int::BytesWriter;
use crate::{Error, IsNull, Result};

/// The whitespace `array_in` skips and `array_out` quotes (C's `isspace`).
#[inline]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Parses the text form of an array of `ty`, calling `element` with each
/// element in row-major order (`None` for NULL) as soon as it is read.
///
/// Elements are borrowed from `raw` unless they hold escapes; then they are
/// unescaped into a buffer reused from one element to the next.
pub(crate) fn parse<F>(ty: &Type, raw: &[u8], delim: u8, element: F) -> Result<Shape>
where
    F: FnMut(Option<&[u8]>) -> Result<()>,
{
    let mut p = Parser {
        ty,
        raw,
        pos: 0,
        delim,
        ndim: None,
        lens: [None; MAX_DIMS],
        scratch: Vec::new(),
        element,
    };
    p.parse()
}

struct Parser<'r, F> {
    ty: &'r Type,
    raw: &'r [u8],
    pos: usize,
    delim: u8,
    /// The depth at which elements sit, once the first one is seen.
    ndim: Option<usize>,
    /// The length of each dimension, once its first sub-array is closed.
    lens: [Option<usize>; MAX_DIMS],
    scratch: Vec<u8>,
    element: F,
}

impl<F> Parser<'_, F>
where
    F: FnMut(Option<&[u8]>) -> Result<()>,
{
    fn err(&self, what: &str) -> Error {
        Error::malformed(
            self.ty,
            format!("malformed array literal: {what} at byte {}", self.pos),
        )
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.raw.get(self.pos).copied()
    }

    #[inline]
    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    fn parse(&mut self) -> Result<Shape> {
        let declared = self.parse_decoration()?;
        if self.peek() != Some(b'{') {
            return Err(self.err("expected '{' or dimensions"));
        }
        self.parse_level(0)?;
        self.skip_space();
        if self.pos != self.raw.len() {
            return Err(self.err("junk after the closing '}'"));
        }

        let mut dims = [Dimension::new(0, 1); MAX_DIMS];
        let ndim = self.ndim.unwrap_or(0);
        for (dim, len) in dims.iter_mut().zip(&self.lens[..ndim]) {
            // Every level up to ndim was closed at least once, so it has a length.
            let len = len.ok_or_else(|| self.err("unbalanced braces"))?;
            dim.len = i32::try_from(len).map_err(|_| self.err("too many elements"))?;
        }
        let braces = &dims[..ndim];

        let dims = match &declared {
            None => braces,
            Some(declared) => {
                let declared_empty = declared.iter().any(|d| d.len == 0);
                let fits = if declared_empty {
                    braces.is_empty()
                } else {
                    declared.len() == braces.len()
                        && declared.iter().zip(braces).all(|(d, b)| d.len == b.len)
                };
                if !fits {
                    return Err(self.err("dimensions do not match the braces"));
                }
                declared.as_slice()
            }
        };
        Shape::new(dims)
            .map(|(shape, _)| shape)
            .map_err(|msg| Error::malformed(self.ty, format!("malformed array literal: {msg}")))
    }

    /// `[lo:hi][lo:hi]=` (or `[hi]`, lower bound 1), if present.
    fn parse_decoration(&mut self) -> Result<Option<Vec<Dimension>>> {
        let mut dims = Vec::new();
        loop {
            self.skip_space();
            if self.peek() != Some(b'[') {
                break;
            }
            if dims.len() == MAX_DIMS {
                return Err(self.err("more than 6 dimensions"));
            }
            self.pos += 1;
            let first = self.parse_bound()?;
            let (lower, upper) = if self.peek() == Some(b':') {
                self.pos += 1;
                (first, self.parse_bound()?)
            } else {
                (1, first)
            };
            if self.peek() != Some(b']') {
                return Err(self.err("expected ']'"));
            }
            self.pos += 1;
            let len = i64::from(upper) - i64::from(lower) + 1;
            if len < 0 {
                return Err(self.err("upper bound below lower bound"));
            }
            let len = i32::try_from(len).map_err(|_| self.err("dimension too long"))?;
            dims.push(Dimension::new(len, lower));
        }
        if dims.is_empty() {
            return Ok(None);
        }
        if self.peek() != Some(b'=') {
            return Err(self.err("expected '=' after dimensions"));
        }
        self.pos += 1;
        self.skip_space();
        Ok(Some(dims))
    }

    fn parse_bound(&mut self) -> Result<i32> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.pos += 1;
        }
        let digits = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == digits {
            return Err(self.err("expected a dimension bound"));
        }
        std::str::from_utf8(&self.raw[start..self.pos])
            .ok()
            .and_then(|s| s.parse::<i32>().ok())
            .ok_or_else(|| self.err("dimension bound out of range"))
    }

    /// One `{…}` at `depth` (0 for the outermost), `pos` at its `{`.
    fn parse_level(&mut self, depth: usize) -> Result<()> {
        if depth == MAX_DIMS {
            return Err(self.err("more than 6 dimensions"));
        }
        self.pos += 1;
        self.skip_space();
        let mut count = 0usize;
        match self.peek() {
            Some(b'}') if depth == 0 => {
                // `{}`: the empty array, zero dimensions.
                self.pos += 1;
                return Ok(());
            }
            Some(b'}') => return Err(self.err("empty sub-array")),
            Some(b'{') => loop {
                if self.ndim.is_some_and(|n| n <= depth + 1) {
                    return Err(self.err("sub-array where an element was expected"));
                }
                self.parse_level(depth + 1)?;
                count += 1;
                self.skip_space();
                match self.peek() {
                    Some(b'}') => break,
                    Some(d) if d == self.delim => {
                        self.pos += 1;
                        self.skip_space();
                        if self.peek() != Some(b'{') {
                            return Err(self.err("expected '{'"));
                        }
                    }
                    _ => return Err(self.err("expected a delimiter or '}'")),
                }
            },
            _ => {
                match self.ndim {
                    None => self.ndim = Some(depth + 1),
                    Some(n) if n != depth + 1 => {
                        return Err(self.err("element where a sub-array was expected"));
                    }
                    Some(_) => {}
                }
                loop {
                    self.parse_element()?;
                    count += 1;
                    self.skip_space();
                    match self.peek() {
                        Some(b'}') => break,
                        Some(d) if d == self.delim => {
                            self.pos += 1;
                            self.skip_space();
                        }
                        _ => return Err(self.err("expected a delimiter or '}'")),
                    }
                }
            }
        }
        self.pos += 1; // the closing '}'
        match self.lens[depth] {
            None => self.lens[depth] = Some(count),
            Some(n) if n != count => {
                return Err(
                    self.err("sub-arrays of different lengths (arrays must be rectangular)")
                );
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// One element, `pos` at its first non-space byte.
    fn parse_element(&mut self) -> Result<()> {
        match self.peek() {
            None => Err(self.err("unterminated array")),
            Some(b'"') => self.parse_quoted(),
            Some(b'{') => Err(self.err("sub-array where an element was expected")),
            Some(b) if b == b'}' || b == self.delim => Err(self.err("empty element")),
            Some(_) => self.parse_unquoted(),
        }
    }

    fn parse_quoted(&mut self) -> Result<()> {
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            match self.raw.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.err("unterminated quoted element"));
                }
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    i += 2;
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        let body = &self.raw[start..i];
        if escaped {
            unescape(body, &mut self.scratch);
            (self.element)(Some(&self.scratch))
        } else {
            (self.element)(Some(body))
        }
    }

    fn parse_unquoted(&mut self) -> Result<()> {
        let start = self.pos;
        let mut i = start;
        // One past the last byte that is not unescaped trailing whitespace.
        let mut end = start;
        let mut escaped = false;
        loop {
            match self.raw.get(i).copied() {
                None => {
                    self.pos = i;
                    return Err(self.err("unterminated array"));
                }
                Some(b) if b == self.delim || b == b'}' => break,
                Some(b'{' | b'"') => {
                    self.pos = i;
                    return Err(self.err("unexpected character in unquoted element"));
                }
                Some(b'\\') => {
                    if i + 1 >= self.raw.len() {
                        self.pos = i;
                        return Err(self.err("backslash at the end of input"));
                    }
                    escaped = true;
                    i += 2;
                    end = i;
                }
                Some(b) if is_space(b) => i += 1,
                Some(_) => {
                    i += 1;
                    end = i;
                }
            }
        }
        self.pos = i;
        let body = &self.raw[start..end];
        if escaped {
            unescape(body, &mut self.scratch);
            (self.element)(Some(&self.scratch))
        } else if body.eq_ignore_ascii_case(b"NULL") {
            (self.element)(None)
        } else {
            (self.element)(Some(body))
        }
    }
}

/// Drops each escaping backslash and keeps the byte after it. The caller has
/// checked that no backslash is last.
fn unescape(body: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut bytes = body.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'\\' => out.extend(bytes.next()),
            _ => out.push(b),
        }
    }
}

/// Whether `array_out` would quote this element text.
#[inline]
fn needs_quotes(text: &[u8], delim: u8) -> bool {
    text.is_empty()
        || text.eq_ignore_ascii_case(b"NULL")
        || text
            .iter()
            .any(|&b| matches!(b, b'"' | b'\\' | b'{' | b'}') || b == delim || is_space(b))
}

/// Writes an array's text form. `element(i, out)` writes element `i`'s own
/// text form (or nothing, returning [`IsNull::Yes`]); it is then quoted and
/// escaped where the server would.
pub(crate) fn write<F>(shape: &Shape, delim: u8, out: &mut BytesMut, mut element: F) -> Result<()>
where
    F: FnMut(usize, &mut BytesMut) -> Result<IsNull>,
{
    let dims = shape.dims();
    if dims.iter().any(|d| d.lower_bound != 1) {
        use std::fmt::Write;
        for d in dims {
            // Writing into BytesMut cannot fail.
            let _ = write!(BytesWriter(out), "[{}:{}]", d.lower_bound, d.upper_bound());
        }
        out.put_u8(b'=');
    }
    let count: usize = dims.iter().map(|d| d.len as usize).product();
    if dims.is_empty() || count == 0 {
        out.put_slice(b"{}");
        return Ok(());
    }

    let mut index = [0i32; MAX_DIMS];
    let mut scratch = Vec::new();
    for _ in dims {
        out.put_u8(b'{');
    }
    for i in 0..count {
        let start = out.len();
        match element(i, out)? {
            IsNull::Yes => {
                out.truncate(start);
                out.put_slice(b"NULL");
            }
            IsNull::No if needs_quotes(&out[start..], delim) => {
                scratch.clear();
                scratch.extend_from_slice(&out[start..]);
                out.truncate(start);
                out.reserve(scratch.len() + 2);
                out.put_u8(b'"');
                for &b in &scratch {
                    if b == b'"' || b == b'\\' {
                        out.put_u8(b'\\');
                    }
                    out.put_u8(b);
                }
                out.put_u8(b'"');
            }
            IsNull::No => {}
        }
        // Advance the row-major index: close the dimensions that wrap, then
        // a delimiter and reopen them, unless this was the last element.
        let mut wrapped = 0;
        for (d, ix) in dims.iter().zip(index.iter_mut()).rev() {
            *ix += 1;
            if *ix < d.len {
                break;
            }
            *ix = 0;
            wrapped += 1;
        }
        for _ in 0..wrapped {
            out.put_u8(b'}');
        }
        if wrapped < dims.len() {
            out.put_u8(delim);
            for _ in 0..wrapped {
                out.put_u8(b'{');
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Elements = Vec<Option<Vec<u8>>>;

    fn parse_all(text: &str) -> Result<(Vec<Dimension>, Elements)> {
        let mut elements = Vec::new();
        let shape = parse(&Type::TEXT_ARRAY, text.as_bytes(), b',', |e| {
            elements.push(e.map(<[u8]>::to_vec));
            Ok(())
        })?;
        Ok((shape.dims().to_vec(), elements))
    }

    fn strings(text: &str) -> Vec<Option<String>> {
        let (_, elements) = parse_all(text).unwrap();
        elements
            .into_iter()
            .map(|e| e.map(|b| String::from_utf8(b).unwrap()))
            .collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn elements() {
        assert_eq!(strings("{1,2,NULL}"), [s("1"), s("2"), None]);
        assert_eq!(
            strings(r#"{"a b","NULL",NULL,"q\"uote","back\\slash"}"#),
            [s("a b"), s("NULL"), None, s("q\"uote"), s("back\\slash")]
        );
        assert_eq!(strings("{null,Null,nULL}"), [None, None, None]);
        assert_eq!(
            strings(r"{N\ULL,NULLx,\NULL}"),
            [s("NULL"), s("NULLx"), s("NULL")]
        );
        assert_eq!(strings("{  a b  , c\t}"), [s("a b"), s("c")]);
        assert_eq!(
            strings(r"{a\ , \ b,a\,b,\{\}}"),
            [s("a "), s(" b"), s("a,b"), s("{}")]
        );
        assert_eq!(strings(r#"{ "" , " x " }"#), [s(""), s(" x ")]);
        assert_eq!(strings(r#"{"{a,b}"}"#), [s("{a,b}")]);
        assert_eq!(strings("{héllo,\"wörld\"}"), [s("héllo"), s("wörld")]);
    }

    #[test]
    fn shapes() {
        let (dims, elements) = parse_all("{}").unwrap();
        assert!(dims.is_empty() && elements.is_empty());
        let (dims, _) = parse_all("  {  }  ").unwrap();
        assert!(dims.is_empty());
        let (dims, elements) = parse_all("{{1,2},{3,4},{5,6}}").unwrap();
        assert_eq!(dims, [Dimension::new(3, 1), Dimension::new(2, 1)]);
        assert_eq!(elements.len(), 6);
        let (dims, _) = parse_all("[0:1][1:2]={{1,2},{3,4}}").unwrap();
        assert_eq!(dims, [Dimension::new(2, 0), Dimension::new(2, 1)]);
        let (dims, _) = parse_all(" [-2:-1] [3] = {{a,b,c},{d,e,f}}").unwrap();
        assert_eq!(dims, [Dimension::new(2, -2), Dimension::new(3, 1)]);
        let (dims, _) = parse_all("[1:0]={}").unwrap();
        assert!(dims.is_empty());
        let (dims, _) = parse_all("{{{1}},{{2}}}").unwrap();
        assert_eq!(dims.len(), 3);
    }

    #[test]
    fn malformed() {
        for bad in [
            "",
            "1,2",
            "{",
            "{1",
            "{1,",
            "{1,2",
            "{1,}",
            "{,1}",
            "{,}",
            "{1,,2}",
            "{{1,2},{3}}",
            "{{1},{2,3}}",
            "{{1},2}",
            "{1,{2}}",
            "{{1},{{2}}}",
            "{{{1}},{2}}",
            "{{}}",
            "{1}}",
            "{1} x",
            "{1}{2}",
            r#"{a"b"}"#,
            r#"{"a"b}"#,
            r#"{"a" "b"}"#,
            r#"{"a}"#,
            r"{a\}",
            r"{a\",
            "{a{b}",
            "[1:2]{1,2}",
            "[1:2]={1}",
            "[3:1]={}",
            "[1:2]={}",
            "[1]={{1}}",
            "[1:x]={1}",
            "[1:2={1,2}",
            "[]={1}",
            "[99999999999]={1}",
            "[-2147483648:2147483647]={1}",
            "[2147483647:2147483647]={1}",
            "[1][1][1][1][1][1][1]={{{{{{{1}}}}}}}",
            "{{{{{{{1}}}}}}}",
        ] {
            let err = parse_all(bad).expect_err(bad);
            assert_eq!(err.kind(), crate::ErrorKind::Malformed, "{bad}");
        }
        assert!(parse_all("[1][1][1][1][1][1]={{{{{{1}}}}}}").is_ok());
    }

    #[test]
    fn box_delimiter() {
        let mut elements = Vec::new();
        parse(&Type::BOX_ARRAY, b"{(1,2),(0,0);(3,4),(1,1)}", b';', |e| {
            elements.push(e.unwrap().to_vec());
            Ok(())
        })
        .unwrap();
        assert_eq!(elements, [b"(1,2),(0,0)".to_vec(), b"(3,4),(1,1)".to_vec()]);
    }

    fn written(dims: &[Dimension], elements: &[Option<&str>]) -> String {
        let (shape, _) = Shape::new(dims).unwrap();
        let mut out = BytesMut::new();
        write(&shape, b',', &mut out, |i, out| match elements[i] {
            Some(e) => {
                out.put_slice(e.as_bytes());
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        })
        .unwrap();
        String::from_utf8(out.to_vec()).unwrap()
    }

    #[test]
    fn writes_like_the_server() {
        let one = |n| [Dimension::new(n, 1)];
        assert_eq!(written(&[], &[]), "{}");
        assert_eq!(
            written(&one(3), &[Some("1"), None, Some("NULL")]),
            r#"{1,NULL,"NULL"}"#
        );
        assert_eq!(
            written(
                &one(6),
                &[
                    Some(""),
                    Some("a b"),
                    Some("q\""),
                    Some("b\\"),
                    Some("{,}"),
                    Some("null")
                ]
            ),
            r#"{"","a b","q\"","b\\","{,}","null"}"#
        );
        assert_eq!(written(&one(1), &[Some("héllo")]), "{héllo}");
        let dims = [Dimension::new(2, 0), Dimension::new(2, -2)];
        assert_eq!(
            written(&dims, &[Some("1"), Some("2"), Some("3"), Some("4")]),
            "[0:1][-2:-1]={{1,2},{3,4}}"
        );
        let dims = [
            Dimension::new(2, 1),
            Dimension::new(1, 1),
            Dimension::new(2, 1),
        ];
        assert_eq!(
            written(&dims, &[Some("a"), Some("b"), Some("c"), Some("d")]),
            "{{{a,b}},{{c,d}}}"
        );
    }
}
