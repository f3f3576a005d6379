use pgcast::PgEnum;

#[derive(PgEnum)]
#[pg(repr = "int2")]
#[repr(i32)]
enum Port {
    Http = 80,
    High = 70000,
}

fn main() {}
