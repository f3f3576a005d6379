use pgcast::PgEnum;

#[derive(PgEnum)]
enum Twice {
    Sad,
    #[pg(other)]
    First(String),
    #[pg(other)]
    Second(String),
}

#[derive(PgEnum)]
enum NoField {
    Sad,
    #[pg(other)]
    Other,
}

#[derive(PgEnum)]
enum Named {
    Sad,
    #[pg(other, rename = "x")]
    Other { label: String },
}

#[derive(PgEnum)]
enum WithValue {
    Sad,
    #[pg(other = "yes")]
    Other(String),
}

fn main() {}
