fn main() {
    let _ = pgcast::sql!("SELECT {a-b}");
}
