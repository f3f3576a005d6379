use pgcast::FromRow;

#[derive(FromRow)]
#[pg(default, default)]
struct User {
    #[pg(rename = "a", rename = "b")]
    id: i64,
    #[pg(json)]
    #[pg(json(nullable))]
    prefs: Option<String>,
}

fn main() {}
