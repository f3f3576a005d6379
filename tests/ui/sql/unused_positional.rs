fn main() {
    let _ = pgcast::sql!("SELECT {}", 1_i32, 2_i32);
}
