//! Type information fetched through a connection and registered in a scope:
//! custom and extension types (composites, enums, domains, ranges,
//! `hstore` …) whose OIDs differ per database.

use pgcast_core::row::RawRow;
use pgcast_core::typeinfo::{COLUMNS, TYPE_BY_OID_SQL, TypeInfo};
use pgcast_core::{Adapters, Error as PgError, ErrorKind as PgErrorKind, Format, Oid, Type};
use postgres_types::ToSql;
use tokio_postgres::{GenericClient, Row};

use crate::rows::RowRef;
use crate::{Connection, Error, PgClient, Result};

/// Parses a catalogue row (binary, as tokio-postgres receives it).
pub fn parse_row(row: &Row) -> pgcast_core::Result<TypeInfo> {
    let raw = RowRef(row);
    let values = (0..COLUMNS)
        .map(|i| raw.raw(i))
        .collect::<pgcast_core::Result<Vec<_>>>()?;
    TypeInfo::from_row(&values, Format::Binary)
}

/// Registering a type and, first, the types it refers to that the scope
/// does not know yet, driven by a driver that fetches what
/// [`step`](Self::step) asks for.
#[derive(Debug)]
pub struct Resolution {
    pending: Vec<TypeInfo>,
}

/// What a [`Resolution`] needs next.
#[derive(Debug)]
pub enum Step {
    /// Fetch the type with this OID and [`provide`](Resolution::provide) it.
    Fetch(Oid),
    /// Everything is registered; the type asked for.
    Done(Type),
}

impl Resolution {
    /// Starts with the type asked for.
    pub fn new(info: TypeInfo) -> Resolution {
        Resolution {
            pending: vec![info],
        }
    }

    /// Registers what can be registered in `scope`; says what to fetch next.
    pub fn step(&mut self, scope: &mut Adapters) -> pgcast_core::Result<Step> {
        while let Some(top) = self.pending.last() {
            if let Some(oid) = top
                .dependencies()
                .into_iter()
                .find(|&oid| scope.type_by_oid(oid).is_none())
            {
                return Ok(Step::Fetch(oid));
            }
            let ty = top.register(scope)?;
            self.pending.pop();
            if self.pending.is_empty() {
                return Ok(Step::Done(ty));
            }
        }
        Err(PgError::new(PgErrorKind::WrongType, "nothing to resolve"))
    }

    /// Adds a type [`step`](Self::step) asked for (`None` if the catalogue
    /// has no such type).
    pub fn provide(&mut self, oid: Oid, info: Option<TypeInfo>) -> pgcast_core::Result<()> {
        let info = info.ok_or_else(|| {
            PgError::new(
                PgErrorKind::WrongType,
                format!("no type with OID {oid} in the catalogue"),
            )
        })?;
        if self.pending.iter().any(|p| p.oid == info.oid) {
            return Err(PgError::new(
                PgErrorKind::WrongType,
                format!("type {}.{} refers to itself", info.schema, info.name),
            ));
        }
        self.pending.push(info);
        Ok(())
    }
}

async fn fetch_by_oid<C: GenericClient + Sync>(client: &C, oid: Oid) -> Result<Option<TypeInfo>> {
    let params: [(&(dyn ToSql + Sync), Type); 1] = [(&oid, Type::OID)];
    let row = client
        .query_typed_opt(TYPE_BY_OID_SQL, &params)
        .await
        .map_err(|e| Error::from(e).with_query(TYPE_BY_OID_SQL))?;
    Ok(row.as_ref().map(parse_row).transpose()?)
}

/// The catalogue's description of the type `name` (SQL syntax: `hstore`,
/// `app.mood`, `"Other Schema"."My Type"`; unqualified names follow the
/// `search_path`), or `None` if there is no such type.
pub async fn fetch_type_info<C: Connection + ?Sized>(
    conn: &C,
    name: &str,
) -> Result<Option<TypeInfo>> {
    let query = TypeInfo::query_by_name(name);
    let params: [(&(dyn ToSql + Sync), Type); 1] = [(&query.param, Type::TEXT)];
    let row = conn
        .generic_client()
        .query_typed_opt(query.sql, &params)
        .await
        .map_err(|e| Error::from(e).with_query(query.sql))?;
    Ok(row.as_ref().map(parse_row).transpose()?)
}

/// Fetches the type `name` and registers it in `scope`, with the types it
/// refers to (a composite's field types, an array's element, a domain's
/// base, a range's subtype) that `scope` does not know yet, and its array
/// type. An error if there is no such type.
pub async fn register_type_info<C: Connection + ?Sized>(
    conn: &C,
    scope: &mut Adapters,
    name: &str,
) -> Result<Type> {
    let info = fetch_type_info(conn, name).await?.ok_or_else(|| {
        Error::from(PgError::new(
            PgErrorKind::WrongType,
            format!("no type named {name:?}"),
        ))
    })?;
    let mut resolution = Resolution::new(info);
    loop {
        match resolution.step(scope)? {
            Step::Done(ty) => return Ok(ty),
            Step::Fetch(oid) => {
                let dep = fetch_by_oid(conn.generic_client(), oid).await?;
                resolution.provide(oid, dep)?;
            }
        }
    }
}

impl<C: Connection> PgClient<C> {
    /// Fetches the type `name` (with what it refers to) and registers it in
    /// this connection's scope, where dumpers, loaders and row plans find it.
    pub async fn register_type(&self, name: &str) -> Result<Type> {
        let mut scope = self.pg_session().scope();
        let ty = register_type_info(self, &mut scope, name).await?;
        self.pg_session().configure(|s| *s = scope);
        Ok(ty)
    }

    /// [`register_type`](Self::register_type) for each name
    /// (`["hstore", "citext", "ltree"]`), in order.
    pub async fn register_types<I>(&self, names: I) -> Result<Vec<Type>>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut types = Vec::new();
        for name in names {
            types.push(self.register_type(name.as_ref()).await?);
        }
        Ok(types)
    }
}
