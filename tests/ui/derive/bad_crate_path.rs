use pgcast::FromRow;

#[derive(FromRow)]
#[pg(crate = "not a path")]
struct User {
    id: i64,
}

#[derive(FromRow)]
#[pg(crate = ::pgcast)]
struct Account {
    id: i64,
}

fn main() {}
