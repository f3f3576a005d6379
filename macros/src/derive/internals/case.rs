//! Rename rules (`rename_all`): field names into column names, sqlx's
//! vocabulary. Names are split into words at `_`, `-` and case changes
//! (`userID` → `user`, `ID`; `HTTPServer` → `HTTP`, `Server`), so the rules
//! work whatever case the Rust name is in.

use std::fmt;

/// A `rename_all` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`: the name lowercased as a whole.
    Lower,
    /// `UPPERCASE`: the name uppercased as a whole.
    Upper,
    /// `PascalCase`
    Pascal,
    /// `camelCase`
    Camel,
    /// `snake_case`
    Snake,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
    /// `kebab-case`
    Kebab,
    /// `SCREAMING-KEBAB-CASE`
    ScreamingKebab,
    /// `Train-Case`
    Train,
}

static RULES: &[(&str, RenameRule)] = &[
    ("lowercase", RenameRule::Lower),
    ("UPPERCASE", RenameRule::Upper),
    ("PascalCase", RenameRule::Pascal),
    ("camelCase", RenameRule::Camel),
    ("snake_case", RenameRule::Snake),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
    ("kebab-case", RenameRule::Kebab),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
    ("Train-Case", RenameRule::Train),
];

/// An unknown rule name; its message lists the rules there are.
pub struct ParseError<'a>(&'a str);

impl fmt::Display for ParseError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown rename rule `rename_all = {:?}`; expected one of ",
            self.0
        )?;
        for (i, (name, _)) in RULES.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name:?}")?;
        }
        Ok(())
    }
}

impl RenameRule {
    /// The rule named `name`, spelled exactly as in the list.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(name: &str) -> Result<RenameRule, ParseError<'_>> {
        RULES
            .iter()
            .find(|(rule, _)| *rule == name)
            .map(|(_, rule)| *rule)
            .ok_or(ParseError(name))
    }

    /// `name` (a Rust field or variant name, raw or not) under the rule.
    pub fn apply(self, name: &str) -> String {
        let name = name.strip_prefix("r#").unwrap_or(name);
        let words = words(name);
        let join = |case: fn(&str) -> String, sep: &str| {
            words.iter().map(|w| case(w)).collect::<Vec<_>>().join(sep)
        };
        match self {
            RenameRule::Lower => name.to_lowercase(),
            RenameRule::Upper => name.to_uppercase(),
            RenameRule::Pascal => join(capitalize, ""),
            RenameRule::Camel => words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        w.to_lowercase()
                    } else {
                        capitalize(w)
                    }
                })
                .collect(),
            RenameRule::Snake => join(str::to_lowercase, "_"),
            RenameRule::ScreamingSnake => join(str::to_uppercase, "_"),
            RenameRule::Kebab => join(str::to_lowercase, "-"),
            RenameRule::ScreamingKebab => join(str::to_uppercase, "-"),
            RenameRule::Train => join(capitalize, "-"),
        }
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// Splits a name into words at separators and case changes.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == '-' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // `userId`, `v2Name` start a word; so does `Server` in `HTTPServer`.
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::RenameRule::{self, *};

    #[test]
    fn every_rule_on_snake_case_names() {
        let cases: &[(&str, [&str; 9])] = &[
            (
                "user_id",
                [
                    "user_id", "USER_ID", "UserId", "userId", "user_id", "USER_ID", "user-id",
                    "USER-ID", "User-Id",
                ],
            ),
            (
                "name",
                [
                    "name", "NAME", "Name", "name", "name", "NAME", "name", "NAME", "Name",
                ],
            ),
            (
                "r#type",
                [
                    "type", "TYPE", "Type", "type", "type", "TYPE", "type", "TYPE", "Type",
                ],
            ),
            (
                "created_at_2",
                [
                    "created_at_2",
                    "CREATED_AT_2",
                    "CreatedAt2",
                    "createdAt2",
                    "created_at_2",
                    "CREATED_AT_2",
                    "created-at-2",
                    "CREATED-AT-2",
                    "Created-At-2",
                ],
            ),
        ];
        let rules = [
            Lower,
            Upper,
            Pascal,
            Camel,
            Snake,
            ScreamingSnake,
            Kebab,
            ScreamingKebab,
            Train,
        ];
        for (name, expected) in cases {
            for (rule, want) in rules.iter().zip(expected) {
                assert_eq!(rule.apply(name), *want, "{rule:?} of {name}");
            }
        }
    }

    #[test]
    fn names_in_other_cases() {
        assert_eq!(Snake.apply("userID"), "user_id");
        assert_eq!(Snake.apply("HTTPServer"), "http_server");
        assert_eq!(Kebab.apply("FooBar"), "foo-bar");
        assert_eq!(Camel.apply("FOO_BAR"), "fooBar");
        assert_eq!(Pascal.apply("__leading"), "Leading");
        assert_eq!(Train.apply("v2_name"), "V2-Name");
    }

    #[test]
    fn rule_names_are_exact() {
        assert_eq!(RenameRule::from_str("camelCase").ok(), Some(Camel));
        assert_eq!(RenameRule::from_str("Train-Case").ok(), Some(Train));
        let err = RenameRule::from_str("camelcase")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "unknown rename rule `rename_all = \"camelcase\"`; expected one of \"lowercase\", \
                 \"UPPERCASE\", \"PascalCase\", \"camelCase\", \"snake_case\", \
                 \"SCREAMING_SNAKE_CASE\", \"kebab-case\", \"SCREAMING-KEBAB-CASE\", \"Train-Case\""
            )
        );
    }
}
