use pgcast::FromRow;

#[derive(FromRow)]
#[pg(rename_all = "lowercase")]
struct User {
    id: i64,
    #[pg(rename = "id")]
    other_id: i64,
    userid: i64,
    #[pg(rename = "userid")]
    user_id: i64,
}

fn main() {}
