fn main() {
    let _ = pgcast::sql!("SELECT {x:y} } {}", 1_i32, 2_i32);
}
