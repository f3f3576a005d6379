use pgcast::{FromRow, ToRow};

#[derive(FromRow)]
enum Status {
    Active,
    Inactive,
}

#[derive(FromRow)]
union Bits {
    a: u32,
    b: f32,
}

#[derive(ToRow)]
struct Pair(i32, i32);

fn main() {}
