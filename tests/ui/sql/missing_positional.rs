fn main() {
    let _ = pgcast::sql!("SELECT {}, {}", 1_i32);
    let _ = pgcast::sql!("SELECT {0}, {2}", 1_i32, 2_i32);
    let _ = pgcast::sql!("SELECT {}");
}
