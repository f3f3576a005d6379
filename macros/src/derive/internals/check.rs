//! Semantic checks of a parsed input: its shape for the derive, attributes
//! that do not go together, attributes that do not fit the struct's style.
//! Every problem is recorded; none stops the others from being found.

use std::collections::HashMap;

use proc_macro2::Span;

use super::ast::{Container, Data, Field, Style, option_inner, vec_inner};
use super::attr::Located;
use super::{Ctxt, Derive};

/// Runs every check of `derive` on `cont`.
pub fn check(cx: &Ctxt, cont: &Container<'_>, derive: Derive) {
    if derive.is_pg_type() {
        super::check_pg_type::check(cx, cont, derive);
        return;
    }
    if let Some(name) = &cont.attrs.name {
        cx.syn_error(syn::Error::new(
            name.span,
            format!(
                "`name` does not apply to `#[derive({})]`: it names the PostgreSQL type of `#[derive(PgComposite)]` and `#[derive(PgEnum)]`",
                derive.name()
            ),
        ));
    }
    if let Some(repr) = &cont.attrs.repr {
        cx.syn_error(syn::Error::new(
            repr.span,
            format!(
                "`repr` does not apply to `#[derive({})]`: it stores a `#[derive(PgEnum)]` as integers",
                derive.name()
            ),
        ));
    }
    let Data::Struct(style, fields) = &cont.data else {
        check_shape(cx, cont, derive);
        return;
    };
    check_container(cx, cont, *style, derive);
    for field in fields {
        check_field(cx, field, *style);
    }
    check_duplicate_columns(cx, fields, "column");
    match derive {
        Derive::ToRow => check_to_row(cx, cont, *style, fields),
        Derive::FromRow => check_grouping(cx, fields),
        _ => {}
    }
}

fn check_shape(cx: &Ctxt, cont: &Container<'_>, derive: Derive) {
    let what = match derive {
        Derive::FromRow => "named fields map columns by name, tuple fields by position",
        _ => "its named fields are the columns",
    };
    match (&cont.data, &cont.original.data) {
        (_, syn::Data::Enum(data)) => cx.error_spanned_by(
            data.enum_token,
            format!(
                "`#[derive({})]` needs a struct ({what}), not an enum",
                derive.name()
            ),
        ),
        (Data::Union(data), _) => cx.error_spanned_by(
            data.union_token,
            format!(
                "`#[derive({})]` needs a struct ({what}), not a union",
                derive.name()
            ),
        ),
        _ => {}
    }
}

fn check_container(cx: &Ctxt, cont: &Container<'_>, style: Style, derive: Derive) {
    if style != Style::Tuple {
        return;
    }
    let by_position = "a tuple struct maps columns by position, not by name";
    if let Some(rule) = &cont.attrs.rename_all {
        cx.syn_error(syn::Error::new(
            rule.span,
            format!("`rename_all` does not apply here: {by_position}"),
        ));
    }
    if derive == Derive::FromRow
        && let Some(default) = &cont.attrs.default
    {
        cx.syn_error(syn::Error::new(
            default.span,
            format!("`default` does not apply here: {by_position}, so no column is ever absent"),
        ));
    }
}

/// The attributes of a field that were given, by keyword, in a fixed order.
pub fn given(field: &Field<'_>) -> Vec<(&'static str, Span)> {
    fn at<T>(name: &'static str, attr: &Option<Located<T>>) -> Option<(&'static str, Span)> {
        attr.as_ref().map(|a| (name, a.span))
    }
    let a = &field.attrs;
    [
        at("skip", &a.skip),
        at("flatten", &a.flatten),
        at("rename", &a.rename),
        at("prefix", &a.prefix),
        at("default", &a.default),
        at("json", &a.json),
        at("try_from", &a.try_from),
        at("with", &a.with),
        at("key", &a.key),
        at("many", &a.many),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn conflict(first: &str, second: &str) -> Option<&'static str> {
    match (first, second) {
        ("skip", _) => Some("a skipped field has no column"),
        ("flatten", "rename") => {
            Some("a flattened field's columns come from its own type; use `prefix` to rename them")
        }
        ("flatten", "prefix") => None,
        ("flatten", "many") => {
            Some("`many` reads the columns of its element type already; drop `flatten`")
        }
        ("flatten", _) => Some("a flattened field's columns come from its own type"),
        ("json" | "try_from", "try_from" | "with") => Some("each one says how the value is loaded"),
        ("rename", "many") => {
            Some("a `many` field's columns come from its element type; use `prefix` to rename them")
        }
        ("default" | "json" | "try_from" | "with", "many") => {
            Some("a `many` field's columns come from its element type")
        }
        ("key", "many") => Some("a key is a column of the parent row; `many` holds the child rows"),
        _ => None,
    }
}

fn check_field(cx: &Ctxt, field: &Field<'_>, style: Style) {
    let given = given(field);
    for (i, (first, _)) in given.iter().enumerate() {
        for (second, span) in &given[i + 1..] {
            if let Some(why) = conflict(first, second) {
                cx.syn_error(syn::Error::new(
                    *span,
                    format!("`{first}` and `{second}` cannot be used together: {why}"),
                ));
            }
        }
    }
    let a = &field.attrs;
    if let (Some(prefix), None, None) = (&a.prefix, &a.flatten, &a.many) {
        cx.syn_error(syn::Error::new(
            prefix.span,
            "`prefix` applies to `flatten` and `many` fields only: it prefixes the nested type's column names",
        ));
    }
    if style == Style::Tuple {
        for (name, span) in &given {
            if matches!(*name, "rename" | "flatten" | "prefix" | "default" | "many") {
                cx.syn_error(syn::Error::new(
                    *span,
                    format!(
                        "`{name}` does not apply to a tuple struct field: tuple struct fields map columns by position"
                    ),
                ));
            }
        }
    }
}

/// Two named fields reading the same column (or attribute) is a mistake.
pub fn check_duplicate_columns(cx: &Ctxt, fields: &[Field<'_>], what: &str) {
    let mut seen: HashMap<&str, &Field<'_>> = HashMap::new();
    for field in fields {
        let a = &field.attrs;
        if field.column.is_empty() || a.skip.is_some() || a.flatten.is_some() {
            continue;
        }
        if let Some(first) = seen.get(field.column.as_str()) {
            let span = a
                .rename
                .as_ref()
                .map(|r| r.span)
                .unwrap_or_else(|| syn::spanned::Spanned::span(&field.member));
            cx.syn_error(syn::Error::new(
                span,
                format!(
                    "field `{}` maps to {what} \"{}\", as field `{}` does; rename one of them",
                    member_name(&field.member),
                    field.column,
                    member_name(&first.member),
                ),
            ));
        } else {
            seen.insert(&field.column, field);
        }
    }
}

pub fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(ident) => ident.to_string(),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}

/// `many` fields need a `Vec` type and key fields beside them; key fields
/// need a `many` field to group.
fn check_grouping(cx: &Ctxt, fields: &[Field<'_>]) {
    let many: Vec<_> = fields
        .iter()
        .filter_map(|f| f.attrs.many.as_ref().map(|m| (f, m.span)))
        .collect();
    let keys: Vec<_> = fields
        .iter()
        .filter_map(|f| f.attrs.key.as_ref().map(|k| k.span))
        .collect();
    for (field, span) in &many {
        if vec_inner(field.ty).is_none() {
            cx.syn_error(syn::Error::new(
                *span,
                "`many` needs a field of type `Vec<T>`, `T` the row type of one child",
            ));
        }
        if keys.is_empty() {
            cx.syn_error(syn::Error::new(
                *span,
                "`many` needs the parent's key: mark the fields that identify the parent with `#[pg(key)]`; rows with the same key are folded into one parent",
            ));
        }
    }
    for (_, span) in many.iter().skip(1) {
        cx.syn_error(syn::Error::new(
            *span,
            "only one `many` field per struct: two joined lists come back as the product of their rows; load the other with `json_agg` into a `#[pg(json)]` field",
        ));
    }
    if many.is_empty() {
        for span in keys {
            cx.syn_error(syn::Error::new(
                span,
                "`key` groups the rows of `many` fields, and this struct has none; mark the `Vec` of child rows with `#[pg(many)]`",
            ));
        }
    }
}

fn check_to_row(cx: &Ctxt, cont: &Container<'_>, style: Style, fields: &[Field<'_>]) {
    for field in fields {
        let a = &field.attrs;
        if let Some(many) = &a.many {
            cx.syn_error(syn::Error::new(
                many.span,
                "`many` does not apply to `#[derive(ToRow)]`: a row holds one value per column, not a list of child rows",
            ));
        }
        if let Some(flatten) = &a.flatten
            && option_inner(field.ty).is_some()
        {
            cx.syn_error(syn::Error::new(
                flatten.span,
                "`#[derive(ToRow)]` cannot flatten an `Option<T>`: a row writes every column of its type",
            ));
        }
    }
    if style == Style::Tuple {
        cx.error_spanned_by(
            &cont.ident,
            "`#[derive(ToRow)]` needs named fields: the field names are the column names",
        );
    }
    if cont.generics.type_params().next().is_some() {
        for field in fields {
            if let Some(flatten) = &field.attrs.flatten {
                cx.syn_error(syn::Error::new(
                    flatten.span,
                    "`#[derive(ToRow)]` cannot flatten in a struct with type parameters: its column list is built once, for every instance",
                ));
            }
        }
    }
}
