//! PostGIS `geometry` and `geography` as [`PostgisGeometry`]: a
//! `geo_types::Geometry<f64>` and its SRID (feature `postgis`).
//!
//! Both types are found by name (PostGIS has per-database OIDs). Binary
//! form: EWKB, WKB with PostGIS' flags (`0x20000000` an SRID follows the
//! type, `0x80000000` Z, `0x40000000` M); text form: the same bytes in hex
//! (what the server prints). Little-endian EWKB is written; both byte
//! orders are read. geo-types is two-dimensional: a value with Z or M
//! coordinates is an error that says how to drop them in SQL, and an empty
//! point (which geo-types cannot hold) is an error too.

use bytes::{BufMut, BytesMut};
use geo_types::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use postgres_types::{Kind, Type};

use crate::{Ctx, Dump, Error, Format, IsNull, Load, Policy, Result, StaticType};

const SRID_FLAG: u32 = 0x2000_0000;
const Z_FLAG: u32 = 0x8000_0000;
const M_FLAG: u32 = 0x4000_0000;
/// Nesting deeper than this is refused rather than recursed into.
const MAX_DEPTH: usize = 32;

/// A PostGIS `geometry` or `geography` value: the shape and its spatial
/// reference system (`None`: SRID 0, unknown; a `geography` column
/// defaults it to 4326 on the server).
///
/// ```
/// use geo_types::{Geometry, Point};
/// use pgcast_core::types::PostgisGeometry;
/// use pgcast_core::{Ctx, Dump, Kind, Load, Type};
///
/// let ty = Type::new("geometry".into(), 19_001, Kind::Simple, "public".into());
/// // SELECT 'SRID=4326;POINT(1 2)'::geometry, as the server prints it
/// let hex = b"0101000020E6100000000000000000F03F0000000000000040";
/// let g: PostgisGeometry = Load::load(&Ctx::text(&ty), hex).unwrap();
/// assert_eq!(g, PostgisGeometry::new(Point::new(1.0, 2.0)).with_srid(4326));
///
/// let mut out = bytes::BytesMut::new();
/// g.dump(&Ctx::text(&ty), &mut out).unwrap();
/// assert_eq!(&out[..], hex);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PostgisGeometry {
    /// The spatial reference system's id, if any.
    pub srid: Option<i32>,
    /// The shape.
    pub geometry: Geometry<f64>,
}

impl PostgisGeometry {
    /// A shape without an SRID.
    pub fn new(geometry: impl Into<Geometry<f64>>) -> PostgisGeometry {
        PostgisGeometry {
            srid: None,
            geometry: geometry.into(),
        }
    }

    /// The same shape in spatial reference system `srid` (4326 is WGS 84).
    pub fn with_srid(self, srid: i32) -> PostgisGeometry {
        PostgisGeometry {
            srid: Some(srid),
            ..self
        }
    }
}

impl From<Geometry<f64>> for PostgisGeometry {
    fn from(geometry: Geometry<f64>) -> PostgisGeometry {
        PostgisGeometry::new(geometry)
    }
}

fn is_postgis(ty: &Type) -> bool {
    matches!(ty.name(), "geometry" | "geography")
}

fn check_type(ctx: &Ctx<'_>) -> Result<()> {
    if is_postgis(ctx.ty) {
        Ok(())
    } else {
        Err(Error::wrong_type::<PostgisGeometry>(ctx.ty))
    }
}

/// Reads EWKB.
struct Reader<'r> {
    ty: &'r Type,
    raw: &'r [u8],
    little: bool,
}

impl Reader<'_> {
    fn bad(&self, what: impl Into<String>) -> Error {
        Error::malformed(self.ty, what.into()).with_rust_type::<PostgisGeometry>()
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let (head, rest) = self
            .raw
            .split_first_chunk::<N>()
            .ok_or_else(|| self.bad("EWKB truncated"))?;
        self.raw = rest;
        Ok(*head)
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self) -> Result<f64> {
        let b = self.take::<8>()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// A count, refused if the bytes left cannot hold that many items of
    /// at least `min` bytes (before anything is allocated).
    fn count(&mut self, min: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n > self.raw.len() / min {
            return Err(self.bad(format!(
                "{n} items announced, {} bytes left",
                self.raw.len()
            )));
        }
        Ok(n)
    }

    fn coord(&mut self) -> Result<Coord<f64>> {
        Ok(Coord {
            x: self.f64()?,
            y: self.f64()?,
        })
    }

    fn line(&mut self) -> Result<LineString<f64>> {
        let n = self.count(16)?;
        (0..n)
            .map(|_| self.coord())
            .collect::<Result<Vec<_>>>()
            .map(LineString)
    }

    fn polygon(&mut self) -> Result<Polygon<f64>> {
        let n = self.count(4)?;
        let mut rings = (0..n).map(|_| self.line()).collect::<Result<Vec<_>>>()?;
        if rings.is_empty() {
            return Ok(Polygon::new(LineString(Vec::new()), Vec::new()));
        }
        let exterior = rings.remove(0);
        Ok(Polygon::new(exterior, rings))
    }

    /// One geometry with its header; `(srid, geometry)`.
    fn geometry(&mut self, depth: usize) -> Result<(Option<i32>, Geometry<f64>)> {
        if depth > MAX_DEPTH {
            return Err(self.bad("geometry collections nested too deeply"));
        }
        self.little = match self.take::<1>()? {
            [0] => false,
            [1] => true,
            [b] => return Err(self.bad(format!("unknown byte order {b}"))),
        };
        let ty = self.u32()?;
        if ty & (Z_FLAG | M_FLAG) != 0 || (ty & 0xffff) >= 1000 {
            return Err(self.bad(
                "the value has Z or M coordinates, which geo-types cannot hold; \
                 select ST_Force2D(...) of it",
            ));
        }
        let srid = if ty & SRID_FLAG != 0 {
            Some(self.u32()? as i32)
        } else {
            None
        };
        let many = |r: &mut Self, what: &str| -> Result<Vec<Geometry<f64>>> {
            let n = r.count(5)?;
            (0..n)
                .map(|_| r.geometry(depth + 1).map(|(_, g)| g))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| r.bad(format!("in a {what}: {}", e.message())))
        };
        let geometry = match ty & 0xff {
            1 => {
                let c = self.coord()?;
                if c.x.is_nan() && c.y.is_nan() {
                    return Err(self.bad(
                        "POINT EMPTY has no geo-types form; filter it out with NOT ST_IsEmpty(...)",
                    ));
                }
                Geometry::Point(Point(c))
            }
            2 => Geometry::LineString(self.line()?),
            3 => Geometry::Polygon(self.polygon()?),
            4 => {
                let points = many(self, "multipoint")?
                    .into_iter()
                    .map(|g| match g {
                        Geometry::Point(p) => Ok(p),
                        _ => Err(self.bad("a multipoint holds points only")),
                    })
                    .collect::<Result<Vec<_>>>()?;
                Geometry::MultiPoint(MultiPoint(points))
            }
            5 => {
                let lines = many(self, "multilinestring")?
                    .into_iter()
                    .map(|g| match g {
                        Geometry::LineString(l) => Ok(l),
                        _ => Err(self.bad("a multilinestring holds linestrings only")),
                    })
                    .collect::<Result<Vec<_>>>()?;
                Geometry::MultiLineString(MultiLineString(lines))
            }
            6 => {
                let polygons = many(self, "multipolygon")?
                    .into_iter()
                    .map(|g| match g {
                        Geometry::Polygon(p) => Ok(p),
                        _ => Err(self.bad("a multipolygon holds polygons only")),
                    })
                    .collect::<Result<Vec<_>>>()?;
                Geometry::MultiPolygon(MultiPolygon(polygons))
            }
            7 => Geometry::GeometryCollection(GeometryCollection(many(self, "collection")?)),
            other => {
                return Err(self.bad(format!(
                    "geometry type {other} (curves, surfaces, TINs) has no geo-types form; \
                     select ST_CurveToLine(...) or ST_GeometryN(...) of it"
                )));
            }
        };
        Ok((srid, geometry))
    }
}

/// Reads EWKB bytes.
fn read_ewkb(ty: &Type, raw: &[u8]) -> Result<PostgisGeometry> {
    let mut r = Reader {
        ty,
        raw,
        little: true,
    };
    let (srid, geometry) = r.geometry(0)?;
    if !r.raw.is_empty() {
        return Err(r.bad(format!("{} bytes after the geometry", r.raw.len())));
    }
    Ok(PostgisGeometry {
        srid: srid.filter(|s| *s != 0),
        geometry,
    })
}

fn hex_decode(ty: &Type, raw: &[u8]) -> Result<Vec<u8>> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    if !raw.len().is_multiple_of(2) {
        return Err(Error::malformed(ty, "odd number of hex digits in EWKB"));
    }
    raw.chunks_exact(2)
        .map(|p| match (digit(p[0]), digit(p[1])) {
            (Some(h), Some(l)) => Ok(h << 4 | l),
            _ => Err(Error::malformed(
                ty,
                "the text form of a PostGIS value is hex EWKB; select it without ST_AsText",
            )),
        })
        .collect()
}

/// Writes little-endian EWKB.
fn write_geometry(g: &Geometry<f64>, srid: Option<i32>, out: &mut BytesMut) {
    let header = |out: &mut BytesMut, code: u32| {
        out.put_u8(1);
        match srid {
            Some(s) => {
                out.put_u32_le(code | SRID_FLAG);
                out.put_i32_le(s);
            }
            None => out.put_u32_le(code),
        }
    };
    let coord = |out: &mut BytesMut, c: &Coord<f64>| {
        out.put_f64_le(c.x);
        out.put_f64_le(c.y);
    };
    let line = |out: &mut BytesMut, l: &LineString<f64>| {
        out.put_u32_le(l.0.len() as u32);
        l.0.iter().for_each(|c| coord(out, c));
    };
    let polygon = |out: &mut BytesMut, p: &Polygon<f64>| {
        if p.exterior().0.is_empty() && p.interiors().is_empty() {
            out.put_u32_le(0);
            return;
        }
        out.put_u32_le(1 + p.interiors().len() as u32);
        line(out, p.exterior());
        p.interiors().iter().for_each(|r| line(out, r));
    };
    match g {
        Geometry::Point(p) => {
            header(out, 1);
            coord(out, &p.0);
        }
        Geometry::Line(l) => {
            header(out, 2);
            line(out, &LineString(vec![l.start, l.end]));
        }
        Geometry::LineString(l) => {
            header(out, 2);
            line(out, l);
        }
        Geometry::Polygon(p) => {
            header(out, 3);
            polygon(out, p);
        }
        Geometry::Rect(r) => {
            header(out, 3);
            polygon(out, &r.to_polygon());
        }
        Geometry::Triangle(t) => {
            header(out, 3);
            polygon(out, &t.to_polygon());
        }
        Geometry::MultiPoint(m) => {
            header(out, 4);
            out.put_u32_le(m.0.len() as u32);
            m.0.iter()
                .for_each(|p| write_geometry(&Geometry::Point(*p), None, out));
        }
        Geometry::MultiLineString(m) => {
            header(out, 5);
            out.put_u32_le(m.0.len() as u32);
            for l in &m.0 {
                out.put_u8(1);
                out.put_u32_le(2);
                line(out, l);
            }
        }
        Geometry::MultiPolygon(m) => {
            header(out, 6);
            out.put_u32_le(m.0.len() as u32);
            for p in &m.0 {
                out.put_u8(1);
                out.put_u32_le(3);
                polygon(out, p);
            }
        }
        Geometry::GeometryCollection(c) => {
            header(out, 7);
            out.put_u32_le(c.0.len() as u32);
            c.0.iter().for_each(|g| write_geometry(g, None, out));
        }
    }
}

impl Load<'_> for PostgisGeometry {
    fn check(ctx: &Ctx<'_>) -> Result<()> {
        check_type(ctx)
    }

    fn load(ctx: &Ctx<'_>, raw: &[u8]) -> Result<PostgisGeometry> {
        check_type(ctx)?;
        match ctx.format {
            Format::Binary => read_ewkb(ctx.ty, raw),
            Format::Text => read_ewkb(ctx.ty, &hex_decode(ctx.ty, raw)?),
        }
    }
}

impl Dump for PostgisGeometry {
    fn pg_type(&self, policy: &Policy) -> Type {
        Self::static_type(policy)
    }

    fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        check_type(ctx)?;
        match ctx.format {
            Format::Binary => write_geometry(&self.geometry, self.srid, out),
            Format::Text => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                let mut ewkb = BytesMut::new();
                write_geometry(&self.geometry, self.srid, &mut ewkb);
                for b in &ewkb[..] {
                    out.put_u8(HEX[usize::from(b >> 4)]);
                    out.put_u8(HEX[usize::from(b & 15)]);
                }
            }
        }
        Ok(IsNull::No)
    }
}

impl StaticType for PostgisGeometry {
    /// `geometry` by name, OID 0 and no schema: the server resolves it (a
    /// `geography` parameter's declared type wins).
    fn static_type(_: &Policy) -> Type {
        Type::new("geometry".into(), 0, Kind::Simple, String::new())
    }
}

#[cfg(test)]
mod tests {
    use geo_types::{coord, line_string, polygon};

    use super::*;

    fn ty() -> Type {
        Type::new("geometry".into(), 19_001, Kind::Simple, "public".into())
    }

    #[test]
    fn round_trips_in_both_formats() {
        let ty = ty();
        let square =
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)];
        for g in [
            Geometry::Point(Point::new(1.0, -2.0)),
            Geometry::LineString(line_string![(x: 0.0, y: 0.0), (x: 1.5, y: 2.5)]),
            Geometry::Polygon(square.clone()),
            Geometry::MultiPoint(MultiPoint(vec![Point::new(1.0, 2.0)])),
            Geometry::MultiPolygon(MultiPolygon(vec![square.clone(), square])),
            Geometry::GeometryCollection(GeometryCollection(vec![Geometry::Point(Point(
                coord! {x: 3.0, y: 4.0},
            ))])),
        ] {
            for srid in [None, Some(4326)] {
                let v = PostgisGeometry {
                    srid,
                    geometry: g.clone(),
                };
                for ctx in [Ctx::binary(&ty), Ctx::text(&ty)] {
                    let mut out = BytesMut::new();
                    v.dump(&ctx, &mut out).unwrap();
                    assert_eq!(PostgisGeometry::load(&ctx, &out).unwrap(), v);
                }
            }
        }
    }

    #[test]
    fn refusals_say_what_to_do() {
        let ty = ty();
        // POINT Z (1 2 3), big-endian ISO code 1001
        let mut z = vec![0u8, 0, 0, 0x03, 0xe9];
        z.extend_from_slice(&[0; 24]);
        let err = PostgisGeometry::load(&Ctx::binary(&ty), &z).unwrap_err();
        assert!(err.message().contains("ST_Force2D"), "{err}");
        let err = PostgisGeometry::load(&Ctx::text(&ty), b"POINT(1 2)").unwrap_err();
        assert!(err.message().contains("hex EWKB"), "{err}");
        // POINT EMPTY
        let mut empty = vec![1u8, 1, 0, 0, 0];
        empty.extend_from_slice(&f64::NAN.to_le_bytes());
        empty.extend_from_slice(&f64::NAN.to_le_bytes());
        let err = PostgisGeometry::load(&Ctx::binary(&ty), &empty).unwrap_err();
        assert!(err.message().contains("ST_IsEmpty"), "{err}");
        for bad in [
            &[][..],
            &[2u8],
            &[1, 1, 0, 0, 0, 0],
            &[1, 4, 0, 0, 0, 255, 255, 255, 255],
        ] {
            assert!(
                PostgisGeometry::load(&Ctx::binary(&ty), bad).is_err(),
                "{bad:?}"
            );
        }
        assert!(PostgisGeometry::check(&Ctx::binary(&Type::POINT)).is_err());
    }
}
