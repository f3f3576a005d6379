//! The macro's input: a format string literal, then positional and named
//! arguments.

use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, LitStr, Token};

/// `[crate = path,] "format", a, b, name = c`.
pub struct Input {
    /// Where pgcast is (`crate = my::pgcast`), if not `::pgcast`.
    pub krate: Option<syn::Path>,
    pub format: LitStr,
    pub positional: Vec<Expr>,
    pub named: Vec<(Ident, Expr)>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Input> {
        let mut krate = None;
        if input.peek(Token![crate]) && input.peek2(Token![=]) {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            krate = Some(input.parse::<syn::Path>()?);
            input.parse::<Token![,]>()?;
        }
        let format: LitStr = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "expected a string literal as the format string")
        })?;
        let mut positional = Vec::new();
        let mut named: Vec<(Ident, Expr)> = Vec::new();
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
                let name: Ident = input.parse()?;
                input.parse::<Token![=]>()?;
                let expr: Expr = input.parse()?;
                if named.iter().any(|(n, _)| *n == name) {
                    return Err(syn::Error::new(
                        name.span(),
                        format!("duplicate argument named `{name}`"),
                    ));
                }
                named.push((name, expr));
            } else {
                let expr: Expr = input.parse()?;
                if !named.is_empty() {
                    return Err(syn::Error::new_spanned(
                        expr,
                        "positional arguments cannot follow named arguments",
                    ));
                }
                positional.push(expr);
            }
        }
        Ok(Input {
            krate,
            format,
            positional,
            named,
        })
    }
}
