//! The run history: one row per sync the app ran, with its summary and log.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result, Store};

/// How a run ended (or that it has not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "store/")]
pub enum RunStatus {
    Running,
    Succeeded,
    /// At least one resource failed; the others may have loaded.
    Failed,
    Cancelled,
    /// The app was closed or killed while the run was going.
    Interrupted,
}

impl RunStatus {
    fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Interrupted => "interrupted",
        }
    }

    fn parse(text: &str) -> RunStatus {
        match text {
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "failed" => RunStatus::Failed,
            "cancelled" => RunStatus::Cancelled,
            _ => RunStatus::Interrupted,
        }
    }
}

/// One row of the run history (without its log, which can be long).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "store/")]
pub struct Run {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub connector_id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: RunStatus,
    pub db_path: String,
    pub dataset: String,
    pub resources: Vec<String>,
    /// Rows written to all tables.
    #[ts(type = "number")]
    pub rows: i64,
    /// The sync's summary (rows per table per resource, errors), once finished.
    #[ts(type = "unknown")]
    pub summary: Option<serde_json::Value>,
}

/// What a finished run records.
pub struct RunOutcome<'a> {
    pub status: RunStatus,
    pub rows: i64,
    pub summary: &'a serde_json::Value,
    pub log: &'a str,
}

const COLUMNS: &str =
    "id, connector_id, started_at, finished_at, status, db_path, dataset, resources, rows, summary";

fn run_from_row(row: &Row<'_>) -> rusqlite::Result<(Run, String, Option<String>)> {
    let status: String = row.get(4)?;
    Ok((
        Run {
            id: row.get(0)?,
            connector_id: row.get(1)?,
            started_at: row.get(2)?,
            finished_at: row.get(3)?,
            status: RunStatus::parse(&status),
            db_path: row.get(5)?,
            dataset: row.get(6)?,
            resources: Vec::new(),
            rows: row.get(8)?,
            summary: None,
        },
        row.get(7)?,
        row.get(9)?,
    ))
}

fn parse((mut run, resources, summary): (Run, String, Option<String>)) -> Result<Run> {
    run.resources = serde_json::from_str(&resources)?;
    run.summary = summary.as_deref().map(serde_json::from_str).transpose()?;
    Ok(run)
}

impl Store {
    /// Records that a sync started; returns the run's id.
    pub fn start_run(
        &self,
        connector_id: i64,
        db_path: &str,
        dataset: &str,
        resources: &[String],
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (connector_id, db_path, dataset, resources) VALUES (?1, ?2, ?3, ?4)",
            params![
                connector_id,
                db_path,
                dataset,
                serde_json::to_string(resources)?
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records how a run ended, with its summary and log.
    pub fn finish_run(&self, run_id: i64, outcome: &RunOutcome<'_>) -> Result<Run> {
        self.conn.execute(
            "UPDATE runs SET status = ?2, rows = ?3, summary = ?4, log = ?5,
                 finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1",
            params![
                run_id,
                outcome.status.as_str(),
                outcome.rows,
                serde_json::to_string(outcome.summary)?,
                outcome.log
            ],
        )?;
        self.run(run_id)
    }

    /// Marks runs left `running` by an app that was closed or killed mid-sync. Called once when
    /// the app starts, before any sync can run.
    pub fn mark_interrupted_runs(&self) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE runs SET status = 'interrupted',
                 finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE status = 'running'",
            [],
        )?)
    }

    pub fn run(&self, run_id: i64) -> Result<Run> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM runs WHERE id = ?1"),
                [run_id],
                run_from_row,
            )
            .optional()?
            .ok_or(Error::RunNotFound(run_id))
            .and_then(parse)
    }

    /// A connector's runs, newest first.
    pub fn runs(&self, connector_id: i64, limit: u32) -> Result<Vec<Run>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM runs WHERE connector_id = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = statement.query_map(params![connector_id, limit], run_from_row)?;
        rows.map(|r| parse(r?)).collect()
    }

    /// Whether the connector has started a sync into `db_path` before (whatever came of it).
    pub fn has_synced_into(&self, connector_id: i64, db_path: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM runs WHERE connector_id = ?1 AND db_path = ?2)",
            params![connector_id, db_path],
            |r| r.get(0),
        )?)
    }

    /// A run's log, one line per event.
    pub fn run_log(&self, run_id: i64) -> Result<String> {
        self.conn
            .query_row("SELECT log FROM runs WHERE id = ?1", [run_id], |r| r.get(0))
            .optional()?
            .ok_or(Error::RunNotFound(run_id))
    }
}

/// A run's log as it grows: one line per request can be millions for a parent with many
/// children, so it keeps the first [`RunLog::KEEP`] lines and the last [`RunLog::KEEP`], and
/// counts the ones between. The start says how the run began, the end how it failed.
#[derive(Debug, Default)]
pub struct RunLog {
    head: Vec<String>,
    tail: std::collections::VecDeque<String>,
    left_out: u64,
}

impl RunLog {
    pub const KEEP: usize = 500;

    pub fn new() -> Self {
        RunLog::default()
    }

    pub fn push(&mut self, line: String) {
        if self.head.len() < Self::KEEP {
            self.head.push(line);
            return;
        }
        if self.tail.len() == Self::KEEP {
            self.tail.pop_front();
            self.left_out += 1;
        }
        self.tail.push_back(line);
    }

    /// The log as stored: the kept lines, with one line saying how many were left out.
    pub fn text(&self) -> String {
        let gap = (self.left_out > 0).then(|| {
            format!(
                "… {} lines left out (a run log keeps its first and last {} lines) …",
                self.left_out,
                Self::KEEP
            )
        });
        let lines: Vec<&str> = self
            .head
            .iter()
            .map(String::as_str)
            .chain(gap.as_deref())
            .chain(self.tail.iter().map(String::as_str))
            .collect();
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::RunLog;

    #[test]
    fn a_long_log_keeps_its_start_and_end_and_counts_the_rest() {
        let mut log = RunLog::new();
        for i in 0..100_000 {
            log.push(format!("line {i}"));
        }
        let text = log.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2 * RunLog::KEEP + 1);
        assert_eq!(lines[0], "line 0");
        assert_eq!(lines[RunLog::KEEP - 1], "line 499");
        assert_eq!(
            lines[RunLog::KEEP],
            "… 99000 lines left out (a run log keeps its first and last 500 lines) …"
        );
        assert_eq!(lines[RunLog::KEEP + 1], "line 99500");
        assert_eq!(*lines.last().expect("lines"), "line 99999");
    }

    #[test]
    fn a_short_log_is_kept_whole() {
        let mut log = RunLog::new();
        for i in 0..700 {
            log.push(format!("line {i}"));
        }
        let text = log.text();
        assert_eq!(text.lines().count(), 700);
        assert!(!text.contains("left out"));
    }
}
