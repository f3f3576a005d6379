fn main() {
    let _ = pgcast::sql!("SELECT {a}", a = 1_i32, b = 2_i32);
}
