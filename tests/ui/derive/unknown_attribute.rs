use pgcast::FromRow;

#[derive(FromRow)]
#[pg(rename = "users", crate = "::pgcast")]
struct User {
    #[pg(renamed = "x")]
    id: i64,
    #[pg(flaten, default)]
    name: String,
    #[pg(skip(always))]
    age: i32,
}

fn main() {}
