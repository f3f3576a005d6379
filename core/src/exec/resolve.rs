//! Type resolution: fetching custom and extension types (composites, enums,
//! domains, ranges, `hstore` …) from the catalogue, with the types they
//! refer to, and registering them in a session's scope.
//!
//! Driver-free: a [`Registration`] says which [`Lookup`] to run next and
//! takes its row back; the driver only runs the query.

use postgres_types::ToSql;

use crate::typeinfo::{TYPE_BY_NAME_SQL, TYPE_BY_OID_SQL, TypeInfo};
use crate::{Adapters, Error, ErrorKind, Oid, Type};

/// A catalogue query to run: one row of [`TypeInfo`] columns, or none.
/// Its parameter and result types are built in, so it can go out in one
/// round trip on any driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The SQL text, with one parameter `$1`.
    pub sql: &'static str,
    param: LookupParam,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum LookupParam {
    Name(String),
    Oid(Oid),
}

impl Lookup {
    /// The type named `name` in SQL syntax (`hstore`, `app.mood`,
    /// `"My Schema"."My Type"`).
    pub fn by_name(name: &str) -> Lookup {
        Lookup {
            sql: TYPE_BY_NAME_SQL,
            param: LookupParam::Name(name.to_owned()),
        }
    }

    /// The type with this OID.
    pub fn by_oid(oid: Oid) -> Lookup {
        Lookup {
            sql: TYPE_BY_OID_SQL,
            param: LookupParam::Oid(oid),
        }
    }

    /// The parameter, as a `ToSql` value.
    pub fn param(&self) -> &(dyn ToSql + Sync) {
        match &self.param {
            LookupParam::Name(name) => name,
            LookupParam::Oid(oid) => oid,
        }
    }

    /// The parameter's type.
    pub fn param_type(&self) -> Type {
        match &self.param {
            LookupParam::Name(_) => Type::TEXT,
            LookupParam::Oid(_) => Type::OID,
        }
    }

    /// The parameter as text, for drivers that bind text.
    pub fn param_text(&self) -> String {
        match &self.param {
            LookupParam::Name(name) => name.clone(),
            LookupParam::Oid(oid) => oid.to_string(),
        }
    }
}

/// Fetching one type by name with everything it refers to, then merging it
/// into a scope.
///
/// Drive it with [`next_lookup`](Self::next_lookup) → run the [`Lookup`] →
/// [`found`](Self::found) until `next_lookup` returns `None`; then
/// [`register`](Self::register) merges what was fetched into the scope as it
/// is then (so registrations made meanwhile are kept).
///
/// ```
/// use pgcast_core::exec::Registration;
/// use pgcast_core::typeinfo::TYPE_BY_NAME_SQL;
///
/// let mut r = Registration::new(&["hstore"]);
/// let lookup = r.next_lookup(&pgcast_core::Adapters::global()).unwrap().unwrap();
/// assert_eq!(lookup.sql, TYPE_BY_NAME_SQL);
/// // no such type: an error naming it
/// assert!(r.found(None).unwrap_err().to_string().contains("hstore"));
/// ```
#[derive(Debug)]
pub struct Registration {
    /// Names still to fetch, last first.
    names: Vec<String>,
    /// Alternative names to try when a name is not found (a derived type's
    /// bare name after its `schema.name`).
    fallback: Vec<Option<String>>,
    /// What the current top needs next, and what was fetched, in order.
    fetched: Vec<TypeInfo>,
    /// The types asked for by name, in order.
    asked: Vec<Oid>,
    /// Types asked for by OID (a result's columns), still to fetch.
    oids: Vec<Oid>,
    waiting: Option<Waiting>,
}

#[derive(Debug)]
enum Waiting {
    Name(String),
    Oid(Oid),
}

impl Registration {
    /// Fetches these types (SQL syntax; unqualified names follow the
    /// `search_path`).
    pub fn new<S: AsRef<str>>(names: &[S]) -> Registration {
        Registration {
            names: names.iter().rev().map(|n| n.as_ref().to_owned()).collect(),
            fallback: names.iter().map(|_| None).collect(),
            fetched: Vec::new(),
            asked: Vec::new(),
            oids: Vec::new(),
            waiting: None,
        }
    }

    /// Fetches the types with these OIDs (the columns of a result that the
    /// scope does not know), with what they refer to.
    pub fn for_oids(oids: &[Oid]) -> Registration {
        let mut r = Registration::new::<&str>(&[]);
        r.oids = oids.iter().rev().copied().collect();
        r
    }

    /// Fetches the named types a request lacks (derived composites and
    /// enums): `schema.name` first, then the bare name through the
    /// `search_path`.
    pub fn for_types(types: &[Type]) -> Registration {
        let mut r = Registration::new::<&str>(&[]);
        for ty in types.iter().rev() {
            r.names
                .push(format!("{}.{}", quote(ty.schema()), quote(ty.name())));
            r.fallback.push(Some(quote(ty.name())));
        }
        r
    }

    /// The next catalogue query to run, or `None` when everything is
    /// fetched. `scope` says which types are already known.
    pub fn next_lookup(&mut self, scope: &Adapters) -> crate::Result<Option<Lookup>> {
        if let Some(w) = &self.waiting {
            return Ok(Some(match w {
                Waiting::Name(n) => Lookup::by_name(n),
                Waiting::Oid(o) => Lookup::by_oid(*o),
            }));
        }
        // A dependency of something fetched that neither the scope nor this
        // registration knows yet.
        let known = |oid: Oid, fetched: &[TypeInfo]| {
            scope.type_by_oid(oid).is_some() || fetched.iter().any(|f| f.oid == oid)
        };
        for info in &self.fetched {
            if let Some(oid) = info
                .dependencies()
                .into_iter()
                .find(|&oid| !known(oid, &self.fetched))
            {
                self.waiting = Some(Waiting::Oid(oid));
                return Ok(Some(Lookup::by_oid(oid)));
            }
        }
        if let Some(name) = self.names.pop() {
            self.waiting = Some(Waiting::Name(name.clone()));
            return Ok(Some(Lookup::by_name(&name)));
        }
        while let Some(oid) = self.oids.pop() {
            if !known(oid, &self.fetched) {
                self.waiting = Some(Waiting::Oid(oid));
                return Ok(Some(Lookup::by_oid(oid)));
            }
        }
        Ok(None)
    }

    /// Takes the row of the last [`Lookup`] (`None`: no such type).
    pub fn found(&mut self, info: Option<TypeInfo>) -> crate::Result<()> {
        let waiting = self.waiting.take();
        match (waiting, info) {
            (Some(Waiting::Name(_)), Some(info)) => {
                self.fallback.pop();
                self.asked.push(info.oid);
                self.fetched.push(info);
                Ok(())
            }
            (Some(Waiting::Name(name)), None) => match self.fallback.pop().flatten() {
                Some(bare) => {
                    self.fallback.push(None);
                    self.names.push(bare);
                    Ok(())
                }
                None => Err(Error::new(
                    ErrorKind::WrongType,
                    format!(
                        "no type named {name} in the database (create it, or check the schema and search_path)"
                    ),
                )),
            },
            (Some(Waiting::Oid(_)), Some(info)) => {
                self.fetched.push(info);
                Ok(())
            }
            (Some(Waiting::Oid(oid)), None) => Err(Error::new(
                ErrorKind::WrongType,
                format!("no type with OID {oid} in the catalogue"),
            )),
            (None, _) => Err(Error::new(
                ErrorKind::WrongType,
                "a catalogue row that no lookup asked for",
            )),
        }
    }

    /// Registers everything fetched in `scope` (dependencies first) and
    /// returns the types asked for, in order.
    pub fn register(&self, scope: &mut Adapters) -> crate::Result<Vec<Type>> {
        let mut pending: Vec<&TypeInfo> = self.fetched.iter().collect();
        let mut progress = true;
        while !pending.is_empty() && progress {
            progress = false;
            let mut rest = Vec::new();
            for info in pending {
                if info
                    .dependencies()
                    .into_iter()
                    .all(|oid| scope.type_by_oid(oid).is_some() || oid == info.oid)
                {
                    info.register(scope)?;
                    progress = true;
                } else {
                    rest.push(info);
                }
            }
            pending = rest;
        }
        if let Some(info) = pending.first() {
            return Err(Error::new(
                ErrorKind::WrongType,
                format!(
                    "type {}.{} refers to types that could not be resolved",
                    info.schema, info.name
                ),
            ));
        }
        self.asked
            .iter()
            .map(|&oid| {
                scope.type_by_oid(oid).ok_or_else(|| {
                    Error::new(
                        ErrorKind::WrongType,
                        format!("type {oid} was not registered"),
                    )
                })
            })
            .collect()
    }
}

fn quote(s: &str) -> String {
    let mut out = String::new();
    crate::sql::write_quoted_name(s, &mut out);
    out
}
