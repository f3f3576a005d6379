use pgcast::ToRow;

#[derive(ToRow)]
struct Page<T> {
    number: i32,
    #[pg(flatten)]
    item: T,
}

fn main() {}
