use pgcast::{PgComposite, PgEnum, PgTransparent};

#[derive(PgComposite)]
#[pg(schema = "app")]
struct Item {
    #[pg(column = "x")]
    id: i32,
}

#[derive(PgEnum)]
enum Mood {
    #[pg(label = "sad")]
    Sad,
}

#[derive(PgTransparent)]
#[pg(transparent)]
struct Id(i64);

fn main() {}
