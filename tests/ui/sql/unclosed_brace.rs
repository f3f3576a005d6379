fn main() {
    let _ = pgcast::sql!("SELECT {x FROM t");
}
