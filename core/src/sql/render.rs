//! Rendering: a query whose text was written whole as it was built (every
//! value bound and numbered, every literal a common scalar and the scope
//! registering no dumper that could write it otherwise) is its text copied
//! and its values listed; any other takes
//! one pass over the pieces that copies the text between values into one
//! pre-sized `String`, writes each value again (`$n`, a literal), and
//! collects the parameters.

use std::borrow::Cow;
use std::fmt;

use bytes::BytesMut;
use postgres_types::Type;

use super::composed::{Composed, Kind, Slot};
use super::literal::{
    Builtin, parse_builtin, resolve, resolve_builtin, write_common_literal, write_literal,
};
use super::placeholder::Kind as PlaceholderKind;
use super::spare;
use super::stored::Stored;
use super::{Bound, QueryValue};
use crate::{Adapters, Ctx, DynDumper, Error, ErrorKind, Format, IsNull, Policy, Result};

/// The protocol's limit on parameters per statement (a 16-bit count).
const PROTOCOL_MAX_PARAMS: usize = u16::MAX as usize;

/// Where a parameter's value comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamSource<'a> {
    /// A value bound in the query (or supplied afterwards).
    Value(Bound<'a>),
    /// A named placeholder still waiting for its value.
    Named(Cow<'static, str>),
    /// The `k`-th positional placeholder (from 0), still waiting for its value.
    Positional(usize),
}

/// One `$n` of a rendered query: its value (or what is waiting for one), its
/// PostgreSQL type, the wire format to send it in, and the scope's dumper for
/// it, if one is registered.
#[derive(Clone)]
pub struct Param<'a> {
    source: ParamSource<'a>,
    ty: Option<Type>,
    format: Format,
    dumper: Option<DynDumper>,
}

impl<'a> Param<'a> {
    /// A parameter typed by the dumpers of `scope` (`None`: it registers
    /// none) and `policy`.
    fn new(source: ParamSource<'a>, scope: Option<&Adapters>, policy: &Policy) -> Param<'a> {
        let mut param = Param {
            source,
            ty: None,
            format: Format::Binary,
            dumper: None,
        };
        param.typed(scope, policy);
        param
    }

    /// A bound value's parameter, typed when its query is rendered (see
    /// [`typed`](Self::typed)).
    #[inline]
    pub(crate) fn of_bound(bound: Bound<'a>) -> Param<'a> {
        Param {
            source: ParamSource::Value(bound),
            ty: None,
            format: Format::Binary,
            dumper: None,
        }
    }

    /// Types this parameter's value by the dumpers of `scope` (`None`: it
    /// registers none) and `policy`, in place.
    #[inline]
    pub(crate) fn typed(&mut self, scope: Option<&Adapters>, policy: &Policy) {
        if let ParamSource::Value(v) = &self.source {
            match scope {
                Some(scope) => {
                    let (ty, dumper) = resolve(&v.0, scope);
                    self.ty = Some(ty);
                    self.dumper = dumper.cloned();
                }
                None => self.ty = Some(resolve_builtin(&v.0, policy)),
            }
        }
    }

    /// The bound value, for a parameter made from one.
    #[inline]
    pub(crate) fn bound(&self) -> Option<&Bound<'a>> {
        match &self.source {
            ParamSource::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The same parameter owning its value.
    pub fn into_owned(self) -> Param<'static> {
        Param {
            source: match self.source {
                ParamSource::Value(v) => ParamSource::Value(v.into_owned()),
                ParamSource::Named(n) => ParamSource::Named(n),
                ParamSource::Positional(k) => ParamSource::Positional(k),
            },
            ty: self.ty,
            format: self.format,
            dumper: self.dumper,
        }
    }

    /// Where the value comes from.
    pub fn source(&self) -> &ParamSource<'a> {
        &self.source
    }

    /// The value, once bound or supplied.
    pub fn value(&self) -> Option<&(dyn QueryValue + 'a)> {
        match &self.source {
            ParamSource::Value(v) => Some(v.value()),
            _ => None,
        }
    }

    /// The PostgreSQL type, once the value is known (`None` lets the server infer it).
    pub fn pg_type(&self) -> Option<&Type> {
        self.ty.as_ref()
    }

    /// The wire format the value is sent in (binary unless changed).
    pub fn format(&self) -> Format {
        self.format
    }

    /// Sends this parameter in `format`.
    pub fn set_format(&mut self, format: Format) {
        self.format = format;
    }

    /// The name of the value: the placeholder it filled, or the variable
    /// `sql!` captured it from (`None` for an anonymous value).
    pub fn name(&self) -> Option<&str> {
        match &self.source {
            ParamSource::Value(v) => v.name(),
            ParamSource::Named(n) => Some(n),
            ParamSource::Positional(_) => None,
        }
    }

    /// The dumper registered for the value's Rust type in the rendering scope.
    pub fn dumper(&self) -> Option<&DynDumper> {
        self.dumper.as_ref()
    }

    /// Writes the value in this parameter's format and type.
    pub fn dump(&self, policy: &crate::Policy, out: &mut BytesMut) -> Result<IsNull> {
        let Some(ty) = &self.ty else {
            return Err(Error::new(
                ErrorKind::Format,
                format!("{} has no value yet", self.describe()),
            ));
        };
        self.dump_as(ty, policy, out)
    }

    /// Writes the value in this parameter's format as `ty` (the type a
    /// statement gives the parameter, which may differ from the value's).
    pub fn dump_as(&self, ty: &Type, policy: &crate::Policy, out: &mut BytesMut) -> Result<IsNull> {
        self.dump_in(ty, policy, None, out)
    }

    /// [`dump_as`](Self::dump_as) in `scope`, whose registered dumpers
    /// reach the fields of derived composites.
    pub(crate) fn dump_in(
        &self,
        ty: &Type,
        policy: &crate::Policy,
        scope: Option<&Adapters>,
        out: &mut BytesMut,
    ) -> Result<IsNull> {
        let Some(value) = self.value() else {
            return Err(Error::new(
                ErrorKind::Format,
                format!("{} has no value yet", self.describe()),
            ));
        };
        let ctx = Ctx {
            ty,
            format: self.format,
            policy,
            scope,
        };
        match (&self.dumper, &self.source) {
            (Some(d), ParamSource::Value(v)) => v.0.with_any(|v| d.dump(v, &ctx, out)),
            _ => value.dump(&ctx, out),
        }
    }

    fn describe(&self) -> String {
        match &self.source {
            ParamSource::Value(v) => format!("parameter {v:?}"),
            ParamSource::Named(n) => format!("placeholder {n:?}"),
            ParamSource::Positional(k) => format!("positional placeholder {k}"),
        }
    }
}

impl fmt::Debug for Param<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Param");
        d.field("source", &self.source);
        if let Some(ty) = &self.ty {
            d.field("type", &ty.name());
        }
        d.field("format", &self.format);
        if self.dumper.is_some() {
            d.field("dumper", &"custom");
        }
        d.finish()
    }
}

impl PartialEq for Param<'_> {
    fn eq(&self, other: &Param<'_>) -> bool {
        self.source == other.source && self.ty == other.ty && self.format == other.format
    }
}

/// A rendered query: the text with `$1..$n` and one [`Param`] per `$n`.
///
/// ```
/// use pgcast_core::sql::{bind, Composable, Placeholder, Sql};
/// use pgcast_core::Type;
///
/// let q = Sql::new("SELECT * FROM t WHERE a = ") + bind(7_i32)
///     + Sql::new(" AND b > ") + Placeholder::named("since");
/// let mut r = q.render().unwrap();
/// assert_eq!(r.text(), "SELECT * FROM t WHERE a = $1 AND b > $2");
/// assert_eq!(r.params()[0].pg_type(), Some(&Type::INT4));
/// assert_eq!(r.params()[1].pg_type(), None);
/// assert!(r.dump_params().is_err(), "$2 has no value yet");
///
/// r.supply("since", 100_i64).unwrap();
/// let dumped = r.dump_params().unwrap();
/// assert_eq!(dumped.get(0).unwrap().bytes, Some(&[0, 0, 0, 7][..]));
/// assert_eq!(dumped.get(1).unwrap().ty, &Type::INT8);
/// ```
#[derive(Clone)]
pub struct Rendered<'a> {
    text: String,
    params: Vec<Param<'a>>,
    /// The rendering scope, kept only when it registers dumpers (they
    /// reach values supplied later and the fields of derived composites);
    /// otherwise its policy is all that matters, and no reference to the
    /// (shared) scope is taken for every query.
    scope: Option<Adapters>,
    policy: Policy,
}

impl<'a> Rendered<'a> {
    /// The query text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parameters, `$1` first.
    pub fn params(&self) -> &[Param<'a>] {
        &self.params
    }

    /// The parameters, to change their formats.
    pub fn params_mut(&mut self) -> &mut [Param<'a>] {
        &mut self.params
    }

    /// Every parameter sent in `format`.
    pub fn with_format(mut self, format: Format) -> Rendered<'a> {
        for p in &mut self.params {
            p.format = format;
        }
        self
    }

    /// The scope dumps see, when it registers dumpers (they reach the
    /// fields of derived composites).
    pub(crate) fn dumping_scope(&self) -> Option<&Adapters> {
        self.scope.as_ref()
    }

    /// The same query owning its values (borrowed ones copied once).
    pub fn into_owned(mut self) -> Rendered<'static> {
        let params = std::mem::take(&mut self.params);
        Rendered {
            text: std::mem::take(&mut self.text),
            // Each parameter moved into its own place: the list is reused.
            params: params.into_iter().map(Param::into_owned).collect(),
            scope: self.scope.take(),
            policy: self.policy,
        }
    }

    /// The text and the parameters.
    pub fn into_parts(mut self) -> (String, Vec<Param<'a>>) {
        (
            std::mem::take(&mut self.text),
            std::mem::take(&mut self.params),
        )
    }

    /// Supplies the value of the named placeholder `name` (every `$n` of it);
    /// an [`ErrorKind::Format`] error if the query has no such placeholder.
    pub fn supply(&mut self, name: &str, value: impl Into<Bound<'a>>) -> Result<&mut Rendered<'a>> {
        let bound = value.into().named(name.to_owned());
        let mut found = false;
        for p in &mut self.params {
            if matches!(&p.source, ParamSource::Named(n) if n == name) {
                *p = Param {
                    format: p.format,
                    ..Param::new(
                        ParamSource::Value(bound.clone()),
                        self.scope.as_ref(),
                        &self.policy,
                    )
                };
                found = true;
            }
        }
        if found {
            Ok(self)
        } else {
            Err(Error::new(
                ErrorKind::Format,
                format!("the query has no placeholder named {name:?}"),
            ))
        }
    }

    /// Supplies the value of the `k`-th positional placeholder (from 0).
    pub fn supply_positional(
        &mut self,
        k: usize,
        value: impl Into<Bound<'a>>,
    ) -> Result<&mut Rendered<'a>> {
        let slot = self
            .params
            .iter_mut()
            .find(|p| matches!(p.source, ParamSource::Positional(i) if i == k));
        match slot {
            Some(p) => {
                *p = Param {
                    format: p.format,
                    ..Param::new(
                        ParamSource::Value(value.into()),
                        self.scope.as_ref(),
                        &self.policy,
                    )
                };
                Ok(self)
            }
            None => Err(Error::new(
                ErrorKind::Format,
                format!("the query has no positional placeholder {k}"),
            )),
        }
    }

    /// Dumps every parameter into one buffer, each in its own format, with the
    /// scope's policy; an error if a placeholder still has no value.
    pub fn dump_params(&self) -> Result<DumpedParams> {
        let policy = &self.policy;
        let mut buf = BytesMut::new();
        let mut items = Vec::with_capacity(self.params.len());
        for p in &self.params {
            let start = buf.len();
            let null = match &p.ty {
                Some(ty) => p.dump_in(ty, policy, self.dumping_scope(), &mut buf)?,
                None => p.dump(policy, &mut buf)?,
            };
            items.push(DumpedItem {
                ty: p.ty.clone().unwrap_or(Type::UNKNOWN),
                format: p.format,
                range: (null == IsNull::No).then(|| (start, buf.len())),
            });
        }
        Ok(DumpedParams { buf, items })
    }
}

/// The text is kept for the next query built on this thread (see the
/// `spare` module).
impl Drop for Rendered<'_> {
    fn drop(&mut self) {
        spare::give_back_text(std::mem::take(&mut self.text));
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered")
            .field("text", &self.text)
            .field("params", &self.params)
            .finish()
    }
}

/// Every parameter of a [`Rendered`] query as wire bytes, in one buffer.
#[derive(Clone, Debug)]
pub struct DumpedParams {
    buf: BytesMut,
    items: Vec<DumpedItem>,
}

#[derive(Clone, Debug)]
struct DumpedItem {
    ty: Type,
    format: Format,
    range: Option<(usize, usize)>,
}

/// One dumped parameter: what a driver sends for one `$n`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DumpedParam<'a> {
    /// The PostgreSQL type.
    pub ty: &'a Type,
    /// The wire format of `bytes`.
    pub format: Format,
    /// The bytes; `None` for NULL.
    pub bytes: Option<&'a [u8]>,
}

impl DumpedParams {
    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The parameter `$i+1`.
    pub fn get(&self, i: usize) -> Option<DumpedParam<'_>> {
        self.items.get(i).map(|item| self.view(item))
    }

    /// The parameters in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = DumpedParam<'_>> + '_ {
        self.items.iter().map(|item| self.view(item))
    }

    fn view<'a>(&'a self, item: &'a DumpedItem) -> DumpedParam<'a> {
        DumpedParam {
            ty: &item.ty,
            format: item.format,
            bytes: item.range.and_then(|(a, b)| self.buf.get(a..b)),
        }
    }
}

struct Renderer<'s, 'a> {
    out: String,
    scope: &'s Adapters,
    inline: bool,
    params: Vec<Param<'a>>,
    positional: usize,
    /// Where literals are dumped before quoting: taken from the thread's
    /// spare buffer on the first literal, given back at the end.
    scratch: Option<BytesMut>,
}

impl<'a> Renderer<'_, 'a> {
    /// Writes a piece that is not in the text buffer.
    #[inline]
    fn piece(&mut self, kind: &Kind<'a>) -> Result<()> {
        match kind {
            // Fails with the identifier's error (it failed when pushed).
            Kind::BadIdentifier(id) => id.write(&mut self.out)?,
            Kind::Literal(l) => self.literal(l)?,
            Kind::Bound(b) => self.bound(b)?,
            Kind::Unfilled(name) => {
                return Err(Error::new(
                    ErrorKind::Format,
                    format!(
                        "a value was given for placeholder {name:?}, which the query does not have"
                    ),
                ));
            }
            Kind::Placeholder(ph) => match &ph.0 {
                PlaceholderKind::Positional => {
                    let k = self.positional;
                    self.positional += 1;
                    self.param(ParamSource::Positional(k))?;
                }
                PlaceholderKind::Named(name) => {
                    let seen = self
                        .params
                        .iter()
                        .position(|p| matches!(&p.source, ParamSource::Named(n) if n == name));
                    match seen {
                        Some(i) => self.dollar(i + 1),
                        None => self.param(ParamSource::Named(name.clone()))?,
                    }
                }
            },
        }
        Ok(())
    }

    /// A bound value: a parameter, or a literal when inlining.
    #[inline]
    fn bound(&mut self, b: &Bound<'a>) -> Result<()> {
        if self.inline {
            self.literal(&b.0)
        } else {
            self.param(ParamSource::Value(b.clone()))
        }
    }

    /// Whether the scope registers a dumper for a common literal's type,
    /// which then writes it instead of the text written when it was pushed.
    #[inline]
    fn dumps(&self, builtin: Builtin) -> bool {
        self.scope.has_dumpers() && self.scope.dumper(builtin.key()).is_some()
    }

    fn literal(&mut self, value: &Stored<'_>) -> Result<()> {
        if write_common_literal(value, self.scope, &mut self.out) {
            return Ok(());
        }
        // Dumped as text first: into the thread's spare buffer.
        let scratch = self.scratch.get_or_insert_with(spare::bytes);
        write_literal(value, self.scope, scratch, &mut self.out)
    }

    fn param(&mut self, source: ParamSource<'a>) -> Result<()> {
        if self.params.len() >= PROTOCOL_MAX_PARAMS {
            return Err(too_many_params());
        }
        let dumpers = self.scope.has_dumpers().then_some(self.scope);
        self.params
            .push(Param::new(source, dumpers, self.scope.policy()));
        self.dollar(self.params.len());
        Ok(())
    }

    #[inline]
    fn dollar(&mut self, n: usize) {
        push_dollar(n, &mut self.out);
    }
}

/// Writes `n` in decimal.
#[inline]
pub(crate) fn push_decimal(n: u64, out: &mut String) {
    if n < 10 {
        out.push(char::from(b'0' + n as u8));
    } else {
        push_digits(n, out);
    }
}

/// `$0` to `$9`, written whole.
const SMALL_DOLLARS: [&str; 10] = ["$0", "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9"];

/// Writes `$n`.
#[inline]
pub(crate) fn push_dollar(n: usize, out: &mut String) {
    match SMALL_DOLLARS.get(n) {
        Some(small) => out.push_str(small),
        None => {
            out.push('$');
            push_digits(n as u64, out);
        }
    }
}

/// [`push_decimal`] of a number of more than one digit.
fn push_digits(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    while n > 0 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    for &d in digits.get(i..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// Whether `q`'s text was written whole as it was built, as `scope` would
/// render it: every value bound and numbered, every literal a common
/// scalar written by its own type's rules, which a scope registering no
/// dumper keeps.
pub(crate) fn built_whole(q: &Composed<'_>, scope: &Adapters) -> bool {
    q.deferred == 0 && (q.literals == 0 || !scope.has_dumpers())
}

fn run<'s, 'a>(q: &Composed<'a>, scope: &'s Adapters, inline: bool) -> Result<Renderer<'s, 'a>> {
    if !inline && built_whole(q, scope) {
        return rendered_as_built(q, scope);
    }
    let mut r = Renderer {
        out: String::with_capacity(q.text.len() + q.extra),
        scope,
        inline,
        params: Vec::with_capacity(if inline { 0 } else { q.params }),
        positional: 0,
        scratch: None,
    };
    // The buffer holds every text piece in order, each value's rendering
    // as written when it was pushed between them: the values are rendered
    // again here, in this scope and numbering.
    let mut copied = 0;
    let mut start = 0;
    for piece in &q.pieces {
        let again = match piece.slot {
            Slot::Sql | Slot::Identifier => false,
            Slot::Literal(builtin) => r.dumps(builtin),
            Slot::Param(_) | Slot::Value(_) => true,
        };
        if again {
            r.out
                .push_str(q.text.get(copied..start).unwrap_or_default());
            copied = piece.end;
            match piece.slot {
                Slot::Literal(builtin) => {
                    let text = q.text.get(start..piece.end).unwrap_or_default();
                    r.literal(&parse_builtin(builtin, text))?;
                }
                Slot::Param(i) => {
                    if let Some(b) = q.bound.get(i as usize).and_then(Param::bound) {
                        r.bound(b)?;
                    }
                }
                Slot::Value(i) => {
                    if let Some(kind) = q.values.get(i as usize) {
                        r.piece(kind)?;
                    }
                }
                Slot::Sql | Slot::Identifier => {}
            }
        }
        start = piece.end;
    }
    r.out.push_str(q.text.get(copied..).unwrap_or_default());
    if let Some(scratch) = r.scratch.take() {
        spare::give_back_bytes(scratch);
    }
    Ok(r)
}

/// A query whose text was rendered as it was built (every value bound,
/// numbered in order, each literal a common scalar and the scope
/// registering no dumper for it): the text as it is, and its parameters.
fn rendered_as_built<'s, 'a>(q: &Composed<'a>, scope: &'s Adapters) -> Result<Renderer<'s, 'a>> {
    if q.bound.len() > PROTOCOL_MAX_PARAMS {
        return Err(too_many_params());
    }
    let dumpers = scope.has_dumpers().then_some(scope);
    let params = q
        .bound
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.typed(dumpers, scope.policy());
            p
        })
        .collect();
    Ok(Renderer {
        out: q.text.clone(),
        scope,
        inline: false,
        params,
        positional: 0,
        scratch: None,
    })
}

/// More parameters than a statement can have.
#[cold]
fn too_many_params() -> Error {
    Error::new(
        ErrorKind::Format,
        format!("more than {PROTOCOL_MAX_PARAMS} parameters; split the statement (see Values)"),
    )
}

pub(crate) fn render<'a>(q: &Composed<'a>, scope: &Adapters) -> Result<Rendered<'a>> {
    let r = run(q, scope, false)?;
    let (text, params) = (r.out, r.params);
    Ok(Rendered {
        text,
        params,
        scope: scope.has_dumpers().then(|| scope.clone()),
        policy: *scope.policy(),
    })
}

/// [`render`] consuming the query: when its text was written whole as it
/// was built, the text is moved and each bound value moved into its
/// parameter, nothing copied.
pub(crate) fn render_owned<'a>(q: Composed<'a>, scope: &Adapters) -> Result<Rendered<'a>> {
    render_moved(q, scope, |params| params, |r| r)
}

/// [`render_owned`] into a result owning every value: borrowed ones are
/// copied as they are moved into their parameters (one pass, not a
/// rendering and then a copy).
pub(crate) fn render_static(q: Composed<'_>, scope: &Adapters) -> Result<Rendered<'static>> {
    // Each parameter moved into its own place: the list is reused.
    let own = |params: Vec<Param<'_>>| params.into_iter().map(Param::into_owned).collect();
    render_moved(q, scope, own, Rendered::into_owned)
}

/// Renders `q` consuming it: its parameters are typed in place and go
/// through `own`; a query not built whole renders piece by piece and goes
/// through `whole`.
fn render_moved<'a, 'b>(
    q: Composed<'a>,
    scope: &Adapters,
    own: impl FnOnce(Vec<Param<'a>>) -> Vec<Param<'b>>,
    whole: impl FnOnce(Rendered<'a>) -> Rendered<'b>,
) -> Result<Rendered<'b>> {
    if !built_whole(&q, scope) {
        return render(&q, scope).map(whole);
    }
    let mut q = q;
    moved_whole(
        &mut q,
        scope.has_dumpers().then_some(scope),
        scope.policy(),
        own,
    )
}

/// [`render_owned`] with the global scope, which a query built whole needs
/// only the policy of when it registers no dumper: read from the thread's
/// snapshot, no reference to the registry taken.
#[inline]
pub(crate) fn render_owned_global(mut q: Composed<'_>) -> Result<Rendered<'_>> {
    if q.deferred == 0 {
        // The policy is read where the snapshot keeps it: a copy handed out
        // would be stored and loaded again at once, a stall.
        let rendered = Adapters::with_global_policy_without_dumpers(|policy| {
            moved_whole(&mut q, None, policy, |params| params)
        });
        if let Some(rendered) = rendered {
            return rendered;
        }
    }
    render_owned(q, &Adapters::global())
}

/// A query built whole, emptied: its text moved out, its parameters typed
/// in place (with the scope's dumpers, `dumpers`, if it registers any) and
/// moved out through `own`. (The query is lent, not given: moving it whole
/// would copy it right after its last piece was stored, a stall.)
#[inline]
fn moved_whole<'a, 'b>(
    q: &mut Composed<'a>,
    dumpers: Option<&Adapters>,
    policy: &Policy,
    own: impl FnOnce(Vec<Param<'a>>) -> Vec<Param<'b>>,
) -> Result<Rendered<'b>> {
    if q.bound.len() > PROTOCOL_MAX_PARAMS {
        return Err(too_many_params());
    }
    for p in &mut q.bound {
        p.typed(dumpers, policy);
    }
    spare::give_back_pieces(std::mem::take(&mut q.pieces));
    Ok(Rendered {
        text: std::mem::take(&mut q.text),
        params: own(std::mem::take(&mut q.bound)),
        scope: dumpers.cloned(),
        policy: *policy,
    })
}

pub(crate) fn render_inline(q: &Composed<'_>, scope: &Adapters) -> Result<String> {
    Ok(run(q, scope, true)?.out)
}
