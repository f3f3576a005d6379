//! Derives on Rust types, built like serde_derive: `internals` turns the
//! input into a checked intermediate representation (attributes parsed into
//! plain structs, every error collected with its span), and each derive
//! generates code from that representation only.
//!
//! Generated code names pgcast only through `__pgcast`, the alias that
//! [`wrap_in_const`] imports for the hidden, versioned module
//! `pgcast_core::__private::v1`: never a public path of pgcast, which would
//! then have to stay where it is for the derives' sake.

mod bound;
pub mod from_row;
pub mod internals;
pub mod pg_type;
pub mod to_row;

use proc_macro2::TokenStream;
use quote::quote;

/// `const _: () = { use <krate>::__private::v1 as __pgcast; <body> };`: the
/// generated impls in an anonymous scope, with the one import they name
/// pgcast through (see [`private`]).
pub fn wrap_in_const(krate: &syn::Path, body: TokenStream) -> TokenStream {
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[allow(unused_imports)]
            use #krate::__private::v1 as __pgcast;
            #body
        };
    }
}

/// The path generated code names pgcast's items through: the alias that
/// [`wrap_in_const`] imports.
pub fn private() -> TokenStream {
    quote!(__pgcast)
}

#[cfg(test)]
mod tests {
    use proc_macro2::{TokenStream, TokenTree};

    /// Every path of `tokens` that starts with the crate path `pg`, as text.
    fn crate_paths(tokens: TokenStream, out: &mut Vec<String>) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(group) => crate_paths(group.stream(), out),
                TokenTree::Ident(ident) if ident == "pg" => {
                    let mut path = ident.to_string();
                    let mut rest = &trees[i + 1..];
                    while let [
                        TokenTree::Punct(a),
                        TokenTree::Punct(b),
                        TokenTree::Ident(next),
                        ..,
                    ] = rest
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        path.push_str(&format!("::{next}"));
                        rest = &rest[3..];
                    }
                    out.push(path);
                }
                _ => {}
            }
        }
    }

    /// Every derive, with every attribute that changes what it generates,
    /// names pgcast through the private module only: once, in the import
    /// of `wrap_in_const`.
    #[test]
    fn generated_code_names_only_the_private_module() {
        let expansions = [
            super::from_row::expand(&syn::parse_quote! {
                #[pg(crate = "pg")]
                struct Parent<'r> {
                    #[pg(key)]
                    id: i64,
                    name: &'r str,
                    #[pg(json)]
                    doc: Doc,
                    #[pg(json(nullable))]
                    more: Doc,
                    #[pg(try_from = "i64")]
                    small: u8,
                    #[pg(with = "load_it")]
                    custom: Custom,
                    #[pg(default)]
                    extra: i32,
                    #[pg(skip)]
                    skipped: i32,
                    #[pg(flatten, prefix = "a_")]
                    author: Option<Author>,
                    #[pg(many, prefix = "c_")]
                    children: Vec<Child>,
                }
            }),
            super::to_row::expand(&syn::parse_quote! {
                #[pg(crate = "pg")]
                struct Out {
                    id: i64,
                    #[pg(json)]
                    doc: Doc,
                    #[pg(redact)]
                    secret: String,
                    #[pg(flatten, prefix = "a_")]
                    author: Author,
                }
            }),
            super::pg_type::expand_composite(&syn::parse_quote! {
                #[pg(crate = "pg", name = "app.pair")]
                struct Pair {
                    a: i32,
                    #[pg(redact)]
                    b: String,
                }
            }),
            super::pg_type::expand_enum(&syn::parse_quote! {
                #[pg(crate = "pg")]
                enum Mood {
                    Sad,
                    #[pg(other)]
                    Other(String),
                }
            }),
            super::pg_type::expand_enum(&syn::parse_quote! {
                #[pg(crate = "pg", repr = "int2")]
                enum Level {
                    Low = 1,
                    High = 2,
                }
            }),
            super::pg_type::expand_transparent(&syn::parse_quote! {
                #[pg(crate = "pg")]
                struct Email(String);
            }),
        ];
        for expansion in expansions {
            let tokens = expansion.unwrap();
            let text = tokens.to_string();
            let mut paths = Vec::new();
            crate_paths(tokens, &mut paths);
            let consts = text.matches("const _ : () =").count();
            assert!(!paths.is_empty(), "{text}");
            assert!(
                paths.iter().all(|p| p == "pg::__private::v1"),
                "{paths:?} in {text}"
            );
            assert!(paths.len() <= consts, "{paths:?} in {text}");
            assert!(!text.contains(":: row ::"), "{text}");
            assert!(!text.contains(":: types ::"), "{text}");
        }
    }
}
