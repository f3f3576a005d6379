fn main() {
    let _ = pgcast::sql!("SELECT {}, {0}", 1_i32);
}
