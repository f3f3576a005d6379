use pgcast::PgEnum;

#[derive(PgEnum)]
#[pg(rename_all = "Title Case")]
enum Mood {
    Sad,
    #[pg(rename = "")]
    Blue,
}

fn main() {}
