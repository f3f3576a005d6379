use pgcast::FromRow;

#[derive(FromRow)]
struct Inner {
    id: i64,
}

#[derive(FromRow)]
struct User {
    #[pg(skip, flatten)]
    a: Inner,
    #[pg(json, try_from = "String")]
    b: i64,
    #[pg(flatten, rename = "x")]
    c: Inner,
    #[pg(try_from = "i64", with = "load_d")]
    d: u8,
    #[pg(prefix = "p_")]
    e: i64,
    #[pg(skip, default)]
    f: i64,
}

fn main() {}
