//! [`Request`]: a composed query rendered in a connection's scope, ready to
//! send: its text, and each parameter with the type it goes out as and the
//! format it is written in.

use std::error::Error as StdError;
use std::fmt;

use bytes::BytesMut;
use postgres_types::{IsNull, Kind, ToSql};

use crate::sql::{Composable, Param, ParamSource, Rendered};
use crate::{Adapters, Ctx, Error, ErrorKind, Format, Policy, Type};

/// A query ready to send: its text with `$1..$n`, and one parameter per
/// `$n`, each with the type it is sent as.
///
/// - A string whose statement does not state a type goes out *untyped*
///   (`unknown`, text format), as psycopg sends `str`: the server infers it from
///   context, so `WHERE rating = {r}` works against an enum, a date, a
///   `jsonb` or a domain column. Write `{r}::text` to force `text`.
/// - A derived composite or enum (`#[derive(PgComposite)]`, `PgEnum`) goes
///   out as its named type, its OID taken from the scope;
///   [`missing_types`](Self::missing_types) names those the scope does not
///   know yet, for the session to fetch.
///
/// ```
/// use pgcast_core::exec::Request;
/// use pgcast_core::sql::{bind, Placeholder, Sql};
/// use pgcast_core::{Adapters, Type};
///
/// let q = Sql::new("SELECT ") + bind(1_i32) + Sql::new(", ") + bind("text");
/// let r = Request::new(&q, &Adapters::global()).unwrap();
/// assert_eq!(r.text(), "SELECT $1, $2");
/// assert_eq!(r.param_types(), &[Type::INT4, Type::UNKNOWN]);
///
/// // a placeholder without a value is an error before anything is sent
/// let q = Sql::new("SELECT ") + Placeholder::named("x");
/// let err = Request::new(&q, &Adapters::global()).unwrap_err();
/// assert_eq!(err.to_string(), "bad format string: placeholder \"x\" has no value (query: SELECT $1)");
/// ```
#[derive(Clone, Debug)]
pub struct Request {
    rendered: Rendered<'static>,
    /// The text sent instead of the rendered one (a wrapped query).
    text: Option<Box<str>>,
    types: Types,
    policy: Policy,
    missing: Vec<Type>,
}

impl Request {
    /// Renders `query` in `scope`; an error if a placeholder has no value.
    /// A query given by value (rather than by reference) gives its text
    /// and values to the request instead of having them copied.
    pub fn new(query: impl Composable, scope: &Adapters) -> super::Result<Request> {
        Request::owning(query.into_rendered_owned(scope)?, scope)
    }

    /// A query rendered earlier, sent with the policy and types of `scope`.
    pub fn from_rendered(rendered: Rendered<'_>, scope: &Adapters) -> super::Result<Request> {
        Request::owning(rendered.into_owned(), scope)
    }

    fn owning(mut rendered: Rendered<'static>, scope: &Adapters) -> super::Result<Request> {
        let mut types = Types::with_capacity(rendered.params().len());
        let mut missing = Vec::new();
        for param in rendered.params_mut() {
            let ty = match param.source() {
                ParamSource::Value(_) => param_type(param, scope, &mut missing),
                ParamSource::Named(name) => {
                    let e = Error::new(
                        ErrorKind::Format,
                        format!("placeholder {name:?} has no value"),
                    );
                    return Err(super::Error::from(e).with_query(rendered.text()));
                }
                ParamSource::Positional(k) => {
                    let e = Error::new(
                        ErrorKind::Format,
                        format!("positional placeholder {k} has no value"),
                    );
                    return Err(super::Error::from(e).with_query(rendered.text()));
                }
            };
            if untyped_string(param) {
                param.set_format(Format::Text);
            }
            types.push(ty);
        }
        Ok(Request {
            rendered,
            text: None,
            types,
            policy: *scope.policy(),
            missing,
        })
    }

    /// The query text, with `$1..$n`.
    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or(self.rendered.text())
    }

    /// The same parameters sent with another text (which refers to them by
    /// the same `$n`).
    pub(crate) fn with_text(&self, text: String) -> Request {
        Request {
            text: Some(text.into()),
            ..self.clone()
        }
    }

    /// The rendered query.
    pub fn rendered(&self) -> &Rendered<'static> {
        &self.rendered
    }

    /// The type each parameter is sent as; [`Type::UNKNOWN`] lets the
    /// server infer it.
    pub fn param_types(&self) -> &[Type] {
        self.types.as_slice()
    }

    /// The named types (derived composites and enums) the scope does not
    /// know yet: they need fetching from the catalogue before the request
    /// can go out typed.
    pub fn missing_types(&self) -> &[Type] {
        &self.missing
    }

    /// The parameters as `ToSql` values, each written as the type the driver
    /// passes (the statement's) in its own format; an iterator, which the
    /// drivers take without collecting it.
    pub fn args(&self) -> impl ExactSizeIterator<Item = Arg<'_>> + '_ {
        let scope = self.rendered.dumping_scope();
        self.rendered.params().iter().map(move |param| Arg {
            param,
            policy: &self.policy,
            scope,
        })
    }

    /// The parameters with the types they are sent as, for a driver that
    /// sends them in one round trip without preparing.
    pub fn typed_args(&self) -> impl ExactSizeIterator<Item = (Arg<'_>, Type)> + '_ {
        self.args().zip(self.types.as_slice().iter().cloned())
    }

    /// Whether every parameter can go out without the server describing the
    /// statement first: typed, or untyped in text format (which the server
    /// parses as whatever type it infers).
    pub fn params_known(&self) -> bool {
        self.missing.is_empty()
            && self
                .rendered
                .params()
                .iter()
                .zip(self.types.as_slice())
                .all(|(p, ty)| !untyped(ty) || p.format() == Format::Text)
    }
}

/// The types the parameters go out as: those of a statement of a few
/// parameters (most) held in place, any more in a list of their own.
#[derive(Clone, Debug)]
enum Types {
    Few(u8, [Type; FEW]),
    Many(Vec<Type>),
}

/// How many parameter types a request holds without allocating.
const FEW: usize = 4;

impl Types {
    fn with_capacity(n: usize) -> Types {
        if n <= FEW {
            Types::Few(0, [const { Type::UNKNOWN }; FEW])
        } else {
            Types::Many(Vec::with_capacity(n))
        }
    }

    fn push(&mut self, ty: Type) {
        match self {
            Types::Few(n, few) => match few.get_mut(usize::from(*n)) {
                Some(slot) => {
                    *slot = ty;
                    *n += 1;
                }
                None => {
                    let mut many = few.to_vec();
                    many.push(ty);
                    *self = Types::Many(many);
                }
            },
            Types::Many(many) => many.push(ty),
        }
    }

    fn as_slice(&self) -> &[Type] {
        match self {
            Types::Few(n, few) => few.get(..usize::from(*n)).unwrap_or_default(),
            Types::Many(many) => many,
        }
    }
}

/// The type a bound value goes out as.
fn param_type(param: &Param, scope: &Adapters, missing: &mut Vec<Type>) -> Type {
    let Some(ty) = param.pg_type() else {
        return Type::UNKNOWN;
    };
    if untyped_string(param) {
        return Type::UNKNOWN;
    }
    if ty.oid() != 0 {
        return ty.clone();
    }
    match ty.kind() {
        // A derived composite or enum, named but without an OID: the scope's.
        Kind::Composite(_) | Kind::Enum(_) => match named_type(scope, ty) {
            Some(known) => known,
            None => {
                if !missing.contains(ty) {
                    missing.push(ty.clone());
                }
                Type::UNKNOWN
            }
        },
        _ => Type::UNKNOWN,
    }
}

/// Whether `ty` leaves the type to the server (`unknown`, or no OID).
fn untyped(ty: &Type) -> bool {
    *ty == Type::UNKNOWN || ty.oid() == 0
}

/// A plain string (no dumper registered for it): sent untyped, in text, so
/// the server infers its type from the statement.
fn untyped_string(param: &Param) -> bool {
    param.pg_type() == Some(&Type::TEXT) && param.dumper().is_none()
}

/// The scope's type of the name `ty` carries: `schema.name`, else the bare
/// name (registered through the `search_path`).
pub(crate) fn named_type(scope: &Adapters, ty: &Type) -> Option<Type> {
    scope
        .type_named(Some(ty.schema()), ty.name())
        .or_else(|| scope.type_named(None, ty.name()))
}

/// One parameter of a [`Request`] as a `ToSql` value: written by the
/// scope's dumper (if one is registered for its Rust type) or its own
/// [`Dump`](crate::Dump), as the type the driver passes, in the parameter's
/// format.
#[derive(Clone, Copy)]
pub struct Arg<'a> {
    param: &'a Param<'static>,
    policy: &'a Policy,
    /// The scope, when it registers dumpers.
    scope: Option<&'a Adapters>,
}

impl Arg<'_> {
    /// The format the value is written in.
    pub fn format(&self) -> Format {
        self.param.format()
    }

    /// Writes the value as `ty`; [`IsNull::Yes`](crate::IsNull::Yes) for
    /// NULL.
    pub fn write(&self, ty: &Type, out: &mut BytesMut) -> crate::Result<crate::IsNull> {
        let Some(value) = self.param.value() else {
            return Err(Error::new(ErrorKind::Format, "a parameter has no value"));
        };
        let ctx = Ctx {
            ty,
            format: self.param.format(),
            policy: self.policy,
            scope: self.scope,
        };
        match self.param.dumper() {
            Some(_) => self.param.dump_in(ty, self.policy, self.scope, out),
            None => value.dump(&ctx, out),
        }
    }
}

impl fmt::Debug for Arg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.param.fmt(f)
    }
}

impl ToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        Ok(self.write(ty, out)?.into())
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        self.to_sql(ty, out)
    }

    fn encode_format(&self, _: &Type) -> postgres_types::Format {
        self.param.format().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{Sql, bind};

    #[test]
    fn parameter_types_in_place_and_past_it() {
        for n in 0..=7_i32 {
            let mut q = Sql::new("SELECT 1").into_composed();
            for i in 0..n {
                q.push(Sql::new(", "));
                q.push(bind(i64::from(i)));
            }
            let r = Request::new(q, &Adapters::global()).unwrap();
            assert_eq!(r.param_types().len(), n as usize);
            assert!(r.param_types().iter().all(|ty| *ty == Type::INT8));
            assert_eq!(r.typed_args().len(), n as usize);
        }
        let mut types = Types::with_capacity(2);
        for ty in [
            Type::INT4,
            Type::TEXT,
            Type::BOOL,
            Type::INT8,
            Type::UUID,
            Type::DATE,
        ] {
            types.push(ty);
        }
        assert_eq!(
            types.as_slice(),
            &[
                Type::INT4,
                Type::TEXT,
                Type::BOOL,
                Type::INT8,
                Type::UUID,
                Type::DATE
            ]
        );
    }
}
