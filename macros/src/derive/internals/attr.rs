//! `#[pg(...)]` attributes parsed into plain structs. Parsing records every
//! problem in the [`Ctxt`] and goes on, so one expansion reports them all:
//! unknown keywords, duplicates, values of the wrong form. Combinations are
//! judged later, in `check`.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Token, parenthesized};

use super::Ctxt;
use super::case::RenameRule;
use super::symbol::*;

/// An attribute's value and where it was written, for error messages.
#[derive(Clone, Debug)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// The span of the attribute's keyword.
    pub span: Span,
}

/// One attribute that may be given at most once.
struct Attr<'c, T> {
    cx: &'c Ctxt,
    name: Symbol,
    value: Option<Located<T>>,
}

impl<'c, T> Attr<'c, T> {
    fn none(cx: &'c Ctxt, name: Symbol) -> Self {
        Attr {
            cx,
            name,
            value: None,
        }
    }

    fn set(&mut self, path: &syn::Path, value: T) {
        if self.value.is_some() {
            self.cx
                .error_spanned_by(path, format!("duplicate pg attribute `{}`", self.name));
        } else {
            self.value = Some(Located {
                value,
                span: path.span(),
            });
        }
    }

    fn get(self) -> Option<Located<T>> {
        self.value
    }
}

/// The `json` field attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Json {
    /// `json(nullable)`: SQL NULL gives `Default::default()`.
    pub nullable: bool,
}

/// Attributes of the struct (or enum) itself.
pub struct Container {
    /// `rename_all = "rule"`.
    pub rename_all: Option<Located<RenameRule>>,
    /// `default`: every absent column gives its field's `Default::default()`.
    pub default: Option<Located<()>>,
    /// `crate = "path"`: where the pgcast crate is.
    pub crate_path: Option<Located<syn::Path>>,
    /// `name = "schema.type"`: the PostgreSQL type's name, in SQL syntax.
    pub name: Option<Located<TypeName>>,
    /// `repr = "int4"`: an enum stored as its discriminants.
    pub repr: Option<Located<IntRepr>>,
}

/// The integer type of `#[pg(repr = "...")]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntRepr {
    /// `int2` (`smallint`).
    Int2,
    /// `int4` (`integer`).
    Int4,
    /// `int8` (`bigint`).
    Int8,
}

impl IntRepr {
    /// Parses the value of `repr`: the type's name in PostgreSQL.
    pub fn parse(text: &str) -> Result<IntRepr, String> {
        match text {
            "int2" | "smallint" => Ok(IntRepr::Int2),
            "int4" | "integer" | "int" => Ok(IntRepr::Int4),
            "int8" | "bigint" => Ok(IntRepr::Int8),
            _ => Err(format!(
                "unknown `repr` {text:?}; expected \"int2\", \"int4\" or \"int8\" (the integer column's type)"
            )),
        }
    }

    /// The PostgreSQL type's name.
    pub fn name(self) -> &'static str {
        match self {
            IntRepr::Int2 => "int2",
            IntRepr::Int4 => "int4",
            IntRepr::Int8 => "int8",
        }
    }
}

/// A PostgreSQL type's name, unquoted parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeName {
    /// The schema, if the name was qualified.
    pub schema: Option<String>,
    /// The type's own name.
    pub name: String,
}

impl TypeName {
    /// Parses a name as SQL writes it, with PostgreSQL's rules: `mood`,
    /// `App.Mood` (unquoted parts fold to lower case: `app.mood`),
    /// `"Other Schema"."My Type"` (quoted parts kept as written). The same
    /// rules as `pgcast_core::adapt::TypeName::parse`, through a copy of its
    /// function ([`super::type_name`]).
    pub fn parse(text: &str) -> Result<TypeName, String> {
        let (schema, name) = super::type_name::parse_type_name(text)?;
        Ok(TypeName { schema, name })
    }
}

const CONTAINER_KEYWORDS: &str = "`rename_all`, `default`, `crate`, `name`, `repr`";
const FIELD_KEYWORDS: &str = "`rename`, `default`, `flatten`, `prefix`, `skip`, `json`, `try_from`, `with`, `key`, `many`, `redact`";

impl Container {
    /// Parses the container's `#[pg(...)]` attributes.
    pub fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Container {
        let mut rename_all = Attr::none(cx, RENAME_ALL);
        let mut default = Attr::none(cx, DEFAULT);
        let mut crate_path = Attr::none(cx, CRATE);
        let mut name = Attr::none(cx, NAME);
        let mut repr = Attr::none(cx, REPR);

        for attr in pg_attrs(&input.attrs) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path == RENAME_ALL {
                    if let Some(lit) = string_value(cx, RENAME_ALL, &meta)? {
                        match RenameRule::from_str(&lit.value()) {
                            Ok(rule) => rename_all.set(&meta.path, rule),
                            Err(err) => cx.error_spanned_by(&lit, err),
                        }
                    }
                } else if meta.path == DEFAULT {
                    if flag(cx, DEFAULT, &meta)? {
                        default.set(&meta.path, ());
                    }
                } else if meta.path == CRATE {
                    if let Some(lit) = string_value(cx, CRATE, &meta)? {
                        match lit.parse::<syn::Path>() {
                            Ok(path) => crate_path.set(&meta.path, path),
                            Err(_) => cx.error_spanned_by(
                                &lit,
                                format!(
                                    "`crate` expects the path of the pgcast crate, like \"::pgcast\"; {:?} is not a path",
                                    lit.value()
                                ),
                            ),
                        }
                    }
                } else if meta.path == NAME {
                    if let Some(lit) = string_value(cx, NAME, &meta)? {
                        match TypeName::parse(&lit.value()) {
                            Ok(parsed) => name.set(&meta.path, parsed),
                            Err(err) => cx.error_spanned_by(
                                &lit,
                                format!("bad `name`: {err}"),
                            ),
                        }
                    }
                } else if meta.path == REPR {
                    if let Some(lit) = string_value(cx, REPR, &meta)? {
                        match IntRepr::parse(&lit.value()) {
                            Ok(parsed) => repr.set(&meta.path, parsed),
                            Err(err) => cx.error_spanned_by(&lit, err),
                        }
                    }
                } else {
                    unknown(cx, &meta, "container", CONTAINER_KEYWORDS)?;
                }
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }

        Container {
            rename_all: rename_all.get(),
            default: default.get(),
            crate_path: crate_path.get(),
            name: name.get(),
            repr: repr.get(),
        }
    }
}

/// Attributes of one field.
pub struct Field {
    /// `rename = "column"`.
    pub rename: Option<Located<String>>,
    /// `default`: `Default::default()` when the column is absent.
    pub default: Option<Located<()>>,
    /// `flatten`: a nested row type.
    pub flatten: Option<Located<()>>,
    /// `prefix = "p_"`, with `flatten`.
    pub prefix: Option<Located<String>>,
    /// `skip`: no column.
    pub skip: Option<Located<()>>,
    /// `json` or `json(nullable)`.
    pub json: Option<Located<Json>>,
    /// `try_from = "Type"`.
    pub try_from: Option<Located<syn::Type>>,
    /// `with = "path::to::loader"`.
    pub with: Option<Located<syn::ExprPath>>,
    /// `key`: part of the parent's key, for `many` fields.
    pub key: Option<Located<()>>,
    /// `many`: the `Vec` of child rows of a one-to-many join.
    pub many: Option<Located<()>>,
    /// `redact`: the value is sent as it is, and logged as `'<redacted>'`.
    pub redact: Option<Located<()>>,
}

impl Field {
    /// Parses a field's `#[pg(...)]` attributes.
    pub fn from_ast(cx: &Ctxt, field: &syn::Field) -> Field {
        let mut rename = Attr::none(cx, RENAME);
        let mut default = Attr::none(cx, DEFAULT);
        let mut flatten = Attr::none(cx, FLATTEN);
        let mut prefix = Attr::none(cx, PREFIX);
        let mut skip = Attr::none(cx, SKIP);
        let mut json = Attr::none(cx, JSON);
        let mut try_from = Attr::none(cx, TRY_FROM);
        let mut with = Attr::none(cx, WITH);
        let mut key = Attr::none(cx, KEY);
        let mut many = Attr::none(cx, MANY);
        let mut redact = Attr::none(cx, REDACT);

        for attr in pg_attrs(&field.attrs) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path == RENAME {
                    if let Some(lit) = string_value(cx, RENAME, &meta)? {
                        if lit.value().is_empty() {
                            cx.error_spanned_by(&lit, "`rename` needs a column name, not \"\"");
                        } else {
                            rename.set(&meta.path, lit.value());
                        }
                    }
                } else if meta.path == DEFAULT {
                    if flag(cx, DEFAULT, &meta)? {
                        default.set(&meta.path, ());
                    }
                } else if meta.path == FLATTEN {
                    if flag(cx, FLATTEN, &meta)? {
                        flatten.set(&meta.path, ());
                    }
                } else if meta.path == PREFIX {
                    if let Some(lit) = string_value(cx, PREFIX, &meta)? {
                        prefix.set(&meta.path, lit.value());
                    }
                } else if meta.path == SKIP {
                    if flag(cx, SKIP, &meta)? {
                        skip.set(&meta.path, ());
                    }
                } else if meta.path == JSON {
                    let mut nullable = false;
                    if meta.input.peek(syn::token::Paren) {
                        meta.parse_nested_meta(|option| {
                            if option.path == NULLABLE {
                                nullable = true;
                                Ok(())
                            } else {
                                Err(option.error(format!(
                                    "unknown option `{}` of `json`; the only one is `nullable`",
                                    path_name(&option.path)
                                )))
                            }
                        })?;
                    } else if meta.input.peek(Token![=]) {
                        cx.error_spanned_by(
                            &meta.path,
                            "`json` takes no value; write `json` or `json(nullable)`",
                        );
                        skip_value(&meta)?;
                        return Ok(());
                    }
                    json.set(&meta.path, Json { nullable });
                } else if meta.path == TRY_FROM {
                    if let Some(lit) = string_value(cx, TRY_FROM, &meta)? {
                        match lit.parse::<syn::Type>() {
                            Ok(ty) => try_from.set(&meta.path, ty),
                            Err(_) => cx.error_spanned_by(
                                &lit,
                                format!("`try_from` expects a type, like \"i64\"; {:?} is not a type", lit.value()),
                            ),
                        }
                    }
                } else if meta.path == WITH {
                    if let Some(lit) = string_value(cx, WITH, &meta)? {
                        match lit.parse::<syn::ExprPath>() {
                            Ok(path) => with.set(&meta.path, path),
                            Err(_) => cx.error_spanned_by(
                                &lit,
                                format!(
                                    "`with` expects the path of a loader function, like \"my_mod::load\"; {:?} is not a path",
                                    lit.value()
                                ),
                            ),
                        }
                    }
                } else if meta.path == KEY {
                    if flag(cx, KEY, &meta)? {
                        key.set(&meta.path, ());
                    }
                } else if meta.path == MANY {
                    if flag(cx, MANY, &meta)? {
                        many.set(&meta.path, ());
                    }
                } else if meta.path == REDACT {
                    if flag(cx, REDACT, &meta)? {
                        redact.set(&meta.path, ());
                    }
                } else {
                    unknown(cx, &meta, "field", FIELD_KEYWORDS)?;
                }
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }

        Field {
            rename: rename.get(),
            default: default.get(),
            flatten: flatten.get(),
            prefix: prefix.get(),
            skip: skip.get(),
            json: json.get(),
            try_from: try_from.get(),
            with: with.get(),
            key: key.get(),
            many: many.get(),
            redact: redact.get(),
        }
    }
}

/// Attributes of one enum variant (for derives on enums).
pub struct Variant {
    /// `rename = "label"`.
    pub rename: Option<Located<String>>,
    /// `other`: the catch-all variant, holding any label the others lack.
    pub other: Option<Located<()>>,
}

impl Variant {
    /// Parses a variant's `#[pg(...)]` attributes.
    pub fn from_ast(cx: &Ctxt, variant: &syn::Variant) -> Variant {
        let mut rename = Attr::none(cx, RENAME);
        let mut other = Attr::none(cx, OTHER);
        for attr in pg_attrs(&variant.attrs) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path == RENAME {
                    if let Some(lit) = string_value(cx, RENAME, &meta)? {
                        if lit.value().is_empty() {
                            cx.error_spanned_by(&lit, "`rename` needs a label, not \"\"");
                        } else {
                            rename.set(&meta.path, lit.value());
                        }
                    }
                } else if meta.path == OTHER {
                    // set even when misspelt with a value, so the variant is
                    // not also reported as a label variant with fields
                    flag(cx, OTHER, &meta)?;
                    other.set(&meta.path, ());
                } else {
                    unknown(cx, &meta, "variant", "`rename`, `other`")?;
                }
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }
        Variant {
            rename: rename.get(),
            other: other.get(),
        }
    }
}

fn pg_attrs(attrs: &[syn::Attribute]) -> impl Iterator<Item = &syn::Attribute> {
    attrs.iter().filter(|attr| attr.path() == PG)
}

fn path_name(path: &syn::Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

/// Records an unknown keyword and skips its value, so parsing goes on.
fn unknown(cx: &Ctxt, meta: &ParseNestedMeta<'_>, what: &str, expected: &str) -> syn::Result<()> {
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown pg {what} attribute `{}`; expected one of {expected}",
            path_name(&meta.path)
        ),
    );
    skip_value(meta)
}

fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// A keyword without a value; `false` (and an error) if one was given.
fn flag(cx: &Ctxt, name: Symbol, meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        cx.error_spanned_by(
            &meta.path,
            format!("`{name}` takes no value; write `#[pg({name})]`"),
        );
        skip_value(meta)?;
        return Ok(false);
    }
    Ok(true)
}

/// The string of `name = "..."`; `None` (and an error) for another form.
fn string_value(
    cx: &Ctxt,
    name: Symbol,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<Option<syn::LitStr>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(
            &meta.path,
            format!("`{name}` needs a value: `{name} = \"...\"`"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    let expr: syn::Expr = meta.value()?.parse()?;
    match &expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        }) => Ok(Some(lit.clone())),
        _ => {
            cx.error_spanned_by(
                &expr,
                format!("`{name}` expects a string literal: `{name} = \"...\"`"),
            );
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TypeName;

    fn parse(s: &str) -> Result<(Option<String>, String), String> {
        TypeName::parse(s).map(|t| (t.schema, t.name))
    }

    #[test]
    fn type_names_in_sql_syntax() {
        assert_eq!(parse("mood"), Ok((None, "mood".into())));
        assert_eq!(
            parse("app.mood_2$"),
            Ok((Some("app".into()), "mood_2$".into()))
        );
        assert_eq!(
            parse(r#""Other Schema"."My ""Type""""#),
            Ok((Some("Other Schema".into()), "My \"Type\"".into()))
        );
        assert_eq!(parse(r#""a.b""#), Ok((None, "a.b".into())));
        // Unquoted parts fold to lower case, as PostgreSQL reads them.
        assert_eq!(parse("App.Mood"), Ok((Some("app".into()), "mood".into())));
        assert_eq!(parse(r#""Mood""#), Ok((None, "Mood".into())));
        for bad in [
            "",
            "\"\"",
            "a.b.c",
            "app.",
            ".x",
            "\"x",
            "\"x\"y",
            "1abc",
            &"x".repeat(64),
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
