fn main() {
    let text = "SELECT 1";
    let _ = pgcast::sql!(text);
}
