//! The derive-independent half: the intermediate representation of the
//! input and its attributes, the semantic checks, the error context, and
//! rename rules. New derives (composites, enums) build on the same pieces.

pub mod ast;
pub mod attr;
pub mod case;
pub mod check;
pub mod ctxt;
pub mod symbol;

pub use ctxt::Ctxt;

/// Which derive is being expanded: checks and messages depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derive {
    /// `#[derive(FromRow)]`
    FromRow,
    /// `#[derive(ToRow)]`
    ToRow,
}

impl Derive {
    /// The derive's name, as users write it.
    pub fn name(self) -> &'static str {
        match self {
            Derive::FromRow => "FromRow",
            Derive::ToRow => "ToRow",
        }
    }
}
