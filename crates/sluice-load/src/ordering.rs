//! The row order of a sorted or filtered view of a table, worked out once on a second connection
//! in the background. Every window after that is a lookup by row id, where asking DuckDB for
//! `ORDER BY ... LIMIT ... OFFSET ...` would sort or scan the whole table again for each window.

use std::sync::Arc;
use std::thread::JoinHandle;

use duckdb::arrow::array::{Array, Int64Array};
use duckdb::{params_from_iter, Connection, InterruptHandle};

use crate::error::{Doing, Error, Result};

/// What a view's order depends on: the table, its WHERE clause with the bound filter texts, and
/// its ORDER BY clause.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ViewKey {
    pub table: String,
    pub clause: String,
    pub values: Vec<String>,
    pub order: String,
}

/// The thread working out an order, and the handle that stops its query.
type Building = (JoinHandle<Result<Vec<i64>>>, Arc<InterruptHandle>);

impl ViewKey {
    /// The view's ORDER BY; ties, and a view with no sort, keep the table's row order.
    pub fn order_by(&self) -> String {
        if self.order.is_empty() {
            "ORDER BY rowid".to_owned()
        } else {
            format!("{}, rowid", self.order)
        }
    }
}

/// The row ids of a view's rows in view order: being worked out, or worked out.
pub(crate) struct Ordering {
    key: ViewKey,
    building: Option<Building>,
    ids: Vec<i64>,
}

impl Ordering {
    /// Starts working out the order of `key`'s rows; `from` is the table's qualified name.
    pub fn start(conn: &Connection, key: ViewKey, from: &str) -> Result<Ordering> {
        let sql = format!("SELECT rowid FROM {from} {} {}", key.clause, key.order_by());
        let background = conn
            .try_clone()
            .doing(|| format!("opening a second connection to order {}", key.table))?;
        let interrupt = background.interrupt_handle();
        let values = key.values.clone();
        let table = key.table.clone();
        let thread = std::thread::Builder::new()
            .name("sluice-view-order".into())
            .spawn(move || row_ids(&background, &sql, &values, &table))
            .map_err(|error| Error::Duckdb {
                doing: format!("ordering the rows of {}", key.table),
                message: error.to_string(),
            })?;
        Ok(Ordering {
            key,
            building: Some((thread, interrupt)),
            ids: Vec::new(),
        })
    }

    pub fn key(&self) -> &ViewKey {
        &self.key
    }

    /// The view's row ids in order, once worked out. With `wait`, blocks until they are.
    pub fn ids(&mut self, wait: bool) -> Result<Option<&[i64]>> {
        if let Some((thread, _)) = &self.building {
            if !wait && !thread.is_finished() {
                return Ok(None);
            }
        }
        if let Some((thread, _)) = self.building.take() {
            self.ids = thread.join().map_err(|_| Error::Duckdb {
                doing: format!("ordering the rows of {}", self.key.table),
                message: "the ordering thread panicked".into(),
            })??;
        }
        Ok(Some(&self.ids))
    }
}

impl Drop for Ordering {
    /// A view that is no longer shown stops its work at once, and the connection it used is
    /// closed before the viewer's file is handed to a sync.
    fn drop(&mut self) {
        if let Some((thread, interrupt)) = self.building.take() {
            interrupt.interrupt();
            let _ = thread.join();
        }
    }
}

fn row_ids(conn: &Connection, sql: &str, values: &[String], table: &str) -> Result<Vec<i64>> {
    let doing = || format!("ordering the rows of {table}");
    let mut statement = conn.prepare(sql).doing(doing)?;
    let mut ids = Vec::new();
    // Arrow batches hand over the ids in bulk: for ten million rows, row-by-row reads take
    // longer than DuckDB's sort does.
    for batch in statement
        .query_arrow(params_from_iter(values.iter()))
        .doing(doing)?
    {
        let column = batch
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| Error::Duckdb {
                doing: doing(),
                message: "row ids did not come back as BIGINT".into(),
            })?;
        ids.extend_from_slice(column.values());
        debug_assert_eq!(column.null_count(), 0);
    }
    Ok(ids)
}
