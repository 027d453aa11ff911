//! The table viewer's benchmark: a dlt-shaped table of 10 million rows in a real DuckDB file,
//! read through `sluice_load::Viewer` exactly as the app's Data tab reads it. Prints the time to
//! the first rows (opening the file included) and per scroll window, unsorted, sorted and
//! filtered, against the targets (first rows under 100 ms, a scroll window under 50 ms).
//!
//! `cargo build --release -p sluice-cli && $CARGO_TARGET_DIR/release/sluice-viewer-bench [ROWS]`

use std::path::Path;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use sluice_load::{Destination, Filter, FilterOp, Sort, Viewer, WindowQuery};

const WINDOW: u32 = 100;
const DATASET: &str = "bench_dataset";
const FIRST_ROWS_TARGET_MS: f64 = 100.0;
const WINDOW_TARGET_MS: f64 = 50.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = std::env::args()
        .nth(1)
        .map(|a| a.replace('_', "").parse())
        .transpose()?
        .unwrap_or(10_000_000);
    let dir = std::env::temp_dir().join(format!("sluice-viewer-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("bench.duckdb");
    let made = Instant::now();
    make_table(&path, rows)?;
    println!(
        "table `events`: {rows} rows, 8 columns, {:.0} MiB file, made in {:.1} s",
        std::fs::metadata(&path)?.len() as f64 / 1_048_576.0,
        made.elapsed().as_secs_f64()
    );
    println!("window = {WINDOW} rows; times are wall clock on this machine\n");
    println!(
        "{:<46} {:>10} {:>10} {:>10} {:>9}",
        "case", "p50 ms", "p95 ms", "max ms", "target"
    );

    let plain = |offset| WindowQuery {
        table: "events".into(),
        offset,
        limit: WINDOW,
        sort: None,
        filters: Vec::new(),
    };
    first_rows(&path, "first rows, file opened cold", plain(0))?;
    scroll(&path, "random scroll windows (row ids dense)", rows, plain)?;
    sequential(&path, "scrolling down from the middle", rows, plain)?;

    let sorted_by = |column: &'static str, descending: bool| {
        move |offset| WindowQuery {
            sort: Some(Sort {
                column: column.into(),
                descending,
            }),
            ..plain(offset)
        }
    };
    let sorted = sorted_by("amount", true);
    first_rows(&path, "first rows, sorted by a double column", sorted(0))?;
    ordered(&path, "sorted", rows, sorted)?;

    // Text compares cost more than numbers, in the top-N and in the whole order.
    let by_text = sorted_by("name", false);
    first_rows(&path, "first rows, sorted by a text column", by_text(0))?;
    ordered(&path, "sorted by text", rows, by_text)?;

    let filtered = |offset| WindowQuery {
        filters: vec![Filter {
            column: "status".into(),
            op: FilterOp::Contains,
            value: "pend".into(),
        }],
        ..plain(offset)
    };
    first_rows(&path, "first rows, text filter (1/3 match)", filtered(0))?;
    ordered(&path, "filtered", rows / 3, filtered)?;

    let both = |offset| WindowQuery {
        filters: filtered(offset).filters,
        ..sorted(offset)
    };
    first_rows(&path, "first rows, filtered and sorted", both(0))?;
    ordered(&path, "filtered and sorted", rows / 3, both)?;

    // A merged table has deleted rows, so windows cannot be read by row id.
    {
        let destination = Destination::open(&path, DATASET)?;
        destination
            .connection()
            .execute_batch("DELETE FROM bench_dataset.events WHERE id % 1000 = 0; CHECKPOINT;")?;
    }
    first_rows(&path, "first rows, table with deleted rows", plain(0))?;
    scroll(
        &path,
        "random windows, table with deleted rows",
        rows - rows / 1000,
        plain,
    )?;

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn make_table(path: &Path, rows: u64) -> Result<(), Box<dyn std::error::Error>> {
    let destination = Destination::open(path, DATASET)?;
    destination.connection().execute_batch(&format!(
        "CREATE SCHEMA {DATASET};
         CREATE TABLE {DATASET}.events AS
         SELECT range AS id,
                'customer ' || (range % 50000)::VARCHAR AS name,
                ['open', 'closed', 'pending'][range % 3 + 1] AS status,
                round(((range * 7919) % 100000) / 100.0, 2) AS amount,
                to_timestamp(1704067200 + range) AS created_at,
                'note ' || md5(range::VARCHAR) AS note,
                '1732000000.123456' AS _dlt_load_id,
                substr(md5('row' || range::VARCHAR), 1, 14) AS _dlt_id
         FROM range({rows});
         CHECKPOINT;"
    ))?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(case: &str, mut times: Vec<f64>, target: f64) {
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let p95 = pick(0.95);
    println!(
        "{case:<46} {:>10.1} {:>10.1} {:>10.1} {:>9}",
        pick(0.5),
        p95,
        times[times.len() - 1],
        format!(
            "{} {:.0}",
            if p95 <= target { "met" } else { "MISSED" },
            target
        )
    );
}

/// Opening the file, listing its tables (as the Data tab does) and reading the first window;
/// five times, each with a fresh viewer.
fn first_rows(
    path: &Path,
    case: &str,
    query: WindowQuery,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut viewer = Viewer::open(path, DATASET)?;
        viewer.tables()?;
        let window = viewer.window(&query)?;
        times.push(ms(started.elapsed()));
        assert_eq!(window.rows.len(), WINDOW as usize, "a full first window");
    }
    report(case, times, FIRST_ROWS_TARGET_MS);
    Ok(())
}

/// Jumps to 100 random places (a dragged scrollbar), after the first window.
fn scroll(
    path: &Path,
    case: &str,
    rows: u64,
    query: impl Fn(u64) -> WindowQuery,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut viewer = Viewer::open(path, DATASET)?;
    viewer.window(&query(0))?;
    random_jumps(&mut viewer, case, rows, &query)
}

/// A sorted or filtered view: the first window, then the first jump far down, which waits for
/// the view's order the first window started working out in the background (timed once, as the
/// one-off cost it is), then 100 random jumps and 100 windows in a row (the mouse wheel).
fn ordered(
    path: &Path,
    case: &str,
    rows: u64,
    query: impl Fn(u64) -> WindowQuery,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut viewer = Viewer::open(path, DATASET)?;
    viewer.window(&query(0))?;
    let started = Instant::now();
    viewer.window(&query(rows / 2))?;
    println!(
        "{:<46} {:>10.1}   (once per sort or filter, in the background from the first window)",
        format!("{case}: order worked out, first far jump"),
        ms(started.elapsed())
    );
    random_jumps(
        &mut viewer,
        &format!("random windows, {case}"),
        rows,
        &query,
    )?;
    in_a_row(
        &mut viewer,
        &format!("scrolling on, {case}"),
        rows / 4,
        &query,
    )
}

/// 100 windows one after another (the mouse wheel), from the middle of the table.
fn sequential(
    path: &Path,
    case: &str,
    rows: u64,
    query: impl Fn(u64) -> WindowQuery,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut viewer = Viewer::open(path, DATASET)?;
    in_a_row(&mut viewer, case, rows / 2, &query)
}

fn random_jumps(
    viewer: &mut Viewer,
    case: &str,
    rows: u64,
    query: &impl Fn(u64) -> WindowQuery,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut random = rand::rngs::StdRng::seed_from_u64(7);
    let mut times = Vec::new();
    for _ in 0..100 {
        let offset = random.random_range(0..rows - u64::from(WINDOW));
        let started = Instant::now();
        let window = viewer.window(&query(offset))?;
        times.push(ms(started.elapsed()));
        assert_eq!(
            window.rows.len(),
            WINDOW as usize,
            "a full window at {offset}"
        );
    }
    report(case, times, WINDOW_TARGET_MS);
    Ok(())
}

fn in_a_row(
    viewer: &mut Viewer,
    case: &str,
    from: u64,
    query: &impl Fn(u64) -> WindowQuery,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut times = Vec::new();
    for step in 0..100u64 {
        let started = Instant::now();
        viewer.window(&query(from + step * u64::from(WINDOW)))?;
        times.push(ms(started.elapsed()));
    }
    report(case, times, WINDOW_TARGET_MS);
    Ok(())
}
