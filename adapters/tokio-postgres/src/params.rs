//! [`Params`]: the values of a query's placeholders, supplied at execution.

use std::borrow::Cow;
use std::fmt;

use pgcast_core::sql::{Rendered, SqlValue};

type Supply = Box<dyn FnOnce(&mut Rendered) -> pgcast_core::Result<()> + Send>;

/// Values for a query's named (`Placeholder::named("since")`) and positional
/// (`Placeholder::positional()`) placeholders. Values bound in the query itself
/// (`bind(v)`, `{v}` in `sql!`) need none. Usually written with
/// [`params!`](crate::params).
///
/// Each value keeps its Rust type, so a dumper registered for that type in
/// the connection's scope is used.
///
/// ```
/// use pgcast_core::sql::{Composable, Placeholder, Sql};
/// use pgcast_tokio_postgres::{params, Params};
///
/// let q = Sql::new("SELECT ") + Placeholder::named("a") + Sql::new(" + ") + Placeholder::named("b");
/// let mut r = q.render().unwrap();
/// params! { "a" => 1_i32, "b" => 2_i64 }.apply(&mut r).unwrap();
/// assert_eq!(r.dump_params().unwrap().len(), 2);
///
/// let mut r = q.render().unwrap();
/// assert!(Params::new().set("a", 1_i32).set("c", 3).apply(&mut r).is_err(), "no placeholder c");
/// ```
#[derive(Default)]
pub struct Params {
    items: Vec<(Cow<'static, str>, Supply)>,
}

impl Params {
    /// No values.
    pub fn new() -> Params {
        Params::default()
    }

    /// Adds the value of the named placeholder `name`.
    pub fn set(mut self, name: impl Into<Cow<'static, str>>, value: impl SqlValue) -> Params {
        let name = name.into();
        let key = name.clone();
        self.items.push((
            name,
            Box::new(move |r: &mut Rendered| r.supply(&key, value).map(drop)),
        ));
        self
    }

    /// Adds the value of the `k`-th positional placeholder (from 0).
    pub fn positional(mut self, k: usize, value: impl SqlValue) -> Params {
        self.items.push((
            Cow::Owned(format!("#{k}")),
            Box::new(move |r: &mut Rendered| r.supply_positional(k, value).map(drop)),
        ));
        self
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Supplies every value to a rendered query; an error if it has no such
    /// placeholder.
    pub fn apply(self, rendered: &mut Rendered) -> pgcast_core::Result<()> {
        for (_, supply) in self.items {
            supply(rendered)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.items.iter().map(|(name, _)| name))
            .finish()
    }
}

/// Values for named placeholders: `params! { "since" => ts, "limit" => 10 }`;
/// `params! {}` for none.
///
/// ```
/// use pgcast_tokio_postgres::params;
///
/// let p = params! { "since" => 5_i64, "name" => "ada" };
/// assert_eq!(format!("{p:?}"), r#"["since", "name"]"#);
/// assert!(params! {}.is_empty());
/// ```
#[macro_export]
macro_rules! params {
    () => { $crate::Params::new() };
    ($($name:expr => $value:expr),+ $(,)?) => {
        $crate::Params::new()$(.set($name, $value))+
    };
}
