struct NotAValue;

fn main() {
    let v = NotAValue;
    let _ = pgcast::sql!("SELECT {v}");
}
