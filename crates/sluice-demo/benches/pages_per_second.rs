//! How many pages per second the demo API serves on loopback, so that a benchmark of the engine
//! can show the demo server is not its bottleneck.
//!
//! `cargo bench -p sluice-demo` runs it; `SLUICE_BENCH_SECS` (default 5) and
//! `SLUICE_BENCH_CLIENTS` (default 4) change the run. The clients only read the bytes, so the
//! figure is the server's (plus HTTP), not a JSON parser's.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sluice_demo::{DemoOptions, DemoServer};

const RECORDS: u64 = 100_000;
const PAGE: u64 = 100;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let seconds = env_or("SLUICE_BENCH_SECS", 5);
    let clients = env_or("SLUICE_BENCH_CLIENTS", 4);
    let server = DemoServer::start(DemoOptions {
        records: RECORDS,
        ..DemoOptions::default()
    })
    .await?;

    // One checked page first: a benchmark of broken pages would be meaningless.
    let check: serde_json::Value =
        reqwest::get(server.url(&format!("/paging/offset?offset=0&limit={PAGE}")))
            .await?
            .json()
            .await?;
    let records = check["data"].as_array().map_or(0, Vec::len) as u64;
    if records != PAGE {
        return Err(format!("expected {PAGE} records on a page, got {records}").into());
    }

    let pages = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client_index in 0..clients {
        let (pages, bytes, stop) = (pages.clone(), bytes.clone(), stop.clone());
        let base = server.base_url().to_string();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut page = client_index;
            while !stop.load(Ordering::Relaxed) {
                let offset = (page * PAGE) % RECORDS;
                let url = format!("{base}/paging/offset?offset={offset}&limit={PAGE}");
                let body = client
                    .get(url)
                    .send()
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?;
                bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                pages.fetch_add(1, Ordering::Relaxed);
                page += clients;
            }
            Ok::<(), reqwest::Error>(())
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let pages = pages.load(Ordering::Relaxed) as f64;
    let megabytes = bytes.load(Ordering::Relaxed) as f64 / 1e6;
    println!(
        "demo API, {clients} clients, {PAGE} records per page, {elapsed:.1} s: \
         {:.0} pages/s, {:.0} records/s, {:.1} MB/s ({:.1} KB per page)",
        pages / elapsed,
        pages * PAGE as f64 / elapsed,
        megabytes / elapsed,
        megabytes * 1000.0 / pages.max(1.0),
    );
    server.shutdown().await?;
    Ok(())
}
