//! `sql!`: what each hole kind renders, captures, explicit arguments, and
//! that the expansion is the same tree as the hand-built one.

#[path = "support/mod.rs"]
mod support;

use pgcast::ErrorKind;
use pgcast::sql;
use pgcast::sql::{Composed, Identifier, Literal, Placeholder, Sql, assignments, bind};

#[test]
fn captures_with_kinds() {
    let table = "users";
    let filter_column = String::from("e\"mail");
    let id = 42_i64;
    let q = sql!("SELECT * FROM {table:i} WHERE {filter_column:i} = {id}");
    let r = q.render().unwrap();
    assert_eq!(r.text(), r#"SELECT * FROM "users" WHERE "e""mail" = $1"#);
    assert_eq!(r.params().len(), 1);
    // captured values are borrowed (scalars copied), so they stay usable
    assert_eq!(id, 42);
    assert_eq!(filter_column, "e\"mail");
}

/// What a `{x}` hole does with each kind of value: a captured variable is
/// borrowed for the query's life (a small scalar copied), a reference is
/// bound for its own life, an argument given by value is moved in.
#[test]
fn values_are_borrowed_copied_or_moved() {
    fn by_name(name: &str, min: i64) -> Composed<'_> {
        // `name` is a `&str` parameter: the query borrows what it points at.
        sql!("SELECT id FROM users WHERE name = {name} AND id > {min}")
    }
    fn owned(name: String) -> Composed<'static> {
        // An owned value handed over as an argument is moved in.
        sql!("SELECT id FROM users WHERE name = {}", name)
    }
    let text = String::from("Ann");
    let q = by_name(&text, 7);
    let r = q.render().unwrap();
    assert_eq!(r.text(), "SELECT id FROM users WHERE name = $1 AND id > $2");
    assert_eq!(
        r.params()[0].value().map(|v| format!("{v:?}")).as_deref(),
        Some(r#""Ann""#)
    );
    assert_eq!(r.params()[0].name(), Some("name"));
    // A captured scalar is copied in, named like its variable.
    assert_eq!(r.params()[1].name(), Some("min"));
    assert_eq!(r.params()[1].pg_type(), Some(&pgcast::Type::INT8));
    assert_eq!(
        r.params()[1].value().map(|v| format!("{v:?}")).as_deref(),
        Some("7")
    );
    // Positional arguments carry no name.
    let r = sql!("SELECT {}, {}", 3_i16, "x").into_rendered().unwrap();
    assert_eq!(r.params()[0].name(), None);
    assert_eq!(r.params()[0].pg_type(), Some(&pgcast::Type::INT2));
    assert_eq!(r.params()[1].name(), None);
    assert_eq!(owned(text.clone()).render().unwrap().params().len(), 1);

    // Captured owned values of any `Clone` type: borrowed, still usable after.
    let tags = vec![String::from("a"), String::from("b")];
    let payload = vec![0_u8, 1, 2];
    let q = sql!("SELECT {tags}, {payload}, {}", &tags[0]);
    let r = q.render().unwrap();
    assert_eq!(r.params().len(), 3);
    assert_eq!(
        q,
        sql!("SELECT {}, {}, {}", tags.clone(), payload.clone(), "a")
    );
    assert_eq!(tags.len(), 2);

    // A query that must outlive its borrows owns them after `into_owned`.
    let kept: Composed<'static> = {
        let local = String::from("temporary");
        sql!("SELECT {local}").into_owned()
    };
    assert_eq!(kept.render_inline().unwrap(), "SELECT 'temporary'");
}

#[test]
fn design_example() {
    let filter_column = "email";
    let q = sql!(
        "SELECT {cols} FROM {table} WHERE {col} = {v} AND created > {since}",
        cols = Sql::join(", ", ["id", "email", "tags", "prefs"].map(Identifier::new)),
        table = Identifier::qualified(["public", "users"]),
        col = Identifier::new(filter_column),
        v = bind(42_i64),
        since = Placeholder::named("since"),
    );
    let r = q.render().unwrap();
    assert_eq!(
        r.text(),
        r#"SELECT "id", "email", "tags", "prefs" FROM "public"."users" WHERE "email" = $1 AND created > $2"#
    );
    assert_eq!(
        r.params()[1].source(),
        &pgcast::sql::ParamSource::Named("since".into())
    );
}

#[test]
fn literal_and_nested() {
    let name = "O'Reilly";
    let cond = sql!("age > {}", 18_i32);
    let q = sql!("SELECT {name:l} AS n WHERE {cond:q} AND x = {:l}", -5_i32);
    assert_eq!(
        q.render().unwrap().text(),
        "SELECT 'O''Reilly' AS n WHERE age > $1 AND x =  -5"
    );
    assert_eq!(
        q.render_inline().unwrap(),
        "SELECT 'O''Reilly' AS n WHERE age > 18 AND x =  -5"
    );
}

#[test]
fn captured_literals_are_borrowed_and_render_in_any_scope() {
    use pgcast::Adapters;
    use support::Shout;

    // Borrowed (a `String`, a `&str`), copied (a scalar), or a `Literal`:
    // each still usable after the query is built.
    let name = String::from("it's");
    let short: &str = "x";
    let n = -3_i64;
    let maybe: Option<i32> = None;
    let lit = Literal::new(true);
    let q = sql!(
        "SELECT {name:l}, {short:l}, {n:l}, {maybe:l}, {lit:l}, {:l}, {id}",
        1.5_f64,
        id = 7_i32
    );
    let r = q.render().unwrap();
    assert_eq!(
        r.text(),
        "SELECT 'it''s', 'x',  -3, NULL, true, '1.5'::float8, $1"
    );
    assert_eq!(r.params().len(), 1);
    assert_eq!(name, "it's");
    assert_eq!(
        format!("{q:?}"),
        r#"Composed([Sql("SELECT "), Literal("it's"), Sql(", "), Literal("x"), Sql(", "), Literal(-3), Sql(", "), Literal(None), Sql(", "), Literal(true), Sql(", "), Literal(1.5), Sql(", "), Bound(7)])"#
    );
    // The same query built by hand is equal, however its text was written.
    let by_hand = Composed::from(Sql::new("SELECT "))
        + Literal::new("it's")
        + Sql::new(", ")
        + Literal::new("x")
        + Sql::new(", ")
        + Literal::new(-3_i64)
        + Sql::new(", ")
        + Literal::new(None::<i32>)
        + Sql::new(", ")
        + Literal::new(true)
        + Sql::new(", ")
        + Literal::new(1.5_f64)
        + Sql::new(", ")
        + bind(7_i32).named("id");
    assert_eq!(q, by_hand);
    // Owned beyond the borrow.
    let text = r.text().to_owned();
    drop(r);
    let owned: Composed<'static> = q.into_owned();
    drop(name);
    assert_eq!(owned.render().unwrap().text(), text);

    // A scope with a dumper for strings writes the literals its way: the
    // text written while building is not used there.
    let mut scope = Adapters::global().scope();
    scope.register_dumper::<String>(Shout);
    assert_eq!(
        owned.render_with(&scope).unwrap().text(),
        "SELECT 'IT''S', 'X',  -3, NULL, true, '1.5'::float8, $1"
    );
    assert_eq!(
        owned.render_inline().unwrap(),
        "SELECT 'it''s', 'x',  -3, NULL, true, '1.5'::float8, 7"
    );
}

#[test]
fn bound_values_are_numbered_wherever_a_query_lands() {
    let a = 1_i32;
    let b = "two";
    let head = sql!("SELECT {a}, {b}");
    let tail = sql!(" WHERE x = {a} AND y = {b}");
    // Appended after a query with parameters: numbered again.
    let q = head.clone() + tail.clone();
    assert_eq!(
        q.render().unwrap().text(),
        "SELECT $1, $2 WHERE x = $3 AND y = $4"
    );
    assert_eq!(q.render().unwrap().params().len(), 4);
    // A placeholder before them: rendered piece by piece, in order.
    let p = Composed::from(Placeholder::positional()) + Sql::new(" ") + tail.clone();
    assert_eq!(p.render().unwrap().text(), "$1  WHERE x = $2 AND y = $3");
    // Joined: the numbers follow the new order.
    let joined = (head.clone() + Sql::new(";") + tail).join(" ");
    assert_eq!(
        joined.render().unwrap().text(),
        "SELECT  $1 ,  $2 ;  WHERE x =  $3  AND y =  $4"
    );
    // A named placeholder used twice shares one number.
    let named = Composed::from(Placeholder::named("n"))
        + Sql::new(" ")
        + head
        + Sql::new(" ")
        + Placeholder::named("n");
    assert_eq!(named.render().unwrap().text(), "$1 SELECT $2, $3 $1");
}

#[test]
fn positional_and_named_arguments() {
    let q = sql!("{0} {1} {0} {x:i} {{literal}}", 1_i32, "two", x = "col");
    let r = q.render().unwrap();
    assert_eq!(r.text(), r#"$1 $2 $3 "col" {literal}"#);
    assert_eq!(r.params().len(), 3);
    let auto = sql!("{} + {}", 1_i32, 2_i32);
    assert_eq!(auto.render().unwrap().text(), "$1 + $2");
}

#[test]
fn same_tree_as_by_hand() {
    let t = "t";
    let v = 5_i64;
    let by_macro = sql!("SELECT * FROM {t:i} WHERE v = {v}");
    let by_hand =
        Sql::new("SELECT * FROM ") + Identifier::new("t") + Sql::new(" WHERE v = ") + bind(5_i64);
    assert_eq!(by_macro, by_hand);
    assert_eq!(
        format!("{by_macro:?}"),
        r#"Composed([Sql("SELECT * FROM "), Identifier("t"), Sql(" WHERE v = "), Bound(5)])"#
    );
}

#[test]
fn composables_in_default_holes() {
    let ident = Identifier::new("x");
    let lit = Literal::new("y");
    let ph = Placeholder::positional();
    let nested: Composed = sql!("1 + 1");
    let q = sql!("{ident} {lit} {ph} {nested} {}", Sql::new("NOW()"));
    assert_eq!(q.render().unwrap().text(), r#""x" 'y' $1 1 + 1 NOW()"#);
}

#[test]
fn runtime_identifiers_fail_at_render_not_at_build() {
    let bad = String::new();
    let q = sql!("SELECT 1 FROM {bad:i}");
    assert_eq!(q.render().unwrap_err().kind(), ErrorKind::Identifier);
    let long = "x".repeat(64);
    let q = sql!("SELECT 1 FROM {long:i}");
    assert_eq!(q.render_inline().unwrap_err().kind(), ErrorKind::Identifier);
    let nul = "a\0b";
    assert_eq!(
        sql!("{nul:i}").render().unwrap_err().kind(),
        ErrorKind::Identifier
    );
}

#[test]
fn helpers_in_holes() {
    let set = assignments([("a", bind(1_i32)), ("b", bind(2_i32))]);
    let id = 9_i64;
    let q = sql!("UPDATE t SET {set:q} WHERE id = {id}");
    assert_eq!(
        q.render().unwrap().text(),
        r#"UPDATE t SET "a" = $1, "b" = $2 WHERE id = $3"#
    );
}

#[test]
fn no_holes_and_trailing_comma() {
    assert_eq!(sql!("SELECT 1").render().unwrap().text(), "SELECT 1");
    assert_eq!(
        sql!("SELECT {}", 1_i32,).render().unwrap().text(),
        "SELECT $1"
    );
    assert!(sql!("").is_empty());
}

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/sql/*.rs");
}

/// A crate that re-exports pgcast under another name.
mod reexport {
    pub use pgcast as db;
}

#[test]
fn crate_path_for_reexports() {
    let id = 7_i32;
    let q = pgcast::sql!(crate = reexport::db, "SELECT {id}, {:l}", "x");
    assert_eq!(q.render().unwrap().text(), "SELECT $1, 'x'");
}
