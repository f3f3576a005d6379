use pgcast::FromRow;

#[derive(FromRow)]
#[pg(rename_all = "camelCase", default)]
struct Pair(#[pg(rename = "a")] i64, #[pg(default)] i64, #[pg(flatten)] i64);

fn main() {}
