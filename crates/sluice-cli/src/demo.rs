//! `sluice demo serve`: the demo API on loopback, for the first-run connector, for trying a
//! connector without a real API, and as the server engine benchmarks run against.

use std::time::Duration;

use anyhow::Context as _;
use sluice_demo::{
    DemoOptions, DemoServer, FaultOptions, DEFAULT_RECORDS, DEFAULT_SEED, DEMO_API_KEY,
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
};

const FAULTS_HELP: &str = "Faults to inject into the data endpoints, comma-separated.

Shares are fractions (0.1) or percentages (10%) of request attempts and add up to at most 1:
  5xx=S                  answer 500, 502, 503 or 504
  429=S                  answer 429 with Retry-After
  retry-after=N          seconds the 429 asks to wait (default 1)
  retry-after-format=F   seconds, date or mixed (default mixed)
  slow=S                 answer late, otherwise normally
  slow-delay=D           how late, e.g. 250ms or 2s (default 200ms)
  malformed=S            answer 200 with invalid JSON
  truncated=S            answer 200 with the JSON cut in half
  html=S                 answer 200 with an HTML error page
  close=S                close the connection mid-body
  max-per-request=N      faults in a row for one request before it gets through (default 2)
  token                  also fault POST /oauth/token

Faults are drawn from the seed and each request's attempt number, so a run is reproducible.
Example: --faults '5xx=0.1,429=0.05,retry-after=2,close=0.01'";

/// Options of `sluice demo serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,

    /// Records in each resource (pages of 100 by default).
    #[arg(long, default_value_t = DEFAULT_RECORDS)]
    pub records: u64,

    /// Faults to inject, e.g. '5xx=0.1,429=0.05' (none by default).
    #[arg(long, default_value = "", long_help = FAULTS_HELP)]
    pub faults: FaultOptions,

    /// Seconds an OAuth2 access token stays valid.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub token_lifetime: u64,

    /// Seed of the records' values and of the fault draws.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

/// Serves the demo API until Ctrl-C.
pub async fn serve(args: DemoServeArgs) -> anyhow::Result<()> {
    let faults = args.faults.to_string();
    let server = DemoServer::start(DemoOptions {
        port: args.port,
        records: args.records,
        token_lifetime: Duration::from_secs(args.token_lifetime),
        seed: args.seed,
        faults: args.faults,
    })
    .await
    .context("could not start the demo API")?;
    let faults = if faults.is_empty() {
        String::new()
    } else {
        format!(", faults {faults}")
    };
    println!(
        "Sluice demo API on {base} ({records} records{faults}); OAuth2 client {DEMO_CLIENT_ID} / \
         {DEMO_CLIENT_SECRET} at {token}, API key {DEMO_API_KEY}; GET {base}/ lists the endpoints. \
         Ctrl-C stops it.",
        base = server.base_url(),
        records = args.records,
        token = server.token_url(),
    );
    tokio::signal::ctrl_c()
        .await
        .context("could not wait for Ctrl-C")?;
    server
        .shutdown()
        .await
        .context("the demo API did not stop cleanly")?;
    Ok(())
}
