use pgcast::FromRow;

#[derive(FromRow)]
#[pg(rename_all = "camelcase")]
struct User {
    user_id: i64,
}

#[derive(FromRow)]
#[pg(rename_all = snake_case)]
struct Account {
    account_id: i64,
}

fn main() {}
