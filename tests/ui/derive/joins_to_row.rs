use pgcast::{FromRow, ToRow};

#[derive(FromRow, ToRow)]
struct Child {
    id: i64,
}

#[derive(ToRow)]
struct Parent {
    #[pg(key)]
    id: i64,
    #[pg(many)]
    children: Vec<Child>,
    #[pg(flatten)]
    maybe: Option<Child>,
}

fn main() {}
