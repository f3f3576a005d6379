//! The adapters registry: built-in defaults shared globally, scopes derived
//! from it copy-on-write.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use bytes::BytesMut;
use postgres_types::{Oid, Type};

use super::TypeName;
use crate::{Ctx, Error, IsNull, Policy, Result, Value};

/// A dumper registered for the Rust type `T`: overrides `T`'s own
/// [`Dump`](crate::Dump) impl in the scope it is registered on.
///
/// ```
/// use bytes::{BufMut, BytesMut};
/// use pgcast_core::{Adapters, Ctx, Dumper, IsNull, Policy, Result};
/// use postgres_types::Type;
///
/// /// Sends `bool` as the text `yes`/`no`, say for a legacy column.
/// struct YesNo;
///
/// impl Dumper<bool> for YesNo {
///     fn pg_type(&self, _: &bool, _: &Policy) -> Type {
///         Type::TEXT
///     }
///     fn dump(&self, value: &bool, _: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
///         out.put_slice(if *value { b"yes" } else { b"no" });
///         Ok(IsNull::No)
///     }
/// }
///
/// let mut scope = Adapters::global().scope();
/// scope.register_dumper::<bool>(YesNo);
/// let dumper = scope.dumper_for(&true).unwrap();
/// let mut out = BytesMut::new();
/// dumper.dump(&true, &Ctx::text(&Type::TEXT), &mut out).unwrap();
/// assert_eq!(&out[..], b"yes");
/// assert!(Adapters::global().dumper_for(&true).is_none());
/// ```
pub trait Dumper<T: ?Sized>: Send + Sync + 'static {
    /// The PostgreSQL type `value` is sent as.
    fn pg_type(&self, value: &T, policy: &Policy) -> Type;
    /// Writes `value` as `ctx.ty` in `ctx.format`.
    fn dump(&self, value: &T, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull>;
}

/// A loader registered for a PostgreSQL type (by OID or by name): turns its
/// values into the dynamic [`Value`].
///
/// ```
/// use pgcast_core::{Adapters, Ctx, Loader, Result, Value};
/// use postgres_types::{Kind, Type};
///
/// /// Loads the `ltree` extension type as its text.
/// struct LtreeAsText;
///
/// impl Loader for LtreeAsText {
///     fn load(&self, ctx: &Ctx<'_>, raw: &[u8]) -> Result<Value> {
///         // binary ltree is a version byte then the text
///         let text = if ctx.format == pgcast_core::Format::Binary { &raw[1.min(raw.len())..] } else { raw };
///         Ok(Value::Text(String::from_utf8_lossy(text).into_owned()))
///     }
/// }
///
/// let mut scope = Adapters::global().scope();
/// scope.register_loader_by_name("ltree", LtreeAsText);
/// let ltree = Type::new("ltree".into(), 91_234, Kind::Simple, "public".into());
/// let loader = scope.value_loader(&ltree);
/// let v = loader.load(&Ctx::text(&ltree), Some(b"a.b.c")).unwrap();
/// assert_eq!(v, Value::Text("a.b.c".into()));
/// ```
pub trait Loader: Send + Sync + 'static {
    /// Decodes one non-NULL value.
    fn load(&self, ctx: &Ctx<'_>, raw: &[u8]) -> Result<Value>;
}

trait ErasedDumper: Send + Sync {
    fn pg_type(&self, value: &dyn Any, policy: &Policy) -> Option<Type>;
    fn dump(&self, value: &dyn Any, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull>;
}

struct Typed<T: ?Sized, D>(D, PhantomData<fn(&T)>);

impl<T: 'static, D: Dumper<T>> ErasedDumper for Typed<T, D> {
    fn pg_type(&self, value: &dyn Any, policy: &Policy) -> Option<Type> {
        value.downcast_ref::<T>().map(|v| self.0.pg_type(v, policy))
    }

    fn dump(&self, value: &dyn Any, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match value.downcast_ref::<T>() {
            Some(v) => self.0.dump(v, ctx, out),
            None => Err(Error::wrong_type::<T>(ctx.ty)),
        }
    }
}

impl<T: ?Sized, D: Dumper<T>> Dumper<T> for Arc<D> {
    fn pg_type(&self, value: &T, policy: &Policy) -> Type {
        (**self).pg_type(value, policy)
    }

    fn dump(&self, value: &T, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        (**self).dump(value, ctx, out)
    }
}

/// A value (or NULL) written by a registered dumper: what the containers'
/// dumpers below hand to the built-in `Option` and array code.
struct Via<'v, T, D>(&'v D, Option<&'v T>);

impl<T, D: Dumper<T>> crate::Dump for Via<'_, T, D> {
    fn pg_type(&self, policy: &Policy) -> Type {
        match self.1 {
            Some(v) => self.0.pg_type(v, policy),
            // A NULL's type is the statement's to say.
            None => Type::UNKNOWN,
        }
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match self.1 {
            Some(v) => self.0.dump(v, ctx, out),
            None => Ok(IsNull::Yes),
        }
    }
}

impl<T, D> crate::StaticType for Via<'_, T, D> {
    /// Unknown without a value: an array's element type comes from its
    /// first element, or from the statement.
    fn static_type(_: &Policy) -> Type {
        Type::UNKNOWN
    }
}

/// `Option<T>` through `T`'s registered dumper.
struct OptionOf<T, D>(D, PhantomData<fn(&T)>);

impl<T: 'static, D: Dumper<T>> ErasedDumper for OptionOf<T, D> {
    fn pg_type(&self, value: &dyn Any, policy: &Policy) -> Option<Type> {
        let v = value.downcast_ref::<Option<T>>()?;
        Some(crate::Dump::pg_type(&Via(&self.0, v.as_ref()), policy))
    }

    fn dump(&self, value: &dyn Any, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match value.downcast_ref::<Option<T>>() {
            Some(v) => crate::Dump::dump(&Via(&self.0, v.as_ref()), ctx, out),
            None => Err(Error::wrong_type::<Option<T>>(ctx.ty)),
        }
    }
}

/// `Vec<T>` (an array) through `T`'s registered dumper.
struct VecOf<T, D>(D, PhantomData<fn(&T)>);

impl<T: 'static, D: Dumper<T>> VecOf<T, D> {
    fn elements<'v>(&'v self, value: &'v dyn Any) -> Option<Vec<Via<'v, T, D>>> {
        let v = value.downcast_ref::<Vec<T>>()?;
        Some(v.iter().map(|e| Via(&self.0, Some(e))).collect())
    }
}

impl<T: 'static, D: Dumper<T>> ErasedDumper for VecOf<T, D> {
    fn pg_type(&self, value: &dyn Any, policy: &Policy) -> Option<Type> {
        self.elements(value)
            .map(|v| crate::Dump::pg_type(&v, policy))
    }

    fn dump(&self, value: &dyn Any, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match self.elements(value) {
            Some(v) => crate::Dump::dump(&v, ctx, out),
            None => Err(Error::wrong_type::<Vec<T>>(ctx.ty)),
        }
    }
}

/// `Vec<Option<T>>` (an array with NULLs) through `T`'s registered dumper.
struct VecOfOption<T, D>(D, PhantomData<fn(&T)>);

impl<T: 'static, D: Dumper<T>> VecOfOption<T, D> {
    fn elements<'v>(&'v self, value: &'v dyn Any) -> Option<Vec<Via<'v, T, D>>> {
        let v = value.downcast_ref::<Vec<Option<T>>>()?;
        Some(v.iter().map(|e| Via(&self.0, e.as_ref())).collect())
    }
}

impl<T: 'static, D: Dumper<T>> ErasedDumper for VecOfOption<T, D> {
    fn pg_type(&self, value: &dyn Any, policy: &Policy) -> Option<Type> {
        self.elements(value)
            .map(|v| crate::Dump::pg_type(&v, policy))
    }

    fn dump(&self, value: &dyn Any, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        match self.elements(value) {
            Some(v) => crate::Dump::dump(&v, ctx, out),
            None => Err(Error::wrong_type::<Vec<Option<T>>>(ctx.ty)),
        }
    }
}

/// A value whose dumper is looked up in the scope it is dumped in
/// ([`Ctx::scope`]): a dumper registered there for `T` writes it, else its own
/// [`Dump`](crate::Dump). What the derives wrap the fields of composites and
/// of `ToRow` rows in (for structs without generic parameters), so that a
/// registered dumper reaches a field as it reaches a parameter; use it in a
/// hand-written `ToRow` or composite the same way.
///
/// ```
/// use bytes::{BufMut, BytesMut};
/// use pgcast_core::{Adapters, Ctx, Dump, Dumper, InScope, IsNull, Policy, Result, Type};
///
/// struct Upper;
/// impl Dumper<String> for Upper {
///     fn pg_type(&self, _: &String, _: &Policy) -> Type {
///         Type::TEXT
///     }
///     fn dump(&self, v: &String, _: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
///         out.put_slice(v.to_uppercase().as_bytes());
///         Ok(IsNull::No)
///     }
/// }
///
/// let mut scope = Adapters::global().scope();
/// scope.register_dumper::<String>(Upper);
/// let name = String::from("ann");
/// let mut out = BytesMut::new();
/// InScope(&name).dump(&Ctx::text(&Type::TEXT).with_scope(&scope), &mut out).unwrap();
/// assert_eq!(&out[..], b"ANN");
/// out.clear();
/// InScope(&name).dump(&Ctx::text(&Type::TEXT), &mut out).unwrap();
/// assert_eq!(&out[..], b"ann");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct InScope<'v, T>(pub &'v T);

impl<T: crate::Dump + 'static> crate::Dump for InScope<'_, T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        self.0.pg_type(policy)
    }

    #[inline]
    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        if let Some(scope) = ctx.scope
            && let Some(dumper) = scope.dumper(TypeId::of::<T>())
        {
            return dumper.dump(self.0, ctx, out);
        }
        self.0.dump(ctx, out)
    }
}

/// A registered dumper, found by the Rust type of the value.
#[derive(Clone)]
pub struct DynDumper(Arc<dyn ErasedDumper>);

impl DynDumper {
    /// The PostgreSQL type `value` is sent as; `None` if `value` is not of the
    /// Rust type the dumper was registered for.
    pub fn pg_type(&self, value: &dyn Any, policy: &Policy) -> Option<Type> {
        self.0.pg_type(value, policy)
    }

    /// Writes `value`; a [`WrongType`](crate::ErrorKind::WrongType) error if it
    /// is not of the Rust type the dumper was registered for.
    pub fn dump(&self, value: &dyn Any, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        self.0.dump(value, ctx, out)
    }
}

impl fmt::Debug for DynDumper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DynDumper")
    }
}

#[derive(Clone, Default)]
struct Registry {
    policy: Policy,
    dumpers: HashMap<TypeId, DynDumper>,
    loaders_by_oid: HashMap<Oid, Arc<dyn Loader>>,
    loaders_by_name: HashMap<TypeName, Arc<dyn Loader>>,
    types_by_oid: HashMap<Oid, Type>,
    types_by_name: HashMap<TypeName, Type>,
}

/// The adapters registry: policies, dumpers for Rust types, loaders and type
/// descriptions for PostgreSQL types.
///
/// Scopes nest global → connection → query. Each scope is an `Arc` snapshot:
/// [`scope`](Adapters::scope) is a cheap clone, reads take no lock, and the
/// first registration on a scope copies it, so a parent never sees what its
/// children register.
///
/// Built-in Rust types need no registration: their [`Dump`](crate::Dump) and
/// [`Load`](crate::Load) impls are static and inlined. The registry holds what
/// a type cannot decide alone: the [`Policy`], overrides, and custom or
/// extension types whose OIDs differ per database.
///
/// ```
/// use pgcast_core::{Adapters, Policy};
///
/// let conn = Adapters::global().scope();
/// let mut query = conn.scope();
/// query.set_policy(Policy { lossy: true, ..Policy::DEFAULT });
/// assert!(query.policy().lossy);
/// assert!(!conn.policy().lossy);
/// ```
#[derive(Clone)]
pub struct Adapters(Arc<Registry>);

static GLOBAL: LazyLock<RwLock<Adapters>> = LazyLock::new(|| RwLock::new(Adapters::new()));

/// Bumped (under the write lock) by every [`Adapters::configure_global`]:
/// a thread's cached snapshot of the global registry is current while its
/// generation is this one.
static GLOBAL_GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's snapshot of the global registry and its generation.
    static GLOBAL_CACHE: RefCell<Option<(u64, Adapters)>> = const { RefCell::new(None) };
}

impl Adapters {
    /// A registry with the built-in defaults only, independent of the global one.
    pub fn new() -> Adapters {
        Adapters(Arc::new(Registry::default()))
    }

    /// `f` of the global registry's policy, when it registers no dumper
    /// (`None` when it does, or when this thread's snapshot of it is not
    /// current): all that rendering a query built whole with the global
    /// scope needs, read in place, without taking a reference to the
    /// registry.
    #[inline]
    pub(crate) fn with_global_policy_without_dumpers<R>(f: impl FnOnce(&Policy) -> R) -> Option<R> {
        Adapters::cached_global(|adapters| (!adapters.has_dumpers()).then(|| f(adapters.policy())))
            .flatten()
    }

    /// `f` of this thread's snapshot of the global registry, when it is
    /// current (a lock-free check); `None` when the global registry
    /// changed since, or the thread has no snapshot yet.
    #[inline]
    fn cached_global<R>(f: impl FnOnce(&Adapters) -> R) -> Option<R> {
        let generation = GLOBAL_GENERATION.load(Ordering::Acquire);
        GLOBAL_CACHE
            .try_with(|cache| match &*cache.try_borrow().ok()? {
                Some((g, adapters)) if *g == generation => Some(f(adapters)),
                _ => None,
            })
            .ok()
            .flatten()
    }

    /// A snapshot of the global registry. Later changes to the global
    /// registry do not reach snapshots already taken.
    pub fn global() -> Adapters {
        // The thread's cached snapshot; the lock only when the global
        // registry changed since.
        if let Some(adapters) = Adapters::cached_global(Adapters::clone) {
            return adapters;
        }
        let (generation, adapters) = {
            let global = GLOBAL.read().unwrap_or_else(PoisonError::into_inner);
            // Read under the lock: the generation matches the registry.
            (GLOBAL_GENERATION.load(Ordering::Acquire), global.clone())
        };
        let _ = GLOBAL_CACHE.try_with(|cache| {
            if let Ok(mut cache) = cache.try_borrow_mut() {
                *cache = Some((generation, adapters.clone()));
            }
        });
        adapters
    }

    /// Changes the global registry; scopes taken afterwards see the change.
    ///
    /// ```
    /// use pgcast_core::{Adapters, InfinityPolicy, Policy};
    ///
    /// Adapters::configure_global(|global| {
    ///     global.set_policy(Policy { infinity: InfinityPolicy::Saturate, ..*global.policy() });
    /// });
    /// assert_eq!(Adapters::global().policy().infinity, InfinityPolicy::Saturate);
    /// # Adapters::configure_global(|g| { g.set_policy(pgcast_core::Policy::DEFAULT); });
    /// ```
    pub fn configure_global(change: impl FnOnce(&mut Adapters)) {
        let mut global = GLOBAL.write().unwrap_or_else(PoisonError::into_inner);
        // Bumped before the change, under the lock: a thread that sees the
        // new generation waits for the lock and so for the change, and a
        // panicking `change` still invalidates every cached snapshot.
        GLOBAL_GENERATION.fetch_add(1, Ordering::AcqRel);
        change(&mut global);
    }

    /// A child scope: shares everything until something is registered on it.
    pub fn scope(&self) -> Adapters {
        self.clone()
    }

    fn registry_mut(&mut self) -> &mut Registry {
        Arc::make_mut(&mut self.0)
    }

    /// The conversion policy of this scope.
    pub fn policy(&self) -> &Policy {
        &self.0.policy
    }

    /// Sets the conversion policy of this scope.
    pub fn set_policy(&mut self, policy: Policy) -> &mut Adapters {
        self.registry_mut().policy = policy;
        self
    }

    /// Sets the session time zone of this scope
    /// ([`Policy::time_zone`](crate::Policy::time_zone)): what a session
    /// calls with the `TimeZone` the server reports, at connect and on
    /// every change, so that binary `timestamptz` values load with the
    /// offsets the server's text and `to_json` show.
    ///
    /// ```
    /// use pgcast_core::{Adapters, TimeZone};
    ///
    /// let mut scope = Adapters::global().scope();
    /// scope.set_time_zone(TimeZone::named("Europe/Amsterdam").unwrap());
    /// assert_eq!(scope.policy().time_zone.name(), Some("Europe/Amsterdam"));
    /// assert_eq!(Adapters::global().policy().time_zone, TimeZone::UTC);
    /// ```
    pub fn set_time_zone(&mut self, zone: crate::TimeZone) -> &mut Adapters {
        if self.0.policy.time_zone != zone {
            self.registry_mut().policy.time_zone = zone;
        }
        self
    }

    /// This scope with another policy (builder form of [`set_policy`](Self::set_policy)).
    pub fn with_policy(mut self, policy: Policy) -> Adapters {
        self.set_policy(policy);
        self
    }

    /// Registers a dumper for the Rust type `T`, overriding `T`'s own
    /// [`Dump`](crate::Dump) in this scope.
    ///
    /// It also reaches `T` inside the containers a value is most often bound
    /// in: `Option<T>`, `Vec<T>` and `Vec<Option<T>>` (as parameters, as
    /// literals, in `Values` and `Insert::rows`).
    ///
    /// ```
    /// use bytes::{BufMut, BytesMut};
    /// use pgcast_core::sql::{bind, Composable, Sql};
    /// use pgcast_core::{Adapters, Ctx, Dumper, IsNull, Policy, Result, Type};
    ///
    /// struct Upper;
    /// impl Dumper<String> for Upper {
    ///     fn pg_type(&self, _: &String, _: &Policy) -> Type {
    ///         Type::TEXT
    ///     }
    ///     fn dump(&self, v: &String, _: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
    ///         out.put_slice(v.to_uppercase().as_bytes());
    ///         Ok(IsNull::No)
    ///     }
    /// }
    ///
    /// let mut scope = Adapters::global().scope();
    /// scope.register_dumper::<String>(Upper);
    /// let q = Sql::new("SELECT ") + bind(vec![Some("a".to_owned()), None]);
    /// assert_eq!(q.render_inline_with(&scope).unwrap(), "SELECT '{A,NULL}'::text[]");
    /// let q = Sql::new("SELECT ") + bind(Some("b".to_owned()));
    /// assert_eq!(q.render_inline_with(&scope).unwrap(), "SELECT 'B'");
    /// ```
    pub fn register_dumper<T: 'static>(&mut self, dumper: impl Dumper<T>) -> &mut Adapters {
        let dumper = Arc::new(dumper);
        let typed = DynDumper(Arc::new(Typed::<T, _>(dumper.clone(), PhantomData)));
        let option = DynDumper(Arc::new(OptionOf::<T, _>(dumper.clone(), PhantomData)));
        let vec = DynDumper(Arc::new(VecOf::<T, _>(dumper.clone(), PhantomData)));
        let vec_option = DynDumper(Arc::new(VecOfOption::<T, _>(dumper, PhantomData)));
        let dumpers = &mut self.registry_mut().dumpers;
        dumpers.insert(TypeId::of::<T>(), typed);
        dumpers.insert(TypeId::of::<Option<T>>(), option);
        dumpers.insert(TypeId::of::<Vec<T>>(), vec);
        dumpers.insert(TypeId::of::<Vec<Option<T>>>(), vec_option);
        self
    }

    /// The dumper registered for the Rust type with this id, if any.
    pub fn dumper(&self, id: TypeId) -> Option<&DynDumper> {
        if self.0.dumpers.is_empty() {
            return None;
        }
        self.0.dumpers.get(&id)
    }

    /// The dumper registered for `value`'s Rust type, if any.
    pub fn dumper_for<T: 'static>(&self, _value: &T) -> Option<&DynDumper> {
        self.dumper(TypeId::of::<T>())
    }

    /// Registers a loader for the type with this OID (for the dynamic [`Value`]).
    pub fn register_loader(&mut self, oid: Oid, loader: impl Loader) -> &mut Adapters {
        self.registry_mut()
            .loaders_by_oid
            .insert(oid, Arc::new(loader));
        self
    }

    /// Registers a loader for a type found by name: `"hstore"` matches in any
    /// schema, `"app.money2"` or `"\"My Schema\".\"My Type\""` only there.
    /// The name is read as SQL writes it ([`TypeName::parse`]: unquoted parts
    /// fold to lower case). The OID is resolved when a result with that type
    /// is planned.
    ///
    /// # Panics
    ///
    /// If `name` is not a type name (`"a.b.c"`, `"app."`, an unclosed
    /// quote): registering under a name no type can have is a bug, not a
    /// loader that silently never applies.
    pub fn register_loader_by_name(&mut self, name: &str, loader: impl Loader) -> &mut Adapters {
        let key = match TypeName::parse(name) {
            Ok(key) => key,
            Err(err) => panic!("register_loader_by_name: {}", err.message()),
        };
        self.registry_mut()
            .loaders_by_name
            .insert(key, Arc::new(loader));
        self
    }

    /// Registers a type description (fetched from the catalogue), so that its
    /// OID and name resolve in this scope.
    pub fn register_type(&mut self, ty: Type) -> &mut Adapters {
        let reg = self.registry_mut();
        let name = TypeName::new(Some(ty.schema()), ty.name());
        let bare = TypeName::new(None, ty.name());
        reg.types_by_oid.insert(ty.oid(), ty.clone());
        reg.types_by_name.insert(name, ty.clone());
        reg.types_by_name.insert(bare, ty);
        self
    }

    /// Forgets a registered type (its OID and its names): after the server
    /// dropped it, so that it is fetched again by name.
    pub fn unregister_type(&mut self, ty: &Type) -> &mut Adapters {
        let reg = self.registry_mut();
        reg.types_by_oid.remove(&ty.oid());
        reg.types_by_name.retain(|_, t| t.oid() != ty.oid());
        self
    }

    /// The type with this OID: a built-in one, or one registered here.
    pub fn type_by_oid(&self, oid: Oid) -> Option<Type> {
        Type::from_oid(oid).or_else(|| self.0.types_by_oid.get(&oid).cloned())
    }

    /// A type registered here by `"name"` or `"schema.name"`, read as SQL
    /// writes it ([`TypeName::parse`]: unquoted parts fold to lower case).
    /// `None` also if `name` is not a type name.
    pub fn type_by_name(&self, name: &str) -> Option<Type> {
        let key = TypeName::parse(name).ok()?;
        self.0.types_by_name.get(&key).cloned()
    }

    /// A type registered here by its parts, unparsed: `schema` and `name`
    /// as the catalogue spells them, or the bare `name` (`None`), as
    /// registered through the `search_path`.
    pub fn type_named(&self, schema: Option<&str>, name: &str) -> Option<Type> {
        self.0
            .types_by_name
            .get(&TypeName::new(schema, name))
            .cloned()
    }

    /// Whether values of `ty` load into something better than
    /// [`Value::Other`]'s bytes: a loader registered for it, or a built-in one.
    pub fn has_value_loader(&self, ty: &Type) -> bool {
        let reg = &*self.0;
        reg.loaders_by_oid.contains_key(&ty.oid())
            || self.type_has_named_loader(ty)
            || Value::has_builtin_loader(ty)
    }

    fn type_has_named_loader(&self, ty: &Type) -> bool {
        let reg = &*self.0;
        !reg.loaders_by_name.is_empty()
            && [Some(ty.schema()), None].into_iter().any(|schema| {
                reg.loaders_by_name
                    .contains_key(&TypeName::new(schema, ty.name()))
            })
    }

    /// Resolves, once per column, how values of `ty` load into [`Value`]:
    /// a loader registered by OID, else by `schema.name`, else by bare name,
    /// else the built-in one.
    pub fn value_loader(&self, ty: &Type) -> ValueLoader {
        match self.registered_loader(ty) {
            Some(loader) => ValueLoader(Resolved::Custom(loader.clone())),
            None => ValueLoader(Resolved::Builtin(Value::builtin_loader(ty, &self.0.policy))),
        }
    }

    /// This scope with the types `connection` knows and it does not (a
    /// query scope over a connection's: type OIDs belong to the database,
    /// whatever scope a query runs in). No copy when there is nothing to add.
    pub(crate) fn with_types_of(mut self, connection: &Adapters) -> Adapters {
        let theirs = &connection.0;
        let missing = theirs
            .types_by_oid
            .keys()
            .any(|oid| !self.0.types_by_oid.contains_key(oid));
        if missing {
            let reg = self.registry_mut();
            for (oid, ty) in &theirs.types_by_oid {
                reg.types_by_oid.entry(*oid).or_insert_with(|| ty.clone());
            }
            for (name, ty) in &theirs.types_by_name {
                reg.types_by_name
                    .entry(name.clone())
                    .or_insert_with(|| ty.clone());
            }
        }
        self
    }

    /// Whether this scope registers any dumper.
    pub(crate) fn has_dumpers(&self) -> bool {
        !self.0.dumpers.is_empty()
    }

    /// Whether this scope registers any loader.
    pub(crate) fn has_loaders(&self) -> bool {
        !self.0.loaders_by_oid.is_empty() || !self.0.loaders_by_name.is_empty()
    }

    /// The loader registered for `ty`: by OID, else by `schema.name`, else
    /// by bare name.
    pub(crate) fn registered_loader(&self, ty: &Type) -> Option<&Arc<dyn Loader>> {
        let reg = &*self.0;
        reg.loaders_by_oid.get(&ty.oid()).or_else(|| {
            if reg.loaders_by_name.is_empty() {
                return None;
            }
            let qualified = TypeName::new(Some(ty.schema()), ty.name());
            reg.loaders_by_name
                .get(&qualified)
                .or_else(|| reg.loaders_by_name.get(&TypeName::new(None, ty.name())))
        })
    }
}

impl Default for Adapters {
    fn default() -> Self {
        Adapters::new()
    }
}

impl fmt::Debug for Adapters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adapters")
            .field("policy", &self.0.policy)
            .field("dumpers", &self.0.dumpers.len())
            .field("loaders_by_oid", &self.0.loaders_by_oid.len())
            .field("loaders_by_name", &self.0.loaders_by_name.len())
            .field("types", &self.0.types_by_oid.len())
            .finish()
    }
}

/// How one column's values load into [`Value`], resolved once by
/// [`Adapters::value_loader`].
#[derive(Clone)]
pub struct ValueLoader(Resolved);

#[derive(Clone)]
enum Resolved {
    Builtin(crate::value::LoadFn),
    Custom(Arc<dyn Loader>),
}

impl ValueLoader {
    /// Decodes one value (NULL gives [`Value::Null`]).
    #[inline]
    pub fn load(&self, ctx: &Ctx<'_>, raw: Option<&[u8]>) -> Result<Value> {
        match (raw, &self.0) {
            (None, _) => Ok(Value::Null),
            (Some(raw), Resolved::Builtin(load)) => load(ctx, raw),
            (Some(raw), Resolved::Custom(custom)) => custom.load(ctx, raw),
        }
    }

    /// Whether a registered loader (rather than the built-in one) is used.
    pub fn is_custom(&self) -> bool {
        matches!(self.0, Resolved::Custom(_))
    }
}

impl fmt::Debug for ValueLoader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_custom() {
            "ValueLoader(custom)"
        } else {
            "ValueLoader(builtin)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_global_sees_configure_global() {
        /// A type no other test registers anything for.
        struct Marker;
        struct MarkerDumper;
        impl Dumper<Marker> for MarkerDumper {
            fn pg_type(&self, _: &Marker, _: &Policy) -> Type {
                Type::TEXT
            }
            fn dump(&self, _: &Marker, _: &Ctx<'_>, _: &mut BytesMut) -> Result<IsNull> {
                Ok(IsNull::Yes)
            }
        }
        let before = Adapters::global();
        assert!(before.dumper_for(&Marker).is_none());
        // cached now on this thread
        assert!(Adapters::global().dumper_for(&Marker).is_none());
        Adapters::configure_global(|g| {
            g.register_dumper::<Marker>(MarkerDumper);
        });
        assert!(Adapters::global().dumper_for(&Marker).is_some());
        assert!(
            before.dumper_for(&Marker).is_none(),
            "snapshots stay as taken"
        );
        let other = std::thread::spawn(|| Adapters::global().dumper_for(&Marker).is_some());
        assert!(other.join().unwrap_or(false));
    }

    #[test]
    fn names_read_as_sql_writes_them() {
        use postgres_types::Kind;

        let ty = Type::new("my type".into(), 91_001, Kind::Simple, "App".into());
        let mut scope = Adapters::global().scope();
        scope.register_type(ty.clone());
        assert_eq!(scope.type_by_name("\"App\".\"my type\""), Some(ty.clone()));
        assert_eq!(scope.type_by_name("\"my type\""), Some(ty));
        assert_eq!(scope.type_by_name("app.\"my type\""), None, "App is quoted");
        assert_eq!(scope.type_by_name("\"App\".\"my type\".x"), None);

        let mood = Type::new("mood".into(), 91_002, Kind::Simple, "app".into());
        scope.register_type(mood.clone());
        assert_eq!(scope.type_by_name("APP.Mood"), Some(mood));
    }

    #[test]
    #[should_panic(expected = "more than two parts")]
    fn a_loader_under_no_type_name_is_a_bug() {
        struct Nothing;
        impl Loader for Nothing {
            fn load(&self, _: &Ctx<'_>, _: &[u8]) -> Result<Value> {
                Ok(Value::Null)
            }
        }
        Adapters::global()
            .scope()
            .register_loader_by_name("a.b.c", Nothing);
    }

    #[test]
    fn scopes_copy_on_write() {
        let parent = Adapters::new();
        let mut child = parent.scope();
        assert!(Arc::ptr_eq(&parent.0, &child.0));
        let ty = Type::new(
            "thing".into(),
            99_999,
            postgres_types::Kind::Simple,
            "app".into(),
        );
        child.register_type(ty.clone());
        assert!(!Arc::ptr_eq(&parent.0, &child.0));
        assert_eq!(child.type_by_oid(99_999), Some(ty.clone()));
        assert_eq!(child.type_by_name("app.thing"), Some(ty.clone()));
        assert_eq!(child.type_by_name("thing"), Some(ty));
        assert_eq!(parent.type_by_oid(99_999), None);
        assert_eq!(parent.type_by_oid(23), Some(Type::INT4));
    }

    #[test]
    fn adapters_are_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<Adapters>();
        check::<ValueLoader>();
    }
}
