fn main() {
    let _ = pgcast::sql!("SELECT * FROM {table:i}");
}
