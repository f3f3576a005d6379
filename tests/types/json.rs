//! json and jsonb: serde_json::Value, Json<T>, RawJson / RawJsonBuf.

use bytes::BytesMut;
use pgcast::bridge::{Param, Raw};
use pgcast::types::{Json, RawJson, RawJsonBuf};
use pgcast::{Ctx, Dump, ErrorKind, Format, Load, Policy};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio_postgres::Client;

use crate::support::{connect, load_both, server_text, test_type};

/// Documents whose compact serde_json text (keys sorted) is the literal, so
/// that `json`, which keeps text as written, prints the same as we send.
fn documents() -> Vec<(Value, &'static str)> {
    vec![
        (json!(null), r#"'null'"#),
        (json!(true), r#"'true'"#),
        (json!(0), r#"'0'"#),
        (json!(-12345678901_i64), r#"'-12345678901'"#),
        (json!(u64::MAX), r#"'18446744073709551615'"#),
        (json!(1.5), r#"'1.5'"#),
        (json!(-0.25), r#"'-0.25'"#),
        (json!(""), r#"'""'"#),
        (json!("ünï©ødé 🐘"), r#"'"ünï©ødé 🐘"'"#),
        (
            json!("quote\" back\\ tab\t nl\n \u{1} /"),
            r#"'"quote\" back\\ tab\t nl\n \u0001 /"'"#,
        ),
        (json!("it's"), r#"'"it''s"'"#),
        (json!([]), r#"'[]'"#),
        (json!({}), r#"'{}'"#),
        (
            json!([1, [2, [3, null]], {"a": []}]),
            r#"'[1,[2,[3,null]],{"a":[]}]'"#,
        ),
        (
            json!({"a": {"b": {"c": [true, false]}}, "z": "last", "é": 1}),
            r#"'{"a":{"b":{"c":[true,false]}},"z":"last","é":1}'"#,
        ),
    ]
}

#[tokio::test]
async fn values_round_trip_through_json_and_jsonb() {
    let c = connect().await;
    let docs = documents();
    test_type(&c, "jsonb", &docs).await;
    test_type(&c, "json", &docs).await;
}

#[tokio::test]
async fn jsonb_normalises_but_values_compare_equal() {
    let c = connect().await;
    let literal = r#"'{ "b" : [1, 2.50, "x"],   "a" : {"y": null, "x": 1e2} }'"#;
    let expected = json!({"a": {"x": 100, "y": null}, "b": [1, 2.50, "x"]});
    for ty in ["json", "jsonb"] {
        let sql = format!("SELECT {literal}::{ty}");
        for loaded in load_both::<Value>(&c, &sql, &Policy::DEFAULT).await {
            let loaded = loaded.unwrap();
            // 1e2 is 100 in jsonb (numeric), 100.0 from json's text: compare as f64
            assert_eq!(loaded["a"]["x"].as_f64(), Some(100.0), "{ty}");
            assert_eq!(loaded["b"], expected["b"], "{ty}");
            assert_eq!(loaded["a"]["y"], Value::Null, "{ty}");
        }
        // json keeps the text as written; jsonb prints its own normal form
        let printed = server_text(&c, &sql).await.unwrap();
        if ty == "json" {
            assert_eq!(format!("'{printed}'"), literal);
        } else {
            assert_eq!(
                printed,
                r#"{"a": {"x": 100, "y": null}, "b": [1, 2.50, "x"]}"#
            );
        }
    }
    // the same value sent as json and as jsonb parses back equal
    let value = json!({"k": [1, "two", {"three": 3.5}], "a": "é\n"});
    let row = c
        .query_one(
            "SELECT $1::json, $2::jsonb",
            &[&Param::binary(&value), &Param::text(&value)],
        )
        .await
        .unwrap();
    for (i, ty) in [(0, pgcast::Type::JSON), (1, pgcast::Type::JSONB)] {
        let raw: Raw = row.get(i);
        let back = Value::load(&Ctx::binary(&ty), raw.0.unwrap()).unwrap();
        assert_eq!(back, value, "{ty}");
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Address {
    street: String,
    zip: Option<u32>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Contact {
    Email { to: String },
    Phone(Phone),
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Phone {
    number: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Person {
    name: String,
    age: u8,
    tags: Vec<String>,
    address: Address,
    contacts: Vec<Contact>,
}

#[tokio::test]
async fn nested_structs_through_json_t() {
    let c = connect().await;
    let ada = Person {
        name: "Ada \"Countess\" Lovelace".into(),
        age: 36,
        tags: vec!["math".into(), "ünicode 🐘".into()],
        address: Address {
            street: "St James's Square".into(),
            zip: None,
        },
        contacts: vec![
            Contact::Email {
                to: "ada@example.org".into(),
            },
            Contact::Phone(Phone {
                number: "+44".into(),
            }),
        ],
    };
    let literal = format!(
        "'{}'",
        serde_json::to_string(&ada).unwrap().replace('\'', "''")
    );
    let cases = [(Json(ada), literal.as_str())];
    test_type(&c, "jsonb", &cases).await;
    test_type(&c, "json", &cases).await;

    // a document that does not fit the struct: a typed error with the serde error
    for r in load_both::<Json<Person>>(&c, r#"SELECT '{"name": 1}'::jsonb"#, &Policy::DEFAULT).await
    {
        let err = r.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Custom, "{err}");
        assert!(err.to_string().contains("jsonb"), "{err}");
        assert!(std::error::Error::source(&err).is_some());
    }
}

#[tokio::test]
async fn borrowed_loads_point_into_the_row() {
    #[derive(Deserialize)]
    struct Doc<'a> {
        name: &'a str,
    }
    let c = connect().await;
    let row = c
        .query_one(r#"SELECT '{"name": "pg", "n": 1}'::jsonb"#, &[])
        .await
        .unwrap();
    let raw: Raw = row.get(0);
    let bytes = raw.0.unwrap();
    let ctx = Ctx::binary(&pgcast::Type::JSONB);
    let doc: Json<Doc<'_>> = Load::load(&ctx, bytes).unwrap();
    assert_eq!(doc.name, "pg");
    assert!(bytes.as_ptr_range().contains(&doc.name.as_ptr()));
    let text: RawJson<'_> = Load::load(&ctx, bytes).unwrap();
    assert_eq!(text.as_str(), r#"{"n": 1, "name": "pg"}"#);
}

#[tokio::test]
async fn raw_json_is_the_server_text() {
    let c = connect().await;
    for (literal, ty) in [
        (r#"'{"b":1,  "a" : [1,2]}'"#, "jsonb"),
        (r#"'{"b":1,  "a" : [1,2]}'"#, "json"),
        (r#"'"\u00e9\ud83d\udc18"'"#, "jsonb"),
        (r#"'"\u0000"'"#, "json"),
    ] {
        let sql = format!("SELECT {literal}::{ty}");
        let printed = server_text(&c, &sql).await.unwrap();
        for r in load_both::<RawJsonBuf>(&c, &sql, &Policy::DEFAULT).await {
            assert_eq!(r.unwrap().as_str(), printed, "{sql}");
        }
    }
    // raw text is sent as is, in both formats, and read back as the server prints it
    let doc = RawJsonBuf(r#"{"z": 1, "a": [true]}"#.to_owned());
    for format in [Format::Binary, Format::Text] {
        let row = c
            .query_one(
                "SELECT $1::jsonb::text, $1::jsonb",
                &[&Param::new(&doc, format)],
            )
            .await
            .unwrap();
        let text: String = row.get(0);
        assert_eq!(text, r#"{"a": [true], "z": 1}"#);
        let raw: Raw = row.get(1);
        let back = RawJsonBuf::load(&Ctx::binary(&pgcast::Type::JSONB), raw.0.unwrap()).unwrap();
        assert_eq!(back.as_str(), text);
    }
    // the server validates raw text
    let bad = RawJson("{oops");
    let err = c
        .query_one("SELECT $1::jsonb", &[&Param::binary(&bad)])
        .await
        .unwrap_err();
    let db = err.as_db_error().expect("a server error");
    assert!(
        db.message().contains("invalid input syntax for type json"),
        "{db}"
    );
}

#[tokio::test]
async fn nul_in_jsonb_is_refused_before_the_server() {
    let c = connect().await;
    // what the server does with U+0000: json keeps it, jsonb refuses it
    let err = c
        .simple_query(r#"SELECT '"a\u0000b"'::jsonb"#)
        .await
        .unwrap_err();
    let db = err.as_db_error().expect("a server error");
    assert!(db.message().contains("Unicode escape"), "{db}");
    for r in load_both::<Value>(&c, r#"SELECT '"a\u0000b"'::json"#, &Policy::DEFAULT).await {
        assert_eq!(r.unwrap(), json!("a\u{0}b"));
    }

    let value = json!({"k": "a\u{0}b"});
    for format in [Format::Binary, Format::Text] {
        let mut out = BytesMut::new();
        let err = value
            .dump(&Ctx::new(&pgcast::Type::JSONB, format), &mut out)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Nul);
        // through the driver, our error comes back as the cause
        let err = c
            .query_one("SELECT $1::jsonb", &[&Param::new(&value, format)])
            .await
            .unwrap_err();
        let cause = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<pgcast::Error>());
        assert_eq!(
            cause.map(pgcast::Error::kind),
            Some(ErrorKind::Nul),
            "{err}"
        );

        // json takes it
        let row = c
            .query_one("SELECT $1::json", &[&Param::new(&value, format)])
            .await
            .unwrap();
        let raw: Raw = row.get(0);
        let back = Value::load(&Ctx::binary(&pgcast::Type::JSON), raw.0.unwrap()).unwrap();
        assert_eq!(back, value);
    }
}

#[tokio::test]
async fn json_into_text_columns() {
    let c = connect().await;
    let value = Json(vec!["a", "é"]);
    for format in [Format::Binary, Format::Text] {
        let row = c
            .query_one("SELECT $1::text", &[&Param::new(&value, format)])
            .await
            .unwrap();
        let text: String = row.get(0);
        assert_eq!(text, r#"["a","é"]"#);
    }
    for r in load_both::<Json<Vec<String>>>(&c, r#"SELECT '["x"]'::text"#, &Policy::DEFAULT).await {
        assert_eq!(r.unwrap().0, ["x"]);
    }
    for r in load_both::<Value>(&c, "SELECT 1::int4", &Policy::DEFAULT).await {
        assert_eq!(r.unwrap_err().kind(), ErrorKind::WrongType);
    }
}

/// Values serde_json prints and parses back exactly.
fn arbitrary_documents(seed: u64, count: usize) -> Vec<Value> {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    fn build(next: &mut impl FnMut() -> u64, depth: u32) -> Value {
        let pick = next() % if depth > 2 { 6 } else { 8 };
        match pick {
            0 => Value::Null,
            1 => Value::Bool(next() & 1 == 0),
            2 => Value::from(next() as i64),
            3 => Value::from((next() as i32) as f64 / 8.0),
            4 | 5 => {
                let chars = ['a', 'é', '🐘', '"', '\\', '\n', '\u{1}', '/', ' ', 'Z'];
                let len = next() % 8;
                Value::String(
                    (0..len)
                        .map(|_| chars[(next() % chars.len() as u64) as usize])
                        .collect(),
                )
            }
            6 => Value::Array((0..next() % 4).map(|_| build(next, depth + 1)).collect()),
            _ => Value::Object(
                (0..next() % 4)
                    .map(|i| (format!("k{i}{}", next() % 3), build(next, depth + 1)))
                    .collect(),
            ),
        }
    }
    (0..count).map(|_| build(&mut next, 0)).collect()
}

async fn round_trip_value(c: &Client, value: &Value) {
    for ty in ["json", "jsonb"] {
        let pg = if ty == "json" {
            pgcast::Type::JSON
        } else {
            pgcast::Type::JSONB
        };
        for format in [Format::Binary, Format::Text] {
            let sql = format!("SELECT $1::{ty}, $1::{ty}::text");
            let row = c
                .query_one(&sql, &[&Param::new(value, format)])
                .await
                .unwrap_or_else(|e| panic!("{value} as {ty} {format:?}: {e}"));
            let raw: Raw = row.get(0);
            let back = Value::load(&Ctx::binary(&pg), raw.0.unwrap()).unwrap();
            assert_eq!(&back, value, "{ty} {format:?}");
            let printed: String = row.get(1);
            let from_text = Value::load(&Ctx::text(&pg), printed.as_bytes()).unwrap();
            assert_eq!(&from_text, value, "{ty} {format:?} text {printed}");
        }
    }
}

#[tokio::test]
async fn arbitrary_values_round_trip() {
    let c = connect().await;
    for value in arbitrary_documents(0x9e37_79b9_7f4a_7c15, 150) {
        round_trip_value(&c, &value).await;
    }
}
