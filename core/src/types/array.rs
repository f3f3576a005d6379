//! PostgreSQL arrays as `Vec<T>`, `[T]` and the n-dimensional [`Array<T>`],
//! for every element type `T` with its own codec.
//!
//! Elements go through `T`'s own [`Load`] / [`Dump`] with the array's element
//! type, so an `int4[]` column loads into `Vec<i64>` (widening) and a
//! `Vec<i64>` parameter declared `int4[]` is range-checked element by element.
//! NULL elements need `T = Option<U>`.
//!
//! The binary form is a header (number of dimensions, a has-NULL flag, the
//! element type's OID, then a length and lower bound per dimension) followed
//! by each element as a 4-byte length (-1 for NULL) and its bytes; the text
//! form is in `array_text`.
//!
//! The PostgreSQL type of `Vec<T>`, `[T]` and `Array<T>` is the array type
//! of `T`'s own type ([`array_type_of`](super::array_type_of)). A
//! statement's declared type always wins: a prepared parameter's type is
//! what [`Dump::dump`] writes, elements included. Element types with no
//! built-in array type (enums, composites, extension types) give a type with
//! OID 0, which lets the server infer the array type from the statement;
//! register the type or cast the parameter (`$1::mood[]`) to be explicit.

use std::fmt;

use bytes::{BufMut, BytesMut};
use postgres_types::{Kind, Type};

use super::array_text;
use super::array_type::{array_delimiter, array_type_or_unspecified, element_type, elements_type};
use super::domain::domain_base;
use crate::{
    Ctx, Dump, Error, ErrorKind, Format, IsNull, Load, LoadOwned, Policy, Result, StaticType,
};

/// The most dimensions a PostgreSQL array can have (`MAXDIM`).
pub(crate) const MAX_DIMS: usize = 6;

/// One dimension of an array: how many elements it has and the subscript of
/// the first one (1 unless the array was built otherwise).
///
/// ```
/// use pgcast_core::types::Dimension;
///
/// let d = Dimension::new(3, 0);
/// assert_eq!((d.lower_bound, d.upper_bound()), (0, 2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dimension {
    /// The number of elements along this dimension.
    pub len: i32,
    /// The subscript of the first element along this dimension.
    pub lower_bound: i32,
}

impl Dimension {
    /// A dimension of `len` elements whose first subscript is `lower_bound`.
    pub const fn new(len: i32, lower_bound: i32) -> Dimension {
        Dimension { len, lower_bound }
    }

    /// The subscript of the last element (`lower_bound - 1` when empty).
    pub const fn upper_bound(&self) -> i64 {
        self.lower_bound as i64 + self.len as i64 - 1
    }
}

/// The validated dimensions of an array, stored inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    ndim: u8,
    dims: [Dimension; MAX_DIMS],
}

impl Shape {
    /// The empty array: zero dimensions.
    pub(crate) const EMPTY: Shape = Shape {
        ndim: 0,
        dims: [Dimension::new(0, 0); MAX_DIMS],
    };

    /// Checks dimensions as PostgreSQL does (at most 6, no negative length,
    /// upper bounds within int4, an element count that fits in memory) and
    /// returns the shape with its element count. Any zero-length dimension
    /// makes the empty array, as in PostgreSQL.
    pub(crate) fn new(dims: &[Dimension]) -> Result<(Shape, usize), String> {
        if dims.len() > MAX_DIMS {
            return Err(format!(
                "{} dimensions; PostgreSQL allows at most {MAX_DIMS}",
                dims.len()
            ));
        }
        let mut count = 1usize;
        for (i, d) in dims.iter().enumerate() {
            let Ok(len) = usize::try_from(d.len) else {
                return Err(format!("dimension {} has negative length {}", i + 1, d.len));
            };
            if d.lower_bound.checked_add(d.len).is_none() {
                return Err(format!(
                    "dimension {}: upper bound beyond the int4 range",
                    i + 1
                ));
            }
            count = count
                .checked_mul(len)
                .ok_or_else(|| "too many elements".to_owned())?;
        }
        if dims.is_empty() || count == 0 {
            return Ok((Shape::EMPTY, 0));
        }
        let mut shape = Shape::EMPTY;
        shape.ndim = dims.len() as u8;
        shape.dims[..dims.len()].copy_from_slice(dims);
        Ok((shape, count))
    }

    /// One dimension of `len` elements from `lower_bound`, or the empty shape.
    fn one(len: usize, lower_bound: i32) -> Result<Shape, String> {
        if len == 0 {
            return Ok(Shape::EMPTY);
        }
        let len = i32::try_from(len).map_err(|_| format!("{len} elements is too many"))?;
        Shape::new(&[Dimension::new(len, lower_bound)]).map(|(s, _)| s)
    }

    #[inline]
    pub(crate) fn dims(&self) -> &[Dimension] {
        &self.dims[..self.ndim as usize]
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.dims()).finish()
    }
}

/// A PostgreSQL array of any shape: up to 6 dimensions, each with its own
/// lower bound, and the elements in row-major order (the last subscript
/// varies fastest). Use `Array<Option<T>>` for arrays with NULL elements.
///
/// `Vec<T>` is enough for the usual one-dimensional arrays; `Array<T>` keeps
/// what `Vec<T>` cannot, such as `'[0:1][-2:-1]={{1,2},{3,4}}'`. The empty
/// array has zero dimensions, as in PostgreSQL.
///
/// ```
/// use pgcast_core::types::{Array, Dimension};
/// use pgcast_core::{Ctx, Load};
/// use postgres_types::Type;
///
/// let ctx = Ctx::text(&Type::INT4_ARRAY);
/// let a: Array<i32> = Load::load(&ctx, b"[0:1][-2:-1]={{1,2},{3,4}}").unwrap();
/// assert_eq!(a.dimensions(), [Dimension::new(2, 0), Dimension::new(2, -2)]);
/// assert_eq!(a.get(&[1, -2]), Some(&3));
/// assert_eq!(a.elements(), [1, 2, 3, 4]);
///
/// let built = Array::from_parts(&[Dimension::new(2, 0), Dimension::new(2, -2)], vec![1, 2, 3, 4]);
/// assert_eq!(built.unwrap(), a);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Array<T> {
    shape: Shape,
    elements: Vec<T>,
}

impl<T> Array<T> {
    /// A one-dimensional array with lower bound 1 (the empty array when
    /// `elements` is empty). Fails beyond `i32::MAX` elements.
    ///
    /// ```
    /// use pgcast_core::types::{Array, Dimension};
    ///
    /// let a = Array::from_vec(vec!["a", "b"]).unwrap();
    /// assert_eq!(a.dimensions(), [Dimension::new(2, 1)]);
    /// assert!(Array::<i32>::from_vec(vec![]).unwrap().dimensions().is_empty());
    /// ```
    pub fn from_vec(elements: Vec<T>) -> Result<Array<T>> {
        let shape = Shape::one(elements.len(), 1)
            .map_err(|msg| Error::new(ErrorKind::OutOfRange, msg).with_rust_type::<Self>())?;
        Ok(Array { shape, elements })
    }

    /// An array of the given dimensions, with `elements` in row-major order.
    ///
    /// Fails when there are more than 6 dimensions, a negative length, an
    /// upper bound beyond `i32::MAX`, or when the number of elements is not
    /// the product of the lengths. A zero-length dimension makes the empty
    /// array (zero dimensions), as PostgreSQL does.
    ///
    /// ```
    /// use pgcast_core::types::{Array, Dimension};
    ///
    /// let dims = [Dimension::new(2, 1), Dimension::new(3, 1)];
    /// let a = Array::from_parts(&dims, vec![1, 2, 3, 4, 5, 6]).unwrap();
    /// assert_eq!(a.get(&[2, 1]), Some(&4));
    /// assert!(Array::from_parts(&dims, vec![1, 2, 3]).is_err());
    /// ```
    pub fn from_parts(dims: &[Dimension], elements: Vec<T>) -> Result<Array<T>> {
        let (shape, count) = Shape::new(dims)
            .map_err(|msg| Error::new(ErrorKind::OutOfRange, msg).with_rust_type::<Self>())?;
        if count != elements.len() {
            return Err(Error::new(
                ErrorKind::Malformed,
                format!(
                    "the dimensions hold {count} elements but {} were given",
                    elements.len()
                ),
            )
            .with_rust_type::<Self>());
        }
        Ok(Array { shape, elements })
    }

    /// The dimensions, outermost first; empty for the empty array.
    pub fn dimensions(&self) -> &[Dimension] {
        self.shape.dims()
    }

    /// The elements in row-major order.
    pub fn elements(&self) -> &[T] {
        &self.elements
    }

    /// The elements in row-major order, dropping the dimensions.
    pub fn into_elements(self) -> Vec<T> {
        self.elements
    }

    /// The elements in row-major order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.elements.iter()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// Whether the array has no elements (and so no dimensions).
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// The element at PostgreSQL subscripts `index`, one per dimension and
    /// counted from each dimension's lower bound; `None` when out of bounds
    /// or when the number of subscripts is not the number of dimensions.
    ///
    /// ```
    /// use pgcast_core::types::Array;
    ///
    /// let a = Array::from_vec(vec![10, 20]).unwrap();
    /// assert_eq!((a.get(&[1]), a.get(&[2]), a.get(&[0]), a.get(&[1, 1])), (Some(&10), Some(&20), None, None));
    /// ```
    pub fn get(&self, index: &[i32]) -> Option<&T> {
        let dims = self.dimensions();
        if index.len() != dims.len() {
            return None;
        }
        let mut offset = 0usize;
        for (d, &i) in dims.iter().zip(index) {
            let pos = usize::try_from(i64::from(i) - i64::from(d.lower_bound)).ok()?;
            let len = d.len as usize;
            if pos >= len {
                return None;
            }
            offset = offset * len + pos;
        }
        self.elements.get(offset)
    }
}

impl<T> Default for Array<T> {
    /// The empty array.
    fn default() -> Self {
        Array {
            shape: Shape::EMPTY,
            elements: Vec::new(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Array")
            .field("dimensions", &self.dimensions())
            .field("elements", &self.elements)
            .finish()
    }
}

impl<T> IntoIterator for Array<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.elements.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Array<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.elements.iter()
    }
}

// ---- loading ----

/// `int2vector` and `oidvector`: arrays with lower bound 0 and a
/// space-separated text form (`1 2 3`), found in the system catalogues.
fn is_vector(ty: &Type) -> bool {
    matches!(*ty, Type::INT2_VECTOR | Type::OID_VECTOR)
}

/// The lower bound a one-dimensional array of `ty` has when built from a list.
fn natural_lower_bound(ty: &Type) -> i32 {
    if is_vector(ty) { 0 } else { 1 }
}

/// The element type of the array type in `ctx`, checked against `T`.
fn check_elements<'t, T: LoadOwned, R: ?Sized>(ctx: &Ctx<'t>) -> Result<&'t Type> {
    let elem = element_type(ctx.ty).ok_or_else(|| Error::wrong_type::<R>(ctx.ty))?;
    T::check(&ctx.with_type(domain_base(elem)))?;
    Ok(elem)
}

/// Reads either format, checking the shape with `accept` as soon as it is
/// known (before the elements in binary). `T::check` has been called.
fn load_elements<T: LoadOwned>(
    ctx: &Ctx<'_>,
    elem: &Type,
    raw: &[u8],
    accept: impl Fn(&Shape) -> Result<()>,
) -> Result<(Shape, Vec<T>)> {
    let ectx = ctx.with_type(domain_base(elem));
    match ctx.format {
        Format::Binary => {
            let (mut shape, count, rest) = read_header(ctx.ty, elem, raw)?;
            if is_vector(ctx.ty) && shape.ndim == 1 {
                // Vectors are zero-based by definition and their text form has
                // no bounds; binary carries whatever bound the value was built
                // with (`ARRAY[1,2]::oidvector` keeps 1): both read as zero-based.
                shape.dims[0].lower_bound = 0;
            }
            accept(&shape)?;
            let elements = read_binary_elements(&ectx, ctx.ty, count, rest)?;
            Ok((shape, elements))
        }
        Format::Text => {
            let mut elements = Vec::new();
            let mut push = |e: Option<&[u8]>| {
                let v = match e {
                    Some(bytes) => T::load(&ectx, bytes)?,
                    None => null_element::<T>(&ectx, elements.len())?,
                };
                elements.push(v);
                Ok(())
            };
            let shape = if is_vector(ctx.ty) {
                parse_vector(ctx.ty, raw, &mut push)?
            } else {
                array_text::parse(ctx.ty, raw, array_delimiter(elem), push)?
            };
            accept(&shape)?;
            Ok((shape, elements))
        }
    }
}

/// A NULL element: `T`'s NULL, or an error that says which element.
#[cold]
fn null_element<T: LoadOwned>(ectx: &Ctx<'_>, index: usize) -> Result<T> {
    T::load_null(ectx).map_err(|e| {
        if e.kind() == ErrorKind::UnexpectedNull {
            Error::new(
                ErrorKind::UnexpectedNull,
                format!(
                    "array element {index} (counting from 0 in row-major order) is NULL; \
                     load Option<T> elements to accept NULLs"
                ),
            )
            .with_pg_type(ectx.ty)
            .with_rust_type::<T>()
        } else {
            e
        }
    })
}

#[inline]
fn take_i32(ty: &Type, r: &mut &[u8]) -> Result<i32> {
    match r.split_first_chunk::<4>() {
        Some((head, rest)) => {
            *r = rest;
            Ok(i32::from_be_bytes(*head))
        }
        None => Err(truncated(ty)),
    }
}

#[cold]
fn truncated(ty: &Type) -> Error {
    Error::malformed(ty, "array truncated")
}

/// The binary header: the shape, the element count and the bytes after it.
#[inline]
fn read_header<'r>(ty: &Type, elem: &Type, raw: &'r [u8]) -> Result<(Shape, usize, &'r [u8])> {
    let mut r = raw;
    let ndim = take_i32(ty, &mut r)?;
    let ndim = usize::try_from(ndim)
        .ok()
        .filter(|&n| n <= MAX_DIMS)
        .ok_or_else(|| Error::malformed(ty, format!("invalid number of dimensions {ndim}")))?;
    let flags = take_i32(ty, &mut r)?;
    if flags != 0 && flags != 1 {
        return Err(Error::malformed(ty, format!("invalid array flags {flags}")));
    }
    let oid = take_i32(ty, &mut r)? as u32;
    if oid != elem.oid() {
        return Err(Error::malformed(
            ty,
            format!(
                "element type OID {oid}, expected {} ({})",
                elem.oid(),
                elem.name()
            ),
        ));
    }
    if ndim == 1 {
        // The common one-dimensional array, without the general loop.
        let len = take_i32(ty, &mut r)?;
        let lower_bound = take_i32(ty, &mut r)?;
        if let Ok(count) = usize::try_from(len)
            && lower_bound.checked_add(len).is_some()
        {
            let mut shape = Shape::EMPTY;
            if count > 0 {
                shape.ndim = 1;
                shape.dims[0] = Dimension::new(len, lower_bound);
            }
            return Ok((shape, count, r));
        }
        let (shape, count) = Shape::new(&[Dimension::new(len, lower_bound)])
            .map_err(|msg| Error::malformed(ty, msg))?;
        return Ok((shape, count, r));
    }
    let mut dims = [Dimension::new(0, 0); MAX_DIMS];
    for d in &mut dims[..ndim] {
        d.len = take_i32(ty, &mut r)?;
        d.lower_bound = take_i32(ty, &mut r)?;
    }
    let (shape, count) = Shape::new(&dims[..ndim]).map_err(|msg| Error::malformed(ty, msg))?;
    Ok((shape, count, r))
}

fn read_binary_elements<T: LoadOwned>(
    ectx: &Ctx<'_>,
    ty: &Type,
    count: usize,
    mut r: &[u8],
) -> Result<Vec<T>> {
    // Every element takes at least its 4-byte length: a header that claims
    // more elements than that is refused before anything is allocated.
    if count > r.len() / 4 {
        return Err(Error::malformed(
            ty,
            format!(
                "{count} elements announced but only {} bytes follow",
                r.len()
            ),
        ));
    }
    let mut elements = Vec::with_capacity(count);
    for i in 0..count {
        let len = take_i32(ty, &mut r)?;
        let v = if len == -1 {
            null_element::<T>(ectx, i)?
        } else {
            let bytes = usize::try_from(len)
                .ok()
                .and_then(|len| r.split_at_checked(len))
                .map(|(bytes, rest)| {
                    r = rest;
                    bytes
                })
                .ok_or_else(|| {
                    Error::malformed(
                        ty,
                        format!("element {i}: invalid or truncated length {len}"),
                    )
                })?;
            T::load(ectx, bytes)?
        };
        elements.push(v);
    }
    if !r.is_empty() {
        return Err(Error::malformed(
            ty,
            format!("{} bytes after the last element", r.len()),
        ));
    }
    Ok(elements)
}

/// The text form of `int2vector` / `oidvector`: numbers separated by spaces.
fn parse_vector(
    ty: &Type,
    raw: &[u8],
    mut element: impl FnMut(Option<&[u8]>) -> Result<()>,
) -> Result<Shape> {
    let mut count = 0usize;
    for item in raw
        .split(|b| b.is_ascii_whitespace())
        .filter(|s| !s.is_empty())
    {
        element(Some(item))?;
        count += 1;
    }
    Shape::one(count, 0).map_err(|msg| Error::malformed(ty, msg))
}

/// `Vec<T>` holds a list: no dimensions, or one with the natural lower bound.
fn fits_vec<R: ?Sized>(ty: &Type, shape: &Shape) -> Result<()> {
    match shape.dims() {
        [] => Ok(()),
        [d] if d.lower_bound == natural_lower_bound(ty) => Ok(()),
        [d] => Err(Error::out_of_range::<R>(
            ty,
            format!(
                "the array starts at subscript {}, which a Vec cannot keep; load Array<T> instead",
                d.lower_bound
            ),
        )),
        dims => Err(Error::out_of_range::<R>(
            ty,
            format!(
                "a {}-dimensional array does not fit in a Vec; load Array<T> instead",
                dims.len()
            ),
        )),
    }
}

/// An array column (text or binary) as a one-dimensional list.
///
/// Elements are owned (`String`, not `&str`): escapes in the text form leave
/// nothing to borrow. A multi-dimensional array, or one whose lower bound is
/// not 1, is an error: load [`Array<T>`] to keep its shape.
///
/// ```
/// use pgcast_core::{Ctx, Load};
/// use postgres_types::Type;
///
/// let ctx = Ctx::text(&Type::TEXT_ARRAY);
/// let v: Vec<Option<String>> = Load::load(&ctx, br#"{a,"b c",NULL,"NULL"}"#).unwrap();
/// assert_eq!(v, [Some("a".into()), Some("b c".into()), None, Some("NULL".into())]);
/// assert!(Vec::<String>::load(&ctx, b"{a,NULL}").is_err());
/// assert!(Vec::<i32>::load(&Ctx::text(&Type::INT4_ARRAY), b"{{1},{2}}").is_err());
/// ```
impl<T: LoadOwned> Load<'_> for Vec<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_elements::<T, Self>(ctx).map(drop)
    }

    #[inline]
    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Vec<T>> {
        let elem = check_elements::<T, Self>(ctx)?;
        load_elements(ctx, elem, raw, |shape| fits_vec::<Self>(ctx.ty, shape)).map(|(_, v)| v)
    }
}

/// A boxed slice, loaded as [`Vec<T>`] is (a list, not an n-dimensional
/// array).
impl<T: LoadOwned> Load<'_> for Box<[T]> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_elements::<T, Self>(ctx).map(drop)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Box<[T]>> {
        let elem = check_elements::<T, Self>(ctx)?;
        load_elements(ctx, elem, raw, |shape| fits_vec::<Self>(ctx.ty, shape))
            .map(|(_, v)| v.into_boxed_slice())
    }
}

/// A fixed-length list: a one-dimensional array of exactly `N` elements
/// (or an empty array for `N = 0`). The length is checked before any
/// element is decoded.
///
/// ```
/// use pgcast_core::{Ctx, Load};
/// use postgres_types::Type;
///
/// let ctx = Ctx::text(&Type::FLOAT8_ARRAY);
/// let xyz: [f64; 3] = Load::load(&ctx, b"{1,2.5,-3}").unwrap();
/// assert_eq!(xyz, [1.0, 2.5, -3.0]);
/// let err = <[f64; 2]>::load(&ctx, b"{1,2.5,-3}").unwrap_err();
/// assert_eq!(err.message(), "the array has 3 elements, and this Rust array holds exactly 2; load Vec<T> for any length");
/// ```
impl<T: LoadOwned, const N: usize> Load<'_> for [T; N] {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_elements::<T, Self>(ctx).map(drop)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<[T; N]> {
        let elem = check_elements::<T, Self>(ctx)?;
        let (_, v) = load_elements(ctx, elem, raw, |shape| {
            fits_vec::<Self>(ctx.ty, shape)?;
            let len = shape.dims().first().map_or(0, |d| d.len);
            if usize::try_from(len) == Ok(N) {
                Ok(())
            } else {
                Err(Error::out_of_range::<Self>(
                    ctx.ty,
                    format!(
                        "the array has {len} elements, and this Rust array holds exactly {N}; \
                         load Vec<T> for any length"
                    ),
                ))
            }
        })?;
        // The shape was checked: exactly N elements.
        v.try_into()
            .map_err(|v: Vec<T>| Error::malformed(ctx.ty, format!("{} elements", v.len())))
    }
}

impl<T: LoadOwned> Load<'_> for Array<T> {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_elements::<T, Self>(ctx).map(drop)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<Array<T>> {
        let elem = check_elements::<T, Self>(ctx)?;
        let (shape, elements) = load_elements(ctx, elem, raw, |_| Ok(()))?;
        Ok(Array { shape, elements })
    }
}

// ---- dumping ----

/// The array type of elements of type `T`: the built-in array type of
/// `T::static_type`, or, for element types without one (custom types), a
/// type with OID 0 that lets the server infer it from the statement.
///
/// A parameter's declared type always wins over this: with a prepared
/// statement the driver passes the server's type to [`Dump::dump`]. For
/// custom element types, register the type (its array type has a
/// per-database OID) or cast the parameter (`$1::mood[]`).
fn array_static_type<T: StaticType>(policy: &Policy) -> Type {
    array_type_or_unspecified(T::static_type(policy))
}

/// Writes `elements` in the given shape as the array type of `ctx`.
///
/// The element type is the element of `ctx.ty` when it is an array type;
/// otherwise (text format, or an unspecified parameter type) `T`'s own type.
fn dump_shaped<T: Dump + StaticType, R: ?Sized>(
    shape: &Shape,
    elements: &[T],
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    let own_type;
    let elem = match element_type(ctx.ty) {
        Some(elem) => elem,
        None if ctx.format == Format::Text || ctx.ty.oid() == 0 || *ctx.ty == Type::UNKNOWN => {
            own_type = elements_type(elements, ctx.policy);
            &own_type
        }
        None => return Err(Error::wrong_type::<R>(ctx.ty)),
    };
    if element_type(elem).is_some() {
        return Err(Error::new(
            ErrorKind::WrongType,
            "PostgreSQL has no arrays of arrays; use Array<T> for a multi-dimensional array",
        )
        .with_pg_type(ctx.ty)
        .with_rust_type::<R>());
    }
    let ectx = ctx.with_type(domain_base(elem));
    let element = |i: usize, out: &mut BytesMut| match elements.get(i) {
        Some(e) => e.dump(&ectx, out),
        None => Err(Error::new(
            ErrorKind::Malformed,
            "fewer elements than the dimensions hold",
        )
        .with_rust_type::<R>()),
    };
    match ctx.format {
        Format::Binary => write_binary(shape, elem, out, element)?,
        Format::Text if is_vector(ctx.ty) && shape.dims().len() <= 1 => {
            write_vector::<R>(ctx.ty, elements.len(), out, element)?
        }
        Format::Text => array_text::write(shape, array_delimiter(elem), out, element)?,
    }
    Ok(IsNull::No)
}

fn write_binary(
    shape: &Shape,
    elem: &Type,
    out: &mut BytesMut,
    mut element: impl FnMut(usize, &mut BytesMut) -> Result<IsNull>,
) -> Result<()> {
    let dims = shape.dims();
    out.put_i32(dims.len() as i32);
    let flags_at = out.len();
    out.put_i32(0);
    out.put_u32(elem.oid());
    let mut count = 1usize;
    for d in dims {
        out.put_i32(d.len);
        out.put_i32(d.lower_bound);
        count *= d.len as usize;
    }
    if dims.is_empty() {
        return Ok(());
    }
    let mut has_null = false;
    for i in 0..count {
        has_null |= put_element(out, elem, i, |out| element(i, out))?;
    }
    if has_null {
        out[flags_at..flags_at + 4].copy_from_slice(&1i32.to_be_bytes());
    }
    Ok(())
}

/// Writes one element of a binary array: its length, then its bytes, or
/// length -1 for NULL; returns whether it was NULL.
#[inline]
fn put_element(
    out: &mut BytesMut,
    elem: &Type,
    i: usize,
    dump: impl FnOnce(&mut BytesMut) -> Result<IsNull>,
) -> Result<bool> {
    let at = out.len();
    out.put_i32(-1);
    match dump(out)? {
        IsNull::Yes => {
            out.truncate(at + 4);
            Ok(true)
        }
        IsNull::No => {
            let len = i32::try_from(out.len() - at - 4)
                .map_err(|_| Error::malformed(elem, format!("element {i} is over 2 GiB")))?;
            if let Some(slot) = out.get_mut(at..at + 4) {
                slot.copy_from_slice(&len.to_be_bytes());
            }
            Ok(false)
        }
    }
}

/// The type an element of type `elem` is written as: `elem` past its
/// domains, or `None` if that is an array (PostgreSQL has no arrays of
/// arrays; the general path reports it). One `kind()` look-up when `elem`
/// is not a domain.
#[inline]
fn scalar_base(elem: &Type) -> Option<&Type> {
    let mut ty = elem;
    loop {
        match ty.kind() {
            Kind::Array(_) => return None,
            Kind::Domain(base) => ty = base,
            _ => return Some(ty),
        }
    }
}

/// The binary form of a one-dimensional array of `elements` of type `elem`
/// starting at subscript `lower_bound`: the common case of `dump_list`,
/// without the general shape. The caller ensures the upper bound fits in an
/// `int4`.
#[inline]
fn write_binary_list<T: Dump>(
    elements: &[T],
    lower_bound: i32,
    elem: &Type,
    ectx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<()> {
    let flags_at = out.len();
    if elements.is_empty() {
        out.put_slice(&[0; 8]);
        out.put_u32(elem.oid());
        return Ok(());
    }
    let mut header = [0u8; 20];
    header[3] = 1;
    header[8..12].copy_from_slice(&elem.oid().to_be_bytes());
    header[12..16].copy_from_slice(&(elements.len() as i32).to_be_bytes());
    header[16..20].copy_from_slice(&lower_bound.to_be_bytes());
    out.put_slice(&header);
    let mut has_null = false;
    for (i, e) in elements.iter().enumerate() {
        has_null |= put_element(out, elem, i, |out| e.dump(ectx, out))?;
    }
    if has_null && let Some(flags) = out.get_mut(flags_at + 4..flags_at + 8) {
        flags.copy_from_slice(&1i32.to_be_bytes());
    }
    Ok(())
}

fn write_vector<R: ?Sized>(
    ty: &Type,
    count: usize,
    out: &mut BytesMut,
    mut element: impl FnMut(usize, &mut BytesMut) -> Result<IsNull>,
) -> Result<()> {
    for i in 0..count {
        if i > 0 {
            out.put_u8(b' ');
        }
        if element(i, out)? == IsNull::Yes {
            return Err(Error::unexpected_null::<R>(ty));
        }
    }
    Ok(())
}

fn dump_list<T: Dump + StaticType, R: ?Sized>(
    elements: &[T],
    ctx: &Ctx<'_>,
    out: &mut BytesMut,
) -> Result<IsNull> {
    let lower_bound = natural_lower_bound(ctx.ty);
    // The common case: a binary array of a known element type, short enough
    // that its upper bound fits in an int4.
    if ctx.format == Format::Binary
        && elements.len() < i32::MAX as usize
        && let Some(elem) = element_type(ctx.ty)
        && let Some(base) = scalar_base(elem)
    {
        write_binary_list(elements, lower_bound, elem, &ctx.with_type(base), out)?;
        return Ok(IsNull::No);
    }
    let shape = Shape::one(elements.len(), lower_bound)
        .map_err(|msg| Error::out_of_range::<R>(ctx.ty, msg))?;
    dump_shaped::<T, R>(&shape, elements, ctx, out)
}

/// A list as a one-dimensional array (lower bound 1), of the array type of
/// `T` unless the parameter is declared otherwise.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::{Ctx, Dump, Policy, StaticType};
/// use postgres_types::Type;
///
/// let v = vec![Some("a b"), None, Some("NULL")];
/// assert_eq!(v.pg_type(&Policy::DEFAULT), Type::TEXT_ARRAY);
/// let mut out = BytesMut::new();
/// v.dump(&Ctx::text(&Type::TEXT_ARRAY), &mut out).unwrap();
/// assert_eq!(&out[..], br#"{"a b",NULL,"NULL"}"#);
///
/// // elements take the declared element type, range-checked
/// out.clear();
/// assert!(vec![1_i64 << 40].dump(&Ctx::binary(&Type::INT4_ARRAY), &mut out).is_err());
/// ```
impl<T: Dump + StaticType> Dump for [T] {
    fn pg_type(&self, policy: &Policy) -> Type {
        array_type_or_unspecified(elements_type(self.iter(), policy))
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_list::<T, Self>(self, ctx, out)
    }
}

impl<T: StaticType> StaticType for [T] {
    fn static_type(policy: &Policy) -> Type {
        array_static_type::<T>(policy)
    }
}

impl<T: Dump + StaticType> Dump for Vec<T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        array_type_or_unspecified(elements_type(self.iter(), policy))
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_list::<T, Self>(self, ctx, out)
    }
}

impl<T: StaticType> StaticType for Vec<T> {
    fn static_type(policy: &Policy) -> Type {
        array_static_type::<T>(policy)
    }
}

impl<T: Dump + StaticType, const N: usize> Dump for [T; N] {
    fn pg_type(&self, policy: &Policy) -> Type {
        array_type_or_unspecified(elements_type(self.iter(), policy))
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_list::<T, Self>(self, ctx, out)
    }
}

impl<T: StaticType, const N: usize> StaticType for [T; N] {
    fn static_type(policy: &Policy) -> Type {
        array_static_type::<T>(policy)
    }
}

/// The array with its dimensions and lower bounds.
///
/// ```
/// use bytes::BytesMut;
/// use pgcast_core::types::{Array, Dimension};
/// use pgcast_core::{Ctx, Dump};
/// use postgres_types::Type;
///
/// let a = Array::from_parts(&[Dimension::new(2, 0), Dimension::new(1, 1)], vec![Some(1), None]).unwrap();
/// let mut out = BytesMut::new();
/// a.dump(&Ctx::text(&Type::INT4_ARRAY), &mut out).unwrap();
/// assert_eq!(&out[..], b"[0:1][1:1]={{1},{NULL}}");
/// ```
impl<T: Dump + StaticType> Dump for Array<T> {
    fn pg_type(&self, policy: &Policy) -> Type {
        array_type_or_unspecified(elements_type(self.elements.iter(), policy))
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        dump_shaped::<T, Self>(&self.shape, &self.elements, ctx, out)
    }
}

impl<T: StaticType> StaticType for Array<T> {
    fn static_type(policy: &Policy) -> Type {
        array_static_type::<T>(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dump_to<T: Dump + ?Sized>(v: &T, ctx: &Ctx<'_>) -> Result<Vec<u8>> {
        let mut out = BytesMut::new();
        v.dump(ctx, &mut out)?;
        Ok(out.to_vec())
    }

    /// The binary form of a one-dimensional int4[] built by hand.
    fn int4_binary(lower: i32, elements: &[Option<i32>]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend(1i32.to_be_bytes());
        b.extend(i32::from(elements.contains(&None)).to_be_bytes());
        b.extend(23u32.to_be_bytes());
        b.extend((elements.len() as i32).to_be_bytes());
        b.extend(lower.to_be_bytes());
        for e in elements {
            match e {
                Some(v) => {
                    b.extend(4i32.to_be_bytes());
                    b.extend(v.to_be_bytes());
                }
                None => b.extend((-1i32).to_be_bytes()),
            }
        }
        b
    }

    #[test]
    fn binary_load() {
        let ctx = Ctx::binary(&Type::INT4_ARRAY);
        let raw = int4_binary(1, &[Some(1), None, Some(-3)]);
        let v: Vec<Option<i64>> = Load::load(&ctx, &raw).unwrap();
        assert_eq!(v, [Some(1), None, Some(-3)]);
        let err = Vec::<i32>::load(&ctx, &raw).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedNull);
        assert!(err.message().contains("element 1"), "{err}");
        assert_eq!(err.pg_type(), Some(&Type::INT4));

        let shifted = int4_binary(0, &[Some(7)]);
        let err = Vec::<i32>::load(&ctx, &shifted).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        assert!(err.message().contains("Array<T>"), "{err}");
        let a = Array::<i32>::load(&ctx, &shifted).unwrap();
        assert_eq!(
            (a.dimensions(), a.get(&[0])),
            (&[Dimension::new(1, 0)][..], Some(&7))
        );

        let empty = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23];
        assert_eq!(Vec::<i32>::load(&ctx, &empty).unwrap(), Vec::<i32>::new());
        assert_eq!(Array::<i32>::load(&ctx, &empty).unwrap(), Array::default());
        // A zero-length dimension is the empty array, as the server makes it.
        let zero = int4_binary(5, &[]);
        assert!(
            Array::<i32>::load(&ctx, &zero)
                .unwrap()
                .dimensions()
                .is_empty()
        );
    }

    #[test]
    fn binary_malformed() {
        let ctx = Ctx::binary(&Type::INT4_ARRAY);
        let good = int4_binary(1, &[Some(1), None, Some(3)]);
        for cut in 0..good.len() {
            let err = Array::<Option<i32>>::load(&ctx, &good[..cut]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "cut at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(Array::<Option<i32>>::load(&ctx, &trailing).is_err());

        let patched = |at: usize, v: i32| {
            let mut b = good.clone();
            b[at..at + 4].copy_from_slice(&v.to_be_bytes());
            Array::<Option<i32>>::load(&ctx, &b).unwrap_err().kind()
        };
        assert_eq!(patched(0, 7), ErrorKind::Malformed, "ndim > 6");
        assert_eq!(patched(0, -1), ErrorKind::Malformed, "ndim < 0");
        assert_eq!(patched(4, 2), ErrorKind::Malformed, "flags");
        assert_eq!(patched(8, 25), ErrorKind::Malformed, "element OID text");
        assert_eq!(patched(12, -1), ErrorKind::Malformed, "negative length");
        assert_eq!(
            patched(12, i32::MAX),
            ErrorKind::Malformed,
            "count beyond data"
        );
        assert_eq!(
            patched(16, i32::MAX),
            ErrorKind::Malformed,
            "upper bound overflow"
        );
        assert_eq!(patched(20, -2), ErrorKind::Malformed, "element length -2");
        assert_eq!(
            patched(20, 5),
            ErrorKind::Malformed,
            "element length past end"
        );
        assert_eq!(patched(20, 2), ErrorKind::Malformed, "int4 of 2 bytes");

        // six dimensions of i32::MAX: the element count overflows
        let mut huge = vec![0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 23];
        for _ in 0..6 {
            huge.extend(i32::MAX.to_be_bytes());
            huge.extend(0i32.to_be_bytes());
        }
        assert_eq!(
            Array::<i32>::load(&ctx, &huge).unwrap_err().kind(),
            ErrorKind::Malformed
        );
    }

    #[test]
    fn check_validates_both_types() {
        assert!(Vec::<i32>::check(&Ctx::binary(&Type::INT4_ARRAY)).is_ok());
        assert!(Vec::<i64>::check(&Ctx::binary(&Type::INT2_ARRAY)).is_ok());
        assert!(Array::<String>::check(&Ctx::text(&Type::VARCHAR_ARRAY)).is_ok());
        let err = Vec::<bool>::check(&Ctx::binary(&Type::INT4_ARRAY)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        let err = Vec::<i32>::check(&Ctx::binary(&Type::INT4)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert!(Vec::<i32>::load(&Ctx::text(&Type::TEXT), b"{1}").is_err());
        // a domain over an array is an array
        let domain = Type::new(
            "ints".into(),
            90_000,
            postgres_types::Kind::Domain(Type::INT4_ARRAY),
            "public".into(),
        );
        assert_eq!(
            Vec::<i32>::load(&Ctx::text(&domain), b"{1,2}").unwrap(),
            [1, 2]
        );
    }

    #[test]
    fn text_load() {
        let ctx = Ctx::text(&Type::INT4_ARRAY);
        let a: Array<i32> = Load::load(&ctx, b"[0:1][-2:-1]={{1,2},{3,4}}").unwrap();
        assert_eq!(a.get(&[0, -1]), Some(&2));
        assert_eq!(a.get(&[2, -1]), None);
        let err = Vec::<i32>::load(&ctx, b"{{1,2},{3,4}}").unwrap_err();
        assert!(err.message().contains("2-dimensional"), "{err}");
        assert!(Vec::<i32>::load(&ctx, b"{1,x}").is_err());
        assert!(Vec::<i32>::load(&ctx, b"{1,2147483648}").is_err());
        let text = Ctx::text(&Type::TEXT_ARRAY);
        let quoted: Vec<Option<String>> = Load::load(&text, br#"{"NULL"}"#).unwrap();
        let null: Vec<Option<String>> = Load::load(&text, b"{NULL}").unwrap();
        assert_eq!((quoted, null), (vec![Some("NULL".into())], vec![None]));
        let err = Vec::<String>::load(&text, b"{a,NULL}").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedNull);
        assert!(err.message().contains("element 1"), "{err}");
        let bools: Vec<bool> = Load::load(&Ctx::text(&Type::BOOL_ARRAY), b"{t,f}").unwrap();
        assert_eq!(bools, [true, false]);
    }

    #[test]
    fn bytea_elements() {
        let v = vec![vec![1u8, 2], vec![], vec![b'\\']];
        assert_eq!(v.pg_type(&Policy::DEFAULT), Type::BYTEA_ARRAY);
        let text = dump_to(&v, &Ctx::text(&Type::BYTEA_ARRAY)).unwrap();
        assert_eq!(text, br#"{"\\x0102","\\x","\\x5c"}"#);
        for ctx in [
            Ctx::text(&Type::BYTEA_ARRAY),
            Ctx::binary(&Type::BYTEA_ARRAY),
        ] {
            let raw = dump_to(&v, &ctx).unwrap();
            assert_eq!(Vec::<Vec<u8>>::load(&ctx, &raw).unwrap(), v);
        }
        // a plain Vec<u8> stays bytea
        assert_eq!(vec![1u8].pg_type(&Policy::DEFAULT), Type::BYTEA);
        assert_eq!(
            dump_to(&vec![1u8], &Ctx::binary(&Type::BYTEA)).unwrap(),
            [1]
        );
    }

    #[test]
    fn dump_element_types() {
        // the declared element type wins: i64 elements written as int4
        let raw = dump_to(&vec![1_i64, -3], &Ctx::binary(&Type::INT4_ARRAY)).unwrap();
        assert_eq!(raw, int4_binary(1, &[Some(1), Some(-3)]));
        let err = dump_to(&[1_i64 << 40][..], &Ctx::binary(&Type::INT4_ARRAY)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
        // no declared array type: the elements' own type
        let raw = dump_to(&[Some(1_i32), None], &Ctx::binary(&Type::UNKNOWN)).unwrap();
        assert_eq!(raw, int4_binary(1, &[Some(1), None]));
        let err = dump_to(&vec![1_i32], &Ctx::binary(&Type::INT4)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        let err = dump_to(&vec![vec![1_i32]], &Ctx::binary(&Type::UNKNOWN)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WrongType);
        assert!(dump_to(&vec![vec![1_i32]], &Ctx::binary(&Type::INT4_ARRAY)).is_err());
        // empty arrays: zero dimensions, either format
        let none: Vec<String> = vec![];
        assert_eq!(
            dump_to(&none, &Ctx::text(&Type::TEXT_ARRAY)).unwrap(),
            b"{}"
        );
        assert_eq!(
            dump_to(&none, &Ctx::binary(&Type::TEXT_ARRAY)).unwrap(),
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25]
        );
        let err = dump_to(&vec!["a\0b"], &Ctx::text(&Type::TEXT_ARRAY)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Nul);
    }

    #[test]
    fn static_types() {
        let p = &Policy::DEFAULT;
        assert_eq!(<Vec<Option<i32>>>::static_type(p), Type::INT4_ARRAY);
        assert_eq!(<[String]>::static_type(p), Type::TEXT_ARRAY);
        assert_eq!(<&[bool]>::static_type(p), Type::BOOL_ARRAY);
        assert_eq!(<Array<i16>>::static_type(p), Type::INT2_ARRAY);
        assert_eq!(<[u32; 2]>::static_type(p), Type::OID_ARRAY);
        assert_eq!(<Vec<Vec<u8>>>::static_type(p), Type::BYTEA_ARRAY);
        // arrays of arrays have no built-in type: left to the server
        assert_eq!(<Vec<Vec<i32>>>::static_type(p).oid(), 0);
    }

    #[test]
    fn vectors() {
        let ctx = Ctx::text(&Type::INT2_VECTOR);
        assert_eq!(Vec::<i16>::load(&ctx, b"1 2 3").unwrap(), [1, 2, 3]);
        assert_eq!(Vec::<i16>::load(&ctx, b"").unwrap(), Vec::<i16>::new());
        assert_eq!(dump_to(&vec![1_i16, 2], &ctx).unwrap(), b"1 2");
        let ctx = Ctx::binary(&Type::OID_VECTOR);
        let raw = dump_to(&vec![23_u32, 25], &ctx).unwrap();
        assert_eq!(&raw[16..20], 0i32.to_be_bytes(), "lower bound 0");
        assert_eq!(Vec::<u32>::load(&ctx, &raw).unwrap(), [23, 25]);
    }

    #[test]
    fn constructors() {
        let d = |len, lb| Dimension::new(len, lb);
        assert!(Array::from_parts(&[d(2, 1)], vec![1]).is_err());
        assert!(Array::from_parts(&[d(-1, 1)], Vec::<i32>::new()).is_err());
        assert!(Array::from_parts(&[d(1, i32::MAX)], vec![1]).is_err());
        assert!(Array::from_parts(&[d(1, i32::MAX - 1)], vec![1]).is_ok());
        assert!(Array::from_parts(&[d(1, 1); 7], vec![1]).is_err());
        assert!(Array::from_parts(&[d(1, 1); 6], vec![1]).is_ok());
        let empty = Array::from_parts(&[d(0, 3), d(2, 1)], Vec::<i32>::new()).unwrap();
        assert!(empty.dimensions().is_empty() && empty.is_empty());
        let a = Array::from_parts(&[d(2, 1), d(2, 0)], vec![1, 2, 3, 4]).unwrap();
        assert_eq!(a.get(&[2, 0]), Some(&3));
        assert_eq!(a.get(&[2]), None);
        assert_eq!(a.iter().sum::<i32>(), 10);
        assert_eq!(a.len(), 4);
        assert_eq!(
            format!("{a:?}"),
            "Array { dimensions: [Dimension { len: 2, lower_bound: 1 }, \
             Dimension { len: 2, lower_bound: 0 }], elements: [1, 2, 3, 4] }"
        );
        assert_eq!(a.clone().into_elements(), [1, 2, 3, 4]);
    }

    fn shapes() -> impl Strategy<Value = Vec<Dimension>> {
        let lower = prop_oneof![4 => -3..3i32, 1 => Just(i32::MIN), 1 => Just(i32::MAX - 4)];
        prop::collection::vec((1..4i32, lower), 1..=4).prop_map(|dims| {
            dims.into_iter()
                .map(|(len, lb)| Dimension::new(len, lb))
                .collect()
        })
    }

    fn nasty_string() -> BoxedStrategy<String> {
        prop_oneof![
            Just(String::new()),
            Just("NULL".to_owned()),
            Just("null".to_owned()),
            Just(" NuLl ".to_owned()),
            "[ a{}\",\\\\\t\n;:=\\[\\]é✓]{0,8}",
            any::<String>().prop_map(|s| s.replace('\0', "")),
        ]
        .boxed()
    }

    fn arrays<T: Clone + fmt::Debug + 'static>(
        element: impl Strategy<Value = T> + Clone + 'static,
    ) -> impl Strategy<Value = Array<T>> {
        prop_oneof![
            1 => Just(Array::default()),
            8 => shapes().prop_flat_map(move |dims| {
                let count: usize = dims.iter().map(|d| d.len as usize).product();
                prop::collection::vec(element.clone(), count)
                    .prop_map(move |elements| Array::from_parts(&dims, elements).unwrap())
            }),
        ]
    }

    fn round_trip<T>(ty: &Type, a: &Array<T>) -> std::result::Result<(), TestCaseError>
    where
        T: Dump + StaticType + LoadOwned + PartialEq + fmt::Debug,
    {
        for ctx in [Ctx::text(ty), Ctx::binary(ty)] {
            let raw = dump_to(a, &ctx).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back = Array::<T>::load(&ctx, &raw).map_err(|e| {
                TestCaseError::fail(format!("{e} in {:?}", String::from_utf8_lossy(&raw)))
            })?;
            prop_assert_eq!(&back, a);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn text_arrays_round_trip(a in arrays(proptest::option::of(nasty_string()))) {
            round_trip(&Type::TEXT_ARRAY, &a)?;
        }

        #[test]
        fn int_arrays_round_trip(a in arrays(proptest::option::of(any::<i32>()))) {
            round_trip(&Type::INT4_ARRAY, &a)?;
        }

        #[test]
        fn list_fast_path_matches_general(
            ints in prop::collection::vec(proptest::option::of(any::<i16>()), 0..6),
            texts in prop::collection::vec(proptest::option::of(nasty_string()), 0..6),
        ) {
            // Vec<T> takes the one-dimensional fast path; Array<T> the general one.
            for ty in [Type::INT2_ARRAY, Type::INT4_ARRAY, Type::INT2_VECTOR] {
                let ctx = Ctx::binary(&ty);
                let general = Array::from_parts(
                    &[Dimension::new(ints.len() as i32, natural_lower_bound(&ty))],
                    ints.clone(),
                )
                .unwrap();
                prop_assert_eq!(dump_to(&ints, &ctx).unwrap(), dump_to(&general, &ctx).unwrap());
            }
            let ctx = Ctx::binary(&Type::TEXT_ARRAY);
            let general = Array::from_vec(texts.clone()).unwrap();
            prop_assert_eq!(dump_to(&texts, &ctx).unwrap(), dump_to(&general, &ctx).unwrap());
        }

        #[test]
        fn lists_round_trip(v in prop::collection::vec(proptest::option::of(nasty_string()), 0..6)) {
            for ctx in [Ctx::text(&Type::TEXT_ARRAY), Ctx::binary(&Type::TEXT_ARRAY)] {
                let raw = dump_to(&v, &ctx).unwrap();
                prop_assert_eq!(Vec::<Option<String>>::load(&ctx, &raw).unwrap(), v.clone());
            }
        }

        #[test]
        fn text_parser_never_panics(s in prop_oneof![
            any::<String>(),
            "[\\[\\]:=0-9 {}\",\\\\aNUL-]{0,24}",
        ]) {
            let ctx = Ctx::text(&Type::TEXT_ARRAY);
            if let Ok(a) = Array::<Option<String>>::load(&ctx, s.as_bytes()) {
                // whatever parses, the writer writes back to the same array
                let raw = dump_to(&a, &ctx).unwrap();
                prop_assert_eq!(Array::<Option<String>>::load(&ctx, &raw).unwrap(), a);
            }
        }

        #[test]
        fn binary_loader_never_panics(
            bytes in prop::collection::vec(any::<u8>(), 0..64),
            a in arrays(proptest::option::of(any::<i16>())),
            flip in any::<prop::sample::Index>(),
            value in any::<u8>(),
        ) {
            let ctx = Ctx::binary(&Type::INT2_ARRAY);
            let _ = Array::<Option<i16>>::load(&ctx, &bytes);
            let mut raw = dump_to(&a, &ctx).unwrap();
            let at = flip.index(raw.len());
            raw[at] = value;
            let _ = Array::<Option<i16>>::load(&ctx, &raw);
            let _ = Vec::<i16>::load(&ctx, &raw);
        }
    }
}
