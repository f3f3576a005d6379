//! `#[derive(PgComposite)]`, `#[derive(PgEnum)]` and
//! `#[derive(PgTransparent)]`: `Load`, `Dump`, `StaticType` and `Scalar`
//! for a Rust type that is a PostgreSQL type, through the run-time helpers
//! of `pgcast::types::{composite, enums}` (named, like everything generated
//! code calls, through `pgcast_core::__private::v1`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::bound::with_bounds;
use super::internals::ast::{Container, Data, Variant};
use super::internals::attr::IntRepr;
use super::internals::case::RenameRule;
use super::internals::{Ctxt, Derive, check};

/// The checked representation of `input`, or every error at once.
fn parse(input: &syn::DeriveInput, derive: Derive) -> syn::Result<Container<'_>> {
    let cx = Ctxt::new();
    let cont = Container::from_ast(&cx, input);
    check::check(&cx, &cont, derive);
    cx.check()?;
    Ok(cont)
}

/// `(schema, name)` of the PostgreSQL type: `name = "…"`, else the Rust
/// name in snake_case in `public`.
fn type_name(cont: &Container<'_>) -> (String, String) {
    match &cont.attrs.name {
        Some(name) => (
            name.value
                .schema
                .clone()
                .unwrap_or_else(|| "public".to_owned()),
            name.value.name.clone(),
        ),
        None => (
            "public".to_owned(),
            RenameRule::Snake.apply(&cont.ident.to_string()),
        ),
    }
}

/// Expands `#[derive(PgComposite)]`.
pub fn expand_composite(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cont = parse(input, Derive::PgComposite)?;
    let Data::Struct(_, fields) = &cont.data else {
        return Err(syn::Error::new(
            Span::call_site(),
            "PgComposite needs a struct",
        ));
    };
    let k = super::private();
    let ident = &cont.ident;
    let (schema, name) = type_name(&cont);
    let names: Vec<&str> = fields.iter().map(|f| f.column.as_str()).collect();
    let mut checks = Vec::new();
    let mut loads = Vec::new();
    let mut values = Vec::new();
    let mut statics = Vec::new();
    let mut predicates: Vec<syn::WherePredicate> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let ty = field.ty;
        let member = &field.member;
        let column = &field.column;
        checks.push(quote_spanned!(ty.span()=> __fields.check::<#ty>(#i)?;));
        loads.push(quote_spanned!(ty.span()=> #member: __value.load::<#ty>(#i)?));
        values.push(if field.attrs.redact.is_some() {
            quote_spanned!(ty.span()=> &#k::Redacted(&self.#member) as &dyn #k::Dump)
        } else if cont.generics.params.is_empty() {
            // Every field type is 'static: a dumper registered for it in
            // the scope of the dump applies.
            quote_spanned!(ty.span()=> &#k::InScope(&self.#member) as &dyn #k::Dump)
        } else {
            quote_spanned!(ty.span()=> &self.#member as &dyn #k::Dump)
        });
        statics.push(quote_spanned!(ty.span()=>
            (#column, <#ty as #k::StaticType>::static_type(__policy))));
        predicates.push(syn::parse_quote!(
            #ty: #k::LoadOwned + #k::Dump + #k::StaticType
        ));
    }
    let generics = with_bounds(cont.generics, predicates);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let load_generics = with_lifetime(&generics);
    let (load_impl_generics, _, _) = load_generics.split_for_impl();

    let body = quote! {
        const __NAMES: &[&str] = &[#(#names),*];

        #[automatically_derived]
        impl #load_impl_generics #k::Load<'__a> for #ident #ty_generics #where_clause {
            fn check(__ctx: &#k::Ctx<'_>) -> #k::Result<()> {
                let __fields =
                    #k::CompositeFields::resolve::<Self>(__ctx, __NAMES)?;
                #(#checks)*
                ::core::result::Result::Ok(())
            }

            fn load(__ctx: &#k::Ctx<'_>, __raw: &'__a [u8]) -> #k::Result<Self> {
                let __value =
                    #k::CompositeFields::read::<Self>(__ctx, __NAMES, __raw)?;
                ::core::result::Result::Ok(Self { #(#loads),* })
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::Dump for #ident #ty_generics #where_clause {
            fn pg_type(&self, __policy: &#k::Policy) -> #k::Type {
                <Self as #k::StaticType>::static_type(__policy)
            }

            fn dump(
                &self,
                __ctx: &#k::Ctx<'_>,
                __out: &mut #k::BytesMut,
            ) -> #k::Result<#k::IsNull> {
                #k::dump_composite::<Self>(
                    __ctx,
                    __NAMES,
                    &[#(#values),*],
                    __out,
                )
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::StaticType for #ident #ty_generics #where_clause {
            fn static_type(__policy: &#k::Policy) -> #k::Type {
                #k::composite_type(#schema, #name, ::std::vec![#(#statics),*])
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::Scalar for #ident #ty_generics #where_clause {}
    };
    Ok(super::wrap_in_const(&cont.crate_path(), body))
}

/// Expands `#[derive(PgEnum)]`.
pub fn expand_enum(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cont = parse(input, Derive::PgEnum)?;
    let Data::Enum(variants) = &cont.data else {
        return Err(syn::Error::new(Span::call_site(), "PgEnum needs an enum"));
    };
    if let Some(repr) = &cont.attrs.repr {
        return Ok(expand_int_enum(&cont, variants, repr.value));
    }
    let k = super::private();
    let ident = &cont.ident;
    let (schema, name) = type_name(&cont);
    let (others, variants): (Vec<&Variant<'_>>, Vec<&Variant<'_>>) =
        variants.iter().partition(|v| v.attrs.other.is_some());
    let labels: Vec<&str> = variants.iter().map(|v| v.label.as_str()).collect();
    let idents: Vec<&syn::Ident> = variants.iter().map(|v| &v.ident).collect();
    // The catch-all keeps a label no other variant has, and dumps it back.
    let (load_other, dump_other) = match others.first() {
        Some(other) => {
            let ty = other.fields.first().map(|f| f.ty);
            let other = &other.ident;
            let span = ty.map_or_else(|| other.span(), |ty| ty.span());
            (
                quote_spanned! {span=>
                    ::core::result::Result::Ok(Self::#other(
                        <#ty as #k::Label>::from_label(
                            #k::other_label::<Self>(__ctx, __raw)?,
                        ),
                    ))
                },
                quote_spanned! {span=>
                    Self::#other(__label) => <#ty as #k::Label>::as_label(__label),
                },
            )
        }
        None => (
            quote! {
                ::core::result::Result::Err(
                    #k::unknown_label::<Self>(__ctx, __raw, __LABELS),
                )
            },
            quote!(),
        ),
    };
    let bytes: Vec<syn::LitByteStr> = labels
        .iter()
        .map(|l| syn::LitByteStr::new(l.as_bytes(), Span::call_site()))
        .collect();
    let (impl_generics, ty_generics, where_clause) = cont.generics.split_for_impl();
    let load_generics = with_lifetime(cont.generics);
    let (load_impl_generics, _, _) = load_generics.split_for_impl();

    let body = quote! {
        const __LABELS: &[&str] = &[#(#labels),*];

        #[automatically_derived]
        impl #load_impl_generics #k::Load<'__a> for #ident #ty_generics #where_clause {
            fn check(__ctx: &#k::Ctx<'_>) -> #k::Result<()> {
                #k::check_labels::<Self>(__ctx, __LABELS)
            }

            #[inline]
            fn load(__ctx: &#k::Ctx<'_>, __raw: &'__a [u8]) -> #k::Result<Self> {
                #k::check_type::<Self>(__ctx)?;
                match __raw {
                    #(#bytes => ::core::result::Result::Ok(Self::#idents),)*
                    _ => #load_other,
                }
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::Dump for #ident #ty_generics #where_clause {
            fn pg_type(&self, __policy: &#k::Policy) -> #k::Type {
                <Self as #k::StaticType>::static_type(__policy)
            }

            #[inline]
            fn dump(
                &self,
                __ctx: &#k::Ctx<'_>,
                __out: &mut #k::BytesMut,
            ) -> #k::Result<#k::IsNull> {
                let __label: &str = match self {
                    #(Self::#idents => #labels,)*
                    #dump_other
                };
                #k::dump_label::<Self>(__ctx, __label, __out)
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::StaticType for #ident #ty_generics #where_clause {
            fn static_type(_: &#k::Policy) -> #k::Type {
                #k::enum_type(#schema, #name, __LABELS)
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::Scalar for #ident #ty_generics #where_clause {}
    };
    Ok(super::wrap_in_const(&cont.crate_path(), body))
}

/// `#[derive(PgEnum)]` with `#[pg(repr = "int4")]`: each variant is its
/// discriminant in an integer column.
fn expand_int_enum(cont: &Container<'_>, variants: &[Variant<'_>], repr: IntRepr) -> TokenStream {
    let k = super::private();
    let ident = &cont.ident;
    let idents: Vec<&syn::Ident> = variants.iter().map(|v| &v.ident).collect();
    let (min, max, ty) = match repr {
        IntRepr::Int2 => (quote!(i16::MIN), quote!(i16::MAX), quote!(INT2)),
        IntRepr::Int4 => (quote!(i32::MIN), quote!(i32::MAX), quote!(INT4)),
        IntRepr::Int8 => (quote!(i64::MIN), quote!(i64::MAX), quote!(INT8)),
    };
    // A discriminant the column cannot hold is a compile-time error. Generic
    // enums cannot be named outside their impls; they have no unit-only form
    // anyway (an unused parameter is an error of its own).
    let fits = if cont.generics.params.is_empty() {
        let asserts = idents.iter().map(|v| {
            let message = format!(
                "the discriminant of `{ident}::{v}` does not fit in {}",
                repr.name()
            );
            quote_spanned! {v.span()=>
                ::core::assert!(
                    (#ident::#v as i128) >= (#min as i128) && (#ident::#v as i128) <= (#max as i128),
                    #message
                );
            }
        });
        quote!(const _: () = { #(#asserts)* };)
    } else {
        quote!()
    };
    let (impl_generics, ty_generics, where_clause) = cont.generics.split_for_impl();
    let load_generics = with_lifetime(cont.generics);
    let (load_impl_generics, _, _) = load_generics.split_for_impl();

    let body = quote! {
        #fits

        #[automatically_derived]
        impl #load_impl_generics #k::Load<'__a> for #ident #ty_generics #where_clause {
            fn check(__ctx: &#k::Ctx<'_>) -> #k::Result<()> {
                #k::check_discriminant::<Self>(__ctx)
            }

            #[inline]
            fn load(__ctx: &#k::Ctx<'_>, __raw: &'__a [u8]) -> #k::Result<Self> {
                let __value = #k::load_discriminant::<Self>(__ctx, __raw)?;
                #(
                    if __value == Self::#idents as i64 {
                        return ::core::result::Result::Ok(Self::#idents);
                    }
                )*
                ::core::result::Result::Err(#k::unknown_discriminant::<Self>(
                    __ctx,
                    __value,
                    &[#(Self::#idents as i64),*],
                ))
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::Dump for #ident #ty_generics #where_clause {
            fn pg_type(&self, __policy: &#k::Policy) -> #k::Type {
                <Self as #k::StaticType>::static_type(__policy)
            }

            #[inline]
            fn dump(
                &self,
                __ctx: &#k::Ctx<'_>,
                __out: &mut #k::BytesMut,
            ) -> #k::Result<#k::IsNull> {
                let __value: i64 = match self {
                    #(Self::#idents => Self::#idents as i64,)*
                };
                #k::dump_discriminant::<Self>(__ctx, __value, __out)
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::StaticType for #ident #ty_generics #where_clause {
            fn static_type(_: &#k::Policy) -> #k::Type {
                #k::Type::#ty
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::Scalar for #ident #ty_generics #where_clause {}
    };
    super::wrap_in_const(&cont.crate_path(), body)
}

/// Expands `#[derive(PgTransparent)]`.
pub fn expand_transparent(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cont = parse(input, Derive::PgTransparent)?;
    let Data::Struct(_, fields) = &cont.data else {
        return Err(syn::Error::new(
            Span::call_site(),
            "PgTransparent needs a struct",
        ));
    };
    let Some(field) = fields.first() else {
        return Err(syn::Error::new(
            Span::call_site(),
            "PgTransparent needs a field",
        ));
    };
    let k = super::private();
    let ident = &cont.ident;
    let ty = field.ty;
    let member = &field.member;
    let load_predicates: Vec<syn::WherePredicate> = vec![syn::parse_quote!(#ty: #k::Load<'__a>)];
    let dump_predicates: Vec<syn::WherePredicate> = vec![syn::parse_quote!(#ty: #k::Dump)];
    let static_predicates: Vec<syn::WherePredicate> = vec![syn::parse_quote!(#ty: #k::StaticType)];
    let load_generics = with_lifetime(&with_bounds(cont.generics, load_predicates));
    let (load_impl_generics, _, load_where) = load_generics.split_for_impl();
    let dump_generics = with_bounds(cont.generics, dump_predicates);
    let (dump_impl_generics, ty_generics, dump_where) = dump_generics.split_for_impl();
    let static_generics = with_bounds(cont.generics, static_predicates);
    let (static_impl_generics, _, static_where) = static_generics.split_for_impl();
    let (impl_generics, _, where_clause) = cont.generics.split_for_impl();
    let construct = match member {
        syn::Member::Named(name) => quote!(Self { #name: __inner }),
        syn::Member::Unnamed(_) => quote!(Self(__inner)),
    };

    let body = quote! {
        #[automatically_derived]
        impl #load_impl_generics #k::Load<'__a> for #ident #ty_generics #load_where {
            fn check(__ctx: &#k::Ctx<'_>) -> #k::Result<()> {
                <#ty as #k::Load<'__a>>::check(
                    &__ctx.with_type(#k::domain_base(__ctx.ty)),
                )
            }

            #[inline]
            fn load(__ctx: &#k::Ctx<'_>, __raw: &'__a [u8]) -> #k::Result<Self> {
                let __inner = <#ty as #k::Load<'__a>>::load(
                    &__ctx.with_type(#k::domain_base(__ctx.ty)),
                    __raw,
                )?;
                ::core::result::Result::Ok(#construct)
            }

            #[inline]
            fn load_null(__ctx: &#k::Ctx<'_>) -> #k::Result<Self> {
                let __inner = <#ty as #k::Load<'__a>>::load_null(
                    &__ctx.with_type(#k::domain_base(__ctx.ty)),
                )?;
                ::core::result::Result::Ok(#construct)
            }
        }

        #[automatically_derived]
        impl #dump_impl_generics #k::Dump for #ident #ty_generics #dump_where {
            fn pg_type(&self, __policy: &#k::Policy) -> #k::Type {
                #k::Dump::pg_type(&self.#member, __policy)
            }

            #[inline]
            fn dump(
                &self,
                __ctx: &#k::Ctx<'_>,
                __out: &mut #k::BytesMut,
            ) -> #k::Result<#k::IsNull> {
                #k::Dump::dump(
                    &self.#member,
                    &__ctx.with_type(#k::domain_base(__ctx.ty)),
                    __out,
                )
            }
        }

        #[automatically_derived]
        impl #static_impl_generics #k::StaticType for #ident #ty_generics #static_where {
            fn static_type(__policy: &#k::Policy) -> #k::Type {
                <#ty as #k::StaticType>::static_type(__policy)
            }
        }

        #[automatically_derived]
        impl #impl_generics #k::Scalar for #ident #ty_generics #where_clause {}
    };
    Ok(super::wrap_in_const(&cont.crate_path(), body))
}

/// `generics` with the lifetime `'__a` of `Load<'__a>` in front.
fn with_lifetime(generics: &syn::Generics) -> syn::Generics {
    let mut generics = generics.clone();
    generics
        .params
        .insert(0, syn::GenericParam::Lifetime(syn::parse_quote!('__a)));
    generics
}
