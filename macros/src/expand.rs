//! Code generation: a direct sequence of pushes onto one `Composed`, no
//! format string left to parse at run time.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Ident, LitStr};

use crate::format::{self, ArgRef, Kind, Part};
use crate::input::Input;

/// Bytes of text an identifier hole is expected to take, quoted.
const IDENT_GUESS: usize = 16;
/// Bytes of text a nested query hole is expected to take.
const QUERY_GUESS: usize = 32;
/// Bytes of text a bound value's `$n` is expected to take (written as the
/// query is built).
const BIND_GUESS: usize = 4;
/// Bytes of text a literal is expected to take (a common scalar's is
/// written as the query is built).
const LITERAL_GUESS: usize = 16;

/// Where an argument comes from.
#[derive(Clone)]
enum Source {
    /// The i-th explicit argument (positional ones first, then named ones).
    Explicit(usize),
    /// A variable captured from scope.
    Captured(Ident),
}

pub fn expand(input: &Input) -> syn::Result<TokenStream> {
    let checked = validate(input)?;
    Ok(generate(input, &checked))
}

/// What validation found: the parts of the format string, each hole's
/// argument and kind, and how often each explicit argument is used.
struct Checked {
    parts: Vec<Part>,
    holes: Vec<(Source, Kind)>,
    uses: Vec<usize>,
}

/// Parses the format string and matches holes to arguments: every error at
/// once (bad format, missing or unused arguments).
fn validate(input: &Input) -> syn::Result<Checked> {
    let fmt = &input.format;
    let value = fmt.value();
    let parts = format::parse(&value).map_err(|errors| {
        combine(
            errors
                .into_iter()
                .map(|e| syn::Error::new(span_of(fmt, &e.span), e.message)),
        )
        .unwrap_or_else(|| syn::Error::new(fmt.span(), "bad format string"))
    })?;

    let n_pos = input.positional.len();
    let mut errors = Vec::new();
    let mut holes = Vec::new();
    for part in &parts {
        let Part::Hole { arg, kind, span } = part else {
            continue;
        };
        let source = match arg {
            ArgRef::Auto(n) | ArgRef::Index(n) if *n < n_pos => Source::Explicit(*n),
            ArgRef::Auto(n) | ArgRef::Index(n) => {
                let hole = &value[span.clone()];
                let message = match n_pos {
                    0 => format!(
                        "hole `{hole}` refers to positional argument {n}, but no positional arguments were given"
                    ),
                    1 => format!(
                        "hole `{hole}` refers to positional argument {n}, but only 1 positional argument was given"
                    ),
                    _ => format!(
                        "hole `{hole}` refers to positional argument {n}, but only {n_pos} positional arguments were given"
                    ),
                };
                errors.push(syn::Error::new(span_of(fmt, span), message));
                continue;
            }
            ArgRef::Named(name) => match input.named.iter().position(|(n, _)| n == name) {
                Some(i) => Source::Explicit(n_pos + i),
                None => Source::Captured(Ident::new(name, fmt.span())),
            },
        };
        holes.push((source, *kind));
    }

    let total = n_pos + input.named.len();
    let mut uses = vec![0usize; total];
    for (source, _) in &holes {
        if let Source::Explicit(i) = source
            && let Some(u) = uses.get_mut(*i)
        {
            *u += 1;
        }
    }
    for (i, expr) in input.positional.iter().enumerate() {
        if uses.get(i) == Some(&0) {
            errors.push(syn::Error::new_spanned(expr, "argument never used"));
        }
    }
    for (i, (name, _)) in input.named.iter().enumerate() {
        if uses.get(n_pos + i) == Some(&0) {
            errors.push(syn::Error::new(
                name.span(),
                format!("named argument `{name}` is never used"),
            ));
        }
    }
    if let Some(e) = combine(errors) {
        return Err(e);
    }
    Ok(Checked { parts, holes, uses })
}

/// The code: one `Composed` with its capacity computed from the static
/// text, then a direct push per part.
fn generate(input: &Input, checked: &Checked) -> TokenStream {
    let Checked { parts, holes, uses } = checked;
    let fmt = &input.format;
    let k = match &input.krate {
        Some(path) => quote! { #path },
        None => quote! { ::pgcast },
    };
    let q = Ident::new("__pgcast_query", Span::mixed_site());
    let arg_ident = |i: usize| format_ident!("__pgcast_arg{}", i, span = Span::mixed_site());
    let lets = input
        .positional
        .iter()
        .chain(input.named.iter().map(|(_, e)| e))
        .enumerate()
        .map(|(i, expr)| {
            let a = arg_ident(i);
            quote! { let #a = #expr; }
        });

    let mut body = Vec::new();
    let mut hole_iter = holes.iter();
    let mut remaining = uses.clone();
    let mut needs_ref_traits = false;
    let mut needs_bind_traits = false;
    for part in parts {
        match part {
            Part::Text(text) => body.push(quote! { #q.push_sql(#text); }),
            Part::Hole { .. } => {
                let Some((source, kind)) = hole_iter.next() else {
                    continue;
                };
                let place = match source {
                    Source::Explicit(i) => arg_ident(*i).into_token_stream_owned(),
                    Source::Captured(id) => quote! { #id },
                };
                // Values are moved on an argument's last use, cloned before.
                let value = match source {
                    Source::Explicit(i) => {
                        let last = remaining.get_mut(*i).map(|r| {
                            *r -= 1;
                            *r == 0
                        });
                        if last == Some(true) {
                            place.clone()
                        } else {
                            quote! { ::core::clone::Clone::clone(&#place) }
                        }
                    }
                    Source::Captured(_) => quote! { ::core::clone::Clone::clone(&#place) },
                };
                let span = fmt.span();
                // The path spanned like the hole, so errors point at it.
                let k = respan(&k, span);
                body.push(match kind {
                    Kind::Bind => {
                        needs_bind_traits = true;
                        let name = match hole_name(input, source) {
                            Some(name) => quote! { ::core::option::Option::Some(#name) },
                            None => quote! { ::core::option::Option::None },
                        };
                        let kind = quote_spanned! {span=>
                            (&&#k::sql::__private::Kind::of(&#place)).__pgcast_kind()
                        };
                        match source {
                            // A captured variable is borrowed for the query's life.
                            Source::Captured(_) => quote_spanned! {span=>
                                #kind.push_captured(&#place, #name, &mut #q);
                            },
                            Source::Explicit(_) => quote_spanned! {span=>
                                #kind.push_arg(#value, #name, &mut #q);
                            },
                        }
                    }
                    Kind::Literal => match source {
                        // A captured variable is borrowed for the query's life.
                        Source::Captured(_) => {
                            needs_bind_traits = true;
                            quote_spanned! {span=>
                                (&&#k::sql::__private::Kind::of(&#place))
                                    .__pgcast_kind()
                                    .push_captured_literal(&#place, &mut #q);
                            }
                        }
                        Source::Explicit(_) => quote_spanned! {span=>
                            #k::sql::__private::LiteralHole::push_literal(#value, &mut #q);
                        },
                    },
                    Kind::Ident => {
                        needs_ref_traits = true;
                        quote_spanned! {span=> (&#place).push_ident(&mut #q); }
                    }
                    Kind::Query => {
                        needs_ref_traits = true;
                        quote_spanned! {span=> (&#place).push_query(&mut #q); }
                    }
                });
            }
        }
    }
    let uses_traits = needs_ref_traits.then(|| {
        quote! {
            #[allow(unused_imports)]
            use #k::sql::__private::{IdentHole as _, QueryHole as _};
        }
    });
    let uses_bind_traits = needs_bind_traits.then(|| {
        quote! {
            #[allow(unused_imports)]
            use #k::sql::__private::{ComposableKind as _, OwnedKind as _, RefKind as _, ScalarKind as _};
        }
    });
    let capacity = parts.len();
    // Bound values (a `{x}` may turn out to be a composable: then one slot
    // is unused; common literals live in the text).
    let values = holes
        .iter()
        .filter(|(_, kind)| matches!(kind, Kind::Bind))
        .count();
    // The text buffer: the static text, plus a guess for each identifier
    // (quotes included), nested query, `$n` and literal.
    let text_capacity: usize = parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => text.len(),
            Part::Hole {
                kind: Kind::Ident, ..
            } => IDENT_GUESS,
            Part::Hole {
                kind: Kind::Query, ..
            } => QUERY_GUESS,
            Part::Hole {
                kind: Kind::Bind, ..
            } => BIND_GUESS,
            Part::Hole {
                kind: Kind::Literal,
                ..
            } => LITERAL_GUESS,
        })
        .sum();
    quote! {
        {
            #uses_traits
            #uses_bind_traits
            #(#lets)*
            let mut #q = #k::sql::__private::with_capacity(#capacity, #text_capacity, #values);
            #(#body)*
            #q
        }
    }
}

/// The name a bound value goes by: the captured variable, or the named
/// argument.
fn hole_name(input: &Input, source: &Source) -> Option<String> {
    match source {
        Source::Captured(id) => Some(id.to_string()),
        Source::Explicit(i) => input
            .named
            .get(i.checked_sub(input.positional.len())?)
            .map(|(name, _)| name.to_string()),
    }
}

/// `tokens` with every span set to `span`.
fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut t| {
            t.set_span(span);
            t
        })
        .collect()
}

trait IntoTokens {
    fn into_token_stream_owned(self) -> TokenStream;
}

impl IntoTokens for Ident {
    fn into_token_stream_owned(self) -> TokenStream {
        quote! { #self }
    }
}

fn combine(errors: impl IntoIterator<Item = syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    })
}

/// The span of `range` (in the string's value) inside the literal, where the
/// compiler can point inside a literal (nightly); the whole literal otherwise.
fn span_of(lit: &LitStr, range: &std::ops::Range<usize>) -> Span {
    let token = lit.token();
    let repr = token.to_string();
    // Offsets into the value equal offsets into the source only for plain
    // strings without escapes: `"` + value + `"`.
    if repr.starts_with('"')
        && !repr.contains('\\')
        && let Some(span) = token.subspan(range.start + 1..range.end + 1)
    {
        return span;
    }
    lit.span()
}
