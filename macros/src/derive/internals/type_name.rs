//! Type names in `#[pg(name = "…")]`, read as PostgreSQL reads them: a copy
//! of `pgcast-core`'s parser (`core/src/adapt/type_name.rs`), which the
//! macros cannot call at compile time. The function must stay the same as
//! there, character for character; `tests/type_names.rs` runs both over one
//! table of names. This file uses nothing but `std`, so that the test can
//! include it.

/// `(schema, name)` of a type name in SQL syntax, or why it is not one.
pub(crate) fn parse_type_name(text: &str) -> std::result::Result<(Option<String>, String), String> {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let (part, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let mut part = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next() {
                    Some((i, '"')) if quoted[i + 1..].starts_with('"') => {
                        part.push('"');
                        chars.next();
                    }
                    Some((i, '"')) => break i + 1,
                    Some((_, c)) => part.push(c),
                    None => return Err(format!("unclosed quote in {text:?}")),
                }
            };
            if part.is_empty() {
                return Err(format!("empty quoted name part in {text:?}"));
            }
            (part, &quoted[end..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let part = &rest[..end];
            if part.is_empty() {
                return Err(format!("empty name part in {text:?}"));
            }
            let plain = part.chars().enumerate().all(|(i, c)| {
                c == '_'
                    || c.is_ascii_alphabetic()
                    || !c.is_ascii()
                    || (i > 0 && (c.is_ascii_digit() || c == '$'))
            });
            if !plain {
                return Err(format!(
                    "{part:?} in {text:?} needs double quotes: unquoted, a name holds only letters, digits, `_` and `$`, and does not start with a digit or `$`; quoted, it keeps every character and its case"
                ));
            }
            // PostgreSQL folds unquoted identifiers' ASCII letters only.
            (part.to_ascii_lowercase(), &rest[end..])
        };
        if part.len() > 63 {
            return Err(format!(
                "{part:?} is over 63 bytes; PostgreSQL would truncate it"
            ));
        }
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) => rest = next,
            None if after.is_empty() => break,
            None => return Err(format!("unexpected {after:?} in {text:?}")),
        }
    }
    let mut parts = parts.into_iter();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(name), None, _) => Ok((None, name)),
        (Some(schema), Some(name), None) => Ok((Some(schema), name)),
        _ => Err(format!(
            "{text:?} has more than two parts; a type name is `type` or `schema.type`"
        )),
    }
}
