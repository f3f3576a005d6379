use pgcast::{PgComposite, PgEnum, PgTransparent};

#[derive(PgEnum)]
struct NotAnEnum {
    a: i32,
}

#[derive(PgEnum)]
enum WithFields {
    Sad,
    Happy(i32),
    Other { why: String },
}

#[derive(PgEnum)]
enum Empty {}

#[derive(PgEnum)]
#[pg(rename_all = "lowercase")]
enum SameLabels {
    Sad,
    #[pg(rename = "sad")]
    Blue,
}

#[derive(PgComposite)]
struct Tuple(i32, String);

#[derive(PgComposite)]
enum NotAStruct {
    A,
}

#[derive(PgComposite)]
struct SameAttributes {
    a: i32,
    #[pg(rename = "a")]
    b: i32,
}

#[derive(PgTransparent)]
struct Two(i32, i32);

#[derive(PgTransparent)]
struct Nothing;

fn main() {}
