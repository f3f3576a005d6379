//! The geometric types: `point`, `line`, `lseg`, `box`, `path`, `polygon`
//! and `circle` as [`Point`], [`Line`], [`LineSegment`], [`GeoBox`],
//! [`Path`], [`Polygon`] and [`Circle`].
//!
//! Binary: `float8` coordinates in order (a `box` upper right corner first;
//! a `path` a closed flag byte and a point count first; a `polygon` a point
//! count first). Text, as the server prints it: `(1,2)`, `{1,-1,0}`,
//! `[(0,0),(1,1)]`, `(1,1),(0,0)`, `[(0,0),(1,1)]` (open) or `((0,0),(1,1))`
//! (closed), `((0,0),(1,0),(1,1))`, `<(0,0),2>`. Coordinates print like
//! `float8`, the shortest digits that read back exactly.
//!
//! The server normalises a box so that its first corner is the upper right
//! one; pgcast writes corners as given.
//!
//! ```
//! use bytes::BytesMut;
//! use pgcast_core::types::{Circle, Point};
//! use pgcast_core::{Ctx, Dump, Load, Type};
//!
//! let c = Circle::load(&Ctx::text(&Type::CIRCLE), b"<(1,2.5),3>").unwrap();
//! assert_eq!(c, Circle { center: Point::new(1.0, 2.5), radius: 3.0 });
//! let mut out = BytesMut::new();
//! c.center.dump(&Ctx::text(&Type::POINT), &mut out).unwrap();
//! assert_eq!(&out[..], b"(1,2.5)");
//! ```

use bytes::{BufMut, BytesMut};
use postgres_types::Type;

use crate::types::float::{parse_f64, write_f64};
use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

/// A `point`: `(x,y)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// The x coordinate.
    pub x: f64,
    /// The y coordinate.
    pub y: f64,
}

impl Point {
    /// The point `(x, y)`.
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

/// A `line`, the infinite line `a·x + b·y + c = 0`: `{a,b,c}`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Line {
    /// The coefficient of x.
    pub a: f64,
    /// The coefficient of y.
    pub b: f64,
    /// The constant.
    pub c: f64,
}

/// An `lseg`, a line segment: `[(x1,y1),(x2,y2)]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LineSegment {
    /// The first end point.
    pub start: Point,
    /// The second end point.
    pub end: Point,
}

/// A `box`, a rectangle by two opposite corners: `(x1,y1),(x2,y2)`.
///
/// The server stores the upper right corner first whatever the input's
/// order; [`GeoBox::new`] orders the corners the same way.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GeoBox {
    /// The upper right corner.
    pub high: Point,
    /// The lower left corner.
    pub low: Point,
}

impl GeoBox {
    /// The box with these two opposite corners, in any order.
    ///
    /// ```
    /// use pgcast_core::types::{GeoBox, Point};
    /// let b = GeoBox::new(Point::new(0.0, 5.0), Point::new(2.0, 1.0));
    /// assert_eq!((b.high, b.low), (Point::new(2.0, 5.0), Point::new(0.0, 1.0)));
    /// ```
    pub fn new(a: Point, b: Point) -> GeoBox {
        GeoBox {
            high: Point::new(a.x.max(b.x), a.y.max(b.y)),
            low: Point::new(a.x.min(b.x), a.y.min(b.y)),
        }
    }
}

/// A `path`: open `[(x1,y1),…]` or closed `((x1,y1),…)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Path {
    /// Whether the last point connects back to the first.
    pub closed: bool,
    /// The points, in order (the server wants at least one).
    pub points: Vec<Point>,
}

/// A `polygon`: `((x1,y1),…)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Polygon {
    /// The vertices, in order (the server wants at least one).
    pub points: Vec<Point>,
}

/// A `circle`: `<(x,y),r>`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Circle {
    /// The center.
    pub center: Point,
    /// The radius (not negative).
    pub radius: f64,
}

/// A reader of the server's geometric text forms.
struct Scanner<'a> {
    ty: &'a Type,
    raw: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(ty: &'a Type, raw: &'a [u8]) -> Scanner<'a> {
        Scanner { ty, raw, pos: 0 }
    }

    fn error<T: ?Sized>(&self, what: &str) -> Error {
        Error::malformed(
            self.ty,
            format!(
                "{:?} is not a {}: {what} at byte {}",
                String::from_utf8_lossy(self.raw),
                self.ty.name(),
                self.pos
            ),
        )
        .with_rust_type::<T>()
    }

    fn skip_space(&mut self) {
        while self.raw.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.raw.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect<T: ?Sized>(&mut self, c: u8) -> Result<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error::<T>(&format!("expected {:?}", c as char)))
        }
    }

    fn number<T: ?Sized>(&mut self) -> Result<f64> {
        self.skip_space();
        let start = self.pos;
        while self.raw.get(self.pos).is_some_and(|c| {
            !matches!(c, b',' | b')' | b']' | b'>' | b'}') && !c.is_ascii_whitespace()
        }) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.error::<T>("expected a number"));
        }
        parse_f64::<T>(self.ty, &self.raw[start..self.pos])
    }

    fn point<T: ?Sized>(&mut self) -> Result<Point> {
        self.expect::<T>(b'(')?;
        let x = self.number::<T>()?;
        self.expect::<T>(b',')?;
        let y = self.number::<T>()?;
        self.expect::<T>(b')')?;
        Ok(Point { x, y })
    }

    /// Points separated by commas up to `close` (which is consumed).
    fn points<T: ?Sized>(&mut self, close: u8) -> Result<Vec<Point>> {
        let mut points = Vec::new();
        loop {
            points.push(self.point::<T>()?);
            if self.eat(close) {
                return Ok(points);
            }
            self.expect::<T>(b',')?;
        }
    }

    fn end<T: ?Sized>(mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error::<T>("trailing characters")),
        }
    }
}

/// A reader of binary forms, every length checked.
struct Reader<'a> {
    ty: &'a Type,
    raw: &'a [u8],
}

impl Reader<'_> {
    fn take<T: ?Sized, const N: usize>(&mut self) -> Result<[u8; N]> {
        match self.raw.split_first_chunk::<N>() {
            Some((head, rest)) => {
                self.raw = rest;
                Ok(*head)
            }
            None => Err(
                Error::malformed(self.ty, format!("binary {} cut short", self.ty.name()))
                    .with_rust_type::<T>(),
            ),
        }
    }

    fn f64<T: ?Sized>(&mut self) -> Result<f64> {
        self.take::<T, 8>().map(f64::from_be_bytes)
    }

    fn point<T: ?Sized>(&mut self) -> Result<Point> {
        Ok(Point {
            x: self.f64::<T>()?,
            y: self.f64::<T>()?,
        })
    }

    /// A point count, then as many points: the count checked against the
    /// bytes left before anything is allocated.
    fn points<T: ?Sized>(&mut self) -> Result<Vec<Point>> {
        let n = i32::from_be_bytes(self.take::<T, 4>()?);
        let n = usize::try_from(n)
            .map_err(|_| Error::malformed(self.ty, format!("{n} points")).with_rust_type::<T>())?;
        if n.checked_mul(16) != Some(self.raw.len()) {
            return Err(Error::malformed(
                self.ty,
                format!("{n} points in {} bytes", self.raw.len()),
            )
            .with_rust_type::<T>());
        }
        (0..n).map(|_| self.point::<T>()).collect()
    }

    fn end<T: ?Sized>(self) -> Result<()> {
        if self.raw.is_empty() {
            Ok(())
        } else {
            Err(Error::malformed(
                self.ty,
                format!("{} bytes after a binary {}", self.raw.len(), self.ty.name()),
            )
            .with_rust_type::<T>())
        }
    }
}

fn put_point(p: &Point, format: Format, out: &mut BytesMut) {
    match format {
        Format::Binary => {
            out.put_f64(p.x);
            out.put_f64(p.y);
        }
        Format::Text => {
            out.put_u8(b'(');
            write_f64(p.x, Format::Text, out);
            out.put_u8(b',');
            write_f64(p.y, Format::Text, out);
            out.put_u8(b')');
        }
    }
}

fn put_points(points: &[Point], out: &mut BytesMut) {
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        put_point(p, Format::Text, out);
    }
}

/// A point count for the binary forms: at least one, at most what fits.
fn point_count<T: ?Sized>(ty: &Type, points: &[Point]) -> Result<i32> {
    match i32::try_from(points.len()) {
        Ok(n) if n > 0 && points.len() < (1 << 27) => Ok(n),
        _ => Err(Error::out_of_range::<T>(
            ty,
            format!("a {} of {} points", ty.name(), points.len()),
        )),
    }
}

macro_rules! geometric {
    ($t:ty, $ty:ident, |$ctx:ident, $raw:ident| { text: $text:expr, binary: $binary:expr },
     |$v:ident, $out:ident, $fmt:ident| $dump:expr) => {
        impl Load<'_> for $t {
            fn check(ctx: &Ctx<'_>) -> Result<()> {
                if *ctx.ty == Type::$ty {
                    Ok(())
                } else {
                    Err(Error::wrong_type::<$t>(ctx.ty))
                }
            }

            fn load($ctx: &Ctx<'_>, $raw: &[u8]) -> Result<$t> {
                <$t as Load>::check($ctx)?;
                match $ctx.format {
                    Format::Text => $text,
                    Format::Binary => $binary,
                }
            }
        }

        impl Dump for $t {
            fn pg_type(&self, _: &Policy) -> Type {
                Type::$ty
            }

            fn dump(&self, ctx: &Ctx<'_>, $out: &mut BytesMut) -> Result<IsNull> {
                if *ctx.ty != Type::$ty {
                    return Err(Error::wrong_type::<$t>(ctx.ty));
                }
                let $v = self;
                let $fmt = ctx.format;
                #[allow(clippy::redundant_closure_call)]
                (|| -> Result<()> { $dump })()?;
                Ok(IsNull::No)
            }
        }

        impl StaticType for $t {
            fn static_type(_: &Policy) -> Type {
                Type::$ty
            }
        }
    };
}

geometric!(Point, POINT, |ctx, raw| {
    text: {
        let mut s = Scanner::new(ctx.ty, raw);
        let p = s.point::<Point>()?;
        s.end::<Point>()?;
        Ok(p)
    },
    binary: {
        let mut r = Reader { ty: ctx.ty, raw };
        let p = r.point::<Point>()?;
        r.end::<Point>()?;
        Ok(p)
    }
}, |v, out, fmt| {
    put_point(v, fmt, out);
    Ok(())
});

geometric!(Line, LINE, |ctx, raw| {
    text: {
        let mut s = Scanner::new(ctx.ty, raw);
        s.expect::<Line>(b'{')?;
        let a = s.number::<Line>()?;
        s.expect::<Line>(b',')?;
        let b = s.number::<Line>()?;
        s.expect::<Line>(b',')?;
        let c = s.number::<Line>()?;
        s.expect::<Line>(b'}')?;
        s.end::<Line>()?;
        Ok(Line { a, b, c })
    },
    binary: {
        let mut r = Reader { ty: ctx.ty, raw };
        let line = Line { a: r.f64::<Line>()?, b: r.f64::<Line>()?, c: r.f64::<Line>()? };
        r.end::<Line>()?;
        Ok(line)
    }
}, |v, out, fmt| {
    match fmt {
        Format::Binary => {
            out.put_f64(v.a);
            out.put_f64(v.b);
            out.put_f64(v.c);
        }
        Format::Text => {
            out.put_u8(b'{');
            write_f64(v.a, fmt, out);
            out.put_u8(b',');
            write_f64(v.b, fmt, out);
            out.put_u8(b',');
            write_f64(v.c, fmt, out);
            out.put_u8(b'}');
        }
    }
    Ok(())
});

geometric!(LineSegment, LSEG, |ctx, raw| {
    text: {
        let mut s = Scanner::new(ctx.ty, raw);
        let bracket = s.eat(b'[');
        let start = s.point::<LineSegment>()?;
        s.expect::<LineSegment>(b',')?;
        let end = s.point::<LineSegment>()?;
        if bracket {
            s.expect::<LineSegment>(b']')?;
        }
        s.end::<LineSegment>()?;
        Ok(LineSegment { start, end })
    },
    binary: {
        let mut r = Reader { ty: ctx.ty, raw };
        let seg = LineSegment { start: r.point::<LineSegment>()?, end: r.point::<LineSegment>()? };
        r.end::<LineSegment>()?;
        Ok(seg)
    }
}, |v, out, fmt| {
    if fmt == Format::Text {
        out.put_u8(b'[');
        put_points(&[v.start, v.end], out);
        out.put_u8(b']');
    } else {
        put_point(&v.start, fmt, out);
        put_point(&v.end, fmt, out);
    }
    Ok(())
});

geometric!(GeoBox, BOX, |ctx, raw| {
    text: {
        let mut s = Scanner::new(ctx.ty, raw);
        let high = s.point::<GeoBox>()?;
        s.expect::<GeoBox>(b',')?;
        let low = s.point::<GeoBox>()?;
        s.end::<GeoBox>()?;
        Ok(GeoBox { high, low })
    },
    binary: {
        let mut r = Reader { ty: ctx.ty, raw };
        let b = GeoBox { high: r.point::<GeoBox>()?, low: r.point::<GeoBox>()? };
        r.end::<GeoBox>()?;
        Ok(b)
    }
}, |v, out, fmt| {
    put_point(&v.high, fmt, out);
    if fmt == Format::Text {
        out.put_u8(b',');
    }
    put_point(&v.low, fmt, out);
    Ok(())
});

geometric!(Path, PATH, |ctx, raw| {
    text: {
        let mut s = Scanner::new(ctx.ty, raw);
        let closed = match s.peek() {
            Some(b'[') => false,
            Some(b'(') => true,
            _ => return Err(s.error::<Path>("expected '[' or '('")),
        };
        s.pos += 1;
        let points = s.points::<Path>(if closed { b')' } else { b']' })?;
        s.end::<Path>()?;
        Ok(Path { closed, points })
    },
    binary: {
        let mut r = Reader { ty: ctx.ty, raw };
        let closed = match r.take::<Path, 1>()? {
            [0] => false,
            [1] => true,
            [b] => {
                return Err(Error::malformed(ctx.ty, format!("closed flag {b}"))
                    .with_rust_type::<Path>())
            }
        };
        let points = r.points::<Path>()?;
        Ok(Path { closed, points })
    }
}, |v, out, fmt| {
    match fmt {
        Format::Binary => {
            let n = point_count::<Path>(&Type::PATH, &v.points)?;
            out.put_u8(u8::from(v.closed));
            out.put_i32(n);
            for p in &v.points {
                put_point(p, fmt, out);
            }
        }
        Format::Text => {
            out.put_u8(if v.closed { b'(' } else { b'[' });
            put_points(&v.points, out);
            out.put_u8(if v.closed { b')' } else { b']' });
        }
    }
    Ok(())
});

geometric!(Polygon, POLYGON, |ctx, raw| {
    text: {
        let mut s = Scanner::new(ctx.ty, raw);
        s.expect::<Polygon>(b'(')?;
        let points = s.points::<Polygon>(b')')?;
        s.end::<Polygon>()?;
        Ok(Polygon { points })
    },
    binary: {
        let mut r = Reader { ty: ctx.ty, raw };
        Ok(Polygon { points: r.points::<Polygon>()? })
    }
}, |v, out, fmt| {
    match fmt {
        Format::Binary => {
            out.put_i32(point_count::<Polygon>(&Type::POLYGON, &v.points)?);
            for p in &v.points {
                put_point(p, fmt, out);
            }
        }
        Format::Text => {
            out.put_u8(b'(');
            put_points(&v.points, out);
            out.put_u8(b')');
        }
    }
    Ok(())
});

geometric!(Circle, CIRCLE, |ctx, raw| {
    text: {
        let mut s = Scanner::new(ctx.ty, raw);
        s.expect::<Circle>(b'<')?;
        let center = s.point::<Circle>()?;
        s.expect::<Circle>(b',')?;
        let radius = s.number::<Circle>()?;
        s.expect::<Circle>(b'>')?;
        s.end::<Circle>()?;
        Ok(Circle { center, radius })
    },
    binary: {
        let mut r = Reader { ty: ctx.ty, raw };
        let c = Circle { center: r.point::<Circle>()?, radius: r.f64::<Circle>()? };
        r.end::<Circle>()?;
        Ok(c)
    }
}, |v, out, fmt| {
    if v.radius < 0.0 {
        return Err(Error::out_of_range::<Circle>(
            &Type::CIRCLE,
            format!("a circle's radius cannot be negative ({})", v.radius),
        ));
    }
    match fmt {
        Format::Binary => {
            put_point(&v.center, fmt, out);
            out.put_f64(v.radius);
        }
        Format::Text => {
            out.put_u8(b'<');
            put_point(&v.center, fmt, out);
            out.put_u8(b',');
            write_f64(v.radius, fmt, out);
            out.put_u8(b'>');
        }
    }
    Ok(())
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use proptest::prelude::*;

    fn round_trip<T>(ty: &Type, v: &T)
    where
        T: Dump + for<'a> Load<'a> + PartialEq + std::fmt::Debug,
    {
        for fmt in [Format::Binary, Format::Text] {
            let ctx = Ctx::new(ty, fmt);
            let mut out = BytesMut::new();
            v.dump(&ctx, &mut out).unwrap();
            assert_eq!(&T::load(&ctx, &out).unwrap(), v, "{fmt:?}");
        }
    }

    #[test]
    fn text_forms() {
        let text = |ty: &Type, v: &dyn Dump| {
            let mut out = BytesMut::new();
            v.dump(&Ctx::text(ty), &mut out).unwrap();
            String::from_utf8(out.to_vec()).unwrap()
        };
        let p = Point::new(1.5, -2.0);
        assert_eq!(text(&Type::POINT, &p), "(1.5,-2)");
        let line = Line {
            a: 1.0,
            b: -1.0,
            c: 0.0,
        };
        assert_eq!(text(&Type::LINE, &line), "{1,-1,0}");
        let seg = LineSegment {
            start: Point::new(0.0, 0.0),
            end: p,
        };
        assert_eq!(text(&Type::LSEG, &seg), "[(0,0),(1.5,-2)]");
        let b = GeoBox::new(Point::new(0.0, 0.0), Point::new(1.0, 1.0));
        assert_eq!(text(&Type::BOX, &b), "(1,1),(0,0)");
        let path = Path {
            closed: false,
            points: vec![p, p],
        };
        assert_eq!(text(&Type::PATH, &path), "[(1.5,-2),(1.5,-2)]");
        let poly = Polygon { points: vec![p] };
        assert_eq!(text(&Type::POLYGON, &poly), "((1.5,-2))");
        let c = Circle {
            center: p,
            radius: 1e300,
        };
        assert_eq!(text(&Type::CIRCLE, &c), "<(1.5,-2),1e+300>");
        round_trip(&Type::POINT, &p);
        round_trip(&Type::LINE, &line);
        round_trip(&Type::LSEG, &seg);
        round_trip(&Type::BOX, &b);
        round_trip(&Type::PATH, &path);
        round_trip(
            &Type::PATH,
            &Path {
                closed: true,
                ..path.clone()
            },
        );
        round_trip(&Type::POLYGON, &poly);
        round_trip(&Type::CIRCLE, &c);
        assert_eq!(
            Point::load(&Ctx::text(&Type::POINT), b" ( 1 , 2 ) ").unwrap(),
            Point::new(1.0, 2.0)
        );
    }

    #[test]
    fn errors() {
        for bad in [&b""[..], b"(1,2", b"(1,2)x", b"(a,2)", b"(1;2)"] {
            assert_eq!(
                Point::load(&Ctx::text(&Type::POINT), bad)
                    .unwrap_err()
                    .kind(),
                ErrorKind::Malformed,
                "{bad:?}"
            );
        }
        assert!(Point::load(&Ctx::binary(&Type::POINT), &[0; 15]).is_err());
        assert!(Point::load(&Ctx::binary(&Type::POINT), &[0; 17]).is_err());
        assert!(Point::load(&Ctx::binary(&Type::BOX), &[0; 16]).is_err());
        // a point count larger than the bytes
        let mut raw = vec![0u8];
        raw.extend_from_slice(&i32::MAX.to_be_bytes());
        assert!(Path::load(&Ctx::binary(&Type::PATH), &raw).is_err());
        assert!(Polygon::load(&Ctx::binary(&Type::POLYGON), &(-1i32).to_be_bytes()).is_err());
        let mut out = BytesMut::new();
        assert_eq!(
            Polygon::default()
                .dump(&Ctx::binary(&Type::POLYGON), &mut out)
                .unwrap_err()
                .kind(),
            ErrorKind::OutOfRange
        );
        let neg = Circle {
            center: Point::default(),
            radius: -1.0,
        };
        assert!(neg.dump(&Ctx::text(&Type::CIRCLE), &mut out).is_err());
        assert_eq!(
            Point::default()
                .dump(&Ctx::text(&Type::BOX), &mut out)
                .unwrap_err()
                .kind(),
            ErrorKind::WrongType
        );
    }

    proptest! {
        #[test]
        fn points_round_trip(x in any::<f64>(), y in any::<f64>(), closed in any::<bool>()) {
            let p = Point::new(x, y);
            for fmt in [Format::Binary, Format::Text] {
                let ctx = Ctx::new(&Type::PATH, fmt);
                let path = Path { closed, points: vec![p, Point::new(y, x)] };
                let mut out = BytesMut::new();
                path.dump(&ctx, &mut out).unwrap();
                let back = Path::load(&ctx, &out).unwrap();
                prop_assert_eq!(back.closed, closed);
                let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
                prop_assert!(same(back.points[0].x, x));
                prop_assert!(same(back.points[1].x, y));
            }
        }

        #[test]
        fn garbage_never_panics(raw in prop::collection::vec(any::<u8>(), 0..64)) {
            for fmt in [Format::Binary, Format::Text] {
                let _ = Point::load(&Ctx::new(&Type::POINT, fmt), &raw);
                let _ = Line::load(&Ctx::new(&Type::LINE, fmt), &raw);
                let _ = LineSegment::load(&Ctx::new(&Type::LSEG, fmt), &raw);
                let _ = GeoBox::load(&Ctx::new(&Type::BOX, fmt), &raw);
                let _ = Path::load(&Ctx::new(&Type::PATH, fmt), &raw);
                let _ = Polygon::load(&Ctx::new(&Type::POLYGON, fmt), &raw);
                let _ = Circle::load(&Ctx::new(&Type::CIRCLE, fmt), &raw);
            }
        }
    }
}
