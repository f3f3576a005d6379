use pgcast::FromRow;

#[derive(FromRow)]
struct User {
    #[pg(skip = true)]
    a: i64,
    #[pg(rename)]
    b: i64,
    #[pg(rename = "")]
    c: i64,
    #[pg(json = "yes")]
    d: String,
    #[pg(json(strict))]
    e: String,
    #[pg(try_from = "not a type!")]
    f: u8,
    #[pg(with = "1 + 1")]
    g: String,
    #[pg(rename = 5)]
    h: i64,
}

fn main() {}
