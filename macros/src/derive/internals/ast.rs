//! The intermediate representation a derive works from: the input with its
//! attributes parsed and each field's column name worked out.

use syn::ext::IdentExt;
use syn::punctuated::Punctuated;

use super::{Ctxt, attr};

/// The type a derive is applied to.
pub struct Container<'a> {
    /// Its name.
    pub ident: syn::Ident,
    /// Its `#[pg(...)]` attributes.
    pub attrs: attr::Container,
    /// Its fields or variants.
    pub data: Data<'a>,
    /// Its generics.
    pub generics: &'a syn::Generics,
    /// The parsed input.
    pub original: &'a syn::DeriveInput,
}

/// A struct's fields, an enum's variants, or a union.
pub enum Data<'a> {
    /// A struct.
    Struct(Style, Vec<Field<'a>>),
    /// An enum.
    Enum(Vec<Variant<'a>>),
    /// A union (no derive supports one; kept to report it).
    Union(&'a syn::DataUnion),
}

/// The form of a struct or variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `{ a: A, b: B }`
    Named,
    /// `(A, B)`
    Tuple,
    /// No fields.
    Unit,
}

/// One field.
pub struct Field<'a> {
    /// How to access it: `self.name` or `self.0`.
    pub member: syn::Member,
    /// Its `#[pg(...)]` attributes.
    pub attrs: attr::Field,
    /// Its type.
    pub ty: &'a syn::Type,
    /// The column it maps to by name: `rename`, else the name under the
    /// container's `rename_all`, else the name (without `r#`). Empty for
    /// tuple fields, which map by position.
    pub column: String,
}

/// One enum variant.
pub struct Variant<'a> {
    /// Its name.
    pub ident: syn::Ident,
    /// The enum label it maps to: `rename`, else the name under the
    /// container's `rename_all`, else the name as written.
    pub label: String,
    /// Its `#[pg(...)]` attributes.
    pub attrs: attr::Variant,
    /// Its form.
    pub style: Style,
    /// Its fields (only `PgEnum`'s `other` variant has one).
    pub fields: Vec<Field<'a>>,
    /// The parsed variant.
    pub original: &'a syn::Variant,
}

impl<'a> Container<'a> {
    /// Parses the input; problems are recorded in `cx`.
    pub fn from_ast(cx: &Ctxt, input: &'a syn::DeriveInput) -> Container<'a> {
        let attrs = attr::Container::from_ast(cx, input);
        let rule = attrs.rename_all.as_ref().map(|r| r.value);
        let data = match &input.data {
            syn::Data::Struct(data) => {
                let (style, fields) = fields_from_ast(cx, &data.fields, rule);
                Data::Struct(style, fields)
            }
            syn::Data::Enum(data) => Data::Enum(
                data.variants
                    .iter()
                    .map(|variant| {
                        let (style, fields) = fields_from_ast(cx, &variant.fields, rule);
                        let attrs = attr::Variant::from_ast(cx, variant);
                        let name = variant.ident.unraw().to_string();
                        let label = match (&attrs.rename, rule) {
                            (Some(rename), _) => rename.value.clone(),
                            (None, Some(rule)) => rule.apply(&name),
                            (None, None) => name,
                        };
                        Variant {
                            ident: variant.ident.clone(),
                            label,
                            attrs,
                            style,
                            fields,
                            original: variant,
                        }
                    })
                    .collect(),
            ),
            syn::Data::Union(data) => Data::Union(data),
        };
        Container {
            ident: input.ident.clone(),
            attrs,
            data,
            generics: &input.generics,
            original: input,
        }
    }

    /// The path of the pgcast crate: `crate = "..."`, else `::pgcast`.
    pub fn crate_path(&self) -> syn::Path {
        match &self.attrs.crate_path {
            Some(path) => path.value.clone(),
            None => syn::parse_quote!(::pgcast),
        }
    }
}

fn fields_from_ast<'a>(
    cx: &Ctxt,
    fields: &'a syn::Fields,
    rule: Option<super::case::RenameRule>,
) -> (Style, Vec<Field<'a>>) {
    let (style, list): (Style, Option<&Punctuated<syn::Field, syn::Token![,]>>) = match fields {
        syn::Fields::Named(named) => (Style::Named, Some(&named.named)),
        syn::Fields::Unnamed(unnamed) => (Style::Tuple, Some(&unnamed.unnamed)),
        syn::Fields::Unit => (Style::Unit, None),
    };
    let fields = list
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(index, field)| {
            let attrs = attr::Field::from_ast(cx, field);
            let (member, column) = match &field.ident {
                Some(ident) => {
                    let name = ident.unraw().to_string();
                    let column = match (&attrs.rename, rule) {
                        (Some(rename), _) => rename.value.clone(),
                        (None, Some(rule)) => rule.apply(&name),
                        (None, None) => name,
                    };
                    (syn::Member::Named(ident.clone()), column)
                }
                None => (syn::Member::Unnamed(index.into()), String::new()),
            };
            Field {
                member,
                attrs,
                ty: &field.ty,
                column,
            }
        })
        .collect();
    (style, fields)
}

/// The `T` of a field type written `Option<T>` (or `std::option::Option<T>`
/// …): a flattened field of that type is read as optional.
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Option")
}

/// The `T` of a field type written `Vec<T>`: the children of a `many` field.
pub fn vec_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Vec")
}

/// The one type argument of a path type whose last segment is `name`.
fn generic_inner<'t>(ty: &'t syn::Type, name: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    match (types.next(), types.next()) {
        (Some(inner), None) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}
