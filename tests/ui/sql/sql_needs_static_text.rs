use pgcast::sql::Sql;

fn main() {
    let user_input = String::from("1; DROP TABLE users");
    let _ = Sql::new(&user_input);
}
