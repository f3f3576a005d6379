//! `#[derive(FromRow)]`: the plan type, the planning function and the
//! per-row decoding of `pgcast::row::FromRow`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::bound::with_bounds;
use super::internals::ast::{Container, Data, Field, Style, option_inner, vec_inner};
use super::internals::{Ctxt, Derive, check};

/// Expands `#[derive(FromRow)]` on `input`.
pub fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let cont = Container::from_ast(&cx, input);
    check::check(&cx, &cont, Derive::FromRow);
    cx.check()?;
    let Data::Struct(style, fields) = &cont.data else {
        return Err(syn::Error::new(Span::call_site(), "FromRow needs a struct"));
    };
    let generator = Generator::new(&cont);
    let mut tokens = generator.expand(*style, fields);
    tokens.extend(generator.grouped(fields));
    Ok(tokens)
}

/// How a column's value becomes the field's.
enum How<'a> {
    /// The field type's own `Load`.
    Plain,
    /// Through `Json<F>`.
    Json,
    /// Through `Option<Json<F>>`, NULL giving `Default::default()`.
    JsonNullable,
    /// Load the given type, then `TryFrom`.
    TryFrom(&'a syn::Type),
    /// A loader function of the user's.
    With(&'a syn::ExprPath),
}

impl<'a> How<'a> {
    fn of(field: &'a Field<'_>) -> How<'a> {
        let a = &field.attrs;
        if let Some(json) = &a.json {
            if json.value.nullable {
                How::JsonNullable
            } else {
                How::Json
            }
        } else if let Some(ty) = &a.try_from {
            How::TryFrom(&ty.value)
        } else if let Some(path) = &a.with {
            How::With(&path.value)
        } else {
            How::Plain
        }
    }
}

struct Generator<'c> {
    cont: &'c Container<'c>,
    /// Where pgcast is: `#[pg(crate = "…")]`, else `::pgcast`.
    krate: syn::Path,
    /// How generated code names pgcast's items (see `super::private`).
    k: TokenStream,
    /// The row's lifetime: the struct's own if it has exactly one.
    lt: syn::Lifetime,
    fresh_lt: bool,
}

impl<'c> Generator<'c> {
    fn new(cont: &'c Container<'c>) -> Generator<'c> {
        let lifetimes: Vec<_> = cont.generics.lifetimes().collect();
        let (lt, fresh_lt) = match lifetimes.as_slice() {
            [only] => (only.lifetime.clone(), false),
            _ => (syn::Lifetime::new("'__r", Span::call_site()), true),
        };
        Generator {
            cont,
            krate: cont.crate_path(),
            k: super::private(),
            lt,
            fresh_lt,
        }
    }

    fn expand(&self, style: Style, fields: &[Field<'_>]) -> TokenStream {
        let k = &self.k;
        let lt = &self.lt;
        let ident = &self.cont.ident;

        let mut plan_types = Vec::new();
        let mut plan_exprs = Vec::new();
        let mut values = Vec::new();
        let mut predicates = Vec::new();
        let mut reads = Vec::new();
        let mut position = 0_usize;

        for field in fields {
            let ty = field.ty;
            let a = &field.attrs;
            if a.skip.is_some() {
                values.push(quote_spanned!(ty.span()=> ::core::default::Default::default()));
                predicates.push(syn::parse_quote!(#ty: ::core::default::Default));
                continue;
            }
            let slot = syn::Index::from(plan_types.len());
            if a.flatten.is_some() || a.many.is_some() {
                let columns = match &a.prefix {
                    Some(prefix) => {
                        let prefix = &prefix.value;
                        quote!(&__columns.prefixed(#prefix))
                    }
                    None => quote!(__columns),
                };
                // `many` reads one optional child per row; a flattened
                // `Option<T>` reads an optional `T`.
                let optional = if a.many.is_some() {
                    vec_inner(ty).map(|inner| (inner, quote!(load_many)))
                } else {
                    option_inner(ty).map(|inner| (inner, quote!(load)))
                };
                if let Some((inner, load)) = optional {
                    let span = inner.span();
                    plan_types.push(quote_spanned!(span=>
                        #k::OptionalPlan<<#inner as #k::FromRow<#lt>>::Plan>));
                    plan_exprs.push(quote_spanned!(span=>
                        #k::OptionalPlan::new::<#inner>(#columns)?));
                    values.push(quote_spanned!(span=>
                        __plan.#slot.#load::<#inner, __R>(__row)?));
                    reads.push(quote!(__plan.#slot.columns_read(__out);));
                    predicates.push(syn::parse_quote!(#inner: #k::FromRow<#lt>));
                } else {
                    plan_types.push(quote_spanned!(ty.span()=>
                        <#ty as #k::FromRow<#lt>>::Plan));
                    plan_exprs.push(quote_spanned!(ty.span()=>
                        <#ty as #k::FromRow<#lt>>::plan(#columns)?));
                    values.push(quote_spanned!(ty.span()=>
                        <#ty as #k::FromRow<#lt>>::from_row(&__plan.#slot, __row)?));
                    reads.push(quote_spanned!(ty.span()=>
                        <#ty as #k::FromRow<#lt>>::columns_read(&__plan.#slot, __out)?;));
                    predicates.push(syn::parse_quote!(#ty: #k::FromRow<#lt>));
                }
                continue;
            }

            let how = How::of(field);
            let (check, load_predicates) = self.check_fn(&how, ty);
            predicates.extend(load_predicates);
            let optional =
                style == Style::Named && (a.default.is_some() || self.cont.attrs.default.is_some());
            let name = &field.column;
            let plan = if style == Style::Named {
                if optional {
                    quote_spanned!(ty.span()=> __columns.optional_column::<#ty>(#name, #check)?)
                } else {
                    quote_spanned!(ty.span()=> __columns.column::<#ty>(#name, #check)?)
                }
            } else {
                let index = position;
                position += 1;
                quote_spanned!(ty.span()=> __columns.column_at::<#ty>(#index, #check)?)
            };
            plan_exprs.push(plan);
            if optional {
                plan_types.push(quote!(::core::option::Option<#k::ColumnPlan>));
                let load = self.load(&how, ty, quote!(__p));
                values.push(quote_spanned!(ty.span()=> match &__plan.#slot {
                    ::core::option::Option::Some(__p) => #load,
                    ::core::option::Option::None => ::core::default::Default::default(),
                }));
                let read = self.read(&how, ty, quote!(__p));
                reads.push(
                    quote!(if let ::core::option::Option::Some(__p) = &__plan.#slot {
                        #read
                    }),
                );
                predicates.push(syn::parse_quote!(#ty: ::core::default::Default));
            } else {
                plan_types.push(quote!(#k::ColumnPlan));
                values.push(self.load(&how, ty, quote!(__plan.#slot)));
                reads.push(self.read(&how, ty, quote!(&__plan.#slot)));
            }
        }

        let expect_len =
            (style == Style::Tuple).then(|| quote!(__columns.expect_len::<Self>(#position)?;));
        let members = fields.iter().map(|f| &f.member);
        let construct = match style {
            Style::Named => quote!(Self { #(#members: #values,)* }),
            Style::Tuple => quote!(Self(#(#values,)*)),
            Style::Unit => quote!(Self),
        };

        let keys: Vec<&Field<'_>> = fields.iter().filter(|f| f.attrs.key.is_some()).collect();
        let fold_row = if keys.is_empty() {
            TokenStream::new()
        } else {
            let members = keys.iter().map(|f| &f.member);
            let (_, ty_generics, _) = self.cont.generics.split_for_impl();
            predicates.push(syn::parse_quote!(#ident #ty_generics: #k::Grouped));
            quote! {
                fn fold_row(&mut self, __next: Self) -> ::core::option::Option<Self> {
                    if true #(&& self.#members == __next.#members)* {
                        <Self as #k::Grouped>::merge(self, __next);
                        ::core::option::Option::None
                    } else {
                        ::core::option::Option::Some(__next)
                    }
                }
            }
        };

        let mut generics = with_bounds(self.cont.generics, predicates);
        if self.fresh_lt {
            let mut param = syn::LifetimeParam::new(lt.clone());
            param.bounds = self
                .cont
                .generics
                .lifetimes()
                .map(|l| l.lifetime.clone())
                .collect();
            generics
                .params
                .insert(0, syn::GenericParam::Lifetime(param));
        }
        let (impl_generics, _, where_clause) = generics.split_for_impl();
        let (_, ty_generics, _) = self.cont.generics.split_for_impl();

        let body = quote! {
            #[automatically_derived]
            impl #impl_generics #k::FromRow<#lt> for #ident #ty_generics #where_clause {
                type Plan = (#(#plan_types,)*);

                fn plan(
                    __columns: &#k::Columns<'_>,
                ) -> #k::Result<Self::Plan> {
                    #expect_len
                    ::core::result::Result::Ok((#(#plan_exprs,)*))
                }

                #[inline]
                fn from_row<__R: #k::RawRow + ?::core::marker::Sized>(
                    __plan: &Self::Plan,
                    __row: &#lt __R,
                ) -> #k::Result<Self> {
                    ::core::result::Result::Ok(#construct)
                }

                #fold_row

                fn columns_read(
                    __plan: &Self::Plan,
                    __out: &mut ::std::vec::Vec<#k::ColumnRead>,
                ) -> #k::Result<()> {
                    #(#reads)*
                    ::core::result::Result::Ok(())
                }
            }
        };
        super::wrap_in_const(&self.krate, body)
    }

    /// The check run at planning time, and the bounds loading needs.
    fn check_fn(&self, how: &How<'_>, ty: &syn::Type) -> (TokenStream, Vec<syn::WherePredicate>) {
        let k = &self.k;
        let lt = &self.lt;
        let span = ty.span();
        match how {
            How::Plain => (
                quote_spanned!(span=> <#ty as #k::Load<#lt>>::check),
                vec![syn::parse_quote!(#ty: #k::Load<#lt>)],
            ),
            How::Json => (
                quote_spanned!(span=> <#k::Json<#ty> as #k::Load<#lt>>::check),
                vec![syn::parse_quote!(#k::Json<#ty>: #k::Load<#lt>)],
            ),
            How::JsonNullable => (
                quote_spanned!(span=>
                    <::core::option::Option<#k::Json<#ty>> as #k::Load<#lt>>::check),
                vec![
                    syn::parse_quote!(#k::Json<#ty>: #k::Load<#lt>),
                    syn::parse_quote!(#ty: ::core::default::Default),
                ],
            ),
            How::TryFrom(source) => (
                quote_spanned!(source.span()=> <#source as #k::Load<#lt>>::check),
                vec![
                    syn::parse_quote!(#source: #k::Load<#lt>),
                    syn::parse_quote!(#ty: ::core::convert::TryFrom<#source>),
                    syn::parse_quote!(
                        <#ty as ::core::convert::TryFrom<#source>>::Error:
                            ::core::convert::Into<::std::boxed::Box<
                                dyn ::std::error::Error + ::core::marker::Send + ::core::marker::Sync
                            >>
                    ),
                ],
            ),
            How::With(path) => (
                quote_spanned!(path.span()=>
                    |_: &#k::Ctx<'_>| ::core::result::Result::Ok(())),
                Vec::new(),
            ),
        }
    }

    /// The statement listing one field's column, for `columns_read`: the
    /// column is nullable if what the field loads through takes NULL.
    fn read(&self, how: &How<'_>, ty: &syn::Type, plan: TokenStream) -> TokenStream {
        let k = &self.k;
        let span = ty.span();
        let read = match how {
            How::Plain => quote_spanned!(span=> #k::ColumnRead::of::<#ty>(#plan)),
            How::TryFrom(source) => {
                quote_spanned!(source.span()=> #k::ColumnRead::of::<#source>(#plan))
            }
            How::Json => quote!(#k::ColumnRead::new(#plan, false)),
            // NULL gives the default; a loader of the user's decides alone.
            How::JsonNullable | How::With(_) => quote!(#k::ColumnRead::new(#plan, true)),
        };
        quote!(__out.push(#read);)
    }

    /// `Grouped` for a struct with `key` fields: rows with equal keys fold
    /// into one, their `many` fields appended.
    fn grouped(&self, fields: &[Field<'_>]) -> TokenStream {
        let keys: Vec<&Field<'_>> = fields.iter().filter(|f| f.attrs.key.is_some()).collect();
        if keys.is_empty() {
            return TokenStream::new();
        }
        let k = &self.k;
        let ident = &self.cont.ident;
        let key_types: Vec<_> = keys.iter().map(|f| f.ty).collect();
        let key_members: Vec<_> = keys.iter().map(|f| &f.member).collect();
        let key_names: Vec<String> = keys
            .iter()
            .map(|f| {
                if f.column.is_empty() {
                    super::internals::check::member_name(&f.member)
                } else {
                    f.column.clone()
                }
            })
            .collect();
        let mut predicates: Vec<syn::WherePredicate> =
            key_types.iter().map(|ty| self.key_bound(ty)).collect();
        let mut many = Vec::new();
        for field in fields.iter().filter(|f| f.attrs.many.is_some()) {
            if let Some(inner) = vec_inner(field.ty) {
                predicates.push(syn::parse_quote!(for<'__g> #inner: #k::FromRow<'__g>));
            }
            many.push(&field.member);
        }
        let generics = with_bounds(self.cont.generics, predicates);
        let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
        // A key type that cannot be hashed or compared shows at the field.
        let key_type = quote_spanned!(keys[0].ty.span()=> (#(#key_types,)*));
        let body = quote! {
            #[automatically_derived]
            impl #impl_generics #k::Grouped for #ident #ty_generics #where_clause {
                type Key = #key_type;

                fn key(&self) -> Self::Key {
                    (#(::core::clone::Clone::clone(&self.#key_members),)*)
                }

                #[inline]
                fn same_group(&self, __other: &Self) -> bool {
                    true #(&& self.#key_members == __other.#key_members)*
                }

                fn merge(&mut self, __other: Self) {
                    #(#k::fold_children(&mut self.#many, __other.#many);)*
                }

                fn key_names() -> &'static [&'static str] {
                    &[#(#key_names),*]
                }
            }
        };
        super::wrap_in_const(&self.krate, body)
    }

    /// What a key field's type needs: keys are compared, hashed and kept.
    fn key_bound(&self, ty: &syn::Type) -> syn::WherePredicate {
        syn::parse_quote_spanned!(ty.span()=>
            #ty: ::core::clone::Clone + ::core::cmp::Eq + ::core::hash::Hash)
    }

    /// The expression loading one field with the column plan `plan`.
    fn load(&self, how: &How<'_>, ty: &syn::Type, plan: TokenStream) -> TokenStream {
        let span = ty.span();
        match how {
            How::Plain => quote_spanned!(span=> #plan.load::<#ty, __R>(__row)?),
            How::Json => quote_spanned!(span=> #plan.load_json::<#ty, __R>(__row)?),
            How::JsonNullable => {
                quote_spanned!(span=> #plan.load_json_nullable::<#ty, __R>(__row)?)
            }
            How::TryFrom(source) => {
                quote_spanned!(span=> #plan.load_try_from::<#source, #ty, __R>(__row)?)
            }
            How::With(path) => {
                quote_spanned!(path.span()=> #plan.load_with::<#ty, __R>(__row, #path)?)
            }
        }
    }
}
