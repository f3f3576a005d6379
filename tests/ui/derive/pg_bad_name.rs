use pgcast::{PgComposite, PgEnum};

#[derive(PgEnum)]
#[pg(name = "my mood")]
enum Mood {
    Sad,
}

#[derive(PgEnum)]
#[pg(name = "a.b.c")]
enum Deep {
    Sad,
}

#[derive(PgComposite)]
#[pg(name = "\"Other Schema\".\"My Type")]
struct Unclosed {
    a: i32,
}

#[derive(PgComposite)]
#[pg(name = "app.")]
struct EmptyPart {
    a: i32,
}

#[derive(PgComposite)]
#[pg(name = 42)]
struct NotAString {
    a: i32,
}

fn main() {}
