//! What a statement's text says about it before the server does: its first
//! keyword, whether it can return rows, whether it changes how names
//! resolve. Every answer errs on the safe side: "don't know" means "may".

/// The first keyword of `text`, upper-cased (`SELECT`, `WITH`, …), skipping
/// white space and comments; `None` if the text starts with anything else.
///
/// ```
/// use pgcast_core::exec::first_keyword;
///
/// assert_eq!(first_keyword("  /* why */ -- note\n select 1").as_deref(), Some("SELECT"));
/// assert_eq!(first_keyword("(SELECT 1)"), None);
/// ```
pub fn first_keyword(text: &str) -> Option<String> {
    let word = keyword(text);
    (!word.is_empty()).then(|| word.to_ascii_uppercase())
}

/// The first keyword of `text` as written (empty if none): what
/// [`first_keyword`] upper-cases, without allocating, for the checks made
/// on every statement.
fn keyword(text: &str) -> &str {
    let rest = skip_noise(text);
    let end = rest
        .bytes()
        .position(|b| !(b.is_ascii_alphabetic() || b == b'_'))
        .unwrap_or(rest.len());
    // Everything before `end` is ASCII: a character boundary.
    rest.get(..end).unwrap_or("")
}

/// Whether the first keyword of `text` is one of `words` (upper case).
fn keyword_is(text: &str, words: &[&str]) -> bool {
    let word = keyword(text);
    words.iter().any(|w| word.eq_ignore_ascii_case(w))
}

fn skip_noise(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_start();
        if let Some(rest) = trimmed.strip_prefix("--") {
            text = rest.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(rest) = trimmed.strip_prefix("/*") {
            // Comments nest in PostgreSQL.
            let mut depth = 1;
            let mut i = 0;
            let bytes = rest.as_bytes();
            while depth > 0 && i < bytes.len() {
                match bytes.get(i..i + 2) {
                    Some(b"*/") => {
                        depth -= 1;
                        i += 2;
                    }
                    Some(b"/*") => {
                        depth += 1;
                        i += 2;
                    }
                    _ => i += 1,
                }
            }
            text = rest.get(i..).unwrap_or("");
        } else {
            return trimmed;
        }
    }
}

fn contains_word(text: &str, word: &str) -> bool {
    let (text, word) = (text.as_bytes(), word.as_bytes());
    let Some((&first, rest)) = word.split_first() else {
        return true;
    };
    let Some(last) = text.len().checked_sub(word.len()) else {
        return false;
    };
    // Only where the first letter matches is the rest compared (`| 0x20`
    // folds an ASCII letter to lower case; what else it folds is compared
    // exactly below).
    let lower = first.to_ascii_lowercase() | 0x20;
    text.iter().take(last + 1).enumerate().any(|(i, &b)| {
        b | 0x20 == lower
            && b.eq_ignore_ascii_case(&first)
            && text
                .get(i + 1..i + word.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(rest))
    })
}

/// Statements that never return rows.
const NO_ROWS: &[&str] = &[
    "ALTER",
    "ANALYZE",
    "BEGIN",
    "CHECKPOINT",
    "CLOSE",
    "CLUSTER",
    "COMMENT",
    "COMMIT",
    "CREATE",
    "DEALLOCATE",
    "DECLARE",
    "DISCARD",
    "DO",
    "DROP",
    "END",
    "GRANT",
    "LISTEN",
    "LOCK",
    "NOTIFY",
    "REASSIGN",
    "REFRESH",
    "REINDEX",
    "RELEASE",
    "RESET",
    "REVOKE",
    "ROLLBACK",
    "SAVEPOINT",
    "SECURITY",
    "SET",
    "START",
    "TRUNCATE",
    "UNLISTEN",
    "VACUUM",
];

/// Whether the statement surely returns no rows (so its result has no
/// column a driver could need to look up): DML without `RETURNING`, DDL,
/// transaction control. `false` when unsure.
///
/// ```
/// use pgcast_core::exec::returns_no_rows;
///
/// assert!(returns_no_rows("INSERT INTO t VALUES ($1)"));
/// assert!(!returns_no_rows("INSERT INTO t VALUES ($1) RETURNING id"));
/// assert!(!returns_no_rows("WITH x AS (SELECT 1) DELETE FROM t"));
/// ```
pub fn returns_no_rows(text: &str) -> bool {
    match first_keyword(text).as_deref() {
        Some("INSERT" | "UPDATE" | "DELETE" | "MERGE") => !contains_word(text, "returning"),
        Some(k) => NO_ROWS.contains(&k),
        None => false,
    }
}

/// Whether running the statement may change how the session resolves
/// names (`SET search_path`, `set_config('search_path', …)`, `RESET`,
/// `DISCARD`, `SET ROLE`, `SET SESSION AUTHORIZATION`): statements prepared
/// before it must not be reused after it.
///
/// ```
/// use pgcast_core::exec::changes_name_resolution;
///
/// assert!(changes_name_resolution("SET search_path TO app, public"));
/// assert!(changes_name_resolution("select set_config('search_path', $1, false)"));
/// assert!(!changes_name_resolution("SELECT 1"));
/// ```
pub fn changes_name_resolution(text: &str) -> bool {
    if contains_word(text, "search_path") {
        return true;
    }
    if keyword_is(text, &["RESET", "DISCARD"]) {
        return true;
    }
    keyword_is(text, &["SET"])
        && (contains_word(text, "role") || contains_word(text, "authorization"))
}

/// Whether running the statement may change the session's `TimeZone`
/// (`SET TIME ZONE`, `SET timezone`, `set_config('TimeZone', …)`, `RESET`,
/// `DISCARD ALL`).
///
/// ```
/// use pgcast_core::exec::changes_time_zone;
///
/// assert!(changes_time_zone("SET TIME ZONE 'Europe/Amsterdam'"));
/// assert!(changes_time_zone("select set_config('timezone', 'UTC', false)"));
/// assert!(!changes_time_zone("SELECT now()"));
/// ```
pub fn changes_time_zone(text: &str) -> bool {
    contains_word(text, "timezone")
        || contains_word(text, "time zone")
        || keyword_is(text, &["RESET", "DISCARD"])
}

/// How a statement's result can be taken as a subquery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wrap {
    /// `SELECT … FROM (statement) AS q(…)`: a query.
    Subquery,
    /// `WITH q(…) AS (statement) SELECT …`: DML with `RETURNING`.
    Cte,
}

/// How `text` can be wrapped, if it can.
pub(crate) fn wrap_kind(text: &str) -> Option<Wrap> {
    match first_keyword(text).as_deref() {
        Some("SELECT" | "VALUES" | "TABLE") => Some(Wrap::Subquery),
        // A data-modifying WITH must stay at the top level.
        Some("WITH") if !has_dml(text) => Some(Wrap::Subquery),
        Some("INSERT" | "UPDATE" | "DELETE" | "MERGE") => Some(Wrap::Cte),
        _ => None,
    }
}

/// Whether the statement surely has no side effects, so that it may be
/// explained: `SELECT`, `VALUES`, `TABLE`, a `WITH` without data-modifying
/// words.
pub(crate) fn is_read_only(text: &str) -> bool {
    wrap_kind(text) == Some(Wrap::Subquery) && !contains_word(text, "for update")
}

fn has_dml(text: &str) -> bool {
    ["insert", "update", "delete", "merge"]
        .iter()
        .any(|w| contains_word(text, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_past_comments() {
        assert_eq!(
            first_keyword("/* a /* nested */ b */SELECT").as_deref(),
            Some("SELECT")
        );
        assert_eq!(first_keyword("-- only a comment"), None);
        assert_eq!(first_keyword("/* unterminated"), None);
        assert_eq!(first_keyword(""), None);
        assert_eq!(first_keyword("sélect"), Some("S".into()));
        assert_eq!(keyword("  reset all"), "reset");
        assert!(keyword_is("discard all", &["RESET", "DISCARD"]));
        assert!(!keyword_is("resetting", &["RESET"]));
    }

    #[test]
    fn words_anywhere_in_any_case() {
        assert!(contains_word("SET Search_Path TO x", "search_path"));
        assert!(contains_word("search_path", "search_path"));
        assert!(!contains_word("search_pat", "search_path"));
        assert!(!contains_word("", "x"));
        assert!(contains_word("x", ""));
        assert!(contains_word("a time zone", "time zone"));
        assert!(changes_name_resolution("  Reset ALL"));
        assert!(changes_name_resolution("set role admin"));
        assert!(!changes_name_resolution("set work_mem = '1MB'"));
        assert!(changes_time_zone("DISCARD ALL"));
        assert!(!changes_time_zone("SELECT 1"));
    }

    #[test]
    fn rows_or_not() {
        assert!(returns_no_rows("create table t (x int)"));
        assert!(returns_no_rows("DECLARE c CURSOR FOR SELECT 1"));
        assert!(!returns_no_rows("SELECT 1"));
        assert!(!returns_no_rows("FETCH 10 FROM c"));
        assert!(!returns_no_rows("UPDATE t SET x = 1 returning *"));
        // "returning" inside a string only costs a describe: safe.
        assert!(!returns_no_rows("INSERT INTO t VALUES ('returning')"));
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap_kind("SELECT 1"), Some(Wrap::Subquery));
        assert_eq!(
            wrap_kind("with x as (select 1) select * from x"),
            Some(Wrap::Subquery)
        );
        assert_eq!(
            wrap_kind("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"),
            None
        );
        assert_eq!(wrap_kind("DELETE FROM t RETURNING *"), Some(Wrap::Cte));
        assert_eq!(wrap_kind("FETCH 1 FROM c"), None);
    }
}
