//! One constant per attribute keyword, comparable with parsed paths.

use std::fmt;

use syn::{Ident, Path};

/// An attribute keyword.
#[derive(Copy, Clone, Debug)]
pub struct Symbol(pub &'static str);

/// The attribute all pgcast derives read: `#[pg(...)]`.
pub const PG: Symbol = Symbol("pg");
/// Field: the column's name, `rename = "name"`.
pub const RENAME: Symbol = Symbol("rename");
/// Container: a rule turning field names into column names.
pub const RENAME_ALL: Symbol = Symbol("rename_all");
/// Field or container: `Default::default()` for an absent column.
pub const DEFAULT: Symbol = Symbol("default");
/// Field: a nested row type whose columns are part of this row.
pub const FLATTEN: Symbol = Symbol("flatten");
/// Field, with `flatten`: the prefix of the nested type's column names.
pub const PREFIX: Symbol = Symbol("prefix");
/// Field: no column; the value is `Default::default()`.
pub const SKIP: Symbol = Symbol("skip");
/// Field: the value is JSON, through `pgcast::types::Json`.
pub const JSON: Symbol = Symbol("json");
/// Option of `json`: SQL NULL gives `Default::default()`.
pub const NULLABLE: Symbol = Symbol("nullable");
/// Field: load another type, then convert with `TryFrom`.
pub const TRY_FROM: Symbol = Symbol("try_from");
/// Field: load with a function of the user's.
pub const WITH: Symbol = Symbol("with");
/// Field: part of the key that groups the rows of a one-to-many join.
pub const KEY: Symbol = Symbol("key");
/// Field: `Vec<T>` of the child rows of a one-to-many join.
pub const MANY: Symbol = Symbol("many");
pub const REDACT: Symbol = Symbol("redact");
/// Container of a PostgreSQL type derive: the type's SQL name.
pub const NAME: Symbol = Symbol("name");
/// Container: the path of the pgcast crate.
pub const CRATE: Symbol = Symbol("crate");
/// Container of `PgEnum`: an integer column holds the discriminants.
pub const REPR: Symbol = Symbol("repr");
/// Variant of `PgEnum`: the catch-all holding a label the Rust enum lacks.
pub const OTHER: Symbol = Symbol("other");

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
