//! The table viewer's reads: tables with their parent and child links, windows of rows sorted and
//! filtered by DuckDB, ad-hoc SQL on a read-only file, and export to CSV and Parquet.

use serde_json::json;
use sluice_load::{
    ExportFormat, ExportSource, Filter, FilterOp, Sort, Viewer, Window, WindowQuery,
};

use crate::common::{count, db, demo, open, sync_ok, Db};

fn tickets(base_url: &str, token_url: &str) -> serde_json::Value {
    json!({
        "client": {"base_url": base_url,
                   "auth": {"type": "oauth2", "token_url": token_url,
                            "client_id": {"$secret": "client_id"},
                            "client_secret": {"$secret": "client_secret"}}},
        "resources": [{
            "name": "tickets",
            "primary_key": "id",
            "write_disposition": "merge",
            "endpoint": {
                "path": "v1/support/tickets",
                "paginator": {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"},
                "params": {"limit": 100}
            }
        }],
        "sluice": {"pipeline": {"pipeline_name": "support"}}
    })
}

fn window(table: &str, offset: u64, limit: u32) -> WindowQuery {
    WindowQuery {
        table: table.into(),
        offset,
        limit,
        sort: None,
        filters: Vec::new(),
    }
}

fn cell<'a>(window: &'a Window, row: usize, column: &str) -> Option<&'a str> {
    let at = window
        .columns
        .iter()
        .position(|c| c.name == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    window.rows[row][at].as_deref()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_viewer_pages_sorts_filters_and_follows_child_rows() {
    let db = merged_twice(250).await;
    let expected: Vec<String> = {
        let conn = open(&db.path);
        let mut statement = conn
            .prepare("SELECT CAST(id AS VARCHAR) FROM support_dataset.tickets ORDER BY rowid")
            .expect("query");
        let ids = statement
            .query_map([], |row| row.get::<_, String>(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        ids
    };
    assert_eq!(expected.len(), 250);

    let mut viewer = Viewer::open(&db.path, "support_dataset").expect("viewer opens");
    let tables = viewer.tables().expect("tables");
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let root = tables
        .iter()
        .find(|t| t.name == "tickets")
        .expect("tickets");
    assert_eq!(root.rows, 250);
    assert!(
        root.children.contains(&"tickets__tags".to_owned()),
        "{:?}",
        root.children
    );
    let tags = tables
        .iter()
        .find(|t| t.name == "tickets__tags")
        .expect("tags");
    assert_eq!(tags.parent.as_deref(), Some("tickets"));
    // Data tables come first, dlt's own tables last.
    let first_internal = names
        .iter()
        .position(|n| n.starts_with("_dlt_"))
        .expect("dlt tables");
    assert!(
        names[first_internal..]
            .iter()
            .all(|n| n.starts_with("_dlt_")),
        "{names:?}"
    );
    assert_eq!(
        root.columns
            .iter()
            .find(|c| c.name == "id")
            .map(|c| c.data_type.as_str()),
        Some("BIGINT")
    );

    // Windows read in order add up to the table in row order.
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = viewer
            .window(&window("tickets", offset, 60))
            .expect("window");
        assert_eq!(page.total, 250);
        for row in 0..page.rows.len() {
            seen.push(cell(&page, row, "id").expect("id").to_owned());
        }
        offset += page.rows.len() as u64;
        if !page.more {
            break;
        }
    }
    assert_eq!(seen, expected);

    // Sorted by DuckDB, numbers as numbers.
    let mut sorted = window("tickets", 0, 3);
    sorted.sort = Some(Sort {
        column: "id".into(),
        descending: true,
    });
    let top = viewer.window(&sorted).expect("sorted window");
    let max_id = expected
        .iter()
        .map(|id| id.parse::<i64>().expect("id"))
        .max()
        .expect("ids");
    assert_eq!(cell(&top, 0, "id"), Some(max_id.to_string().as_str()));

    // Filters: numeric comparison, text search, and how many rows match.
    let mut filtered = window("tickets", 0, 500);
    filtered.filters = vec![Filter {
        column: "id".into(),
        op: FilterOp::GreaterThan,
        value: "200".into(),
    }];
    let above = viewer.window(&filtered).expect("filtered window");
    let conn = open(&db.path);
    let expected_above = count(
        &conn,
        "SELECT count(*) FROM support_dataset.tickets WHERE id > 200",
    );
    assert_eq!(above.total as i64, expected_above);
    assert_eq!(above.rows.len() as i64, expected_above);
    filtered.filters = vec![Filter {
        column: "status".into(),
        op: FilterOp::Contains,
        value: "OPE".into(),
    }];
    let open_rows = viewer.window(&filtered).expect("contains");
    let expected_open = count(
        &conn,
        "SELECT count(*) FROM support_dataset.tickets WHERE lower(status) LIKE '%ope%'",
    );
    assert_eq!(open_rows.total as i64, expected_open);
    assert!(expected_open > 0 && expected_open < 250, "{expected_open}");

    // A parent row's child rows: the child table filtered by the parent's _dlt_id.
    let first = viewer.window(&window("tickets", 0, 1)).expect("first row");
    let parent_id = cell(&first, 0, "_dlt_id").expect("_dlt_id").to_owned();
    let mut children = window("tickets__tags", 0, 100);
    children.filters = vec![Filter {
        column: "_dlt_parent_id".into(),
        op: FilterOp::Equals,
        value: parent_id.clone(),
    }];
    let child_rows = viewer.window(&children).expect("child rows");
    let expected_children = count(
        &conn,
        &format!("SELECT count(*) FROM support_dataset.tickets__tags WHERE _dlt_parent_id = '{parent_id}'"),
    );
    assert!(expected_children > 0);
    assert_eq!(child_rows.total as i64, expected_children);
    // Each window says how many child rows each of its rows has, for the grid's links.
    let tags_of_first = first
        .nested
        .iter()
        .find(|n| n.table == "tickets__tags")
        .expect("tag counts");
    assert_eq!(tags_of_first.counts, vec![expected_children as u64]);
    let all_tags = count(&conn, "SELECT count(*) FROM support_dataset.tickets__tags");
    let mut counted = 0;
    for offset in (0..250).step_by(100) {
        let page = viewer
            .window(&window("tickets", offset, 100))
            .expect("window");
        let tags = page.nested.iter().find(|n| n.table == "tickets__tags");
        assert_eq!(tags.map(|t| t.counts.len()), Some(page.rows.len()));
        counted += tags.expect("tag counts").counts.iter().sum::<u64>();
    }
    assert_eq!(counted as i64, all_tags);

    // A filter on a column the table lacks names both.
    filtered.filters = vec![Filter {
        column: "nope".into(),
        op: FilterOp::Equals,
        value: "1".into(),
    }];
    let err = viewer
        .window(&filtered)
        .expect_err("unknown column")
        .to_string();
    assert!(err.contains("tickets") && err.contains("nope"), "{err}");
}

/// Every window of a view, read `size` rows at a time, as one list of `_dlt_id`s.
/// A file holding `tickets` synced twice: the second merge replaces every ticket, so the table's
/// row ids have gaps and windows must not assume row id = position.
async fn merged_twice(tickets_count: u64) -> Db {
    let server = demo(tickets_count, "").await;
    let db = db();
    let config = tickets(server.base_url(), &server.token_url());
    sync_ok(&config, &db.path).await;
    sync_ok(&config, &db.path).await;
    db
}

fn read_view(viewer: &mut Viewer, view: &WindowQuery, size: u32) -> Vec<String> {
    let mut ids = Vec::new();
    let mut query = view.clone();
    query.limit = size;
    query.offset = 0;
    loop {
        let page = viewer.window(&query).expect("window");
        if page.more {
            assert_eq!(
                page.rows.len(),
                size as usize,
                "a full window at {} of {view:?}",
                query.offset
            );
        }
        for row in 0..page.rows.len() {
            ids.push(cell(&page, row, "_dlt_id").expect("_dlt_id").to_owned());
        }
        query.offset += page.rows.len() as u64;
        if !page.more {
            assert_eq!(page.total, ids.len() as u64, "the total is the rows read");
            return ids;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sorted_and_filtered_windows_follow_duckdbs_order_before_and_after_it_is_worked_out() {
    let db = merged_twice(300).await;
    let conn = open(&db.path);
    let expect = |sql: &str| -> Vec<String> {
        let mut statement = conn.prepare(sql).expect("query");
        let ids = statement
            .query_map([], |row| row.get::<_, String>(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        ids
    };
    let by_status = WindowQuery {
        sort: Some(Sort {
            column: "status".into(),
            descending: true,
        }),
        ..window("tickets", 0, 0)
    };
    let open_by_id = WindowQuery {
        sort: Some(Sort {
            column: "id".into(),
            descending: false,
        }),
        filters: vec![Filter {
            column: "status".into(),
            op: FilterOp::Contains,
            value: "OPEN".into(),
        }],
        ..window("tickets", 0, 0)
    };
    let not_open = WindowQuery {
        filters: vec![Filter {
            column: "status".into(),
            op: FilterOp::NotEquals,
            value: "open".into(),
        }],
        ..window("tickets", 0, 0)
    };
    // dlt's row ids are random, so their order scatters rows over the whole table.
    let scattered = WindowQuery {
        sort: Some(Sort {
            column: "_dlt_id".into(),
            descending: false,
        }),
        ..window("tickets", 0, 0)
    };
    // Ties in the sorted column keep the table's row order.
    let expected = [
        (
            &by_status,
            expect(
                "SELECT _dlt_id FROM support_dataset.tickets ORDER BY status DESC NULLS LAST, rowid",
            ),
        ),
        (
            &open_by_id,
            expect(
                "SELECT _dlt_id FROM support_dataset.tickets WHERE lower(status) LIKE '%open%' ORDER BY id",
            ),
        ),
        (
            &not_open,
            expect("SELECT _dlt_id FROM support_dataset.tickets WHERE status <> 'open' ORDER BY rowid"),
        ),
        (
            &scattered,
            expect("SELECT _dlt_id FROM support_dataset.tickets ORDER BY _dlt_id"),
        ),
    ];
    assert_eq!(expected[0].1.len(), 300);
    assert!(
        !expected[1].1.is_empty() && expected[1].1.len() + expected[2].1.len() == 300,
        "the filters split the tickets: {} and {}",
        expected[1].1.len(),
        expected[2].1.len()
    );

    // Answered by DuckDB directly while the order is worked out, and from the worked-out order
    // (every window waits for it), switching views between reads.
    for direct_below in [u64::MAX, 0] {
        let mut viewer = Viewer::open(&db.path, "support_dataset")
            .expect("viewer opens")
            .with_direct_windows_below(direct_below);
        for round in 0..2 {
            for (view, ids) in &expected {
                let size = if round == 0 { 7 } else { 100 };
                assert_eq!(
                    &read_view(&mut viewer, view, size),
                    ids,
                    "{view:?} in windows of {size}, direct below {direct_below}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ad_hoc_sql_reads_the_dataset_and_cannot_change_it() {
    let server = demo(120, "").await;
    let db = db();
    sync_ok(&tickets(server.base_url(), &server.token_url()), &db.path).await;
    let mut viewer = Viewer::open(&db.path, "support_dataset").expect("viewer opens");

    // Unqualified names mean the dataset's tables; a trailing semicolon is fine.
    let result = viewer
        .query(
            "SELECT status, count(*) AS tickets FROM tickets GROUP BY status ORDER BY status;",
            100,
        )
        .expect("query runs");
    assert_eq!(result.columns[0].name, "status");
    assert_eq!(result.columns[1].name, "tickets");
    assert_eq!(result.columns[1].data_type, "BIGINT");
    let total: u64 = result
        .rows
        .iter()
        .map(|r| {
            r[1].as_deref()
                .expect("count")
                .parse::<u64>()
                .expect("number")
        })
        .sum();
    assert_eq!(total, 120);
    assert!(!result.more);

    let limited = viewer.query("SELECT * FROM tickets", 10).expect("limited");
    assert_eq!(limited.rows.len(), 10);
    assert!(limited.more, "120 rows do not fit in 10");

    let err = viewer
        .query("DELETE FROM tickets", 10)
        .expect_err("read-only")
        .to_string();
    assert!(err.starts_with("the query failed"), "{err}");
    assert_eq!(
        count(
            &open(&db.path),
            "SELECT count(*) FROM support_dataset.tickets"
        ),
        120
    );
    let err = viewer.query("  ;  ", 10).expect_err("empty").to_string();
    assert!(err.contains("empty"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_or_a_query_exports_to_csv_and_parquet() {
    let server = demo(80, "").await;
    let db = db();
    sync_ok(&tickets(server.base_url(), &server.token_url()), &db.path).await;
    let mut viewer = Viewer::open(&db.path, "support_dataset").expect("viewer opens");
    let folder = tempfile::tempdir().expect("temp dir");

    let csv = folder.path().join("open tickets.csv");
    let source = ExportSource::Table {
        table: "tickets".into(),
        sort: Some(Sort {
            column: "id".into(),
            descending: false,
        }),
        filters: vec![Filter {
            column: "id".into(),
            op: FilterOp::LessThan,
            value: "11".into(),
        }],
    };
    let written = viewer
        .export(&source, &csv, ExportFormat::Csv)
        .expect("csv export");
    assert_eq!(written, 10);
    let text = std::fs::read_to_string(&csv).expect("csv file");
    let mut lines = text.lines();
    assert!(lines.next().expect("header").split(',').any(|h| h == "id"));
    assert_eq!(lines.count(), 10);

    let parquet = folder.path().join("summary.parquet");
    let query = ExportSource::Query {
        sql: "SELECT status, count(*) AS n FROM tickets GROUP BY status".into(),
    };
    let groups = viewer
        .export(&query, &parquet, ExportFormat::Parquet)
        .expect("parquet export");
    let conn = duckdb::Connection::open_in_memory().expect("duckdb");
    let back = count(
        &conn,
        &format!("SELECT sum(n) FROM '{}'", parquet.display()),
    );
    assert_eq!(back, 80);
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM '{}'", parquet.display())
        ) as u64,
        groups
    );

    let err = viewer
        .export(
            &source,
            &folder.path().join("missing/x.csv"),
            ExportFormat::Csv,
        )
        .expect_err("no such folder")
        .to_string();
    assert!(err.contains("folder does not exist"), "{err}");
}
