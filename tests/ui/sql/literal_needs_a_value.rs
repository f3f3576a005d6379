fn main() {
    let v = std::time::Instant::now();
    let _ = pgcast::sql!("SELECT {v:l}");
}
