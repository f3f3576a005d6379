//! PostGIS `geometry` and `geography` as `PostgisGeometry` (EWKB ↔
//! geo-types) through a server with PostGIS (Debian:
//! `postgresql-15-postgis-3`). Where the server lacks it the tests say so
//! and skip.

use geo_types::{
    Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point,
    line_string, polygon,
};
use pgcast::types::PostgisGeometry;
use pgcast::{Ctx, ErrorKind, Policy};
use tokio_postgres::Client;

use crate::support::{connect, load_both, test_type};

async fn with_postgis() -> Option<Client> {
    let c = connect().await;
    let available = c
        .query_opt(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'",
            &[],
        )
        .await
        .unwrap();
    if available.is_none() {
        eprintln!(
            "skipped: this PostgreSQL server has no PostGIS extension \
             (apt-get install postgresql-15-postgis-3, or the package for its version)"
        );
        return None;
    }
    c.batch_execute(
        "BEGIN;
         SELECT pg_advisory_xact_lock(7470003);
         CREATE EXTENSION IF NOT EXISTS postgis;
         COMMIT;",
    )
    .await
    .unwrap();
    Some(c)
}

#[tokio::test]
async fn geometries_round_trip() {
    let Some(c) = with_postgis().await else {
        return;
    };
    let square = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 0.0)];
    let holed = geo_types::Polygon::new(
        LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0)]),
        vec![LineString::from(vec![
            (1.0, 1.0),
            (2.0, 1.0),
            (2.0, 2.0),
            (1.0, 1.0),
        ])],
    );
    let g = |geometry: Geometry<f64>, srid: Option<i32>| PostgisGeometry { srid, geometry };
    let cases = [
        (g(Point::new(1.0, 2.0).into(), None), "'POINT(1 2)'"),
        (
            g(Point::new(-71.06, 42.36).into(), Some(4326)),
            "'SRID=4326;POINT(-71.06 42.36)'",
        ),
        (
            g(
                line_string![(x: 0.0, y: 0.0), (x: 1.5, y: -2.5)].into(),
                Some(3857),
            ),
            "'SRID=3857;LINESTRING(0 0, 1.5 -2.5)'",
        ),
        (
            g(square.clone().into(), None),
            "'POLYGON((0 0, 4 0, 4 4, 0 0))'",
        ),
        (
            g(holed.into(), None),
            "'POLYGON((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 2, 1 1))'",
        ),
        (
            g(
                MultiPoint(vec![Point::new(1.0, 2.0), Point::new(3.0, 4.0)]).into(),
                None,
            ),
            "'MULTIPOINT(1 2, 3 4)'",
        ),
        (
            g(
                MultiLineString(vec![line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0)]]).into(),
                None,
            ),
            "'MULTILINESTRING((0 0, 1 1))'",
        ),
        (
            g(
                MultiPolygon(vec![square.clone(), square]).into(),
                Some(4326),
            ),
            "'SRID=4326;MULTIPOLYGON(((0 0, 4 0, 4 4, 0 0)), ((0 0, 4 0, 4 4, 0 0)))'",
        ),
        (
            g(
                Geometry::GeometryCollection(GeometryCollection(vec![
                    Point::new(1.0, 2.0).into(),
                    line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0)].into(),
                ])),
                None,
            ),
            "'GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))'",
        ),
        (
            g(
                Geometry::GeometryCollection(GeometryCollection(vec![])),
                None,
            ),
            "'GEOMETRYCOLLECTION EMPTY'",
        ),
    ];
    test_type(&c, "geometry", &cases).await;
    // geography: SRID 4326 unless given
    test_type(
        &c,
        "geography",
        &[(
            g(Point::new(2.35, 48.86).into(), Some(4326)),
            "'POINT(2.35 48.86)'",
        )],
    )
    .await;
    // the server computes with what was sent
    let row = c
        .query_one(
            "SELECT ST_Area($1::geometry), ST_SRID($1::geometry)",
            &[&pgcast::bridge::Param::binary(&cases[7].0)],
        )
        .await
        .unwrap();
    assert_eq!((row.get::<_, f64>(0), row.get::<_, i32>(1)), (16.0, 4326));
}

#[tokio::test]
async fn what_geo_types_cannot_hold_says_what_to_do() {
    let Some(c) = with_postgis().await else {
        return;
    };
    for (sql, needle) in [
        ("SELECT 'POINT Z (1 2 3)'::geometry", "ST_Force2D"),
        ("SELECT 'POINT M (1 2 3)'::geometry", "ST_Force2D"),
        ("SELECT 'POINT EMPTY'::geometry", "ST_IsEmpty"),
        (
            "SELECT 'CIRCULARSTRING(0 0, 1 1, 2 0)'::geometry",
            "ST_CurveToLine",
        ),
    ] {
        for result in load_both::<PostgisGeometry>(&c, sql, &Policy::DEFAULT).await {
            let err = result.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Malformed, "{sql}");
            assert!(err.message().contains(needle), "{sql}: {err}");
        }
    }
    let ty = c.prepare("SELECT NULL::geometry").await.unwrap().columns()[0]
        .type_()
        .clone();
    assert!(<PostgisGeometry as pgcast::Load>::check(&Ctx::binary(&ty)).is_ok());
}
