fn main() {
    let x = 1_i32;
    let _ = pgcast::sql!("SELECT {x:>5}");
}
