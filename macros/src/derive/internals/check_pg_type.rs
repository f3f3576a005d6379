//! Checks of the derives that map a Rust type to a PostgreSQL type:
//! `PgComposite` (a struct with named fields), `PgEnum` (an enum of unit
//! variants) and `PgTransparent` (a struct of one field).

use std::collections::HashMap;

use super::ast::{Container, Data, Style};
use super::check::{check_duplicate_columns, given};
use super::{Ctxt, Derive};

/// Runs the checks of `derive`, one of the PostgreSQL type derives.
pub fn check(cx: &Ctxt, cont: &Container<'_>, derive: Derive) {
    let wants = match derive {
        Derive::PgComposite => {
            "a struct with named fields (they map to the composite's attributes by name)"
        }
        Derive::PgEnum => "an enum of unit variants (they map to the enum's labels)",
        _ => "a struct of exactly one field (its type does the work)",
    };
    let shape_error = |span: &dyn quote::ToTokens, what: &str| {
        cx.error_spanned_by(
            span,
            format!("`#[derive({})]` needs {wants}, not {what}", derive.name()),
        )
    };
    match (&cont.data, &cont.original.data, derive) {
        (Data::Union(data), _, _) => shape_error(&data.union_token, "a union"),
        (Data::Enum(variants), _, Derive::PgEnum) => {
            check_enum(cx, &cont.ident, variants);
            check_other(cx, cont, variants);
            check_repr(cx, cont, variants);
        }
        (_, syn::Data::Enum(data), _) => shape_error(&data.enum_token, "an enum"),
        (_, syn::Data::Struct(data), Derive::PgEnum) => shape_error(&data.struct_token, "a struct"),
        (Data::Struct(Style::Named, fields), _, Derive::PgComposite) => {
            for field in fields {
                for (name, span) in given(field) {
                    if name != "rename" {
                        cx.syn_error(syn::Error::new(
                            span,
                            format!("`{name}` does not apply to a `#[derive(PgComposite)]` field: only `rename` does (every attribute of the type must have its field)"),
                        ));
                    }
                }
            }
            check_duplicate_columns(cx, fields, "attribute");
        }
        (Data::Struct(style, _), syn::Data::Struct(data), Derive::PgComposite) => shape_error(
            &data.struct_token,
            if *style == Style::Tuple {
                "a tuple struct"
            } else {
                "a unit struct"
            },
        ),
        (Data::Struct(_, fields), syn::Data::Struct(data), _) => {
            if fields.len() != 1 {
                shape_error(
                    &data.struct_token,
                    &format!("a struct of {} fields", fields.len()),
                );
            }
            for field in fields {
                for (name, span) in given(field) {
                    cx.syn_error(syn::Error::new(
                        span,
                        format!("`{name}` does not apply to a `#[derive(PgTransparent)]` field: the field's type loads and dumps the value as it is"),
                    ));
                }
            }
        }
        _ => {}
    }
    let a = &cont.attrs;
    if let Some(default) = &a.default {
        cx.syn_error(syn::Error::new(
            default.span,
            format!(
                "`default` does not apply to `#[derive({})]`: a value always has every {}",
                derive.name(),
                if derive == Derive::PgEnum {
                    "label"
                } else {
                    "attribute"
                }
            ),
        ));
    }
    if let Some(repr) = &a.repr
        && derive != Derive::PgEnum
    {
        cx.syn_error(syn::Error::new(
            repr.span,
            format!(
                "`repr` does not apply to `#[derive({})]`: it stores a `#[derive(PgEnum)]` as integers",
                derive.name()
            ),
        ));
    }
    if derive == Derive::PgTransparent {
        for (keyword, span) in [
            ("rename_all", a.rename_all.as_ref().map(|r| r.span)),
            ("name", a.name.as_ref().map(|n| n.span)),
        ] {
            if let Some(span) = span {
                cx.syn_error(syn::Error::new(
                    span,
                    format!("`{keyword}` does not apply to `#[derive(PgTransparent)]`: the type is its field's type"),
                ));
            }
        }
    }
}

fn check_enum(cx: &Ctxt, ident: &syn::Ident, variants: &[super::ast::Variant<'_>]) {
    if variants.is_empty() {
        cx.error_spanned_by(
            ident,
            "`#[derive(PgEnum)]` needs at least one variant: an enum without labels has no values",
        );
    }
    let mut seen: HashMap<&str, &syn::Ident> = HashMap::new();
    for variant in variants {
        if variant.attrs.other.is_some() {
            // the catch-all has a label only at run time (see check_other)
            continue;
        }
        if variant.style != Style::Unit {
            cx.error_spanned_by(
                &variant.original.fields,
                format!(
                    "`#[derive(PgEnum)]` needs unit variants: variant `{}` has fields, and a PostgreSQL enum value is a label only",
                    variant.ident
                ),
            );
        }
        if let Some(first) = seen.get(variant.label.as_str()) {
            let span = variant
                .attrs
                .rename
                .as_ref()
                .map(|r| r.span)
                .unwrap_or_else(|| variant.ident.span());
            cx.syn_error(syn::Error::new(
                span,
                format!(
                    "variant `{}` maps to label {:?}, as variant `{first}` does; rename one of them",
                    variant.ident, variant.label
                ),
            ));
        } else {
            seen.insert(&variant.label, &variant.ident);
        }
    }
}

/// `#[pg(other)]`: one variant at most, holding the label in its one field.
fn check_other(cx: &Ctxt, cont: &Container<'_>, variants: &[super::ast::Variant<'_>]) {
    let mut first: Option<&syn::Ident> = None;
    for variant in variants {
        let Some(other) = &variant.attrs.other else {
            continue;
        };
        if let Some(first) = first {
            cx.syn_error(syn::Error::new(
                other.span,
                format!(
                    "`other` is already on variant `{first}`: one catch-all variant takes every label the others lack"
                ),
            ));
        }
        first.get_or_insert(&variant.ident);
        if variant.style != Style::Tuple || variant.fields.len() != 1 {
            cx.error_spanned_by(
                variant.original,
                format!(
                    "the `other` variant needs exactly one unnamed field for the label, like `{}(String)`",
                    variant.ident
                ),
            );
        }
        if let Some(rename) = &variant.attrs.rename {
            cx.syn_error(syn::Error::new(
                rename.span,
                "`rename` does not apply to the `other` variant: it holds whatever label arrives",
            ));
        }
        if cont.attrs.repr.is_some() {
            cx.syn_error(syn::Error::new(
                other.span,
                "`other` does not apply with `repr`: an integer-backed enum has no labels to keep",
            ));
        }
    }
}

/// `#[pg(repr = "int4")]`: the discriminants are the values, so nothing
/// that names a label or a type applies.
fn check_repr(cx: &Ctxt, cont: &Container<'_>, variants: &[super::ast::Variant<'_>]) {
    let Some(repr) = &cont.attrs.repr else {
        return;
    };
    let column = repr.value.name();
    for (keyword, span) in [
        ("rename_all", cont.attrs.rename_all.as_ref().map(|r| r.span)),
        ("name", cont.attrs.name.as_ref().map(|n| n.span)),
    ] {
        if let Some(span) = span {
            cx.syn_error(syn::Error::new(
                span,
                format!(
                    "`{keyword}` does not apply with `repr = \"{column}\"`: the column is {column}, and each variant is its discriminant"
                ),
            ));
        }
    }
    for variant in variants {
        if let Some(rename) = &variant.attrs.rename {
            cx.syn_error(syn::Error::new(
                rename.span,
                format!(
                    "`rename` does not apply with `repr = \"{column}\"`: variant `{}` is stored as its discriminant; write `{} = 3` to choose it",
                    variant.ident, variant.ident
                ),
            ));
        }
    }
}
