use pgcast::FromRow;

#[derive(FromRow)]
struct Child {
    id: i64,
}

#[derive(FromRow)]
struct NotAVec {
    #[pg(key)]
    id: i64,
    #[pg(many)]
    child: Child,
}

#[derive(FromRow)]
struct NoKey {
    id: i64,
    #[pg(many, prefix = "c_")]
    children: Vec<Child>,
}

#[derive(FromRow)]
struct KeyWithoutMany {
    #[pg(key)]
    id: i64,
}

#[derive(FromRow)]
struct TwoLists {
    #[pg(key)]
    id: i64,
    #[pg(many, prefix = "a_")]
    a: Vec<Child>,
    #[pg(many, prefix = "b_")]
    b: Vec<Child>,
}

fn main() {}
