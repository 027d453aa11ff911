//! The Data tab's SQL box is read-only for real: hostile statements run through the very
//! functions the app calls (`Viewer::query` and `Viewer::export`) are refused with a plain message,
//! no file is written or read, and nothing is fetched.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use sluice_load::{ExportFormat, ExportSource, Viewer};

const SECRET: &str = "TOP-SECRET-FILE-CONTENT";

/// A DuckDB file with one dataset table and a view stored in the file that reads a local file,
/// as a hostile file handed to the user would hold; a file of secrets beside it; a loopback
/// listener standing in for the network.
struct Hostile {
    dir: tempfile::TempDir,
    db: PathBuf,
    secret: PathBuf,
    listener: TcpListener,
}

impl Hostile {
    fn new() -> Hostile {
        let dir = tempfile::tempdir().expect("temp dir");
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, SECRET).expect("secret file");
        let db = dir.path().join("hostile.duckdb");
        let conn = duckdb::Connection::open(&db).expect("create");
        conn.execute_batch(&format!(
            "CREATE SCHEMA ds;
             CREATE TABLE ds.t AS SELECT range AS id, 'row ' || range AS label FROM range(5);
             CREATE VIEW ds.sneaky AS SELECT * FROM read_text('{}');",
            secret.display()
        ))
        .expect("fixture");
        drop(conn);
        let listener = TcpListener::bind("127.0.0.1:0").expect("listener");
        listener.set_nonblocking(true).expect("non-blocking");
        Hostile {
            dir,
            db,
            secret,
            listener,
        }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("written.csv")
    }

    fn url(&self) -> String {
        format!(
            "http://{}/data.csv",
            self.listener.local_addr().expect("address")
        )
    }

    /// The statements: each tries to write, read, fetch, load or reconfigure something.
    fn statements(&self) -> Vec<String> {
        let out = self.out().display().to_string();
        let secret = self.secret.display().to_string();
        let other = self.dir.path().join("other.duckdb").display().to_string();
        let dir = self.dir.path().display().to_string();
        let url = self.url();
        vec![
            // Stacking that closes the old wrapper around the text.
            format!("SELECT 1) q; COPY (SELECT 'x' AS a) TO '{out}' (FORMAT csv); SELECT * FROM (SELECT 1"),
            format!("SELECT 1 --\n) q; COPY (SELECT 'x' AS a) TO '{out}'; SELECT (1"),
            "SELECT 1; SELECT 2".to_owned(),
            format!("COPY (SELECT 42) TO '{out}'"),
            format!("COPY t TO '{out}' (FORMAT parquet)"),
            format!("EXPORT DATABASE '{dir}/exported'"),
            format!("ATTACH '{other}' AS x (READ_WRITE)"),
            format!("ATTACH '{other}' AS x"),
            "DETACH hostile".to_owned(),
            "INSTALL httpfs".to_owned(),
            "LOAD httpfs".to_owned(),
            "SET enable_external_access = true".to_owned(),
            "SET lock_configuration = false".to_owned(),
            "SET memory_limit = '100GB'".to_owned(),
            "RESET ALL".to_owned(),
            "PRAGMA enable_profiling".to_owned(),
            "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')".to_owned(),
            "DELETE FROM t".to_owned(),
            "INSERT INTO t VALUES (9, 'x')".to_owned(),
            "CREATE TABLE x AS SELECT 1".to_owned(),
            "DROP TABLE t".to_owned(),
            "CHECKPOINT".to_owned(),
            "USE memory".to_owned(),
            format!("SELECT * FROM read_text('{secret}')"),
            format!("SELECT * FROM read_csv('{secret}')"),
            format!("SELECT * FROM read_json_auto('{secret}')"),
            format!("SELECT * FROM read_parquet('{secret}')"),
            format!("SELECT * FROM sniff_csv('{secret}')"),
            format!("WITH x AS (SELECT 1) SELECT * FROM read_blob('{secret}')"),
            format!("SELECT * FROM glob('{dir}/*')"),
            format!("SELECT * FROM read_csv('{url}')"),
            format!("SELECT * FROM query('SELECT * FROM read_text(''{secret}'')')"),
            "SELECT * FROM sneaky".to_owned(),
        ]
    }

    fn nothing_fetched(&self) -> bool {
        matches!(self.listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    }
}

fn assert_refused(what: &str, statement: &str, message: &str, hostile: &Hostile) {
    assert!(
        !message.trim().is_empty(),
        "{what}: {statement}: empty message"
    );
    assert!(
        !message.contains(SECRET),
        "{what}: {statement}: the secret file's content reached the message: {message}"
    );
    for wrapper in ["COLUMNS(*)", "DESCRIBE SELECT", "AS query"] {
        assert!(
            !message.contains(wrapper),
            "{what}: {statement}: the message speaks of an internal wrapper: {message}"
        );
    }
    assert!(
        !hostile.out().exists(),
        "{what}: {statement}: a file was written"
    );
    assert!(
        !hostile.dir.path().join("exported").exists(),
        "{what}: {statement}: a database was exported"
    );
    assert!(
        hostile.nothing_fetched(),
        "{what}: {statement}: the network was reached"
    );
}

#[test]
fn hostile_statements_in_the_sql_box_are_refused_and_touch_nothing() {
    let hostile = Hostile::new();
    let mut viewer = Viewer::open(&hostile.db, "ds").expect("viewer opens");
    let statements = hostile.statements();
    assert!(statements.len() >= 25);
    for statement in &statements {
        match viewer.query(statement, 100) {
            Ok(window) => panic!("query ran: {statement}: {:?}", window.rows),
            Err(error) => assert_refused("query", statement, &error.to_string(), &hostile),
        }
        let export = viewer.export(
            &ExportSource::Query {
                sql: statement.clone(),
            },
            &hostile.out(),
            ExportFormat::Csv,
        );
        match export {
            Ok(rows) => panic!("export ran: {statement}: {rows} rows"),
            Err(error) => assert_refused("export", statement, &error.to_string(), &hostile),
        }
    }
    // The table is as it was, and the viewer still works after all that.
    let rows = viewer.query("SELECT count(*) FROM t", 10).expect("count");
    assert_eq!(rows.rows[0][0].as_deref(), Some("5"));
}

#[test]
fn the_stored_view_that_reads_a_file_fails_in_the_grid_too() {
    let hostile = Hostile::new();
    let mut viewer = Viewer::open(&hostile.db, "ds").expect("viewer opens");
    let tables = viewer.tables();
    // Listing may show the view or refuse it; either way its file stays unread.
    if let Ok(tables) = tables {
        for table in tables.iter().filter(|t| t.name == "sneaky") {
            let window = viewer.window(&sluice_load::WindowQuery {
                table: table.name.clone(),
                offset: 0,
                limit: 10,
                sort: None,
                filters: Vec::new(),
            });
            if let Ok(window) = window {
                assert!(
                    !format!("{:?}", window.rows).contains(SECRET),
                    "the view read the file"
                );
            }
        }
    }
}

#[test]
fn queries_of_every_kind_still_run_and_a_closing_comment_is_fine() {
    let hostile = Hostile::new();
    let mut viewer = Viewer::open(&hostile.db, "ds").expect("viewer opens");
    for (sql, rows) in [
        ("SELECT id FROM t WHERE id < 2 -- the first two", 2),
        ("FROM t", 5),
        (
            "WITH small AS (SELECT * FROM t WHERE id < 3) SELECT * FROM small;",
            3,
        ),
        ("SELECT * FROM (VALUES (1), (2)) v(x)", 2),
        ("DESCRIBE t", 2),
        ("SUMMARIZE t", 2),
        ("SELECT count(*) FILTER (WHERE id < 2) AS early FROM t", 1),
    ] {
        let window = viewer
            .query(sql, 100)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert_eq!(window.rows.len(), rows, "{sql}");
    }
}

#[test]
fn a_query_exports_to_the_chosen_file_only() {
    let hostile = Hostile::new();
    let mut viewer = Viewer::open(&hostile.db, "ds").expect("viewer opens");
    let target: &Path = &hostile.out();
    let written = viewer
        .export(
            &ExportSource::Query {
                sql: "SELECT id, label FROM t ORDER BY id -- all of them".into(),
            },
            target,
            ExportFormat::Csv,
        )
        .expect("export");
    assert_eq!(written, 5);
    let text = std::fs::read_to_string(target).expect("exported");
    assert!(text.starts_with("id,label"), "{text}");
    // The viewer reads on after the export reopened the file.
    let rows = viewer.query("SELECT count(*) FROM t", 10).expect("count");
    assert_eq!(rows.rows[0][0].as_deref(), Some("5"));
}

#[test]
fn a_file_without_the_dataset_opens_with_no_tables() {
    let hostile = Hostile::new();
    let mut viewer = Viewer::open(&hostile.db, "not_there_dataset").expect("viewer opens");
    assert_eq!(viewer.tables().expect("tables").len(), 0);
}

/// A query or an export that would run for minutes stops within a second when interrupted from
/// another thread (the Data tab's Stop, or a sync that needs the file), and the viewer reads on.
#[test]
fn a_long_query_or_export_stops_when_interrupted() {
    let hostile = Hostile::new();
    let mut viewer = Viewer::open(&hostile.db, "ds").expect("viewer opens");
    let long = "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3";
    let target = hostile.out();
    for export in [false, true] {
        let interrupter = viewer.interrupter();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            interrupter.interrupt();
        });
        let started = std::time::Instant::now();
        let outcome = if export {
            viewer
                .export(
                    &ExportSource::Query { sql: long.into() },
                    &target,
                    ExportFormat::Csv,
                )
                .map(|_| ())
        } else {
            viewer.query(long, 10).map(|_| ())
        };
        stopper.join().unwrap();
        let error = outcome.expect_err("the work was interrupted").to_string();
        assert!(error.contains("nterrupt"), "{error}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "stopped after {:?}",
            started.elapsed()
        );
    }
    let rows = viewer.query("SELECT count(*) FROM t", 10).expect("count");
    assert_eq!(rows.rows[0][0].as_deref(), Some("5"));
}
