//! Reading a DuckDB file for the table viewer: the tables of a dataset, windows of rows fetched on
//! demand (sorted and filtered by DuckDB; only a view's row ids are kept here), ad-hoc SQL, and
//! export to CSV or Parquet. The file is opened read-only, so nothing here can change the data.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering as Atomic};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use duckdb::{params_from_iter, AccessMode, Config, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Doing, Error, Result};
use crate::ordering::{Ordering, ViewKey};
use crate::schema::{quote, C_DLT_ID, C_DLT_PARENT_ID};

/// Offsets below this are read by skipping rows even in tables with deleted rows: cheaper than
/// mapping positions to row ids, so the first rows of a merged table show at once.
const SKIP_CHEAPLY: u64 = 20_000;

/// Windows of a sorted or filtered view that start before this row are answered by DuckDB directly
/// until the view's order is worked out: a top-N this deep costs about what the first window does.
const DIRECT_BELOW: u64 = 5_000;

/// A window's row ids within this many rows of each other on average are read as one range of
/// row ids: reading the rows between them costs less than matching a list of ids.
const NEARBY_SPAN: i64 = 4;

/// Rows a single window may hold; the grid asks for a screenful or two at a time.
pub const MAX_WINDOW: u32 = 2_000;

/// One table of the dataset, as the viewer's table picker shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "load/")]
pub struct TableSummary {
    pub name: String,
    /// The table whose rows this one's rows belong to (`tickets` for `tickets__tags`).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Tables holding this one's nested lists.
    pub children: Vec<String>,
    #[ts(type = "number")]
    pub rows: u64,
    pub columns: Vec<GridColumn>,
    /// dlt's bookkeeping tables (`_dlt_loads`, `_dlt_version`, `_dlt_pipeline_state`).
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "load/")]
pub struct GridColumn {
    pub name: String,
    /// DuckDB's type name (`VARCHAR`, `BIGINT`, `TIMESTAMP WITH TIME ZONE`, ...).
    pub data_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "load/")]
pub enum FilterOp {
    /// The value's text contains the filter text, ignoring case.
    Contains,
    Equals,
    NotEquals,
    GreaterThan,
    LessThan,
    IsEmpty,
    IsNotEmpty,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "load/")]
pub struct Filter {
    pub column: String,
    pub op: FilterOp,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "load/")]
pub struct Sort {
    pub column: String,
    #[serde(default)]
    pub descending: bool,
}

/// Which rows of a table to fetch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "load/")]
pub struct WindowQuery {
    pub table: String,
    #[ts(type = "number")]
    pub offset: u64,
    pub limit: u32,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<Sort>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

/// A window of rows. Values are DuckDB's own text for them; `None` is SQL NULL.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "load/")]
pub struct Window {
    pub columns: Vec<GridColumn>,
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<Vec<Option<String>>>,
    /// Rows matching the filters (the grid's scroll height). For ad-hoc SQL: the rows returned,
    /// with `more` set when the limit cut the result.
    #[ts(type = "number")]
    pub total: u64,
    pub more: bool,
    /// For a table with nested lists: how many rows of each child table belong to each row.
    /// Empty for ad-hoc SQL.
    pub nested: Vec<NestedCounts>,
}

/// How many rows of one child table belong to each row of a window, in the window's row order.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "load/")]
pub struct NestedCounts {
    pub table: String,
    #[ts(type = "number[]")]
    pub counts: Vec<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "load/")]
pub enum ExportFormat {
    Csv,
    Parquet,
}

/// What to export: a table (with the viewer's sort and filters) or an ad-hoc query's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, export_to = "load/")]
pub enum ExportSource {
    Table {
        table: String,
        #[ts(optional)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sort: Option<Sort>,
        #[serde(default)]
        filters: Vec<Filter>,
    },
    Query {
        sql: String,
    },
}

/// Stops what a viewer runs now (a query, an export) from another thread; the work then fails
/// with DuckDB's interrupt error. A no-op when nothing runs.
#[derive(Clone, Default)]
pub struct Interrupter(Arc<InterruptState>);

#[derive(Default)]
struct InterruptState {
    handle: Mutex<Option<Arc<duckdb::InterruptHandle>>>,
    /// A query or export is under way (from its first step, before its SQL starts).
    busy: AtomicBool,
    /// Asked to stop since the work began.
    asked: AtomicBool,
}

/// How often an interrupt is repeated until the work notices it.
const INTERRUPT_REPEAT: Duration = Duration::from_millis(50);

impl Interrupter {
    pub fn interrupt(&self) {
        let state = &self.0;
        if !state.busy.load(Atomic::SeqCst) || state.asked.swap(true, Atomic::SeqCst) {
            return;
        }
        state.poke();
        // DuckDB forgets an interrupt that comes before its query has started (an export first
        // opens a connection of its own), so the stop is repeated until the work ends.
        let state = self.0.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(INTERRUPT_REPEAT);
            if !state.busy.load(Atomic::SeqCst) || !state.asked.load(Atomic::SeqCst) {
                break;
            }
            state.poke();
        });
    }

    /// From now on, interrupts work on `conn`.
    fn watch(&self, conn: &Connection) {
        *self.0.slot() = Some(conn.interrupt_handle());
    }

    /// Marks work that [`Interrupter::interrupt`] may stop, until the guard drops.
    fn begin(&self) -> Busy {
        self.0.asked.store(false, Atomic::SeqCst);
        self.0.busy.store(true, Atomic::SeqCst);
        Busy(self.0.clone())
    }
}

impl InterruptState {
    fn poke(&self) {
        if let Some(handle) = self.slot().as_ref() {
            handle.interrupt();
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<duckdb::InterruptHandle>>> {
        self.handle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Work in progress, for the interrupter; dropping it ends the work's stoppable span.
struct Busy(Arc<InterruptState>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.store(false, Atomic::SeqCst);
        self.0.asked.store(false, Atomic::SeqCst);
    }
}

/// A read-only view of one dataset in a DuckDB file.
pub struct Viewer {
    conn: Connection,
    interrupter: Interrupter,
    path: PathBuf,
    dataset: String,
    /// Per table: its columns and whether its row ids run 0..n with no gaps (no deleted rows),
    /// which lets an unsorted, unfiltered window be read by row id instead of by skipping rows.
    tables: HashMap<String, TableLayout>,
    /// Filtered row counts by their WHERE clause, so scrolling does not count again.
    counts: HashMap<(String, String, Vec<String>), u64>,
    /// The order of the sorted or filtered view last shown.
    ordering: Option<Ordering>,
    direct_below: u64,
}

struct TableLayout {
    columns: Vec<GridColumn>,
    rows: u64,
    dense_row_ids: bool,
    /// For a table with gaps in its row ids: a temp table whose row `i` holds the row id of the
    /// table's `i`-th row, made on the first unsorted window.
    positions: Option<String>,
}

impl Viewer {
    /// Opens `path` read-only. A sync must not be writing the file from this process.
    pub fn open(path: &Path, dataset: &str) -> Result<Viewer> {
        if !path.exists() {
            return Err(Error::Open {
                path: path.to_owned(),
                message: "there is no such file yet; run a sync to create it".into(),
            });
        }
        let open_error = |error: duckdb::Error| crate::error::open_error(path, &error);
        let conn = open_sealed(path, dataset, &[]).map_err(open_error)?;
        let interrupter = Interrupter::default();
        interrupter.watch(&conn);
        Ok(Viewer {
            conn,
            interrupter,
            path: path.to_owned(),
            dataset: dataset.to_owned(),
            tables: HashMap::new(),
            counts: HashMap::new(),
            ordering: None,
            direct_below: DIRECT_BELOW,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn dataset(&self) -> &str {
        &self.dataset
    }

    /// The datasets in the file that a sync made (those with dlt's `_dlt_loads`), in name order.
    pub fn datasets(&self) -> Result<Vec<String>> {
        let doing = || "listing datasets".to_owned();
        let mut statement = self
            .conn
            .prepare(
                "SELECT table_schema FROM information_schema.tables \
                 WHERE table_name = '_dlt_loads' AND table_catalog = current_database() \
                 ORDER BY table_schema",
            )
            .doing(doing)?;
        let rows = statement.query_map([], |row| row.get(0)).doing(doing)?;
        rows.collect::<duckdb::Result<_>>().doing(doing)
    }

    /// The dataset's tables: data tables in name order (each parent before its children), then
    /// dlt's own tables.
    pub fn tables(&mut self) -> Result<Vec<TableSummary>> {
        let names = self.table_names()?;
        let mut summaries = Vec::new();
        for name in &names {
            let parent = self.parent_among(name, &names)?;
            let layout = self.layout(name)?;
            summaries.push(TableSummary {
                name: name.clone(),
                parent,
                children: Vec::new(),
                rows: layout.rows,
                columns: layout.columns.clone(),
                internal: name.starts_with("_dlt_"),
            });
        }
        let links: Vec<(String, String)> = summaries
            .iter()
            .filter_map(|t| Some((t.parent.clone()?, t.name.clone())))
            .collect();
        for (parent, child) in links {
            if let Some(table) = summaries.iter_mut().find(|t| t.name == parent) {
                table.children.push(child);
            }
        }
        summaries.sort_by_key(|t| t.internal);
        Ok(summaries)
    }

    fn table_names(&self) -> Result<Vec<String>> {
        crate::duck::table_names(&self.conn, &self.dataset)
    }

    /// The table whose rows `name`'s rows belong to, as dlt names them: the longest other table
    /// name that `name` starts with followed by `__`, if `name` has a `_dlt_parent_id` column.
    fn parent_among(&mut self, name: &str, names: &[String]) -> Result<Option<String>> {
        let has_parent_id = self
            .layout(name)?
            .columns
            .iter()
            .any(|c| c.name == C_DLT_PARENT_ID);
        Ok(has_parent_id
            .then(|| {
                names
                    .iter()
                    .filter(|p| *p != name && name.starts_with(&format!("{p}__")))
                    .max_by_key(|p| p.len())
                    .cloned()
            })
            .flatten())
    }

    /// How many child rows each row of `rows` has in each of `table`'s child tables: one
    /// grouped count per child over just the window's `_dlt_id`s.
    fn nested_counts(
        &mut self,
        table: &str,
        columns: &[GridColumn],
        rows: &[Vec<Option<String>>],
    ) -> Result<Vec<NestedCounts>> {
        let Some(id_at) = columns.iter().position(|c| c.name == C_DLT_ID) else {
            return Ok(Vec::new());
        };
        let names = self.table_names()?;
        let mut children = Vec::new();
        for name in &names {
            if self.parent_among(name, &names)?.as_deref() == Some(table) {
                children.push(name.clone());
            }
        }
        let ids: Vec<&str> = rows.iter().filter_map(|r| r[id_at].as_deref()).collect();
        let mut nested = Vec::new();
        for child in children {
            let mut by_parent: HashMap<String, u64> = HashMap::new();
            if !ids.is_empty() {
                let marks = vec!["?"; ids.len()].join(", ");
                let sql = format!(
                    "SELECT {C_DLT_PARENT_ID}, count(*) FROM {} WHERE {C_DLT_PARENT_ID} IN ({marks}) GROUP BY 1",
                    self.qualified(&child)
                );
                let doing = || format!("counting the rows of {child} per row of {table}");
                let mut statement = self.conn.prepare(&sql).doing(doing)?;
                let found = statement
                    .query_map(params_from_iter(ids.iter()), |row| {
                        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                    })
                    .doing(doing)?;
                for pair in found {
                    let (parent, count) = pair.doing(doing)?;
                    by_parent.insert(parent, count.max(0) as u64);
                }
            }
            let counts = rows
                .iter()
                .map(|r| {
                    r[id_at]
                        .as_ref()
                        .and_then(|id| by_parent.get(id))
                        .copied()
                        .unwrap_or(0)
                })
                .collect();
            nested.push(NestedCounts {
                table: child,
                counts,
            });
        }
        Ok(nested)
    }

    /// A window of a table's rows, sorted and filtered by DuckDB.
    pub fn window(&mut self, query: &WindowQuery) -> Result<Window> {
        let _busy = self.interrupter.begin();
        let mut window = self.rows_window(query)?;
        window.nested = self.nested_counts(&query.table, &window.columns, &window.rows)?;
        Ok(window)
    }

    fn rows_window(&mut self, query: &WindowQuery) -> Result<Window> {
        let limit = query.limit.clamp(1, MAX_WINDOW);
        let layout = self.layout(&query.table)?;
        let columns = layout.columns.clone();
        let dense = layout.dense_row_ids;
        let table_rows = layout.rows;
        let (clause, values) = where_clause(&query.table, &columns, &query.filters)?;
        let order = order_clause(&query.table, &columns, query.sort.as_ref())?;
        if !clause.is_empty() || !order.is_empty() {
            let key = ViewKey {
                table: query.table.clone(),
                clause,
                values,
                order,
            };
            return self.ordered_window(key, columns, table_rows, query.offset, limit);
        }
        let from = self.qualified(&query.table);
        let select = select_list(&columns);
        let total = table_rows;

        // Read the window by row id, which DuckDB answers from the row groups that hold it
        // instead of skipping `offset` rows. Row ids 0..n are positions; a table with deleted
        // rows (every merge) maps positions to row ids once.
        let range = if query.offset < total {
            let last = (query.offset + u64::from(limit)).min(total) - 1;
            if dense {
                Some((query.offset, last))
            } else if query.offset < SKIP_CHEAPLY {
                // Near the top skipping is cheaper than mapping every row first.
                None
            } else {
                self.row_ids_at(&query.table, query.offset, last)?
            }
        } else {
            None
        };
        let sql = if let Some((first, last)) = range {
            format!(
                "SELECT {select} FROM {from} WHERE rowid >= {first} AND rowid <= {last} ORDER BY rowid"
            )
        } else {
            format!(
                "SELECT {select} FROM {from} ORDER BY rowid LIMIT {limit} OFFSET {offset}",
                offset = query.offset
            )
        };
        let rows = self.fetch_text_rows(&sql, &[], columns.len())?;
        Ok(Window {
            columns,
            offset: query.offset,
            more: query.offset + (rows.len() as u64) < total,
            rows,
            total,
            nested: Vec::new(),
        })
    }

    /// Windows answered by DuckDB directly while a view's order is being worked out (its first
    /// screens show at once); a window from this offset on waits for the order. Zero makes every
    /// window wait for it, and `u64::MAX` never works it out: tests check both against DuckDB.
    pub fn with_direct_windows_below(mut self, offset: u64) -> Viewer {
        self.direct_below = offset;
        self
    }

    /// A window of a sorted or filtered view. The first window starts working out the view's
    /// whole order in the background (one sort or scan); windows then read their rows by id.
    fn ordered_window(
        &mut self,
        key: ViewKey,
        columns: Vec<GridColumn>,
        table_rows: u64,
        offset: u64,
        limit: u32,
    ) -> Result<Window> {
        let from = self.qualified(&key.table);
        let works_out_orders = self.direct_below != u64::MAX;
        if self.ordering.as_ref().is_some_and(|o| o.key() != &key) {
            // Dropping the old order stops its work at once.
            self.ordering = None;
        }
        let wait = offset >= self.direct_below;
        if works_out_orders && wait && self.ordering.is_none() {
            self.ordering = Some(Ordering::start(&self.conn, key.clone(), &from)?);
        }
        let worked_out = match self.ordering.as_mut() {
            Some(ordering) => ordering.ids(wait)?.map(|ids| {
                let start = (offset as usize).min(ids.len());
                let end = (start + limit as usize).min(ids.len());
                (ids.len() as u64, ids[start..end].to_vec())
            }),
            None => None,
        };
        let (total, ids) = match worked_out {
            Some(found) => found,
            None => {
                let total = if key.clause.is_empty() {
                    table_rows
                } else {
                    self.count(&key, &from)?
                };
                let sql = format!(
                    "SELECT rowid FROM {from} {} {} LIMIT {limit} OFFSET {offset}",
                    key.clause,
                    key.order_by()
                );
                let ids = self.fetch_ids(&sql, &key.values)?;
                (total, ids)
            }
        };
        let rows = self.rows_by_id(&from, &columns, &ids)?;
        // Started after the first window is read, so the two do not share the cores.
        if works_out_orders && self.ordering.is_none() {
            self.ordering = Some(Ordering::start(&self.conn, key, &from)?);
        }
        Ok(Window {
            columns,
            offset,
            more: offset + (rows.len() as u64) < total,
            rows,
            total,
            nested: Vec::new(),
        })
    }

    /// Rows matching a view's filters, counted once per view.
    fn count(&mut self, key: &ViewKey, from: &str) -> Result<u64> {
        let cache_key = (key.table.clone(), key.clause.clone(), key.values.clone());
        if let Some(count) = self.counts.get(&cache_key) {
            return Ok(*count);
        }
        let count: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) FROM {from} {}", key.clause),
                params_from_iter(key.values.iter()),
                |row| row.get(0),
            )
            .doing(|| format!("counting the rows of {}", key.table))?;
        let count = count.max(0) as u64;
        self.counts.insert(cache_key, count);
        Ok(count)
    }

    fn fetch_ids(&self, sql: &str, values: &[String]) -> Result<Vec<i64>> {
        let mut statement = self.conn.prepare(sql).map_err(query_error)?;
        let rows = statement
            .query_map(params_from_iter(values.iter()), |row| row.get(0))
            .map_err(query_error)?;
        rows.collect::<duckdb::Result<_>>().map_err(query_error)
    }

    /// A table's rows by row id, in the order of `ids`. Ids close together (a filtered view's) are
    /// read as one range of row ids. Scattered ids (a sorted view's) are one list, which DuckDB
    /// turns into a filter inside its table scan, decoding only the wanted rows of each column: a
    /// window then costs about the same wherever in the table its rows lie.
    fn rows_by_id(
        &self,
        from: &str,
        columns: &[GridColumn],
        ids: &[i64],
    ) -> Result<Vec<Vec<Option<String>>>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut wanted = ids.to_vec();
        wanted.sort_unstable();
        let (first, last) = (wanted[0], wanted[wanted.len() - 1]);
        let which = if last - first < NEARBY_SPAN * ids.len() as i64 {
            format!("rowid >= {first} AND rowid <= {last}")
        } else {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            format!("rowid IN (SELECT unnest([{list}]))")
        };
        // The ORDER BY is not for the order (`ids` sets that below): without it DuckDB keeps the
        // table's order by feeding the result from one thread, which halved the speed of reading
        // rows it has not loaded yet (90 against 48 ms for a sorted window on 10M rows).
        let sql = format!(
            "SELECT rowid, {} FROM {from} WHERE {which} ORDER BY rowid",
            select_list(columns)
        );
        let mut statement = self.conn.prepare(&sql).map_err(query_error)?;
        let mut rows = statement.query([]).map_err(query_error)?;
        let mut found = HashMap::with_capacity(ids.len());
        while let Some(row) = rows.next().map_err(query_error)? {
            let id: i64 = row.get(0).map_err(query_error)?;
            // A range also holds the rows between the wanted ones.
            if wanted.binary_search(&id).is_err() {
                continue;
            }
            let mut cells = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                cells.push(row.get::<_, Option<String>>(i + 1).map_err(query_error)?);
            }
            found.insert(id, cells);
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Runs an ad-hoc query and returns its first `limit` rows. Only one query runs (see
    /// [`one_query`]), on a connection that cannot reach files, the network or its own settings.
    pub fn query(&mut self, sql: &str, limit: u32) -> Result<Window> {
        let _busy = self.interrupter.begin();
        let sql = one_query(&self.conn, sql)?;
        let limit = limit.clamp(1, MAX_WINDOW);
        let columns = self.describe(&sql)?;
        // The user's text stands on lines of its own, so a closing `--` comment ends there.
        let fetch = format!(
            "SELECT COLUMNS(*)::VARCHAR FROM (\n{sql}\n) AS query LIMIT {}",
            u64::from(limit) + 1
        );
        let mut rows = self.fetch_text_rows(&fetch, &[], columns.len())?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        Ok(Window {
            columns,
            offset: 0,
            total: rows.len() as u64,
            rows,
            more,
            nested: Vec::new(),
        })
    }

    /// Writes a table (with sort and filters) or a query's whole result to `target`; returns the
    /// rows written.
    pub fn export(
        &mut self,
        source: &ExportSource,
        target: &Path,
        format: ExportFormat,
    ) -> Result<u64> {
        let busy = self.interrupter.begin();
        let (select, values) = match source {
            ExportSource::Table {
                table,
                sort,
                filters,
            } => {
                let columns = self.layout(table)?.columns.clone();
                let (clause, values) = where_clause(table, &columns, filters)?;
                let order = order_clause(table, &columns, sort.as_ref())?;
                (
                    format!("SELECT * FROM {} {clause} {order}", self.qualified(table)),
                    values,
                )
            }
            ExportSource::Query { sql } => (one_query(&self.conn, sql)?, Vec::new()),
        };
        if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !folder.is_dir() {
                return Err(Error::Export {
                    path: target.to_owned(),
                    message: "its folder does not exist".into(),
                });
            }
        }
        let options = match format {
            ExportFormat::Csv => "FORMAT csv, HEADER true",
            ExportFormat::Parquet => "FORMAT parquet",
        };
        let export_error = |error: duckdb::Error| Error::Export {
            path: target.to_owned(),
            message: without_sql_excerpt(&error),
        };
        let sql = format!(
            "COPY (\n{select}\n) TO '{}' ({options})",
            target.display().to_string().replace('\'', "''")
        );
        // The viewer's connection reaches no file but its own. The export runs on an instance
        // of its own that may write the chosen file and nothing else; the viewer's instance is
        // closed first, because closing a second handle of the file in this process would drop
        // the lock the first one holds (POSIX record locks are per process).
        self.close_instance();
        let written = open_sealed(&self.path, &self.dataset, &[target])
            .and_then(|conn| {
                self.interrupter.watch(&conn);
                conn.execute(&sql, params_from_iter(values.iter()))
            })
            .map_err(export_error);
        // Stopping ends with the export: the viewer's own connection, opened again below, is
        // not to be interrupted.
        drop(busy);
        let reopened = open_sealed(&self.path, &self.dataset, &[])
            .map_err(|error| crate::error::open_error(&self.path, &error));
        self.conn = reopened?;
        self.interrupter.watch(&self.conn);
        Ok(written? as u64)
    }

    /// What stops this viewer's running work from another thread.
    pub fn interrupter(&self) -> Interrupter {
        self.interrupter.clone()
    }

    /// Drops the instance (and whatever was worked out on it) so the file is closed.
    fn close_instance(&mut self) {
        self.ordering = None;
        for layout in self.tables.values_mut() {
            layout.positions = None;
        }
        if let Ok(placeholder) = Connection::open_in_memory() {
            drop(std::mem::replace(&mut self.conn, placeholder));
        }
    }

    /// The row ids at positions `first` and `last` of a table with gaps in its row ids.
    fn row_ids_at(&mut self, table: &str, first: u64, last: u64) -> Result<Option<(u64, u64)>> {
        let from = self.qualified(table);
        let made = self.tables.get(table).and_then(|t| t.positions.clone());
        let positions = match made {
            Some(name) => name,
            None => {
                let name = format!("sluice_positions_{}", self.tables.len());
                self.conn
                    .execute_batch(&format!(
                        "CREATE OR REPLACE TEMP TABLE {name} AS SELECT rowid AS r FROM {from} ORDER BY rowid"
                    ))
                    .doing(|| format!("indexing the rows of {table}"))?;
                if let Some(layout) = self.tables.get_mut(table) {
                    layout.positions = Some(name.clone());
                }
                name
            }
        };
        let ids: Vec<i64> = {
            let mut statement = self
                .conn
                .prepare(&format!(
                    "SELECT r FROM {positions} WHERE rowid = {first} OR rowid = {last} ORDER BY rowid"
                ))
                .doing(|| format!("finding rows of {table}"))?;
            let rows = statement
                .query_map([], |row| row.get(0))
                .doing(|| format!("finding rows of {table}"))?;
            rows.collect::<duckdb::Result<_>>()
                .doing(|| format!("finding rows of {table}"))?
        };
        Ok(match ids.as_slice() {
            [only] => Some((*only as u64, *only as u64)),
            [a, b] => Some((*a as u64, *b as u64)),
            _ => None,
        })
    }

    fn qualified(&self, table: &str) -> String {
        format!("{}.{}", quote(&self.dataset), quote(table))
    }

    fn describe(&self, sql: &str) -> Result<Vec<GridColumn>> {
        let mut statement = self
            .conn
            .prepare(&format!("DESCRIBE SELECT * FROM (\n{sql}\n) AS query"))
            .map_err(query_error)?;
        let rows = statement
            .query_map([], |row| {
                Ok(GridColumn {
                    name: row.get(0)?,
                    data_type: row.get(1)?,
                })
            })
            .map_err(query_error)?;
        rows.collect::<duckdb::Result<_>>().map_err(query_error)
    }

    fn layout(&mut self, table: &str) -> Result<&TableLayout> {
        if !self.tables.contains_key(table) {
            let layout = self.read_layout(table)?;
            self.tables.insert(table.to_owned(), layout);
        }
        self.tables
            .get(table)
            .ok_or_else(|| Error::NoTable(table.to_owned()))
    }

    fn read_layout(&self, table: &str) -> Result<TableLayout> {
        let columns: Vec<GridColumn> = {
            let mut statement = self
                .conn
                .prepare(
                    "SELECT column_name, data_type FROM information_schema.columns \
                     WHERE table_schema = ? AND table_name = ? AND table_catalog = current_database() \
                     ORDER BY ordinal_position",
                )
                .doing(|| format!("reading the columns of {table}"))?;
            let rows = statement
                .query_map([&self.dataset, table], |row| {
                    Ok(GridColumn {
                        name: row.get(0)?,
                        data_type: row.get(1)?,
                    })
                })
                .doing(|| format!("reading the columns of {table}"))?;
            rows.collect::<duckdb::Result<_>>()
                .doing(|| format!("reading the columns of {table}"))?
        };
        if columns.is_empty() {
            return Err(Error::NoTable(table.to_owned()));
        }
        let (rows, max_row_id): (i64, Option<i64>) = self
            .conn
            .query_row(
                &format!("SELECT count(*), max(rowid) FROM {}", self.qualified(table)),
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .doing(|| format!("counting the rows of {table}"))?;
        Ok(TableLayout {
            columns,
            rows: rows.max(0) as u64,
            dense_row_ids: max_row_id.is_none_or(|max| max + 1 == rows),
            positions: None,
        })
    }

    fn fetch_text_rows(
        &self,
        sql: &str,
        values: &[String],
        width: usize,
    ) -> Result<Vec<Vec<Option<String>>>> {
        let mut statement = self.conn.prepare(sql).map_err(query_error)?;
        let mut rows = statement
            .query(params_from_iter(values.iter()))
            .map_err(query_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(query_error)? {
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                cells.push(row.get::<_, Option<String>>(i).map_err(query_error)?);
            }
            out.push(cells);
        }
        Ok(out)
    }
}

/// A failed ad-hoc or window query: DuckDB's own words say what is wrong with it.
fn query_error(error: duckdb::Error) -> Error {
    Error::Query(without_sql_excerpt(&error))
}

/// DuckDB's message without the excerpt it appends (`LINE 1: DESCRIBE SELECT * FROM (...`): that
/// quotes the SQL the viewer wrapped around the user's, which the user never wrote. A mistake in
/// the user's own text is reported before anything runs, with the excerpt of that text.
fn without_sql_excerpt(error: &duckdb::Error) -> String {
    let message = error.to_string();
    match message
        .find("\n\nLINE ")
        .or_else(|| message.find("\nLINE "))
    {
        Some(at) => message[..at].trim_end().to_owned(),
        None => message,
    }
}

/// Every column as DuckDB's text for it, so the grid shows values exactly as DuckDB prints them.
fn select_list(columns: &[GridColumn]) -> String {
    columns
        .iter()
        .map(|c| format!("CAST({} AS VARCHAR)", quote(&c.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn column<'a>(table: &str, columns: &'a [GridColumn], name: &str) -> Result<&'a GridColumn> {
    columns
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| Error::NoColumn {
            table: table.to_owned(),
            column: name.to_owned(),
        })
}

/// The WHERE clause of the filters, with the filter texts as bound parameters (never spliced).
fn where_clause(
    table: &str,
    columns: &[GridColumn],
    filters: &[Filter],
) -> Result<(String, Vec<String>)> {
    let mut terms = Vec::new();
    let mut values = Vec::new();
    for filter in filters {
        let col = column(table, columns, &filter.column)?;
        let name = quote(&col.name);
        let term = match filter.op {
            FilterOp::Contains => {
                values.push(filter.value.clone());
                format!("contains(lower(CAST({name} AS VARCHAR)), lower(?))")
            }
            FilterOp::Equals | FilterOp::NotEquals | FilterOp::GreaterThan | FilterOp::LessThan => {
                let op = match filter.op {
                    FilterOp::Equals => "=",
                    FilterOp::NotEquals => "<>",
                    FilterOp::GreaterThan => ">",
                    _ => "<",
                };
                values.push(filter.value.clone());
                // Compared as the column's type, so 9 < 10 for numbers and dates order as dates;
                // a text that is not of that type matches nothing. The type name comes from the
                // file, so only a plain one (`BIGINT`, `DECIMAL(18,3)`, `TIMESTAMP WITH TIME
                // ZONE`) is written into the SQL; any other column compares as text.
                match plain_type(&col.data_type) {
                    Some(data_type) => format!("{name} {op} TRY_CAST(? AS {data_type})"),
                    None => format!("CAST({name} AS VARCHAR) {op} ?"),
                }
            }
            FilterOp::IsEmpty => format!("{name} IS NULL"),
            FilterOp::IsNotEmpty => format!("{name} IS NOT NULL"),
        };
        terms.push(term);
    }
    if terms.is_empty() {
        Ok((String::new(), values))
    } else {
        Ok((format!("WHERE {}", terms.join(" AND ")), values))
    }
}

fn order_clause(table: &str, columns: &[GridColumn], sort: Option<&Sort>) -> Result<String> {
    let Some(sort) = sort else {
        return Ok(String::new());
    };
    let col = column(table, columns, &sort.column)?;
    Ok(format!(
        "ORDER BY {} {} NULLS LAST",
        quote(&col.name),
        if sort.descending { "DESC" } else { "ASC" }
    ))
}

/// One statement, without the trailing semicolon, so it can be wrapped in a subquery.
/// A type name made of upper-case words with an optional `(precision, scale)`, or `None`.
fn plain_type(data_type: &str) -> Option<&str> {
    let (words, size) = match data_type.split_once('(') {
        Some((words, rest)) => (words, Some(rest.strip_suffix(')')?)),
        None => (data_type, None),
    };
    let words_ok = !words.trim().is_empty()
        && words
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == ' ');
    let size_ok = size.is_none_or(|size| {
        size.split(',')
            .all(|n| !n.trim().is_empty() && n.trim().chars().all(|c| c.is_ascii_digit()))
    });
    (words_ok && size_ok).then_some(data_type)
}

/// Opens `path` read-only on an instance sealed off from everything but the file: no other file
/// (`read_text`, `read_csv`, `glob`, `COPY`, `ATTACH`, a view stored in the file that reads one),
/// no network, no extension installed or loaded, and settings locked so no statement can undo
/// that. `writable` lists the only other files it may touch (an export's target). Unqualified
/// names mean the dataset's tables, as in dlt's `sql_client`.
fn open_sealed(path: &Path, dataset: &str, writable: &[&Path]) -> duckdb::Result<Connection> {
    let config = Config::default()
        .access_mode(AccessMode::ReadOnly)?
        .with("autoinstall_known_extensions", "false")?
        .with("autoload_known_extensions", "false")?;
    let conn = Connection::open_with_flags(path, config)?;
    let text = |value: &str| format!("'{}'", value.replace('\'', "''"));
    // A file without the dataset yet (another connector's, or one whose first sync failed)
    // opens with no tables to list rather than failing: DuckDB refuses a search path it lacks.
    let has_dataset: bool = conn.query_row(
        "SELECT count(*) > 0 FROM information_schema.schemata \
         WHERE schema_name = ? AND catalog_name = current_database()",
        [dataset],
        |row| row.get(0),
    )?;
    let mut setup = if has_dataset {
        format!("SET search_path = {};", text(dataset))
    } else {
        String::new()
    };
    if !writable.is_empty() {
        let paths: Vec<String> = writable
            .iter()
            .map(|p| text(&p.display().to_string()))
            .collect();
        setup.push_str(&format!("SET allowed_paths = [{}];", paths.join(", ")));
    }
    setup.push_str("SET enable_external_access = false; SET lock_configuration = true;");
    conn.execute_batch(&setup)?;
    Ok(conn)
}

/// The SQL box's text, checked by DuckDB's own parser (`json_serialize_sql` parses it and
/// serializes only queries): exactly one statement, and it must be a query (`SELECT`, `WITH`,
/// `FROM`, `VALUES`, `DESCRIBE`, `SUMMARIZE`). Anything else is refused before it runs,
/// whatever it is wrapped in. DuckDB does not serialize `PIVOT`, so the box refuses it too (a
/// `GROUP BY` with `FILTER` says the same).
pub fn one_query(conn: &Connection, sql: &str) -> Result<String> {
    let trimmed = sql.trim().trim_end_matches(';').trim();
    if trimmed.is_empty() {
        return Err(Error::Query("the query is empty".into()));
    }
    let parsed: String = conn
        .query_row("SELECT json_serialize_sql(?::VARCHAR)", [trimmed], |row| {
            row.get(0)
        })
        .map_err(query_error)?;
    let parsed: serde_json::Value =
        serde_json::from_str(&parsed).map_err(|e| Error::Query(e.to_string()))?;
    if parsed["error"].as_bool() == Some(true) {
        let message = parsed["error_message"]
            .as_str()
            .unwrap_or("it could not be read");
        return Err(Error::Query(
            if message.contains("Only SELECT statements") {
                "the SQL box runs queries only (SELECT, WITH, FROM, VALUES, DESCRIBE, SUMMARIZE); \
                 it cannot change data, settings or files"
                    .to_owned()
            } else {
                message.to_owned()
            },
        ));
    }
    match parsed["statements"].as_array().map(Vec::len) {
        Some(1) => Ok(trimmed.to_owned()),
        Some(n) => Err(Error::Query(format!(
            "the SQL box runs one query at a time; this text holds {n} statements"
        ))),
        None => Err(Error::Query("the query could not be read".into())),
    }
}
