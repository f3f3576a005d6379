use pgcast::FromRow;

struct Money(i64);

#[derive(FromRow)]
struct Account {
    id: i64,
    balance: Money,
}

fn main() {}
