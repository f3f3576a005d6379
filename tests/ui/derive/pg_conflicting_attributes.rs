use pgcast::{FromRow, PgComposite, PgEnum, PgTransparent};

#[derive(PgComposite)]
#[pg(default)]
struct Item {
    #[pg(skip)]
    id: i32,
    #[pg(json)]
    data: String,
}

#[derive(PgEnum)]
#[pg(default)]
enum Mood {
    Sad,
}

#[derive(PgTransparent)]
#[pg(rename_all = "lowercase", name = "id")]
struct Id(#[pg(rename = "x")] i64);

#[derive(FromRow)]
#[pg(name = "item")]
struct Row {
    id: i32,
}

fn main() {}
