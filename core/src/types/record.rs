//! The wire forms of records (composite values and anonymous `ROW(…)`s),
//! without the types of their fields: the building blocks of
//! [`#[derive(PgComposite)]`](crate::types::composite) and of tuples.
//!
//! - Text, as `record_out` prints and `record_in` reads it:
//!   `(1,"a b",,"q""uote")`. A field is quoted when it is empty or holds a
//!   quote, a backslash, a parenthesis, a comma or whitespace; inside quotes
//!   `""` is a quote and `\x` is `x`, outside `\x` is `x` too. Nothing between
//!   two delimiters is NULL; `""` is the empty string. Whitespace is data,
//!   never trimmed.
//! - Binary, as `record_send` writes it: the field count (int4), then per
//!   field its type OID (uint4), its length (int4, -1 for NULL) and its bytes.
//!
//! ```
//! use pgcast_core::types::record;
//!
//! let fields = record::parse_text(br#"(1,"a b",,"q""uote","")"#).unwrap();
//! let fields: Vec<Option<&[u8]>> = fields.iter().map(|f| f.as_deref()).collect();
//! assert_eq!(fields, [Some(&b"1"[..]), Some(b"a b"), None, Some(b"q\"uote"), Some(b"")]);
//!
//! let mut out = bytes::BytesMut::new();
//! record::write_text(&mut out, [Some(&b"1"[..]), Some(b"a b"), None, Some(b"q\"uote"), Some(b"")]);
//! assert_eq!(&out[..], br#"(1,"a b",,"q""uote","")"#);
//! ```

use std::borrow::Cow;

use bytes::BufMut;
use postgres_types::Oid;

/// The buffer [`Dump`](crate::Dump) writes into, re-exported so that derived
/// code (and hand-written codecs) can name it without depending on `bytes`.
pub use bytes::BytesMut;

/// The whitespace `record_out` quotes (C's `isspace`).
#[inline]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// One field of a parsed record: `None` for NULL, the bytes borrowed from
/// the input unless they held quotes or escapes.
pub type TextField<'r> = Option<Cow<'r, [u8]>>;

/// Parses the text form of a record into its fields, as `record_in` does.
///
/// `()` is read as one NULL field (as `record_in` reads it for a one-field
/// type); a type with no fields takes it as none. Errors are messages: the
/// caller knows the type.
///
/// ```
/// use pgcast_core::types::record::parse_text;
///
/// assert_eq!(parse_text(br#"(a\,b, c )"#).unwrap()[0].as_deref(), Some(&b"a,b"[..]));
/// assert_eq!(parse_text(br#"(a\,b, c )"#).unwrap()[1].as_deref(), Some(&b" c "[..]));
/// assert!(parse_text(b"(1,2").is_err());
/// assert!(parse_text(b"(1) x").is_err());
/// ```
pub fn parse_text(raw: &[u8]) -> Result<Vec<TextField<'_>>, String> {
    let mut pos = raw.iter().position(|&b| !is_space(b)).unwrap_or(raw.len());
    if raw.get(pos) != Some(&b'(') {
        return Err("a record's text must start with \"(\"".to_owned());
    }
    pos += 1;
    let mut fields = Vec::new();
    loop {
        let start = pos;
        let mut quoted_or_escaped = false;
        let mut in_quotes = false;
        // First pass: find the field's end, and whether it needs unescaping.
        loop {
            let Some(&b) = raw.get(pos) else {
                return Err("unexpected end of the record's text".to_owned());
            };
            match b {
                b'\\' => {
                    quoted_or_escaped = true;
                    if raw.get(pos + 1).is_none() {
                        return Err("unexpected end of the record's text after \\".to_owned());
                    }
                    pos += 2;
                }
                b'"' if in_quotes && raw.get(pos + 1) == Some(&b'"') => pos += 2,
                b'"' => {
                    quoted_or_escaped = true;
                    in_quotes = !in_quotes;
                    pos += 1;
                }
                b',' | b')' if !in_quotes => break,
                _ => pos += 1,
            }
        }
        let field = &raw[start..pos];
        fields.push(if field.is_empty() {
            None
        } else if quoted_or_escaped {
            Some(Cow::Owned(unescape(field)))
        } else {
            Some(Cow::Borrowed(field))
        });
        let delim = raw[pos];
        pos += 1;
        if delim == b')' {
            break;
        }
    }
    if raw[pos..].iter().any(|&b| !is_space(b)) {
        return Err("junk after the closing \")\" of a record".to_owned());
    }
    Ok(fields)
}

/// The bytes of a field whose boundaries are known to be well formed.
fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut in_quotes = false;
    let mut i = 0;
    while let Some(&b) = field.get(i) {
        match b {
            b'\\' => {
                if let Some(&next) = field.get(i + 1) {
                    out.push(next);
                }
                i += 2;
            }
            b'"' if in_quotes && field.get(i + 1) == Some(&b'"') => {
                out.push(b'"');
                i += 2;
            }
            b'"' => {
                in_quotes = !in_quotes;
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Whether `record_out` quotes this field.
fn needs_quotes(field: &[u8]) -> bool {
    field.is_empty()
        || field
            .iter()
            .any(|&b| matches!(b, b'"' | b'\\' | b'(' | b')' | b',') || is_space(b))
}

/// Writes one field's text, quoted and escaped as `record_out` does; NULL
/// writes nothing. Delimiters are the caller's.
pub fn write_text_field(out: &mut BytesMut, field: Option<&[u8]>) {
    let Some(field) = field else { return };
    if !needs_quotes(field) {
        out.put_slice(field);
        return;
    }
    out.reserve(field.len() + 2);
    out.put_u8(b'"');
    for &b in field {
        if b == b'"' || b == b'\\' {
            out.put_u8(b);
        }
        out.put_u8(b);
    }
    out.put_u8(b'"');
}

/// Writes a whole record's text from its fields' texts.
pub fn write_text<'f>(out: &mut BytesMut, fields: impl IntoIterator<Item = Option<&'f [u8]>>) {
    out.put_u8(b'(');
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        write_text_field(out, field);
    }
    out.put_u8(b')');
}

/// One field of a binary record: its type OID and bytes (`None` for NULL).
pub type BinaryField<'r> = (Oid, Option<&'r [u8]>);

/// Parses the binary form of a record into its fields, as `record_recv`
/// reads it: a count, then OID, length and bytes per field, nothing after.
///
/// ```
/// use pgcast_core::types::record::parse_binary;
///
/// let raw = [0, 0, 0, 2, 0, 0, 0, 23, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 25, 255, 255, 255, 255];
/// assert_eq!(parse_binary(&raw).unwrap(), [(23, Some(&[0, 0, 0, 7][..])), (25, None)]);
/// assert!(parse_binary(&raw[..20]).is_err());
/// ```
pub fn parse_binary(raw: &[u8]) -> Result<Vec<BinaryField<'_>>, String> {
    let mut r = raw;
    let count = take4(&mut r)?;
    let count = i32::from_be_bytes(count);
    let count =
        usize::try_from(count).map_err(|_| format!("a record cannot have {count} fields"))?;
    // Each field takes at least 8 bytes: refuse impossible counts before allocating.
    if count > r.len() / 8 {
        return Err(format!(
            "{count} fields announced but only {} bytes follow",
            r.len()
        ));
    }
    let mut fields = Vec::with_capacity(count);
    for i in 0..count {
        let oid = u32::from_be_bytes(take4(&mut r)?);
        let len = i32::from_be_bytes(take4(&mut r)?);
        let value = if len == -1 {
            None
        } else {
            let (bytes, rest) = usize::try_from(len)
                .ok()
                .and_then(|len| r.split_at_checked(len))
                .ok_or_else(|| format!("field {i}: invalid or truncated length {len}"))?;
            r = rest;
            Some(bytes)
        };
        fields.push((oid, value));
    }
    if !r.is_empty() {
        return Err(format!("{} bytes after the last field", r.len()));
    }
    Ok(fields)
}

fn take4(r: &mut &[u8]) -> Result<[u8; 4], String> {
    match r.split_first_chunk::<4>() {
        Some((head, rest)) => {
            *r = rest;
            Ok(*head)
        }
        None => Err("record truncated".to_owned()),
    }
}

/// Writes a binary record field by field: [`field`](Self::field) writes the
/// OID and a length to patch, the closure the value's bytes.
pub struct BinaryWriter<'o> {
    out: &'o mut BytesMut,
}

impl<'o> BinaryWriter<'o> {
    /// Starts a record of `count` fields.
    pub fn new(out: &'o mut BytesMut, count: usize) -> Result<BinaryWriter<'o>, String> {
        let count =
            i32::try_from(count).map_err(|_| format!("{count} fields is too many for a record"))?;
        out.put_i32(count);
        Ok(BinaryWriter { out })
    }

    /// Writes one field of type `oid`; `value` writes its bytes and says
    /// whether it was NULL.
    pub fn field<E>(
        &mut self,
        oid: Oid,
        value: impl FnOnce(&mut BytesMut) -> Result<crate::IsNull, E>,
    ) -> Result<(), FieldError<E>> {
        self.out.put_u32(oid);
        let at = self.out.len();
        self.out.put_i32(-1);
        match value(self.out).map_err(FieldError::Value)? {
            crate::IsNull::Yes => self.out.truncate(at + 4),
            crate::IsNull::No => {
                let len =
                    i32::try_from(self.out.len() - at - 4).map_err(|_| FieldError::TooLong)?;
                self.out[at..at + 4].copy_from_slice(&len.to_be_bytes());
            }
        }
        Ok(())
    }
}

/// Why [`BinaryWriter::field`] failed.
#[derive(Debug)]
pub enum FieldError<E> {
    /// The value's own error.
    Value(E),
    /// The value is over 2 GiB.
    TooLong,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(raw: &[u8]) -> Vec<Option<Vec<u8>>> {
        parse_text(raw)
            .unwrap()
            .into_iter()
            .map(|f| f.map(|c| c.into_owned()))
            .collect()
    }

    fn text(fields: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = BytesMut::new();
        write_text(&mut out, fields.iter().copied());
        out.to_vec()
    }

    #[test]
    fn server_output_parses() {
        assert_eq!(
            fields(br#"(1,"a b",,"q""uote","back\\slash","")"#),
            [
                Some(b"1".to_vec()),
                Some(b"a b".to_vec()),
                None,
                Some(b"q\"uote".to_vec()),
                Some(b"back\\slash".to_vec()),
                Some(Vec::new()),
            ]
        );
        assert_eq!(fields(b"()"), [None]);
        assert_eq!(fields(b"(,)"), [None, None]);
        assert_eq!(fields(b"  (x)  "), [Some(b"x".to_vec())]);
        // nested records are quoted fields
        assert_eq!(
            fields(br#"(1,"(2,""x y"")")"#),
            [Some(b"1".to_vec()), Some(br#"(2,"x y")"#.to_vec())]
        );
        // record_in also accepts mixed quoting and escapes outside quotes
        assert_eq!(fields(br#"(a"b,c"d\)e)"#), [Some(b"ab,cd)e".to_vec())]);
    }

    #[test]
    fn malformed_text() {
        for bad in [
            &b""[..],
            b"1,2",
            b"(",
            b"(1",
            b"(1,",
            b"(\"1)",
            b"(1\\",
            b"(1)x",
            b"(1))",
            b"x(1)",
        ] {
            assert!(
                parse_text(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn writer_quotes_like_record_out() {
        assert_eq!(
            text(&[Some(b"1"), Some(b"a b"), None, Some(b"q\"uote"), Some(b"")]),
            br#"(1,"a b",,"q""uote","")"#
        );
        assert_eq!(
            text(&[Some(b"a\\b"), Some(b"(x)"), Some(b"a,b")]),
            br#"("a\\b","(x)","a,b")"#
        );
        assert_eq!(
            text(&[Some(b"\t"), Some("Ä".as_bytes())]),
            "(\"\t\",Ä)".as_bytes()
        );
        assert_eq!(text(&[]), b"()");
    }

    #[test]
    fn binary() {
        let mut out = BytesMut::new();
        let mut w = BinaryWriter::new(&mut out, 3).unwrap();
        w.field::<()>(23, |o| {
            o.put_i32(7);
            Ok(crate::IsNull::No)
        })
        .unwrap();
        w.field::<()>(25, |_| Ok(crate::IsNull::Yes)).unwrap();
        w.field::<()>(25, |_| Ok(crate::IsNull::No)).unwrap();
        assert_eq!(
            parse_binary(&out).unwrap(),
            [
                (23, Some(&[0, 0, 0, 7][..])),
                (25, None),
                (25, Some(&[][..]))
            ]
        );
        for bad in [
            &[][..],
            &[0, 0, 0],
            &[255, 255, 255, 255],
            &[0, 0, 0, 1],
            &[0, 0, 0, 1, 0, 0, 0, 23, 0, 0, 0, 4, 0],
            &[0, 0, 0, 1, 0, 0, 0, 23, 255, 255, 255, 254],
            &[0, 0, 0, 0, 1],
            &[127, 255, 255, 255, 0, 0, 0, 0],
        ] {
            assert!(parse_binary(bad).is_err(), "{bad:?}");
        }
    }

    fn field_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
        proptest::option::of(prop::collection::vec(
            prop_oneof![
                Just(b'"'),
                Just(b'\\'),
                Just(b','),
                Just(b'('),
                Just(b')'),
                Just(b' '),
                Just(b'\n'),
                any::<u8>(),
            ],
            0..8,
        ))
    }

    proptest! {
        #[test]
        fn text_round_trips(fs in prop::collection::vec(field_bytes(), 1..6)) {
            let refs: Vec<Option<&[u8]>> = fs.iter().map(|f| f.as_deref()).collect();
            let raw = text(&refs);
            prop_assert_eq!(fields(&raw), fs);
        }

        #[test]
        fn binary_round_trips(fs in prop::collection::vec((any::<u32>(), field_bytes()), 0..6)) {
            let mut out = BytesMut::new();
            let mut w = BinaryWriter::new(&mut out, fs.len()).unwrap();
            for (oid, f) in &fs {
                w.field::<()>(*oid, |o| Ok(match f {
                    Some(b) => { o.put_slice(b); crate::IsNull::No }
                    None => crate::IsNull::Yes,
                })).unwrap();
            }
            let back = parse_binary(&out).unwrap();
            let back: Vec<(u32, Option<Vec<u8>>)> =
                back.into_iter().map(|(o, f)| (o, f.map(<[u8]>::to_vec))).collect();
            prop_assert_eq!(back, fs);
        }

        #[test]
        fn text_parser_never_panics(raw in prop::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), Just(b','), Just(b'('), Just(b')'), Just(b' '), any::<u8>()],
            0..24,
        )) {
            let _ = parse_text(&raw);
        }

        #[test]
        fn binary_parser_never_panics(raw in prop::collection::vec(any::<u8>(), 0..40)) {
            let _ = parse_binary(&raw);
        }
    }
}
