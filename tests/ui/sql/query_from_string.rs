fn main() {
    let cond = String::from("1 = 1; DROP TABLE users");
    let _ = pgcast::sql!("SELECT * FROM t WHERE {cond:q}");
}
