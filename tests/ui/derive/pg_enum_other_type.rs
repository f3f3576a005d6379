use pgcast::PgEnum;

#[derive(PgEnum)]
enum NotText {
    Sad,
    #[pg(other)]
    Other(i32),
}

fn main() {}
