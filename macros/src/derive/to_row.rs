//! `#[derive(ToRow)]`: the static column list and the visit of the values
//! of `pgcast::row::ToRow`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::bound::with_bounds;
use super::internals::ast::{Container, Data};
use super::internals::{Ctxt, Derive, check};

/// Expands `#[derive(ToRow)]` on `input`.
pub fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let cont = Container::from_ast(&cx, input);
    check::check(&cx, &cont, Derive::ToRow);
    cx.check()?;
    let Data::Struct(_, fields) = &cont.data else {
        return Err(syn::Error::new(Span::call_site(), "ToRow needs a struct"));
    };
    let k = super::private();
    let ident = &cont.ident;

    let mut visits = Vec::new();
    // Each column's static type, for typed batches of any length (even none).
    let mut types = Vec::new();
    let mut predicates: Vec<syn::WherePredicate> = Vec::new();
    // Column names: a literal list, or pushes when a flattened field adds its own.
    let mut names = Vec::new();
    let mut pushes = Vec::new();
    let mut flattens = false;

    for field in fields {
        let a = &field.attrs;
        if a.skip.is_some() {
            continue;
        }
        let ty = field.ty;
        let member = &field.member;
        if a.flatten.is_some() {
            flattens = true;
            let prefix = a.prefix.as_ref().map(|p| p.value.as_str()).unwrap_or("");
            let push = if prefix.is_empty() {
                quote!(__names.push(__name))
            } else {
                quote!(__names.push(::std::boxed::Box::leak(
                    ::std::format!("{}{}", #prefix, __name).into_boxed_str()
                )))
            };
            pushes.push(quote_spanned!(ty.span()=>
                for &__name in <#ty as #k::ToRow>::columns() {
                    #push;
                }
            ));
            visits.push(quote_spanned!(ty.span()=>
                #k::ToRow::visit_values(&self.#member, __visit)?;));
            types.push(quote_spanned!(ty.span()=>
                __types.extend(<#ty as #k::ToRow>::static_types(__policy)?);));
            predicates.push(syn::parse_quote!(#ty: #k::ToRow));
            continue;
        }
        let name = &field.column;
        names.push(name.clone());
        pushes.push(quote!(__names.push(#name);));
        if a.json.is_some() {
            visits.push(quote_spanned!(ty.span()=>
                __visit(&#k::Json(&self.#member))?;));
            types.push(quote_spanned!(ty.span()=>
                __types.push(<#k::Json<()> as #k::StaticType>::static_type(__policy));));
            predicates.push(syn::parse_quote!(
                for<'__x> #k::Json<&'__x #ty>: #k::Dump + ::core::marker::Sync
            ));
        } else {
            visits.push(if a.redact.is_some() {
                quote_spanned!(ty.span()=> __visit(&#k::Redacted(&self.#member))?;)
            } else if cont.generics.params.is_empty() {
                // Every field type is 'static: a dumper registered for it in
                // the scope of the dump (COPY, parameters) applies.
                quote_spanned!(ty.span()=> __visit(&#k::InScope(&self.#member))?;)
            } else {
                quote_spanned!(ty.span()=> __visit(&self.#member)?;)
            });
            types.push(quote_spanned!(ty.span()=>
                __types.push(<#ty as #k::StaticType>::static_type(__policy));));
            predicates.push(syn::parse_quote!(
                #ty: #k::Dump + #k::StaticType + ::core::marker::Sync
            ));
        }
    }

    let columns = if flattens {
        quote! {
            static __COLUMNS: ::std::sync::OnceLock<::std::vec::Vec<&'static str>> =
                ::std::sync::OnceLock::new();
            __COLUMNS
                .get_or_init(|| {
                    let mut __names: ::std::vec::Vec<&'static str> = ::std::vec::Vec::new();
                    #(#pushes)*
                    __names
                })
                .as_slice()
        }
    } else {
        quote!(&[#(#names),*])
    };

    let generics = with_bounds(cont.generics, predicates);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = cont.generics.split_for_impl();

    let body = quote! {
        #[automatically_derived]
        impl #impl_generics #k::ToRow for #ident #ty_generics #where_clause {
            fn columns() -> &'static [&'static str] {
                #columns
            }

            fn static_types(
                __policy: &#k::Policy,
            ) -> ::core::option::Option<::std::vec::Vec<#k::Type>> {
                let mut __types = ::std::vec::Vec::new();
                #(#types)*
                ::core::option::Option::Some(__types)
            }

            fn visit_values(
                &self,
                __visit: &mut dyn ::core::ops::FnMut(
                    &(dyn #k::Dump + ::core::marker::Sync),
                ) -> #k::Result<()>,
            ) -> #k::Result<()> {
                #(#visits)*
                ::core::result::Result::Ok(())
            }
        }
    };
    Ok(super::wrap_in_const(&cont.crate_path(), body))
}
