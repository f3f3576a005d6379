//! Reading joins against a real server: `#[pg(flatten)]` into `Option<T>`
//! for LEFT JOINs (with and without matches, partial NULLs, prefixes,
//! nesting), one-to-many grouping with `#[pg(many)]` and `#[pg(key)]`
//! (10,000 children, parents without children, nested levels, ungrouped
//! rows, an empty result), and the `json_agg` alternative.

#[path = "support/mod.rs"]
mod support;

use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt;
use pgcast::row::{Grouper, group, try_group};
use pgcast::sql::Sql;
use pgcast::tokio_postgres::{ClientExt, PgClient};
use pgcast::{ErrorKind, FromRow};
use serde::Deserialize;
use tokio_postgres::Client;

use support::connect;

/// Runs a test body under a time limit, so a hang fails instead of stalling.
async fn limited<T>(secs: u64, body: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), body)
        .await
        .unwrap_or_else(|_| panic!("timed out after {secs} s"))
}

/// A client with authors, their profiles (some have none) and books (some
/// have none), as temporary tables.
async fn library() -> PgClient<Client> {
    let client = connect().await;
    client
        .batch_execute(
            "CREATE TEMP TABLE author (id int8 PRIMARY KEY, name text NOT NULL);
             CREATE TEMP TABLE profile (author_id int8 PRIMARY KEY, bio text NOT NULL,
                                        site text);
             CREATE TEMP TABLE book (id int8 PRIMARY KEY, author_id int8 NOT NULL,
                                     title text NOT NULL, year int4);
             CREATE TEMP TABLE chapter (book_id int8 NOT NULL, n int4 NOT NULL,
                                        title text NOT NULL);
             INSERT INTO author VALUES (1, 'Ada'), (2, 'Brian'), (3, 'Cleo');
             INSERT INTO profile VALUES (1, 'engines', 'ada.example'), (3, 'poems', NULL);
             INSERT INTO book VALUES (10, 1, 'Notes', 1843), (11, 1, 'Letters', NULL),
                                     (30, 3, 'Odes', 2001);
             INSERT INTO chapter VALUES (10, 1, 'G'), (10, 2, 'Bernoulli'), (30, 1, 'Sea');",
        )
        .await
        .unwrap_or_else(|e| panic!("creating the tables: {e}"));
    PgClient::new(client)
}

#[derive(FromRow, Debug, PartialEq, Clone)]
struct Profile {
    bio: String,
    site: Option<String>,
}

#[derive(FromRow, Debug, PartialEq)]
struct AuthorWithProfile {
    id: i64,
    name: String,
    #[pg(flatten, prefix = "p_")]
    profile: Option<Profile>,
}

const WITH_PROFILE: &str = "SELECT a.id, a.name, p.bio AS p_bio, p.site AS p_site
                            FROM author a LEFT JOIN profile p ON p.author_id = a.id
                            ORDER BY a.id";

#[tokio::test]
async fn left_join_reads_none_without_a_match() {
    limited(60, async {
        let client = library().await;
        let rows: Vec<AuthorWithProfile> = client.fetch_all(&Sql::new(WITH_PROFILE)).await.unwrap();
        assert_eq!(
            rows,
            [
                AuthorWithProfile {
                    id: 1,
                    name: "Ada".into(),
                    profile: Some(Profile {
                        bio: "engines".into(),
                        site: Some("ada.example".into())
                    }),
                },
                AuthorWithProfile {
                    id: 2,
                    name: "Brian".into(),
                    profile: None
                },
                // a NULL in a nullable column of a present row stays a value
                AuthorWithProfile {
                    id: 3,
                    name: "Cleo".into(),
                    profile: Some(Profile {
                        bio: "poems".into(),
                        site: None
                    }),
                },
            ]
        );
    })
    .await
}

#[derive(FromRow, Debug, PartialEq)]
struct BookWithProfile {
    title: String,
    #[pg(flatten)]
    profile: Option<Profile>,
}

#[tokio::test]
async fn optional_flatten_without_prefix() {
    limited(60, async {
        let client = library().await;
        let rows: Vec<BookWithProfile> = client
            .fetch_all(&Sql::new(
                "SELECT b.title, p.bio, p.site
                 FROM book b LEFT JOIN profile p ON p.author_id = b.author_id AND b.year > 1900
                 ORDER BY b.id",
            ))
            .await
            .unwrap();
        let profiles: Vec<_> = rows
            .iter()
            .map(|r| (r.title.as_str(), r.profile.as_ref().map(|p| p.bio.as_str())))
            .collect();
        assert_eq!(
            profiles,
            [("Notes", None), ("Letters", None), ("Odes", Some("poems"))]
        );
    })
    .await
}

#[tokio::test]
async fn partial_nulls_are_an_error_naming_the_columns() {
    limited(60, async {
        let client = library().await;
        // `bio` is NULL while `site` is not: not a missing profile, a broken one.
        let err = client
            .fetch_all::<AuthorWithProfile>(&Sql::new(
                "SELECT 1::int8 AS id, 'x' AS name, NULL::text AS p_bio, 's' AS p_site",
            ))
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            pgcast::exec::ErrorKind::Adapt(ErrorKind::UnexpectedNull)
        );
        let message = err.to_string();
        assert!(
            message.contains(
                "NULL in \"p_bio\" (index 2), which the row type cannot take, while other \
                 columns of it are not NULL; either all of its columns are NULL (no row) or \
                 none it needs"
            ),
            "{message}"
        );
        assert!(message.contains("Rust type Profile"), "{message}");

        // Several at once are all named.
        #[derive(FromRow, Debug)]
        #[allow(dead_code)]
        struct Pair {
            a: i32,
            b: i32,
            c: Option<i32>,
        }
        #[derive(FromRow, Debug)]
        #[allow(dead_code)]
        struct Outer {
            #[pg(flatten, prefix = "x_")]
            pair: Option<Pair>,
        }
        let err = client
            .fetch_all::<Outer>(&Sql::new(
                "SELECT NULL::int4 AS x_a, NULL::int4 AS x_b, 3 AS x_c",
            ))
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("NULL in \"x_a\" (index 0), \"x_b\" (index 1), which"),
            "{err}"
        );
    })
    .await
}

#[derive(FromRow, Debug, PartialEq)]
struct Site {
    host: String,
    port: Option<i32>,
}

#[derive(FromRow, Debug, PartialEq)]
struct Contact {
    email: String,
    #[pg(flatten, prefix = "site_")]
    site: Option<Site>,
}

#[derive(FromRow, Debug, PartialEq)]
struct Person {
    id: i32,
    #[pg(flatten, prefix = "contact_")]
    contact: Option<Contact>,
}

#[tokio::test]
async fn nested_optional_flattens_add_their_prefixes() {
    limited(60, async {
        let client = library().await;
        let rows: Vec<Person> = client
            .fetch_all(&Sql::new(
                "SELECT * FROM (VALUES
                    (1, 'a@x', 'x.org', 443),
                    (2, 'b@x', NULL, NULL),
                    (3, NULL, NULL, NULL)
                 ) AS t(id, contact_email, contact_site_host, contact_site_port)
                 ORDER BY id",
            ))
            .await
            .unwrap();
        assert_eq!(
            rows,
            [
                Person {
                    id: 1,
                    contact: Some(Contact {
                        email: "a@x".into(),
                        site: Some(Site {
                            host: "x.org".into(),
                            port: Some(443)
                        }),
                    }),
                },
                Person {
                    id: 2,
                    contact: Some(Contact {
                        email: "b@x".into(),
                        site: None
                    }),
                },
                Person {
                    id: 3,
                    contact: None
                },
            ]
        );
        // A site without its host under a present contact is broken.
        let err = client
            .fetch_all::<Person>(&Sql::new(
                "SELECT 1 AS id, 'a@x' AS contact_email, NULL::text AS contact_site_host,
                        80 AS contact_site_port",
            ))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("NULL in \"contact_site_host\""),
            "{err}"
        );
    })
    .await
}

#[derive(FromRow, Debug, PartialEq, Clone)]
struct Chapter {
    n: i32,
    title: String,
}

#[derive(FromRow, Debug, PartialEq, Clone)]
struct Book {
    #[pg(key)]
    id: i64,
    title: String,
    year: Option<i32>,
    #[pg(many, prefix = "ch_")]
    chapters: Vec<Chapter>,
}

#[derive(FromRow, Debug, PartialEq, Clone)]
struct Author {
    #[pg(key)]
    id: i64,
    name: String,
    #[pg(many, prefix = "b_")]
    books: Vec<Book>,
}

const AUTHORS_BOOKS_CHAPTERS: &str = "
    SELECT a.id, a.name, b.id AS b_id, b.title AS b_title, b.year AS b_year,
           c.n AS b_ch_n, c.title AS b_ch_title
    FROM author a
    LEFT JOIN book b ON b.author_id = a.id
    LEFT JOIN chapter c ON c.book_id = b.id
    ORDER BY a.id, b.id, c.n";

fn expected_authors() -> Vec<Author> {
    let ch = |n, title: &str| Chapter {
        n,
        title: title.into(),
    };
    vec![
        Author {
            id: 1,
            name: "Ada".into(),
            books: vec![
                Book {
                    id: 10,
                    title: "Notes".into(),
                    year: Some(1843),
                    chapters: vec![ch(1, "G"), ch(2, "Bernoulli")],
                },
                Book {
                    id: 11,
                    title: "Letters".into(),
                    year: None,
                    chapters: vec![],
                },
            ],
        },
        Author {
            id: 2,
            name: "Brian".into(),
            books: vec![],
        },
        Author {
            id: 3,
            name: "Cleo".into(),
            books: vec![Book {
                id: 30,
                title: "Odes".into(),
                year: Some(2001),
                chapters: vec![ch(1, "Sea")],
            }],
        },
    ]
}

#[tokio::test]
async fn one_to_many_nests_and_left_joins_give_empty_lists() {
    limited(60, async {
        let client = library().await;
        let rows: Vec<Author> = client
            .fetch_all(&Sql::new(AUTHORS_BOOKS_CHAPTERS))
            .await
            .unwrap();
        // one decoded row per joined row, each with at most one child
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|a| a.books.len() <= 1));
        assert_eq!(group(rows).unwrap(), expected_authors());
    })
    .await
}

#[tokio::test]
async fn a_stream_groups_row_by_row() {
    limited(60, async {
        let client = library().await;
        let stream = client
            .fetch_stream::<Author>(&Sql::new(AUTHORS_BOOKS_CHAPTERS))
            .await
            .unwrap();
        futures_util::pin_mut!(stream);
        let mut grouper = Grouper::new();
        let mut authors = Vec::new();
        while let Some(row) = stream.next().await {
            authors.extend(grouper.push(row.unwrap()).unwrap());
        }
        authors.extend(grouper.finish());
        assert_eq!(authors, expected_authors());
    })
    .await
}

#[derive(FromRow, Debug, PartialEq)]
struct Item {
    n: i32,
    label: String,
}

#[derive(FromRow, Debug, PartialEq)]
struct Order {
    #[pg(key)]
    region: String,
    #[pg(key)]
    number: i32,
    #[pg(many, prefix = "item_")]
    items: Vec<Item>,
}

#[tokio::test]
async fn ten_thousand_children_across_parents() {
    limited(120, async {
        let client = library().await;
        // 40 orders with 250 items each, keyed by (region, number), and
        // one order without items.
        let rows: Vec<Order> = client
            .fetch_all(&Sql::new(
                "SELECT o.region, o.number, i.n AS item_n, 'item ' || i.n AS item_label
                 FROM (SELECT r, k FROM unnest(ARRAY['north', 'south']) AS r,
                                        generate_series(1, 20) AS k
                       UNION ALL SELECT 'west', 0) AS o(region, number)
                 LEFT JOIN generate_series(1, 250) AS i(n) ON o.number > 0
                 ORDER BY o.region, o.number, i.n",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 10_001);
        let orders = group(rows).unwrap();
        assert_eq!(orders.len(), 41);
        assert_eq!(orders.iter().map(|o| o.items.len()).sum::<usize>(), 10_000);
        for order in &orders[..40] {
            let numbers: Vec<i32> = order.items.iter().map(|i| i.n).collect();
            assert_eq!(numbers, (1..=250).collect::<Vec<_>>(), "{}", order.number);
            assert_eq!(order.items[249].label, "item 250");
        }
        assert_eq!((orders[0].region.as_str(), orders[0].number), ("north", 1));
        assert_eq!(
            (
                orders[40].region.as_str(),
                orders[40].number,
                orders[40].items.len()
            ),
            ("west", 0, 0)
        );
    })
    .await
}

#[tokio::test]
async fn ungrouped_rows_are_an_error() {
    limited(60, async {
        let client = library().await;
        // ordered by the child, so the parents interleave
        let rows: Vec<Author> = client
            .fetch_all(&Sql::new(
                "SELECT a.id, a.name, b.id AS b_id, b.title AS b_title, b.year AS b_year,
                        NULL::int4 AS b_ch_n, NULL::text AS b_ch_title
                 FROM author a JOIN book b ON b.author_id = a.id
                 ORDER BY b.title",
            ))
            .await
            .unwrap();
        // Letters (1), Notes (1), Odes (3): grouped after all
        assert_eq!(group(rows.clone()).unwrap().len(), 2);
        let mut shuffled = rows;
        shuffled.swap(1, 2); // Letters (1), Odes (3), Notes (1)
        let err = group(shuffled).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Ungrouped);
        assert_eq!(
            err.to_string(),
            "rows not grouped: row 2 has the key (id) of row 0, with another key between \
             them; order the query by the key (ORDER BY id) so that each parent's rows come \
             together (Rust type Author)"
        );
        // the same from the server's order
        let rows = client
            .fetch_all::<Order>(&Sql::new(
                "SELECT r AS region, 1 AS number, n AS item_n, 'i' AS item_label
                 FROM (VALUES ('a', 1), ('b', 2), ('a', 3)) AS t(r, n)",
            ))
            .await
            .unwrap();
        let err = try_group(rows.into_iter().map(Ok::<_, pgcast::Error>)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Ungrouped);
        assert!(
            err.to_string().contains("(ORDER BY region, number)"),
            "{err}"
        );
    })
    .await
}

#[tokio::test]
async fn an_empty_result_groups_to_nothing() {
    limited(60, async {
        let client = library().await;
        let rows: Vec<Author> = client
            .fetch_all(&Sql::new(
                "SELECT a.id, a.name, b.id AS b_id, b.title AS b_title, b.year AS b_year,
                        NULL::int4 AS b_ch_n, NULL::text AS b_ch_title
                 FROM author a LEFT JOIN book b ON b.author_id = a.id
                 WHERE false",
            ))
            .await
            .unwrap();
        assert_eq!(group(rows).unwrap(), []);
    })
    .await
}

#[tokio::test]
async fn planning_names_a_missing_child_column() {
    limited(60, async {
        let client = library().await;
        let err = client
            .fetch_all::<Author>(&Sql::new("SELECT 1::int8 AS id, 'x' AS name"))
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            pgcast::exec::ErrorKind::Adapt(ErrorKind::MissingColumn)
        );
        assert!(err.to_string().contains("no column \"b_id\""), "{err}");
    })
    .await
}

#[derive(Deserialize, Debug, PartialEq)]
struct JsonChapter {
    n: i32,
    title: String,
}

#[derive(Deserialize, Debug, PartialEq)]
struct JsonBook {
    id: i64,
    title: String,
    year: Option<i32>,
    chapters: Vec<JsonChapter>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct JsonProfile {
    bio: String,
    site: Option<String>,
}

#[derive(FromRow, Debug, PartialEq)]
struct JsonAuthor {
    id: i64,
    name: String,
    #[pg(json)]
    books: Vec<JsonBook>,
    #[pg(json(nullable))]
    profile: Option<JsonProfile>,
}

#[tokio::test]
async fn json_agg_builds_the_same_tree_in_the_server() {
    limited(60, async {
        let client = library().await;
        let rows: Vec<JsonAuthor> = client
            .fetch_all(&Sql::new(
                "SELECT a.id, a.name,
                        COALESCE((SELECT json_agg(json_build_object(
                                      'id', b.id, 'title', b.title, 'year', b.year,
                                      'chapters', COALESCE((SELECT json_agg(c ORDER BY c.n)
                                                            FROM (SELECT n, title FROM chapter
                                                                  WHERE book_id = b.id) c),
                                                           '[]'))
                                      ORDER BY b.id)
                                  FROM book b WHERE b.author_id = a.id), '[]') AS books,
                        (SELECT row_to_json(p) FROM (SELECT bio, site FROM profile
                                                     WHERE author_id = a.id) p) AS profile
                 FROM author a ORDER BY a.id",
            ))
            .await
            .unwrap();
        // the same tree as the grouped join
        let grouped = expected_authors();
        assert_eq!(rows.len(), grouped.len());
        for (json, joined) in rows.iter().zip(&grouped) {
            assert_eq!(
                (json.id, json.name.as_str()),
                (joined.id, joined.name.as_str())
            );
            let books: Vec<_> = json
                .books
                .iter()
                .map(|b| {
                    let chapters: Vec<_> =
                        b.chapters.iter().map(|c| (c.n, c.title.as_str())).collect();
                    (b.id, b.title.as_str(), b.year, chapters)
                })
                .collect();
            let expected: Vec<_> = joined
                .books
                .iter()
                .map(|b| {
                    let chapters: Vec<_> =
                        b.chapters.iter().map(|c| (c.n, c.title.as_str())).collect();
                    (b.id, b.title.as_str(), b.year, chapters)
                })
                .collect();
            assert_eq!(books, expected);
        }
        assert_eq!(
            rows[0].profile,
            Some(JsonProfile {
                bio: "engines".into(),
                site: Some("ada.example".into())
            })
        );
        assert_eq!(rows[1].profile, None);
    })
    .await
}
