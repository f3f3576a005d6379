//! The derive-independent half: the intermediate representation of the
//! input and its attributes, the semantic checks, the error context, and
//! rename rules. New derives (composites, enums) build on the same pieces.

pub mod ast;
pub mod attr;
pub mod case;
pub mod check;
mod check_pg_type;
pub mod ctxt;
pub mod symbol;
pub mod type_name;

pub use ctxt::Ctxt;

/// Which derive is being expanded: checks and messages depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derive {
    /// `#[derive(FromRow)]`
    FromRow,
    /// `#[derive(ToRow)]`
    ToRow,
    /// `#[derive(PgComposite)]`
    PgComposite,
    /// `#[derive(PgEnum)]`
    PgEnum,
    /// `#[derive(PgTransparent)]`
    PgTransparent,
}

impl Derive {
    /// The derive's name, as users write it.
    pub fn name(self) -> &'static str {
        match self {
            Derive::FromRow => "FromRow",
            Derive::ToRow => "ToRow",
            Derive::PgComposite => "PgComposite",
            Derive::PgEnum => "PgEnum",
            Derive::PgTransparent => "PgTransparent",
        }
    }

    /// Whether the derive maps a Rust type to a PostgreSQL type (rather
    /// than to a row).
    pub fn is_pg_type(self) -> bool {
        matches!(
            self,
            Derive::PgComposite | Derive::PgEnum | Derive::PgTransparent
        )
    }
}
