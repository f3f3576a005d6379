use pgcast::{FromRow, PgComposite, PgEnum};

#[derive(PgEnum)]
#[pg(repr = "int3")]
enum UnknownRepr {
    A,
}

#[derive(PgEnum)]
#[pg(repr = "int4", rename_all = "lowercase", name = "app.level")]
enum Named {
    #[pg(rename = "low")]
    Low = 1,
    High = 2,
}

#[derive(PgEnum)]
#[pg(repr = "int2")]
enum WithOther {
    A,
    #[pg(other)]
    Other(String),
}

#[derive(PgComposite)]
#[pg(repr = "int4")]
struct Composite {
    a: i32,
}

#[derive(FromRow)]
#[pg(repr = "int8")]
struct Row {
    a: i32,
}

fn main() {}
