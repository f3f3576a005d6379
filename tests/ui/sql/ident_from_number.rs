fn main() {
    let table = 5_i32;
    let _ = pgcast::sql!("SELECT * FROM {table:i}");
}
