//! One reading of type names everywhere: the registry's
//! (`pgcast::adapt::TypeName::parse`) and the derives' `#[pg(name = "…")]`,
//! which checks names at compile time with a copy of the same function
//! (the macro crate cannot call pgcast-core). The copy is compiled here too
//! and both run over one table; the two functions must also be the same
//! text.

#[path = "../macros/src/derive/internals/type_name.rs"]
mod macro_copy;

use pgcast::adapt::TypeName;
use pgcast::{PgComposite, PgEnum, Policy, StaticType};

const CORE: &str = include_str!("../core/src/adapt/type_name.rs");
const MACROS: &str = include_str!("../macros/src/derive/internals/type_name.rs");

/// The parsing function's text, from its doc comment to its closing brace.
fn function(source: &str) -> &str {
    let start = source
        .find("/// `(schema, name)` of a type name")
        .expect("the function's doc comment");
    let len = source[start..].find("\n}\n").expect("the function's end");
    &source[start..start + len + 2]
}

#[test]
fn the_copy_is_the_same_function() {
    assert_eq!(function(CORE), function(MACROS));
}

const NAMES: &[&str] = &[
    "mood",
    "Mood",
    "MOOD",
    "app.mood",
    "App.Mood",
    "\"App\".\"Mood\"",
    "\"Other Schema\".\"My \"\"Type\"\"\"",
    "\"a.b\"",
    "public.\"a.b\"",
    "_x$1",
    "Émile",
    "",
    "\"\"",
    "a.b.c",
    "app.",
    ".mood",
    "a..b",
    "\"mood",
    "\"a\"b",
    "1mood",
    "$mood",
    "my mood",
    "a-b",
    "app .mood",
];

#[test]
fn core_and_derive_read_every_name_alike() {
    for &text in NAMES {
        let core = TypeName::parse(text)
            .map(|n| (n.schema().map(str::to_owned), n.name().to_owned()))
            .map_err(|e| e.message().to_owned());
        assert_eq!(core, macro_copy::parse_type_name(text), "{text:?}");
    }
    let long = "x".repeat(64);
    assert!(TypeName::parse(&long).is_err());
    assert!(macro_copy::parse_type_name(&long).is_err());
}

#[derive(PgEnum)]
#[pg(name = "App.Mood")]
#[allow(dead_code)]
enum Folded {
    Sad,
}

#[derive(PgEnum)]
#[pg(name = "\"App\".\"Mood\"")]
#[allow(dead_code)]
enum Quoted {
    Sad,
}

#[derive(PgComposite)]
#[pg(name = "Pair")]
#[allow(dead_code)]
struct Pair {
    a: i32,
}

#[test]
fn derived_types_carry_the_names_the_server_has() {
    let folded = Folded::static_type(&Policy::DEFAULT);
    assert_eq!((folded.schema(), folded.name()), ("app", "mood"));
    let quoted = Quoted::static_type(&Policy::DEFAULT);
    assert_eq!((quoted.schema(), quoted.name()), ("App", "Mood"));
    let pair = Pair::static_type(&Policy::DEFAULT);
    assert_eq!((pair.schema(), pair.name()), ("public", "pair"));
}
