use pgcast::{PgComposite, PgEnum};

#[derive(PgComposite)]
#[pg(name = "item", name = "thing")]
struct Item {
    #[pg(rename = "a", rename = "b")]
    id: i32,
}

#[derive(PgEnum)]
enum Mood {
    #[pg(rename = "sad")]
    #[pg(rename = "blue")]
    Sad,
}

fn main() {}
