//! [`Request`]: a composed query rendered in a connection's scope, its
//! placeholders supplied, its parameters ready as `ToSql` values.

use std::error::Error as StdError;
use std::fmt;

use bytes::BytesMut;
use pgcast_core::sql::{Composable, Param, ParamSource, Rendered};
use pgcast_core::{Adapters, Ctx, Error, ErrorKind, Policy, Type};
use postgres_types::{IsNull, ToSql};

use crate::Params;

/// A query ready to send: its text and parameters, each with its value.
///
/// When every parameter's type is known (a built-in or registered type, not
/// `unknown`), [`typed_args`](Self::typed_args) gives them with their types
/// and the query goes out unprepared in one round trip (tokio-postgres'
/// `query_typed`). Otherwise it is prepared (the statement cached per
/// connection) and [`args`](Self::args) are written as the types the server
/// declared.
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Placeholder, Sql};
/// use pgcast_core::{Adapters, Type, Value};
/// use pgcast_tokio_postgres::{params, Request};
///
/// let q = Sql::new("SELECT ") + bind(1_i32) + Sql::new(", ") + Placeholder::named("x");
/// let r = Request::new(&q, params! { "x" => "text" }, &Adapters::global()).unwrap();
/// assert_eq!(r.text(), "SELECT $1, $2");
/// let typed = r.typed_args().unwrap();
/// assert_eq!((&typed[0].1, &typed[1].1), (&Type::INT4, &Type::TEXT));
///
/// // a NULL of no particular type leaves it to the server: prepared
/// let r = Request::new(&q, params! { "x" => Value::Null }, &Adapters::global()).unwrap();
/// assert!(r.typed_args().is_none());
/// assert_eq!(r.args().len(), 2);
///
/// // a placeholder without a value is an error before anything is sent
/// let err = Request::new(&q, params! {}, &Adapters::global()).unwrap_err();
/// assert_eq!(err.to_string(), "bad format string: placeholder \"x\" has no value (query: SELECT $1, $2)");
/// ```
#[derive(Clone, Debug)]
pub struct Request {
    rendered: Rendered,
    policy: Policy,
}

impl Request {
    /// Renders `query` in `scope` and supplies `params`.
    pub fn new(
        query: &impl Composable,
        params: Params,
        scope: &Adapters,
    ) -> crate::Result<Request> {
        let mut rendered = query.render_with(scope)?;
        Request::from_rendered_with(&mut rendered, params)?;
        let request = Request {
            rendered,
            policy: *scope.policy(),
        };
        request.check().map_err(|e| e.with_query(request.text()))?;
        Ok(request)
    }

    /// A query rendered earlier, with the policy of `scope`.
    pub fn from_rendered(
        mut rendered: Rendered,
        params: Params,
        scope: &Adapters,
    ) -> crate::Result<Request> {
        Request::from_rendered_with(&mut rendered, params)?;
        let request = Request {
            rendered,
            policy: *scope.policy(),
        };
        request.check().map_err(|e| e.with_query(request.text()))?;
        Ok(request)
    }

    fn from_rendered_with(rendered: &mut Rendered, params: Params) -> crate::Result<()> {
        let text = rendered.text().to_owned();
        params
            .apply(rendered)
            .map_err(|e| crate::Error::from(e).with_query(&text))
    }

    fn check(&self) -> crate::Result<()> {
        for p in self.rendered.params() {
            let missing = match p.source() {
                ParamSource::Value(_) => continue,
                ParamSource::Named(name) => format!("placeholder {name:?} has no value"),
                ParamSource::Positional(k) => format!("positional placeholder {k} has no value"),
            };
            return Err(Error::new(ErrorKind::Format, missing).into());
        }
        Ok(())
    }

    /// The query text, with `$1..$n`.
    pub fn text(&self) -> &str {
        self.rendered.text()
    }

    /// The rendered query.
    pub fn rendered(&self) -> &Rendered {
        &self.rendered
    }

    /// The parameters as `ToSql` values, written as the types the driver asks
    /// for (the statement's), in each parameter's format.
    pub fn args(&self) -> Vec<Arg<'_>> {
        self.rendered
            .params()
            .iter()
            .map(|param| Arg {
                param,
                policy: &self.policy,
            })
            .collect()
    }

    /// The parameters with their types, if every type is known: then the
    /// query needs no prepare.
    pub fn typed_args(&self) -> Option<Vec<(Arg<'_>, Type)>> {
        self.rendered
            .params()
            .iter()
            .map(|param| match param.pg_type() {
                Some(ty) if ty.oid() != 0 && *ty != Type::UNKNOWN => Some((
                    Arg {
                        param,
                        policy: &self.policy,
                    },
                    ty.clone(),
                )),
                _ => None,
            })
            .collect()
    }
}

/// One parameter of a [`Request`] as a `ToSql` value: its value written by
/// the scope's dumper (if one is registered for its Rust type) or its own
/// [`Dump`](pgcast_core::Dump), as the type the driver passes, in the
/// parameter's format.
#[derive(Clone, Copy)]
pub struct Arg<'a> {
    param: &'a Param,
    policy: &'a Policy,
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
        let Some(value) = self.param.value() else {
            return Err(Box::new(Error::new(
                ErrorKind::Format,
                "a parameter has no value",
            )));
        };
        let ctx = Ctx {
            ty,
            format: self.param.format(),
            policy: self.policy,
        };
        let written = match self.param.dumper() {
            Some(dumper) => dumper.dump(value.as_any(), &ctx, out),
            None => value.dump(&ctx, out),
        };
        Ok(written?.into())
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
