//! `sluice import` of an OpenAPI document: the demo API's own description, imported with the
//! operations the hand-built demo connector reads, loads what that connector loads.

use std::path::Path;

use sluice_demo::{DemoOptions, DemoServer};

use crate::sluice;

/// A table's name, its columns and its rows as text.
type Table = (String, Vec<String>, Vec<Vec<Option<String>>>);

/// Every table of `dataset` but dlt's own, each with its rows: the columns but dlt's, sorted by
/// name, as text, the rows sorted.
fn tables_and_rows(db: &Path, dataset: &str) -> Vec<Table> {
    let conn = duckdb::Connection::open(db).unwrap();
    let mut names = conn
        .prepare(
            "SELECT table_name FROM information_schema.tables
             WHERE table_schema = ? AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1",
        )
        .unwrap();
    let tables: Vec<String> = names
        .query_map([dataset], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|table| {
            let mut columns: Vec<String> = conn
                .prepare(
                    "SELECT column_name FROM information_schema.columns
                     WHERE table_schema = ? AND table_name = ? AND column_name NOT LIKE '\\_dlt%' ESCAPE '\\'",
                )
                .unwrap()
                .query_map([dataset, table.as_str()], |row| row.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            columns.sort();
            let select: Vec<String> = columns.iter().map(|c| format!("\"{c}\"::VARCHAR")).collect();
            let sql = format!(
                "SELECT {} FROM \"{dataset}\".\"{table}\" ORDER BY ALL",
                select.join(", ")
            );
            let mut statement = conn.prepare(&sql).unwrap();
            let width = columns.len();
            let rows: Vec<Vec<Option<String>>> = statement
                .query_map([], |row| (0..width).map(|i| row.get(i)).collect())
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (table, columns, rows)
        })
        .collect()
}

fn run(args: &[&str]) -> (String, String) {
    let out = sluice(args).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "sluice {args:?}: {stderr}");
    (stdout, stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_apis_own_description_imports_as_a_connector_that_loads_what_the_demo_loads() {
    let server = DemoServer::start(DemoOptions {
        records: 120,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let spec = reqwest::get(server.url("/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let base_url = server.base_url().to_owned();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        std::fs::write(at("demo-api.json"), &spec).unwrap();
        std::fs::write(
            at("demo.json"),
            sluice_demo::demo_connector(&base_url).to_string(),
        )
        .unwrap();

        let (_, said) = run(&[
            "import",
            &at("demo-api.json"),
            "--path",
            "/v1/marketing_data",
            "--path",
            "/v1/support/organizations*",
            "--path",
            "/v1/support/tickets",
            "-o",
            &at("imported.json"),
        ]);
        // Each guess is said, and none fails the import.
        assert!(
            said.contains("guessed: resources[0].endpoint.paginator: offset pages of 100"),
            "{said}"
        );
        assert!(
            said.contains("takes the `id` of each `organizations` record"),
            "{said}"
        );
        assert!(said.contains("incremental: `updated_since`"), "{said}");
        assert!(said.contains("OAuth2 client credentials"), "{said}");

        run(&["sync", &at("demo.json"), "--db", &at("demo.duckdb")]);
        run(&["sync", &at("imported.json"), "--db", &at("imported.duckdb")]);

        let hand_built = tables_and_rows(Path::new(&at("demo.duckdb")), "demo_shop_dataset");
        let imported =
            tables_and_rows(Path::new(&at("imported.duckdb")), "sluice_demo_api_dataset");
        let names = |all: &[Table]| -> Vec<String> {
            all.iter().map(|(name, _, _)| name.clone()).collect()
        };
        assert_eq!(names(&imported), names(&hand_built));
        assert!(names(&hand_built).contains(&"members".to_owned()));
        for ((table, columns, rows), (_, their_columns, their_rows)) in
            imported.iter().zip(&hand_built)
        {
            assert_eq!(columns, their_columns, "columns of {table}");
            assert!(!rows.is_empty(), "{table} is empty");
            assert_eq!(rows, their_rows, "rows of {table}");
        }
    })
    .await
    .unwrap();
}
