//! Conversions between the geometric types and the `geo-types` crate
//! (feature `geo-types`), whose types also load and dump directly:
//! `Point` as `point`, `Rect` as `box`, `Line` as `lseg`, `LineString` as
//! `path` and `Polygon` as `polygon`.
//!
//! A closed `path` becomes a closed `LineString` (its first point repeated
//! at the end, as geo-types closes rings) and back; a `polygon` has one ring,
//! so a `geo_types::Polygon` with holes is an error, never silently cut.
//!
//! ```
//! use pgcast_core::{Ctx, Load, Type};
//!
//! let p = geo_types::Point::<f64>::load(&Ctx::text(&Type::POINT), b"(1,2)").unwrap();
//! assert_eq!(p, geo_types::Point::new(1.0, 2.0));
//! let ring = geo_types::LineString::<f64>::load(&Ctx::text(&Type::PATH), b"((0,0),(1,0),(1,1))").unwrap();
//! assert!(ring.is_closed());
//! assert_eq!(ring.0.len(), 4);
//! ```

use bytes::BytesMut;
use geo_types::{Coord, LineString};
use postgres_types::Type;

use super::geometric::{GeoBox, LineSegment, Path, Point, Polygon};
use crate::{Ctx, Dump, Error, ErrorKind, IsNull, Load, Policy, Result, StaticType};

impl From<Point> for Coord<f64> {
    fn from(p: Point) -> Coord<f64> {
        Coord { x: p.x, y: p.y }
    }
}

impl From<Coord<f64>> for Point {
    fn from(c: Coord<f64>) -> Point {
        Point::new(c.x, c.y)
    }
}

impl From<Point> for geo_types::Point<f64> {
    fn from(p: Point) -> geo_types::Point<f64> {
        geo_types::Point::new(p.x, p.y)
    }
}

impl From<geo_types::Point<f64>> for Point {
    fn from(p: geo_types::Point<f64>) -> Point {
        Point::new(p.x(), p.y())
    }
}

impl From<GeoBox> for geo_types::Rect<f64> {
    fn from(b: GeoBox) -> geo_types::Rect<f64> {
        geo_types::Rect::new(Coord::from(b.low), Coord::from(b.high))
    }
}

impl From<geo_types::Rect<f64>> for GeoBox {
    fn from(r: geo_types::Rect<f64>) -> GeoBox {
        GeoBox::new(r.min().into(), r.max().into())
    }
}

impl From<LineSegment> for geo_types::Line<f64> {
    fn from(s: LineSegment) -> geo_types::Line<f64> {
        geo_types::Line::new(Coord::from(s.start), Coord::from(s.end))
    }
}

impl From<geo_types::Line<f64>> for LineSegment {
    fn from(l: geo_types::Line<f64>) -> LineSegment {
        LineSegment {
            start: l.start.into(),
            end: l.end.into(),
        }
    }
}

/// The points of a ring, closed geo-types style (first point repeated).
fn ring(points: &[Point], closed: bool) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = points.iter().map(|p| Coord::from(*p)).collect();
    if closed
        && let Some(first) = coords.first().copied()
        && (coords.last() != Some(&first) || coords.len() == 1)
    {
        coords.push(first);
    }
    LineString(coords)
}

/// A ring's points without the repeated closing point.
fn unring(line: &LineString<f64>) -> (Vec<Point>, bool) {
    let closed = line.0.len() > 1 && line.is_closed();
    let coords = if closed {
        &line.0[..line.0.len() - 1]
    } else {
        &line.0[..]
    };
    (coords.iter().map(|c| Point::from(*c)).collect(), closed)
}

impl From<Path> for LineString<f64> {
    fn from(p: Path) -> LineString<f64> {
        ring(&p.points, p.closed)
    }
}

impl From<&LineString<f64>> for Path {
    fn from(line: &LineString<f64>) -> Path {
        let (points, closed) = unring(line);
        Path { closed, points }
    }
}

impl From<Polygon> for geo_types::Polygon<f64> {
    fn from(p: Polygon) -> geo_types::Polygon<f64> {
        geo_types::Polygon::new(ring(&p.points, true), Vec::new())
    }
}

impl TryFrom<&geo_types::Polygon<f64>> for Polygon {
    type Error = Error;

    /// The exterior ring; an error when there are holes, which a
    /// PostgreSQL `polygon` cannot hold.
    fn try_from(p: &geo_types::Polygon<f64>) -> Result<Polygon> {
        if !p.interiors().is_empty() {
            return Err(Error::new(
                ErrorKind::OutOfRange,
                format!(
                    "a polygon has one ring, this one has {} holes; send it as PostGIS geometry instead",
                    p.interiors().len()
                ),
            )
            .with_pg_type(&Type::POLYGON)
            .with_rust_type::<geo_types::Polygon<f64>>());
        }
        Ok(Polygon {
            points: unring(p.exterior()).0,
        })
    }
}

macro_rules! via {
    ($t:ty, $own:ty, $ty:ident, |$v:ident| $to_own:expr) => {
        impl Load<'_> for $t {
            fn check(ctx: &Ctx<'_>) -> Result<()> {
                <$own as Load>::check(ctx).map_err(|_| Error::wrong_type::<$t>(ctx.ty))
            }

            fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<$t> {
                <$own as Load>::load(ctx, raw).map(<$t>::from)
            }
        }

        impl Dump for $t {
            fn pg_type(&self, _: &Policy) -> Type {
                Type::$ty
            }

            fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
                let $v = self;
                let own: $own = $to_own;
                own.dump(ctx, out)
            }
        }

        impl StaticType for $t {
            fn static_type(_: &Policy) -> Type {
                Type::$ty
            }
        }
    };
}

via!(geo_types::Point<f64>, Point, POINT, |v| Point::from(*v));
via!(geo_types::Rect<f64>, GeoBox, BOX, |v| GeoBox::from(*v));
via!(geo_types::Line<f64>, LineSegment, LSEG, |v| {
    LineSegment::from(*v)
});
via!(LineString<f64>, Path, PATH, |v| Path::from(v));
via!(geo_types::Polygon<f64>, Polygon, POLYGON, |v| {
    Polygon::try_from(v)?
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    #[test]
    fn rings_close_and_open() {
        let path = Path {
            closed: true,
            points: vec![Point::new(0.0, 0.0), Point::new(1.0, 0.0)],
        };
        let line = LineString::from(path.clone());
        assert_eq!(line.0.len(), 3);
        assert_eq!(Path::from(&line), path);
        let open = Path {
            closed: false,
            ..path
        };
        assert_eq!(Path::from(&LineString::from(open.clone())), open);
        let holed = geo_types::Polygon::new(
            LineString::from(vec![(0.0, 0.0), (4.0, 0.0), (4.0, 4.0)]),
            vec![LineString::from(vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0)])],
        );
        let mut out = BytesMut::new();
        assert_eq!(
            holed
                .dump(&Ctx::new(&Type::POLYGON, Format::Text), &mut out)
                .unwrap_err()
                .kind(),
            ErrorKind::OutOfRange
        );
        let rect = geo_types::Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 2.0, y: 1.0 });
        for fmt in [Format::Binary, Format::Text] {
            let ctx = Ctx::new(&Type::BOX, fmt);
            out.clear();
            rect.dump(&ctx, &mut out).unwrap();
            assert_eq!(geo_types::Rect::<f64>::load(&ctx, &out).unwrap(), rect);
        }
    }
}
