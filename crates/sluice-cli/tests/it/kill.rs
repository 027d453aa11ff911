//! A merge sync killed with SIGKILL at random moments: after each kill the DuckDB file opens and
//! holds either the data of the last finished sync or the whole of the killed one, never a
//! part; a rerun then completes with no duplicates.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use sluice_demo::{DemoOptions, DemoServer};

use crate::sluice;
use crate::sync::tickets_connector;

const KILLS: usize = 24;

/// id → revision of every loaded ticket, plus the child-row counts and load records.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    tickets: BTreeMap<i64, i64>,
    duplicates: i64,
    tags: i64,
    orphan_fields: i64,
    loads: i64,
}

fn snapshot(path: &Path) -> Option<Snapshot> {
    if !path.exists() {
        return None;
    }
    let conn = duckdb::Connection::open(path).expect("the DuckDB file opens after a kill");
    let has_tickets: i64 = conn
        .query_row(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = 'support_dataset' AND table_name = 'tickets'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    if has_tickets == 0 {
        return None;
    }
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let mut statement = conn
        .prepare("SELECT id, revision FROM support_dataset.tickets")
        .unwrap();
    let tickets = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    Some(Snapshot {
        tickets,
        duplicates: count(
            "SELECT count(*) - count(DISTINCT id) FROM support_dataset.tickets",
        ),
        tags: count("SELECT count(*) FROM support_dataset.tickets__tags"),
        orphan_fields: count(
            "SELECT count(*) FROM support_dataset.tickets__custom_fields c \
             LEFT JOIN support_dataset.tickets t ON c._dlt_root_id = t._dlt_id WHERE t._dlt_id IS NULL",
        ),
        loads: count("SELECT count(*) FROM support_dataset._dlt_loads"),
    })
}

fn run_sync(file: &str, db: &str) -> std::process::Child {
    sluice(&["sync", file, "--db", db, "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sluice starts")
}

/// A finished merge: one row per ticket, two tags each, no orphans, one more load record, and
/// nothing of the previous state lost or rolled back.
fn assert_complete(after: &Snapshot, before: Option<&Snapshot>) {
    assert_eq!(after.duplicates, 0, "no duplicate tickets");
    assert_eq!(
        after.tags,
        2 * after.tickets.len() as i64,
        "two tags per ticket"
    );
    assert_eq!(after.orphan_fields, 0, "no orphaned child rows");
    if let Some(before) = before {
        assert_eq!(after.loads, before.loads + 1);
        for (id, revision) in &before.tickets {
            let now = after.tickets.get(id).expect("no ticket lost");
            assert!(
                now >= revision,
                "ticket {id} went back from {revision} to {now}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_merge_sync_killed_at_random_moments_never_leaves_half_a_load() {
    let server = DemoServer::start(DemoOptions {
        records: 3000,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("support.json");
    std::fs::write(&file, tickets_connector(server.base_url()).to_string()).unwrap();
    let db = dir.path().join("support.duckdb");
    let (file, db) = (
        file.to_str().unwrap().to_owned(),
        db.to_str().unwrap().to_owned(),
    );

    // How long a whole first sync takes sets the window the kills fall in.
    let started = Instant::now();
    let status = run_sync(&file, &db).wait().unwrap();
    assert!(status.success());
    let window = started.elapsed().mul_f64(1.2);
    let mut previous = snapshot(Path::new(&db)).expect("a first load");
    assert_complete(&previous, None);

    let seed: u64 = rand::random();
    eprintln!("kill moments drawn with seed {seed}, window {window:?}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut interrupted = 0;
    for kill in 0..KILLS {
        // Every round has changes to merge: new tickets and updated ones.
        server.advance();
        let delay = Duration::from_secs_f64(rng.random_range(0.0..window.as_secs_f64()));
        let (f, d) = (file.clone(), db.clone());
        tokio::task::spawn_blocking(move || {
            let mut child = run_sync(&f, &d);
            std::thread::sleep(delay);
            let _ = child.kill(); // SIGKILL
            child.wait().unwrap();
        })
        .await
        .unwrap();
        let after = snapshot(Path::new(&db)).expect("the file still holds the tickets");
        if after == previous {
            interrupted += 1;
        } else {
            // The kill came after the commit: the whole load is there.
            eprintln!("kill {kill} after {delay:?} came after the commit");
            assert_complete(&after, Some(&previous));
        }
        previous = after;
    }
    eprintln!("{interrupted} of {KILLS} kills interrupted a load before its commit");
    assert!(interrupted > 0, "some kills must land before the commit");

    // A clean rerun completes what the killed ones did not.
    let status = run_sync(&file, &db).wait().unwrap();
    assert!(status.success());
    let last = snapshot(Path::new(&db)).unwrap();
    assert_complete(&last, Some(&previous));
    let total = 3000 + 30 * KILLS as i64; // 1% new tickets per advance
    assert_eq!(last.tickets.len() as i64, total, "every ticket, once");
}
