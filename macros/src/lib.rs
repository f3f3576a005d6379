//! The macros of pgcast: `#[derive(FromRow)]` and `#[derive(ToRow)]`.
//!
//! Use them through the `pgcast` crate, which re-exports them next to the
//! traits they implement and documents their attributes. This crate only
//! dispatches: parsing, checks and code generation live in `derive/`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

mod derive;

/// Implements `pgcast::row::FromRow`: a row decoded into the struct, named
/// fields by column name, tuple fields by position. Attributes go under
/// `#[pg(...)]`; see `pgcast::row`.
#[proc_macro_derive(FromRow, attributes(pg))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive::from_row::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `pgcast::row::ToRow`: the struct's column names and values,
/// for multi-row `VALUES` and `COPY`. Attributes go under `#[pg(...)]`.
#[proc_macro_derive(ToRow, attributes(pg))]
pub fn derive_to_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive::to_row::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
