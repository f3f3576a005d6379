//! [`Tags`]: SQLCommenter-style comments appended to statements, so the
//! server's views (`pg_stat_activity`, the server log, `pg_stat_statements`
//! sample texts) show which route or trace ran them.

/// Key–value tags appended to each statement as a SQLCommenter comment,
/// `/*key='value',…*/`: keys sorted, keys and values percent-encoded
/// (everything but `A-Z a-z 0-9 - _ . ~`), so neither a quote nor `*/` can
/// ever reach the text. Off unless set, per session
/// ([`Session::set_tags`](super::Session::set_tags)) or per query scope
/// ([`Session::tagged`](super::Session::tagged)).
///
/// ```
/// use pgcast_core::exec::Tags;
///
/// let tags = Tags::new().with("route", "/users/{id}").with("action", "it's */ done");
/// assert_eq!(
///     tags.comment(),
///     "/*action='it%27s%20%2A%2F%20done',route='%2Fusers%2F%7Bid%7D'*/"
/// );
/// assert_eq!(tags.append_to("SELECT 1;"), format!("SELECT 1 {};", tags.comment()));
/// assert_eq!(Tags::new().append_to("SELECT 1"), "SELECT 1");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(Vec<(String, String)>);

impl Tags {
    /// No tags.
    pub fn new() -> Tags {
        Tags::default()
    }

    /// Adds (or replaces) the tag `key`.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Tags {
        self.set(key.into(), value.into());
        self
    }

    fn set(&mut self, key: String, value: String) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// Whether there is no tag.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tags, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// These tags with `over`'s added, `over` winning on equal keys.
    pub fn merged(&self, over: &Tags) -> Tags {
        let mut out = self.clone();
        for (k, v) in &over.0 {
            out.set(k.clone(), v.clone());
        }
        out
    }

    /// The comment: `/*key='value',…*/`; empty without tags.
    pub fn comment(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let mut out = String::from("/*");
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            encode(k, &mut out);
            out.push_str("='");
            encode(v, &mut out);
            out.push('\'');
        }
        out.push_str("*/");
        out
    }

    /// `text` with the comment appended (before a final `;`), on a new
    /// line if its last line has a `--` comment that would swallow it.
    pub fn append_to(&self, text: &str) -> String {
        if self.0.is_empty() {
            return text.to_owned();
        }
        let body = text.trim_end();
        let (body, semicolon) = match body.strip_suffix(';') {
            Some(b) => (b.trim_end(), ";"),
            None => (body, ""),
        };
        let last_line = body.rsplit('\n').next().unwrap_or(body);
        let sep = if last_line.contains("--") { "\n" } else { " " };
        format!("{body}{sep}{}{semicolon}", self.comment())
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_closes_the_comment_early() {
        let tags = Tags::new().with("k*/", "*/ DROP TABLE t; --'\u{e9}");
        let c = tags.comment();
        assert_eq!(c.matches("*/").count(), 1);
        assert!(c.ends_with("*/"));
        assert!(!c[2..c.len() - 2].contains(['*', '/', ';']));
        assert_eq!(
            c,
            "/*k%2A%2F='%2A%2F%20DROP%20TABLE%20t%3B%20--%27%C3%A9'*/"
        );
    }

    #[test]
    fn placement() {
        let t = Tags::new().with("a", "1");
        assert_eq!(
            t.append_to("SELECT 1 -- note"),
            "SELECT 1 -- note\n/*a='1'*/"
        );
        assert_eq!(t.append_to("SELECT 1 ;  "), "SELECT 1 /*a='1'*/;");
        let merged = t.merged(&Tags::new().with("a", "2").with("b", "3"));
        assert_eq!(merged.comment(), "/*a='2',b='3'*/");
    }
}
