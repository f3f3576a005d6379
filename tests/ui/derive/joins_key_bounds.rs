use pgcast::FromRow;

#[derive(FromRow)]
struct Child {
    id: i64,
}

// f64 is not `Eq + Hash`: it cannot be a key.
#[derive(FromRow)]
struct Parent {
    #[pg(key)]
    score: f64,
    #[pg(many)]
    children: Vec<Child>,
}

fn main() {}
