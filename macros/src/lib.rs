//! Procedural macros of pgcast: `sql!`, a format macro for SQL whose format
//! string is checked at compile time, the row derives `#[derive(FromRow)]`
//! and `#[derive(ToRow)]`, and the PostgreSQL type derives
//! `#[derive(PgComposite)]`, `#[derive(PgEnum)]` and
//! `#[derive(PgTransparent)]`.
//!
//! Use them through the `pgcast` crate, which re-exports them and documents
//! the derives' attributes. The derives' generated code names pgcast only
//! through `::pgcast::__private::v1` (or the path given by
//! `#[pg(crate = "…")]`), the hidden module of `pgcast-core` that exists for
//! it; this crate and `pgcast-core` pin each other's exact version.
//! The derives' parsing, checks and code generation live in `derive/`; the
//! functions here only dispatch.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod derive;
mod expand;
mod format;
mod input;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Composes a query from a format string checked at compile time.
///
/// Holes: `{}` (next positional argument), `{0}` (by index), `{name}` (a
/// named argument, or else the variable `name` in scope, like `format!`),
/// each with an optional kind:
///
/// | hole        | the argument                                  | renders          |
/// |-------------|-----------------------------------------------|------------------|
/// | `{x}`       | a value (bound) or any composable (as it is)  | `$n`             |
/// | `{x:i}`     | `&str`, `String` or `Identifier`              | `"x"`            |
/// | `{x:l}`     | a value or a `Literal`                        | `'…'`            |
/// | `{x:q}`     | a composable (`Sql`, `Composed`, …)           | its own text     |
///
/// `{{` and `}}` are literal braces. Unbalanced braces, mixing `{}` with
/// `{0}`, a missing or unused argument and an unknown kind are compile errors.
///
/// A `{x}` or `{x:l}` value is never copied while the query is built and
/// rendered: a captured variable is borrowed for the query's life (like
/// `format!`; small scalars — `bool`, integers, floats — are copied), a
/// reference (`&str`, `&[u8]`, `&T`) is used for its own life, and a value
/// passed as an argument is moved in. The result is a
/// `pgcast::sql::Composed<'a>` that lives as long as what it borrows; to
/// return a query built from a function's owned locals, pass them as
/// arguments (`sql!("… {}", name)`) or call `.into_owned()`. Names and
/// composables are borrowed and copied. Identifiers, each `{x}`'s `$n` and
/// literals of integers, booleans and strings are written into the query's
/// text as it is built, so rendering such a query copies its text. An
/// invalid identifier (empty, over 63 bytes, NUL) is reported when it is
/// rendered.
///
/// ```ignore
/// // (run by the `pgcast` crate's tests: tests/sql_macro.rs)
/// use pgcast::sql::Composed;
///
/// fn by_email(email: &str, min_id: i64) -> Composed<'_> {
///     pgcast::sql!("SELECT id FROM users WHERE email = {email} AND id > {min_id}")
/// }
/// let email = String::from("ann@example.com");
/// assert_eq!(by_email(&email, 1).render().unwrap().params().len(), 2);
/// ```
///
/// `sql!(crate = my::pgcast, "…")` names where pgcast is, for crates that
/// re-export it, as the derives' `#[pg(crate = "…")]` does.
#[proc_macro]
pub fn sql(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as input::Input);
    expand::expand(&input)
        .unwrap_or_else(|e| {
            // Every error at once, in a block of the type `sql!` has, so the
            // compiler adds no follow-up errors of its own.
            let errors = e.into_compile_error();
            let k = match &input.krate {
                Some(path) => quote::quote! { #path },
                None => quote::quote! { ::pgcast },
            };
            quote::quote! {{ #errors #k::sql::Composed::new() }}
        })
        .into()
}

/// Implements `pgcast::row::FromRow`: a row decoded into the struct, named
/// fields by column name, tuple fields by position. Attributes go under
/// `#[pg(...)]`; see `pgcast::FromRow`.
#[proc_macro_derive(FromRow, attributes(pg))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive::from_row::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `pgcast::row::ToRow`: the struct's column names and values,
/// for multi-row `VALUES` and `COPY`. Attributes go under `#[pg(...)]`; see
/// `pgcast::ToRow`.
#[proc_macro_derive(ToRow, attributes(pg))]
pub fn derive_to_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive::to_row::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `Load`, `Dump`, `StaticType` and `row::Scalar` for a struct
/// with named fields as a PostgreSQL composite type, its fields matched to
/// the type's attributes by name. See `pgcast::PgComposite`.
#[proc_macro_derive(PgComposite, attributes(pg))]
pub fn derive_pg_composite(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive::pg_type::expand_composite(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `Load`, `Dump`, `StaticType` and `row::Scalar` for an enum of
/// unit variants as a PostgreSQL enum, variants matched to labels. See
/// `pgcast::PgEnum`.
#[proc_macro_derive(PgEnum, attributes(pg))]
pub fn derive_pg_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive::pg_type::expand_enum(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `Load`, `Dump`, `StaticType` and `row::Scalar` for a struct
/// of one field by delegating to the field's type, domains looked through.
/// See `pgcast::PgTransparent`.
#[proc_macro_derive(PgTransparent, attributes(pg))]
pub fn derive_pg_transparent(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive::pg_type::expand_transparent(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
