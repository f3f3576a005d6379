use pgcast::FromRow;

#[derive(FromRow)]
struct Child {
    id: i64,
}

#[derive(FromRow)]
struct Parent {
    #[pg(key)]
    id: i64,
    #[pg(flatten, json)]
    a: Option<Child>,
    #[pg(flatten, many)]
    b: Vec<Child>,
    #[pg(skip, key)]
    f: i64,
}

#[derive(FromRow)]
struct Json {
    #[pg(key)]
    id: i64,
    #[pg(many, json)]
    c: Vec<Child>,
}

#[derive(FromRow)]
struct Rename {
    #[pg(key)]
    id: i64,
    #[pg(many, rename = "x")]
    d: Vec<Child>,
}

#[derive(FromRow)]
struct KeyMany {
    #[pg(key)]
    id: i64,
    #[pg(key, many)]
    e: Vec<Child>,
}

#[derive(FromRow)]
struct Valued {
    #[pg(key)]
    id: i64,
    #[pg(many = "yes")]
    g: Vec<Child>,
}

#[derive(FromRow)]
struct Tuple(#[pg(key)] i64, #[pg(many)] Vec<Child>);

fn main() {}
