//! Golden tests: the exact text every construct and every literal type renders to.

use bytes::{BufMut, BytesMut};
use pgcast_core::sql::{
    Args, Composable, Composed, Identifier, Literal, Placeholder, Sql, Values, any, assignments,
    bind, bind_ref, in_list,
};
use pgcast_core::types::{Array, Dimension, Inet, Json, MacAddr};
use pgcast_core::{Adapters, Ctx, Dump, Dumper, ErrorKind, IsNull, Kind, Policy, Result, Type};

fn lit(v: impl pgcast_core::sql::SqlValue) -> String {
    Literal::new(v).render_inline().unwrap()
}

fn lit_err(v: impl pgcast_core::sql::SqlValue) -> ErrorKind {
    Literal::new(v).render_inline().unwrap_err().kind()
}

#[test]
fn sql_and_identifiers() {
    assert_eq!(Sql::new("SELECT 1").render_inline().unwrap(), "SELECT 1");
    assert_eq!(
        Identifier::new("users").render_inline().unwrap(),
        r#""users""#
    );
    assert_eq!(
        Identifier::new("Mixed Case").render_inline().unwrap(),
        r#""Mixed Case""#
    );
    assert_eq!(Identifier::new("a.b").render_inline().unwrap(), r#""a.b""#);
    assert_eq!(
        Identifier::new(r#"x"y"#).render_inline().unwrap(),
        r#""x""y""#
    );
    assert_eq!(
        Identifier::new("ünï ☃").render_inline().unwrap(),
        "\"ünï ☃\""
    );
    assert_eq!(
        Identifier::qualified(["db", "public", "users"])
            .render_inline()
            .unwrap(),
        r#""db"."public"."users""#
    );
    assert_eq!(
        Identifier::new("a".repeat(63))
            .render_inline()
            .unwrap()
            .len(),
        65
    );
    for bad in [
        Identifier::new(""),
        Identifier::new("a".repeat(64)),
        Identifier::new("é".repeat(32)),
        Identifier::new("a\0"),
        Identifier::qualified(["ok", ""]),
        Identifier::qualified(Vec::<String>::new()),
    ] {
        assert_eq!(
            bad.render_inline().unwrap_err().kind(),
            ErrorKind::Identifier,
            "{bad:?}"
        );
        assert!(bad.check().is_err());
    }
}

#[test]
fn placeholders_and_bound_values() {
    let q = Sql::new("SELECT ")
        + bind(1_i32)
        + Sql::new(", ")
        + Placeholder::named("a")
        + Sql::new(", ")
        + Placeholder::positional()
        + Sql::new(", ")
        + Placeholder::named("a")
        + Sql::new(", ")
        + Placeholder::positional()
        + Sql::new(", ")
        + bind("x");
    let r = q.render().unwrap();
    assert_eq!(r.text(), "SELECT $1, $2, $3, $2, $4, $5");
    assert_eq!(r.params().len(), 5);
    assert_eq!(q.render_inline().unwrap(), "SELECT 1, $1, $2, $1, $3, 'x'");
}

#[test]
fn joins_and_concatenation() {
    let cols = Sql::join(", ", ["a", "b", "c"].map(Identifier::new));
    assert_eq!(cols.render_inline().unwrap(), r#""a", "b", "c""#);
    let q = Sql::new("SELECT ") + cols.clone() + Sql::new(" FROM t");
    assert_eq!(q.render_inline().unwrap(), r#"SELECT "a", "b", "c" FROM t"#);
    let abc = Identifier::new("a") + Identifier::new("b") + Identifier::new("c");
    assert_eq!(
        abc.join(" | ").render_inline().unwrap(),
        r#""a" | "b" | "c""#
    );
    let many: Composed = (1..=3_i32).map(bind).collect();
    assert_eq!(many.join(", ").render().unwrap().text(), "$1, $2, $3");
    let mut q = Composed::new();
    q += Sql::new("a");
    q += Sql::new("b") + Sql::new("c");
    assert_eq!(q.render_inline().unwrap(), "abc");
    assert_eq!(q, Sql::new("a") + (Sql::new("b") + Sql::new("c")));
}

#[test]
fn runtime_format() {
    let q = Sql::new("SELECT {} FROM {} WHERE {} = {}")
        .format([
            Identifier::new("a").into_composed(),
            Identifier::new("t").into_composed(),
            Identifier::new("b").into_composed(),
            bind(3_i64).into_composed(),
        ])
        .unwrap();
    assert_eq!(
        q.render().unwrap().text(),
        r#"SELECT "a" FROM "t" WHERE "b" = $1"#
    );
    let q = Sql::new("{0} {1} {0} {{x}} {n}")
        .format(
            Args::new()
                .arg(Sql::new("A"))
                .arg(Sql::new("B"))
                .named("n", Literal::new(1_i32)),
        )
        .unwrap();
    assert_eq!(q.render_inline().unwrap(), "A B A {x} 1");
    let owned = Sql::from_runtime_unchecked(String::from("x = {}"));
    assert_eq!(
        owned
            .format([bind(1_i32)])
            .unwrap()
            .render()
            .unwrap()
            .text(),
        "x = $1"
    );

    let err = |s: &'static str, args: Args| Sql::new(s).format(args).unwrap_err().to_string();
    assert_eq!(
        err("{} {0}", Args::new().arg(Sql::new("a"))),
        "bad format string: cannot mix automatic `{}` and numbered `{0}` holes (at byte 3)"
    );
    assert_eq!(
        err("{1}", Args::new().arg(Sql::new("a"))),
        "bad format string: no argument for hole `{1}` (at byte 0)"
    );
    assert_eq!(
        err("{x}", Args::new()),
        "bad format string: no argument for hole `{x}` (at byte 0)"
    );
    assert_eq!(
        err("{}", Args::new().arg(Sql::new("a")).arg(Sql::new("b"))),
        "bad format string: argument 1 (positional) is never used (at byte 2)"
    );
    assert_eq!(
        err("x", Args::new().named("n", Sql::new("a"))),
        "bad format string: argument \"n\" is never used (at byte 1)"
    );
    assert_eq!(
        err("{0:>5}", Args::new().arg(Sql::new("a"))),
        "bad format string: format specs are not supported: `{0:>5}` (at byte 0)"
    );
    assert_eq!(
        err("a { b", Args::new()),
        "bad format string: unclosed `{`; write `{{` for a brace (at byte 2)"
    );
    assert_eq!(
        err("a } b", Args::new()),
        "bad format string: unmatched `}`; write `}}` for a brace (at byte 2)"
    );
}

#[test]
fn helpers() {
    let q = Sql::new("id = ") + any(vec![1_i64, 2]);
    let r = q.render().unwrap();
    assert_eq!(r.text(), "id = ANY($1)");
    assert_eq!(r.params()[0].pg_type(), Some(&Type::INT8_ARRAY));
    assert_eq!(q.render_inline().unwrap(), "id = ANY('{1,2}'::int8[])");
    assert_eq!(
        in_list([3_i32, 4]).unwrap().render().unwrap().text(),
        "($1, $2)"
    );
    assert_eq!(
        in_list(Vec::<i32>::new()).unwrap_err().kind(),
        ErrorKind::Format
    );
    let set = assignments([("a", Literal::new(1_i32)), ("b c", Literal::new("x"))]);
    assert_eq!(set.render_inline().unwrap(), r#""a" = 1, "b c" = 'x'"#);
    assert_eq!(
        Identifier::list(["id", "email"]).render_inline().unwrap(),
        r#""id", "email""#
    );
    assert_eq!(
        Identifier::new("s")
            .with_part("t")
            .with_part("c")
            .render_inline()
            .unwrap(),
        r#""s"."t"."c""#
    );
}

#[test]
fn values_pages() {
    let rows = (0..10_i32).map(|i| [bind(i), bind(i.to_string()), bind(true)]);
    let pages: Vec<Composed> = Values::new(rows)
        .page_size(4)
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages[2].render().unwrap().text(),
        "($1, $2, $3), ($4, $5, $6)"
    );
    // the parameter limit pages before the row count does
    let rows = (0..10_i32).map(|i| [bind(i), bind(i)]);
    let pages: Vec<Composed> = Values::new(rows)
        .page_size(100)
        .max_params(5)
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(
        pages
            .iter()
            .map(|p| p.param_count_upper_bound())
            .collect::<Vec<_>>(),
        [4, 4, 4, 4, 4]
    );
    // 70,000 one-parameter rows: two pages under 65,535
    let pages: Vec<Composed> = Values::new((0..70_000_i32).map(|i| [bind(i)]))
        .page_size(100_000)
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].param_count_upper_bound(), 65_535);
    assert!(pages[0].render().is_ok());
    let too_many: Composed = (0..65_536_i32).map(bind).collect();
    assert_eq!(too_many.render().unwrap_err().kind(), ErrorKind::Format);
    let wide = Values::new([vec![bind(1_i32), bind(2_i32)]])
        .max_params(1)
        .next()
        .unwrap();
    assert_eq!(wide.unwrap_err().kind(), ErrorKind::Format);
    // DEFAULT and literals in rows
    let rows = [[
        Sql::new("DEFAULT").into_composed(),
        Literal::new("a").into_composed(),
    ]];
    let page = Values::new(rows).next().unwrap().unwrap();
    assert_eq!(page.render_inline().unwrap(), "(DEFAULT, 'a')");
}

#[test]
fn literal_scalars() {
    assert_eq!(lit(true), "true");
    assert_eq!(lit(false), "false");
    assert_eq!(lit(None::<bool>), "NULL");
    assert_eq!(lit(0_i16), "0");
    assert_eq!(lit(-1_i16), " -1");
    assert_eq!(lit(i32::MIN), " -2147483648");
    assert_eq!(lit(i64::MAX), "9223372036854775807");
    assert_eq!(lit(i64::MIN), " -9223372036854775808");
    assert_eq!(lit(4_000_000_000_u32), "'4000000000'::oid");
    assert_eq!(lit(b'a' as i8), "'a'::\"char\"");
    assert_eq!(lit(0_i8), "''::\"char\"");
}

#[test]
fn literal_text() {
    assert_eq!(lit(""), "''");
    assert_eq!(lit("plain"), "'plain'");
    assert_eq!(lit("it's"), "'it''s'");
    assert_eq!(lit("''"), "''''''");
    assert_eq!(lit(r"a\b"), r" E'a\\b'");
    assert_eq!(lit(r"\'"), r" E'\\'''");
    assert_eq!(lit("ünïcödé ☃ 𝄞"), "'ünïcödé ☃ 𝄞'");
    assert_eq!(lit("line\nbreak\ttab\r"), "'line\nbreak\ttab\r'");
    assert_eq!(lit("$1 -- /* ; */"), "'$1 -- /* ; */'");
    assert_eq!(lit(String::from("owned")), "'owned'");
    assert_eq!(lit('x'), "'x'");
    assert_eq!(lit_err("nul\0"), ErrorKind::Nul);
    assert_eq!(lit_err(String::from("\0")), ErrorKind::Nul);
}

#[test]
fn literal_bytea() {
    assert_eq!(lit(Vec::<u8>::new()), r" E'\\x'::bytea");
    assert_eq!(lit(vec![0_u8, 1, 0xab, 0xff]), r" E'\\x0001abff'::bytea");
    assert_eq!(lit(*b"\0'"), r" E'\\x0027'::bytea");
}

#[test]
fn literal_arrays() {
    assert_eq!(lit(vec![1_i32, 2]), "'{1,2}'::int4[]");
    assert_eq!(lit(Vec::<i64>::new()), "'{}'::int8[]");
    assert_eq!(lit(vec![Some(1_i16), None]), "'{1,NULL}'::int2[]");
    assert_eq!(lit(vec![-1_i32]), "'{-1}'::int4[]");
    assert_eq!(lit(vec!["a", "b c", ""]), r#"'{a,"b c",""}'::text[]"#);
    assert_eq!(
        lit(vec!["it's", "q\"uote"]),
        r#" E'{it''s,"q\\"uote"}'::text[]"#
    );
    assert_eq!(lit(vec![r"back\slash"]), r#" E'{"back\\\\slash"}'::text[]"#);
    assert_eq!(lit(vec![Some("NULL"), None]), r#"'{"NULL",NULL}'::text[]"#);
    assert_eq!(lit(vec![true, false]), "'{t,f}'::bool[]");
    let square = Array::from_parts(
        &[Dimension::new(2, 1), Dimension::new(2, 1)],
        vec![1_i32, 2, 3, 4],
    );
    assert_eq!(lit(square.unwrap()), "'{{1,2},{3,4}}'::int4[]");
    let shifted = Array::from_parts(&[Dimension::new(1, 0)], vec![7_i32]);
    assert_eq!(lit(shifted.unwrap()), "'[0:0]={7}'::int4[]");
    assert_eq!(lit(vec![vec![0_u8, 1]]), r#" E'{"\\\\x0001"}'::bytea[]"#);
    assert_eq!(lit_err(vec!["a\0"]), ErrorKind::Nul);
}

#[test]
fn literal_json_and_friends() {
    let v = serde_json::json!({"a": [1, "it's", null], "b": "back\\slash"});
    assert_eq!(
        lit(v.clone()),
        r#" E'{"a":[1,"it''s",null],"b":"back\\\\slash"}'::jsonb"#
    );
    assert_eq!(lit(Json(vec![1, 2])), "'[1,2]'::jsonb");
    assert_eq!(lit(serde_json::json!("☃")), r#"'"☃"'::jsonb"#);
    let json_scope = Adapters::new().with_policy(Policy {
        json: pgcast_core::JsonPolicy::Json,
        ..Policy::DEFAULT
    });
    assert_eq!(
        Literal::new(serde_json::json!(null))
            .render_inline_with(&json_scope)
            .unwrap(),
        "'null'::json"
    );
    let id = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    assert_eq!(lit(id), "'01234567-89ab-cdef-0123-456789abcdef'::uuid");
    assert_eq!(
        lit(vec![id]),
        "'{01234567-89ab-cdef-0123-456789abcdef}'::uuid[]"
    );
    let net: Inet = "192.168.0.1/24".parse().unwrap();
    assert_eq!(lit(net), "'192.168.0.1/24'::inet");
    let ip: std::net::IpAddr = "::1".parse().unwrap();
    assert_eq!(lit(ip), "'::1'::inet");
    assert_eq!(
        lit(MacAddr([8, 0, 0x2b, 1, 2, 3])),
        "'08:00:2b:01:02:03'::macaddr"
    );
}

/// A user enum, dumped as its label.
#[derive(Debug)]
struct Mood(&'static str);

fn mood_type() -> Type {
    Type::new(
        "mood".into(),
        70_001,
        Kind::Enum(vec!["happy".into(), "it's".into()]),
        "my app".into(),
    )
}

impl Dump for Mood {
    fn pg_type(&self, _: &Policy) -> Type {
        mood_type()
    }

    fn dump(&self, _: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }
}

#[test]
fn literal_user_types() {
    assert_eq!(lit(Mood("happy")), r#"'happy'::"my app"."mood""#);
    assert_eq!(lit(Mood("it's")), r#"'it''s'::"my app"."mood""#);
    let domain = Type::new(
        "posint".into(),
        70_002,
        Kind::Domain(Type::INT4),
        "public".into(),
    );
    #[derive(Debug)]
    struct PosInt(i32);
    impl Dump for PosInt {
        fn pg_type(&self, _: &Policy) -> Type {
            Type::new(
                "posint".into(),
                70_002,
                Kind::Domain(Type::INT4),
                "public".into(),
            )
        }
        fn dump(&self, ctx: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
            self.0.dump(&ctx.with_type(&Type::INT4), out)
        }
    }
    let _ = domain;
    // domains are not numbers: quoted and cast, so the domain's check runs
    assert_eq!(lit(PosInt(-3)), r#"'-3'::"public"."posint""#);
}

/// Sends bool as yes/no text, in one scope only.
struct YesNo;

impl Dumper<bool> for YesNo {
    fn pg_type(&self, _: &bool, _: &Policy) -> Type {
        Type::TEXT
    }
    fn dump(&self, v: &bool, _: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        out.put_slice(if *v { b"yes" } else { b"no" });
        Ok(IsNull::No)
    }
}

/// A broken dumper that writes a statement where a number should be.
struct Sneaky;

impl Dumper<i64> for Sneaky {
    fn pg_type(&self, _: &i64, _: &Policy) -> Type {
        Type::INT8
    }
    fn dump(&self, _: &i64, _: &Ctx<'_>, out: &mut BytesMut) -> Result<IsNull> {
        out.put_slice(b"1; DROP TABLE users");
        Ok(IsNull::No)
    }
}

#[test]
fn scope_dumpers_apply() {
    let mut scope = Adapters::new();
    scope.register_dumper::<bool>(YesNo);
    scope.register_dumper::<i64>(Sneaky);
    let q = Sql::new("SELECT ") + Literal::new(true) + Sql::new(", ") + bind(false);
    assert_eq!(q.render_inline_with(&scope).unwrap(), "SELECT 'yes', 'no'");
    assert_eq!(q.render_inline().unwrap(), "SELECT true, false");
    let r = q.render_with(&scope).unwrap();
    assert_eq!(r.params()[0].pg_type(), Some(&Type::TEXT));
    assert!(r.params()[0].dumper().is_some());
    let dumped = r
        .with_format(pgcast_core::Format::Text)
        .dump_params()
        .unwrap();
    assert_eq!(dumped.get(0).unwrap().bytes, Some(&b"no"[..]));
    // whatever a dumper writes, a non-number is quoted
    assert_eq!(
        Literal::new(5_i64).render_inline_with(&scope).unwrap(),
        "'1; DROP TABLE users'::int8"
    );
}

#[test]
fn debug_and_equality() {
    assert_eq!(format!("{:?}", Sql::new("x")), r#"Sql("x")"#);
    assert_eq!(
        format!("{:?}", Identifier::qualified(["a", "b"])),
        r#"Identifier("a", "b")"#
    );
    assert_eq!(format!("{:?}", Literal::new("s")), r#"Literal("s")"#);
    assert_eq!(format!("{:?}", bind(vec![1_i32])), "Bound([1])");
    assert_eq!(
        format!("{:?}", Placeholder::named("n")),
        r#"Placeholder("n")"#
    );
    assert_eq!(
        format!("{:?}", Placeholder::positional()),
        "Placeholder(positional)"
    );
    assert_eq!(Identifier::new("a"), Identifier::qualified(["a"]));
    assert_ne!(Identifier::new("a"), Identifier::new("A"));
    assert_eq!(Literal::new("x"), Literal::new("x"));
    // A string is the same value whether given as `&str` or `String`.
    assert_eq!(Literal::new("x"), Literal::new(String::from("x")));
    assert_ne!(Literal::new("x"), Literal::new("y"));
    let owned = String::from("x");
    assert_eq!(bind_ref(&owned), bind("x"));
    assert_eq!(bind_ref(&vec![1_i32]), bind(vec![1_i32]));
    assert_eq!(bind(vec![1_i32]), bind(vec![1_i32]));
    assert_ne!(bind(vec![1_i32]), bind(vec![2_i32]));
    assert_ne!(
        Sql::new("x").into_composed(),
        Literal::new("x").into_composed()
    );
}

#[test]
fn literal_numbers() {
    use pgcast_core::types::Numeric;
    // Floats are quoted and cast: a bare `1.5` would be numeric, `1` an integer.
    assert_eq!(lit(1.5_f64), "'1.5'::float8");
    assert_eq!(lit(-0.25_f64), "'-0.25'::float8");
    assert_eq!(lit(1.0_f64), "'1'::float8");
    assert_eq!(lit(-1.0_f64), "'-1'::float8");
    assert_eq!(lit(100_000.0_f64), "'100000'::float8");
    assert_eq!(lit(-0.0_f64), "'-0'::float8");
    assert_eq!(lit(0.1_f32), "'0.1'::float4");
    assert_eq!(lit(2.0_f32), "'2'::float4");
    assert_eq!(lit(-1.5_f32), "'-1.5'::float4");
    assert_eq!(lit(1e300_f64), "'1e+300'::float8");
    assert_eq!(lit(-1.5e-300_f64), "'-1.5e-300'::float8");
    assert_eq!(lit(f64::NAN), "'NaN'::float8");
    assert_eq!(lit(f64::INFINITY), "'Infinity'::float8");
    assert_eq!(lit(f64::NEG_INFINITY), "'-Infinity'::float8");
    assert_eq!(lit(f32::NEG_INFINITY), "'-Infinity'::float4");
    let n = |s: &str| s.parse::<Numeric>().unwrap();
    // A numeric with a point is bare (the lexer reads it as numeric); a
    // whole one is cast, or `1000` would be an integer.
    assert_eq!(lit(n("123.4500")), "123.4500");
    assert_eq!(lit(n("-0.001")), " -0.001");
    assert_eq!(lit(n("1000")), "'1000'::numeric");
    assert_eq!(lit(n("1E+3")), "'1000'::numeric");
    assert_eq!(lit(n("-7")), "'-7'::numeric");
    assert_eq!(lit(n("0")), "'0'::numeric");
    assert_eq!(lit(n("NaN")), "'NaN'::numeric");
    assert_eq!(lit(n("-Infinity")), "'-Infinity'::numeric");
    assert_eq!(lit(7_i64), "7");
    assert_eq!(lit(-7_i16), " -7");
    assert_eq!(
        lit(vec![1.5_f64, f64::NAN, -2.0]),
        "'{1.5,NaN,-2}'::float8[]"
    );
    assert_eq!(lit(pgcast_core::types::Money(-12_345)), "'-$123.45'::money");
}

#[test]
fn literal_dates_and_times() {
    use pgcast_core::types::{Infinite, Interval, TimeTz};
    use time::macros::{date, datetime, offset, time};
    assert_eq!(lit(date!(2016 - 12 - 31)), "'2016-12-31'::date");
    assert_eq!(lit(date!(-0044 - 03 - 15)), "'0045-03-15 BC'::date");
    assert_eq!(
        lit(datetime!(2016-12-31 23:59:59.5)),
        "'2016-12-31 23:59:59.5'::timestamp"
    );
    assert_eq!(
        lit(datetime!(2016-12-31 23:59:59 +05:30)),
        "'2016-12-31 18:29:59+00'::timestamptz"
    );
    assert_eq!(lit(time!(12:34:56.000001)), "'12:34:56.000001'::time");
    assert_eq!(
        lit(TimeTz::new(time!(01:02:03), offset!(-03:30))),
        "'01:02:03-03:30'::timetz"
    );
    assert_eq!(
        lit(Interval::new(14, -3, 4_500_000)),
        "'1 year 2 mons -3 days +00:00:04.5'::interval"
    );
    assert_eq!(lit(Infinite::<time::Date>::Infinity), "'infinity'::date");
    assert_eq!(
        lit(vec![date!(2000 - 02 - 29), date!(1999 - 12 - 31)]),
        "'{2000-02-29,1999-12-31}'::date[]"
    );
}

#[test]
fn literal_dynamic_values() {
    use pgcast_core::Value;
    assert_eq!(lit(Value::Null), "NULL");
    assert_eq!(lit(Value::Bool(true)), "true");
    assert_eq!(lit(Value::Text("it's".into())), "'it''s'");
    assert_eq!(lit(Value::Bytea(vec![1])), r" E'\\x01'::bytea");
    assert_eq!(
        lit(Value::Date(time::macros::date!(2016 - 12 - 31))),
        "'2016-12-31'::date"
    );
}
