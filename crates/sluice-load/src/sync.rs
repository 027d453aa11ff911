//! A sync: each chosen resource extracted by the engine, normalized and loaded into the DuckDB
//! file, one transaction per resource. Fetching runs on the async runtime while normalizing and
//! writing run on a blocking thread, with a bounded page queue between them.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sluice_engine::{Engine, Event, ResourceState, Summary};
use tokio::sync::{mpsc, oneshot};
use ts_rs::TS;

use crate::duck::{Destination, LoadRecord};
use crate::error::{Error, Result};
use crate::normalize::{Normalizer, Rows};
use crate::plan::{dataset_name, source_name, table_plan};
use crate::schema::Schema;

/// DuckDB's memory cap while a sync appends rows, unless told otherwise. DuckDB would otherwise
/// keep up to 80% of the machine's memory as cache, so a sync's footprint would grow with the
/// data; with a small cap it writes full row groups to the file and stays flat (the benchmark
/// measured 64 MB no slower than 256 MB, and flat from 100k to 1M records where 256 MB grew).
pub const DEFAULT_MEMORY_LIMIT: &str = "64MB";

/// DuckDB's memory cap while a merge's SQL runs, unless told otherwise: its joins and
/// de-duplication over a million rows fail under the append cap, and spill under this one.
pub const DEFAULT_MERGE_MEMORY_LIMIT: &str = "1GB";

/// A cancelled resource's error: its rows were rolled back, the file holds what it held.
pub const CANCELLED: &str = "cancelled: nothing of this resource was loaded";

/// What to sync and where.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// The DuckDB file (default: the connector's, `<pipeline_name>.duckdb`).
    pub db_path: Option<PathBuf>,
    /// The dataset (default: the connector's, `<pipeline_name>_dataset`).
    pub dataset: Option<String>,
    /// Resources to run; empty: every selected resource.
    pub resources: Vec<String>,
    /// Drop the resources' tables and incremental state first.
    pub full_refresh: bool,
    /// DuckDB's memory cap during the load, e.g. `"512MB"` (default: [`DEFAULT_MEMORY_LIMIT`]
    /// while appending, [`DEFAULT_MERGE_MEMORY_LIMIT`] while merging).
    pub memory_limit: Option<String>,
    /// Set to stop the sync: the resource being loaded rolls back, finished ones stay.
    pub cancel: Option<Arc<AtomicBool>>,
}

/// Progress of a sync, in the order things happen.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, export_to = "load/")]
pub enum SyncEvent {
    Started {
        load_id: String,
        db_path: String,
        dataset: String,
        resources: Vec<String>,
    },
    ResourceStarted {
        resource: String,
    },
    /// After each page is written.
    Progress {
        resource: String,
        #[ts(type = "number")]
        pages: u64,
        #[ts(type = "number")]
        records: u64,
        #[ts(type = "number")]
        rows: u64,
        seconds: f64,
    },
    /// What the engine reports (requests, retries, waits), already redacted.
    Engine {
        event: EngineEvent,
    },
    ResourceDone(ResourceSummary),
}

/// An engine event in a serializable shape.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export, export_to = "load/")]
pub struct EngineEvent {
    pub resource: String,
    pub kind: String,
    pub message: String,
}

impl EngineEvent {
    /// A retry or a wait before one: what a status line shows while nothing else moves.
    pub fn is_retry_or_wait(&self) -> bool {
        matches!(self.kind.as_str(), "retry" | "wait")
    }
}

impl From<Event> for EngineEvent {
    fn from(event: Event) -> EngineEvent {
        use sluice_engine::EventKind as K;
        let kind = match event.kind {
            K::Request { .. } => "request",
            K::TokenRequest { .. } => "token_request",
            K::Retry { .. } => "retry",
            K::Wait { .. } => "wait",
            K::Page { .. } => "page",
            K::Detected { .. } => "detected",
            K::Stopped { .. } => "stopped",
            K::Exchange(_) => "exchange",
        };
        EngineEvent {
            resource: event.resource,
            kind: kind.to_owned(),
            message: event.message,
        }
    }
}

/// How one resource's load ended.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export, export_to = "load/")]
pub struct ResourceSummary {
    pub resource: String,
    /// `None` when the load committed.
    pub error: Option<String>,
    /// What the user can do about the error, pointing at the form that holds the fix.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    /// The editor section the next step points at, for a link to it.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_in: Option<sluice_engine::FormSection>,
    #[ts(type = "number")]
    pub pages: u64,
    #[ts(type = "number")]
    pub records: u64,
    /// Rows written per table (zero for every table when the load rolled back).
    #[ts(type = "Record<string, number>")]
    pub tables: IndexMap<String, u64>,
    pub stop_reason: Option<String>,
    /// Paging stopped while the API's answer said there was more (a count above what was read,
    /// `has_more` still true, a next link left unfollowed).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    pub seconds: f64,
    /// The user cancelled the sync before this resource committed: nothing of it was loaded,
    /// and that is not a failure of the resource.
    #[serde(default)]
    pub cancelled: bool,
}

/// How a sync ended.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export, export_to = "load/")]
pub struct SyncSummary {
    pub load_id: String,
    pub db_path: String,
    pub dataset: String,
    pub resources: Vec<ResourceSummary>,
    pub seconds: f64,
}

impl SyncSummary {
    pub fn failed(&self) -> bool {
        self.resources.iter().any(|r| r.error.is_some())
    }
}

/// dlt's load id: the Unix time in seconds with a fraction, as text.
pub fn new_load_id() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:06}", now.as_secs(), now.subsec_micros())
}

/// The resources a sync runs: the ones asked for, else every selected one.
pub fn chosen_resources(engine: &Engine, asked: &[String]) -> Result<Vec<String>> {
    let all = engine.config().resolved_resources();
    if asked.is_empty() {
        return Ok(all
            .into_iter()
            .filter(|r| r.settings.selected != Some(false))
            .map(|r| r.name)
            .collect());
    }
    for name in asked {
        if !all.iter().any(|r| &r.name == name) {
            return Err(Error::UnknownResource(name.clone()));
        }
    }
    Ok(asked.to_vec())
}

/// Runs a sync. Resource failures do not stop the others; they are in the summary.
pub async fn sync(
    engine: &Engine,
    options: &SyncOptions,
    mut on_event: impl FnMut(SyncEvent) + Send,
) -> Result<SyncSummary> {
    let started = Instant::now();
    let config = engine.config().clone();
    let resources = chosen_resources(engine, &options.resources)?;
    let plans = resources
        .iter()
        .map(|name| {
            let resource = config
                .resolved_resources()
                .into_iter()
                .find(|r| &r.name == name)
                .ok_or_else(|| Error::UnknownResource(name.clone()))?;
            table_plan(&config, &resource)
        })
        .collect::<Result<Vec<_>>>()?;
    // Every resource's config and secrets are checked before anything is opened or requested,
    // so a missing secret stops the sync with nothing done.
    for name in &resources {
        engine.check(name)?;
    }
    let db_path = options
        .db_path
        .clone()
        .unwrap_or_else(|| PathBuf::from(config.effective_duckdb_file()));
    let dataset = dataset_name(&config, options.dataset.as_deref());
    let pipeline = config.effective_pipeline_name();
    let source = source_name(&config);
    let load_id = new_load_id();

    let (mut destination, mut state) = {
        let (db_path, dataset, pipeline, source, memory) = (
            db_path.clone(),
            dataset.clone(),
            pipeline.clone(),
            source.clone(),
            options.memory_limit.clone(),
        );
        blocking(move || {
            let mut destination = Destination::open(&db_path, &dataset)?;
            destination.set_memory_limits(
                memory.as_deref().unwrap_or(DEFAULT_MEMORY_LIMIT),
                memory.as_deref().unwrap_or(DEFAULT_MERGE_MEMORY_LIMIT),
            )?;
            let state = destination
                .stored_state(&pipeline)?
                .unwrap_or_else(|| crate::state::new_state(&pipeline, &dataset, &source));
            Ok((destination, state))
        })
        .await?
    };
    on_event(SyncEvent::Started {
        load_id: load_id.clone(),
        db_path: db_path.display().to_string(),
        dataset: dataset.clone(),
        resources: resources.clone(),
    });

    let mut summaries = Vec::new();
    for plan in plans {
        let resource = plan.resource.clone();
        if options
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            // Resources after a cancel are not started; they are reported so the summary
            // lists every resource that was asked for.
            let skipped = ResourceSummary {
                resource,
                error: Some(CANCELLED.into()),
                next_step: None,
                fix_in: None,
                pages: 0,
                records: 0,
                tables: IndexMap::new(),
                stop_reason: None,
                warning: None,
                seconds: 0.0,
                cancelled: true,
            };
            on_event(SyncEvent::ResourceDone(skipped.clone()));
            summaries.push(skipped);
            continue;
        }
        on_event(SyncEvent::ResourceStarted {
            resource: resource.clone(),
        });
        let resource_started = Instant::now();
        let previous = if options.full_refresh {
            ResourceState::default()
        } else {
            crate::state::resource_state(&state, &source, &resource)
        };
        let (returned, summary, new_state) = load_resource(
            engine,
            destination,
            plan,
            LoadContext {
                load_id: load_id.clone(),
                pipeline: pipeline.clone(),
                source: source.clone(),
                state: state.clone(),
                previous,
                fresh: options.full_refresh,
                cancel: options.cancel.clone(),
                started: resource_started,
            },
            &mut on_event,
        )
        .await;
        destination = returned;
        if let Some(new_state) = new_state {
            state = new_state;
        }
        on_event(SyncEvent::ResourceDone(summary.clone()));
        summaries.push(summary);
    }
    drop(destination);
    Ok(SyncSummary {
        load_id,
        db_path: db_path.display().to_string(),
        dataset,
        resources: summaries,
        seconds: started.elapsed().as_secs_f64(),
    })
}

struct LoadContext {
    load_id: String,
    pipeline: String,
    source: String,
    state: Value,
    previous: ResourceState,
    fresh: bool,
    cancel: Option<Arc<AtomicBool>>,
    started: Instant,
}

enum Decision {
    /// Boxed: the state is large and the decision travels through a channel.
    Commit(Box<ResourceState>),
    RollBack,
}

struct Progress {
    pages: u64,
    records: u64,
    rows: u64,
}

/// Loads one resource; gives the destination back whatever happens.
async fn load_resource(
    engine: &Engine,
    destination: Destination,
    plan: crate::normalize::TablePlan,
    context: LoadContext,
    on_event: &mut (impl FnMut(SyncEvent) + Send),
) -> (Destination, ResourceSummary, Option<Value>) {
    let resource = plan.resource.clone();
    let mut summary = ResourceSummary {
        resource: resource.clone(),
        error: None,
        next_step: None,
        fix_in: None,
        pages: 0,
        records: 0,
        tables: IndexMap::new(),
        stop_reason: None,
        warning: None,
        seconds: 0.0,
        cancelled: false,
    };
    let extraction = match engine.extract_with_state(&resource, &context.previous) {
        Ok(extraction) => extraction,
        Err(error) => {
            summary.error = Some(error.to_string());
            summary.next_step = error.next_step();
            summary.fix_in = error.fix_in();
            return (destination, summary, None);
        }
    };
    let mut pages = extraction.pages;
    let mut events = extraction.events;
    let (progress_tx, mut progress_rx) = mpsc::unbounded_channel::<Progress>();
    let (decision_tx, decision_rx) = oneshot::channel::<Decision>();
    let cancel = context.cancel.clone();
    let load_id = context.load_id.clone();
    let mut state = context.state.clone();
    let source = context.source.clone();
    let pipeline = context.pipeline.clone();
    let fresh = context.fresh;

    let writer = tokio::task::spawn_blocking(move || {
        let mut destination = destination;
        let outcome = (|| -> Result<(IndexMap<String, u64>, Option<Value>)> {
            let existing = destination.schema()?;
            let existing_for_plan = if fresh {
                Schema::default()
            } else {
                existing.clone()
            };
            let normalizer = Normalizer::new(plan.clone(), &load_id, &existing_for_plan);
            let mut load = destination.begin(&plan, fresh)?;
            let cancelled = || cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed));
            // Normalizing runs on a thread of its own, a page or two ahead of the appends, so
            // the two share the cores instead of taking turns.
            let (rows_tx, rows_rx) = std::sync::mpsc::sync_channel::<(Schema, Rows, u64)>(2);
            let (normalized, written) = std::thread::scope(|scope| {
                let normalizing = scope.spawn(move || -> Result<Normalizer> {
                    let mut normalizer = normalizer;
                    while let Some(page) = pages.blocking_recv() {
                        if cancelled() {
                            return Err(Error::Cancelled);
                        }
                        let records = page.records.len() as u64;
                        normalizer.normalize_owned(page.records)?;
                        let rows = normalizer.take_rows();
                        if rows_tx.send((normalizer.schema(), rows, records)).is_err() {
                            break; // the writer stopped on an error of its own
                        }
                    }
                    Ok(normalizer)
                });
                let written = (|| -> Result<()> {
                    let (mut page_count, mut records) = (0u64, 0u64);
                    for (schema, rows, page_records) in rows_rx {
                        if cancelled() {
                            return Err(Error::Cancelled);
                        }
                        load.write(&schema, rows)?;
                        page_count += 1;
                        records += page_records;
                        let _ = progress_tx.send(Progress {
                            pages: page_count,
                            records,
                            rows: load.rows().values().sum(),
                        });
                    }
                    Ok(())
                })();
                let normalized = normalizing.join().unwrap_or_else(|_| {
                    Err(Error::Unsupported {
                        resource: plan.resource.clone(),
                        message: "normalizing its records panicked".into(),
                    })
                });
                (normalized, written)
            });
            written?;
            let normalizer = normalized?;
            match decision_rx.blocking_recv() {
                Ok(Decision::Commit(stored)) => {
                    let mut full = existing;
                    for (name, table) in normalizer.schema().tables {
                        full.tables.insert(name, table);
                    }
                    crate::state::set_resource_state(&mut state, &source, &plan.resource, &stored);
                    let schema = crate::schema_json(&source, &full);
                    // Canonical JSON: the same tables in another order are the same version.
                    let schema_hash =
                        crate::digest_base64(sluice_engine::canonical_json(&schema).as_bytes());
                    let record = LoadRecord {
                        load_id: load_id.clone(),
                        schema_name: source.clone(),
                        pipeline_name: pipeline.clone(),
                        state: state.clone(),
                        schema,
                        schema_hash,
                    };
                    let rows = load.commit(&record)?;
                    Ok((rows, Some(state)))
                }
                _ => Ok((IndexMap::new(), None)),
            }
        })();
        (destination, outcome)
    });

    // Forward progress and engine events until the pages stop, then settle the outcome. A
    // cancel is noticed within a tick even while the engine waits on a slow or rate-limited API.
    let mut done = extraction.done;
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
    let mut cancelled = false;
    let extracted: sluice_engine::Result<Summary> = loop {
        tokio::select! {
            _ = tick.tick() => {
                if context.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                    done.abort();
                    cancelled = true;
                    break Err(sluice_engine::Error::Cancelled);
                }
            }
            Some(progress) = progress_rx.recv() => {
                summary.pages = progress.pages;
                summary.records = progress.records;
                on_event(SyncEvent::Progress {
                    resource: resource.clone(),
                    pages: progress.pages,
                    records: progress.records,
                    rows: progress.rows,
                    seconds: context.started.elapsed().as_secs_f64(),
                });
            }
            Some(event) = events.recv() => {
                on_event(SyncEvent::Engine { event: event.into() });
            }
            outcome = &mut done => {
                break outcome.unwrap_or_else(|error| Err(sluice_engine::Error::Config(
                    format!("the extraction task failed: {error}"),
                )));
            }
        }
    };
    let decision = match &extracted {
        Ok(extracted) => {
            summary.stop_reason = Some(extracted.stop_reason.clone());
            summary.warning = extracted.warning.clone();
            Decision::Commit(Box::new(ResourceState {
                own: extracted.incremental.clone(),
                parents: extracted.parents_incremental.clone(),
            }))
        }
        Err(_) if cancelled => {
            summary.error = Some(CANCELLED.into());
            summary.cancelled = true;
            Decision::RollBack
        }
        Err(error) => {
            summary.error = Some(error.to_string());
            summary.next_step = error.next_step();
            summary.fix_in = error.fix_in();
            Decision::RollBack
        }
    };
    let _ = decision_tx.send(decision);
    let joined = writer.await;
    while let Ok(progress) = progress_rx.try_recv() {
        summary.pages = progress.pages;
        summary.records = progress.records;
    }
    while let Ok(event) = events.try_recv() {
        on_event(SyncEvent::Engine {
            event: event.into(),
        });
    }
    summary.seconds = context.started.elapsed().as_secs_f64();
    match joined {
        Ok((destination, Ok((rows, new_state)))) => {
            summary.tables = rows;
            (destination, summary, new_state)
        }
        Ok((destination, Err(error))) => {
            if summary.error.is_none() {
                summary.error = Some(error.to_string());
                summary.next_step = error.next_step();
                summary.fix_in = error.fix_in();
            }
            (destination, summary, None)
        }
        // The writer thread panicked and took the destination with it: a bug, passed on as is.
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|error| {
            Err(Error::Duckdb {
                doing: "running the loader".into(),
                message: error.to_string(),
            })
        })
}

#[cfg(test)]
mod event_tests {
    use std::time::Duration;

    use sluice_engine::{Event, EventKind};

    use super::EngineEvent;

    fn event(kind: EventKind) -> EngineEvent {
        EngineEvent::from(Event {
            resource: "r".into(),
            kind,
            message: "m".into(),
        })
    }

    #[test]
    fn retries_and_waits_are_told_apart_from_the_rest() {
        assert!(event(EventKind::Retry {
            attempt: 1,
            reason: "HTTP 503".into()
        })
        .is_retry_or_wait());
        assert!(event(EventKind::Wait {
            duration: Duration::from_secs(2),
            reason: "backoff".into()
        })
        .is_retry_or_wait());
        assert!(!event(EventKind::Stopped {
            reason: "done".into()
        })
        .is_retry_or_wait());
    }
}
