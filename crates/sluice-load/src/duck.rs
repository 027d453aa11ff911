//! The DuckDB side: tables laid out as dlt's DuckDB destination lays them out (spec §7.5, §7.6),
//! and one transaction per resource load holding its rows, its incremental state and its load
//! record, so a load that fails or is killed leaves the previous data as it was.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use duckdb::{params, AccessMode, Appender, Config, Connection, OptionalExt};
use indexmap::{IndexMap, IndexSet};
use serde_json::Value;

use crate::error::{Doing, Error, Result};
use crate::normalize::{Rows, TablePlan};
use crate::schema::{
    column_from_duckdb, quote, Disposition, Schema, Table, C_DLT_ID, C_DLT_PARENT_ID,
    C_DLT_ROOT_ID, LOADS_TABLE, STATE_TABLE, VERSION_TABLE,
};

/// dlt's schema engine version, written to `_dlt_version`.
pub const SCHEMA_ENGINE_VERSION: i64 = 11;

/// A DuckDB file and the dataset (DuckDB schema) a connector loads into.
pub struct Destination {
    conn: Connection,
    path: PathBuf,
    dataset: String,
    /// DuckDB's memory caps while rows are appended and while a merge runs, once set.
    memory_limits: Option<(String, String)>,
}

/// What a resource load records next to its rows.
#[derive(Debug, Clone)]
pub struct LoadRecord {
    pub load_id: String,
    /// dlt's schema name: the source name (`rest_api` unless set).
    pub schema_name: String,
    pub pipeline_name: String,
    /// The whole pipeline state after this load.
    pub state: Value,
    /// The schema of the dataset after this load, as stored in `_dlt_version`.
    pub schema: Value,
    pub schema_hash: String,
}

/// The version of the DuckDB library Sluice writes with (`v1.4.2`, ...), as DuckDB reports it:
/// which DuckDB CLI or dlt version can read a file depends on it.
pub fn duckdb_version() -> String {
    duckdb::Connection::open_in_memory()
        .and_then(|conn| conn.query_row("SELECT version()", [], |row| row.get::<_, String>(0)))
        .unwrap_or_else(|_| "unknown".to_owned())
}

impl Destination {
    /// Opens (creating if needed) the DuckDB file.
    pub fn open(path: &Path, dataset: &str) -> Result<Destination> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| Error::Open {
                path: path.to_owned(),
                message: format!("cannot create its folder: {error}"),
            })?;
        }
        let conn =
            Connection::open(path).map_err(|error| crate::error::open_error(path, &error))?;
        Ok(Destination {
            conn,
            path: path.to_owned(),
            dataset: dataset.to_owned(),
            memory_limits: None,
        })
    }

    /// Opens an existing file without taking the write lock another process may hold.
    pub fn open_read_only(path: &Path, dataset: &str) -> Result<Destination> {
        let open_error = |error: duckdb::Error| crate::error::open_error(path, &error);
        let config = Config::default()
            .access_mode(AccessMode::ReadOnly)
            .map_err(open_error)?;
        let conn = Connection::open_with_flags(path, config).map_err(open_error)?;
        Ok(Destination {
            conn,
            path: path.to_owned(),
            dataset: dataset.to_owned(),
            memory_limits: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn dataset(&self) -> &str {
        &self.dataset
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Caps DuckDB's memory so a large load spills instead of growing with the data: `appends`
    /// while rows stream in, `merges` for a merge's set-based SQL, which needs room for its joins.
    pub fn set_memory_limits(&mut self, appends: &str, merges: &str) -> Result<()> {
        set_memory_limit(&self.conn, appends)?;
        self.memory_limits = Some((appends.to_owned(), merges.to_owned()));
        Ok(())
    }

    /// The data tables of the dataset (not dlt's system tables), as a schema.
    pub fn schema(&self) -> Result<Schema> {
        let mut schema = read_schema(&self.conn, &self.dataset)?;
        // DuckDB's catalog holds no primary keys; the newest stored schema version does.
        if let Some(stored) = self.stored_schema()? {
            for (name, table) in schema.tables.iter_mut() {
                for (column, entry) in table.columns.iter_mut() {
                    entry.primary_key |= stored["tables"][name]["columns"][column]["primary_key"]
                        == Value::Bool(true);
                }
            }
        }
        Ok(schema)
    }

    /// The newest schema version stored in `_dlt_version`, as JSON.
    fn stored_schema(&self) -> Result<Option<Value>> {
        if !table_exists(&self.conn, &self.dataset, VERSION_TABLE)? {
            return Ok(None);
        }
        let sql = format!(
            "SELECT schema FROM {}.{} ORDER BY version DESC, inserted_at DESC LIMIT 1",
            quote(&self.dataset),
            quote(VERSION_TABLE)
        );
        let text: Option<String> = self
            .conn
            .query_row(&sql, [], |row| row.get(0))
            .optional()
            .doing(|| "reading the schema version".into())?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Rows per table of the dataset, system tables included.
    pub fn row_counts(&self) -> Result<IndexMap<String, u64>> {
        let tables = table_names(&self.conn, &self.dataset)?;
        let mut counts = IndexMap::new();
        for table in tables {
            let sql = format!(
                "SELECT count(*) FROM {}.{}",
                quote(&self.dataset),
                quote(&table)
            );
            let count: i64 = self
                .conn
                .query_row(&sql, [], |row| row.get(0))
                .doing(|| format!("counting the rows of {table}"))?;
            counts.insert(table, count as u64);
        }
        Ok(counts)
    }

    /// The pipeline state of the last load of `pipeline`, if the file has one.
    pub fn stored_state(&self, pipeline: &str) -> Result<Option<Value>> {
        if !table_exists(&self.conn, &self.dataset, STATE_TABLE)? {
            return Ok(None);
        }
        let sql = format!(
            "SELECT state FROM {}.{} WHERE pipeline_name = ? \
             ORDER BY version DESC, created_at DESC LIMIT 1",
            quote(&self.dataset),
            quote(STATE_TABLE)
        );
        let text: Option<String> = self
            .conn
            .query_row(&sql, params![pipeline], |row| row.get(0))
            .optional()
            .doing(|| "reading the pipeline state".into())?;
        text.map(|t| crate::state::decode(&t)).transpose()
    }

    /// Starts the load of one resource: everything until [`ResourceLoad::commit`] is one
    /// transaction. `fresh`: drop the resource's tables first (a full refresh).
    pub fn begin(&mut self, plan: &TablePlan, fresh: bool) -> Result<ResourceLoad<'_>> {
        let conn = &self.conn;
        if let Some((appends, _)) = &self.memory_limits {
            // A merge before this one raised the cap.
            set_memory_limit(conn, appends)?;
        }
        conn.execute_batch("BEGIN TRANSACTION")
            .doing(|| "starting a transaction".into())?;
        let mut load = ResourceLoad {
            conn,
            dataset: self.dataset.clone(),
            staging: format!("{}_staging", self.dataset),
            plan: plan.clone(),
            db_columns: HashMap::new(),
            rows: IndexMap::new(),
            created: std::collections::HashSet::new(),
            open: true,
            append_memory_limit: self.memory_limits.as_ref().map(|(a, _)| a.clone()),
            raised_to_mib: 0,
            merge_memory_limit: self
                .memory_limits
                .as_ref()
                .map(|(_, merges)| merges.clone()),
            appenders: HashMap::new(),
        };
        load.prepare(fresh)?;
        Ok(load)
    }
}

fn set_memory_limit(conn: &Connection, limit: &str) -> Result<()> {
    conn.execute_batch(&format!("SET memory_limit = '{}'", limit.replace('\'', "")))
        .doing(|| "setting the memory limit".into())
}

/// The dataset's tables, by name. The writer's row counts and the viewer's table list use it.
pub(crate) fn table_names(conn: &Connection, dataset: &str) -> Result<Vec<String>> {
    let mut statement = conn
        .prepare(
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = ? AND table_catalog = current_database() \
             ORDER BY table_name",
        )
        .doing(|| "listing tables".into())?;
    let names = statement
        .query_map([dataset], |row| row.get(0))
        .doing(|| "listing tables".into())?;
    names
        .collect::<duckdb::Result<_>>()
        .doing(|| "listing tables".into())
}

fn table_exists(conn: &Connection, schema: &str, table: &str) -> Result<bool> {
    let count: i64 = conn
        .query_row(
            "SELECT count(*) FROM information_schema.tables \
             WHERE table_schema = ? AND table_name = ? AND table_catalog = current_database()",
            params![schema, table],
            |row| row.get(0),
        )
        .doing(|| format!("looking for table {table}"))?;
    Ok(count > 0)
}

fn read_schema(conn: &Connection, dataset: &str) -> Result<Schema> {
    let mut statement = conn
        .prepare(
            "SELECT table_name, column_name, data_type, is_nullable = 'YES' \
             FROM information_schema.columns \
             WHERE table_schema = ? AND table_catalog = current_database() \
             ORDER BY table_name, ordinal_position",
        )
        .doing(|| "reading the schema".into())?;
    let rows = statement
        .query_map(params![dataset], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, bool>(3)?,
            ))
        })
        .doing(|| "reading the schema".into())?;
    let mut schema = Schema::default();
    for row in rows {
        let (table, column, data_type, nullable) = row.doing(|| "reading the schema".into())?;
        if matches!(table.as_str(), LOADS_TABLE | VERSION_TABLE | STATE_TABLE) {
            continue;
        }
        let entry = schema
            .tables
            .entry(table.clone())
            .or_insert_with(|| Table::new(table.clone(), None));
        entry.columns.insert(
            column.clone(),
            column_from_duckdb(&column, &data_type, nullable),
        );
    }
    // A child table hangs from the longest table name it extends (`a__b__c` from `a__b`, or
    // from `a` when `b` was a flattened object).
    let names: Vec<String> = schema.tables.keys().cloned().collect();
    for table in schema.tables.values_mut() {
        if !table.columns.contains_key(C_DLT_PARENT_ID) {
            continue;
        }
        table.parent = names
            .iter()
            .filter(|n| table.name.len() > n.len() + 2 && table.name.starts_with(&format!("{n}__")))
            .max_by_key(|n| n.len())
            .cloned();
    }
    Ok(schema)
}

/// One resource's load, inside a transaction that rolls back unless committed.
pub struct ResourceLoad<'a> {
    conn: &'a Connection,
    dataset: String,
    staging: String,
    plan: TablePlan,
    /// Columns each table has in the file, in order, by (DuckDB schema, table); an
    /// `IndexSet` so a record with thousands of keys checks each in constant time.
    db_columns: HashMap<(String, String), IndexSet<String>>,
    /// Rows written per table.
    rows: IndexMap<String, u64>,
    /// Tables this load created: they hold only this transaction's rows.
    created: std::collections::HashSet<(String, String)>,
    open: bool,
    /// The memory cap for appends as set, and as asked for (see [`width_memory_limit`]).
    append_memory_limit: Option<String>,
    raised_to_mib: u64,
    merge_memory_limit: Option<String>,
    /// One appender per (DuckDB schema, table), kept across pages. DuckDB 2.0 plans an INSERT
    /// at every flush, at a cost that grows with the square of the columns (0.7 s at 10,000),
    /// so a flush per page made wide tables slow; see [`flush_at`].
    appenders: HashMap<(String, String), Open<'a>>,
}

/// An appender and the rows it holds that DuckDB has not planned an INSERT for yet.
struct Open<'a> {
    appender: Appender<'a>,
    pending: usize,
}

/// Cells an appender holds before it flushes. DuckDB keeps every cell of a row, NULL or not, in
/// vectors of 16 bytes a cell or less: a narrow table flushes once per many pages with a buffer
/// of a few MiB (more made the peak memory grow with the record count: 1.47x from 100k to 1M
/// records at 2M cells, 1.18x at this many).
const FLUSH_CELLS: usize = 1 << 18;

/// What DuckDB needs, at most, per column of a resource's tables to commit: buffers of each
/// column's segments. Measured on 1,000 columns: 2,000 full rows fail at 64 MB and pass at
/// 128 MB; 20,000 sparse rows fail at 158 MB and pass at 300 MB.
const COMMIT_KIB_PER_COLUMN: u64 = 512;

/// New columns on one page from which a table this load created is written anew instead of
/// altered column by column (see `ResourceLoad::rebuild_with`).
const REBUILD_AT: usize = 32;

/// The append cap for tables of `columns` columns in all: the configured cap, raised by what
/// wide tables need at commit. Peak memory then follows the width, never the record count.
fn width_memory_limit(configured: &str, columns: usize) -> Option<u64> {
    // The rest of a load (the pages in flight, DuckDB's own state) fits in half the default cap.
    let needed = 32 + (columns as u64 * COMMIT_KIB_PER_COLUMN).div_ceil(1024);
    (needed > mebibytes(configured)?).then_some(needed)
}

/// `64MB`, `1GB`, `512MiB`, ... in MiB (DuckDB's KB/MB/GB are 1000-based).
fn mebibytes(limit: &str) -> Option<u64> {
    let text = limit.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let bytes = match unit.trim().to_ascii_lowercase().as_str() {
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        "b" | "" => 1.0,
        _ => return None,
    };
    Some((number * bytes / (1024.0 * 1024.0)).ceil() as u64)
}

/// Rows of one DuckDB vector: an appender fills one before it holds anything to flush.
const VECTOR_ROWS: usize = 2048;

/// Rows after which an appender on a table of `columns` columns flushes: a wide table holds one
/// vector, its fewest, so 10,000 columns flush every 2,048 rows instead of every page.
fn flush_at(columns: usize) -> usize {
    (FLUSH_CELLS / columns.max(1)).max(VECTOR_ROWS)
}

impl ResourceLoad<'_> {
    fn merging(&self) -> bool {
        self.plan.disposition.is_merge() || self.plan.disposition == Disposition::InsertOnly
    }

    fn exec(&self, sql: &str, doing: impl FnOnce() -> String) -> Result<()> {
        self.conn.execute_batch(sql).doing(doing)
    }

    /// The resource's table and its child tables in `schema`, parents before children. A child
    /// is a table with dlt's `_dlt_parent_id` whose parent chain leads to the resource's table
    /// (`read_schema`), not any table whose name starts with `<table>__`: another resource may
    /// load a table of its own called `events__archive`, and a replace of `events` must leave it.
    fn family_in(&self, schema: &str) -> Result<Vec<String>> {
        let tables = read_schema(self.conn, schema)?.tables;
        let root = &self.plan.table;
        let belongs = |name: &str| {
            let mut at = Some(name);
            // The chain is at most as long as the table list; a cycle cannot form from names
            // that each extend their parent's, but the bound keeps that obvious.
            for _ in 0..=tables.len() {
                match at {
                    Some(table) if table == root => return true,
                    Some(table) => at = tables.get(table).and_then(|t| t.parent.as_deref()),
                    None => return false,
                }
            }
            false
        };
        let mut family: Vec<String> = tables.keys().filter(|n| belongs(n)).cloned().collect();
        family.sort();
        Ok(family)
    }

    fn prepare(&mut self, fresh: bool) -> Result<()> {
        self.exec(
            &format!("CREATE SCHEMA IF NOT EXISTS {}", quote(&self.dataset)),
            || format!("creating the dataset {}", self.dataset),
        )?;
        let family = self.family_in(&self.dataset)?;
        // Children first, so nothing ever points at a missing parent.
        for table in family.iter().rev() {
            let target = format!("{}.{}", quote(&self.dataset), quote(table));
            if fresh {
                self.exec(&format!("DROP TABLE {target}"), || {
                    format!("dropping {table}")
                })?;
            } else if self.plan.disposition == Disposition::Replace {
                self.exec(&format!("DELETE FROM {target}"), || {
                    format!("emptying {table}")
                })?;
            }
        }
        for (table, columns) in read_columns(self.conn, &self.dataset)? {
            self.db_columns
                .insert((self.dataset.clone(), table), columns.into_iter().collect());
        }
        // A table made wide by an earlier sync needs the room from the first page.
        self.follow_width()?;
        if self.merging() {
            self.exec(
                &format!("CREATE SCHEMA IF NOT EXISTS {}", quote(&self.staging)),
                || "creating the staging dataset".into(),
            )?;
            for table in self.family_in(&self.staging)?.iter().rev() {
                self.exec(
                    &format!("DROP TABLE {}.{}", quote(&self.staging), quote(table)),
                    || format!("clearing staged {table}"),
                )?;
            }
        }
        Ok(())
    }

    /// Creates `table` in `schema`, or adds the columns it lacks.
    fn ensure_table(&mut self, schema: &str, table: &Table) -> Result<()> {
        let key = (schema.to_owned(), table.name.clone());
        let target = format!("{}.{}", quote(schema), quote(&table.name));
        match self.db_columns.get(&key) {
            None => {
                let mut ordered: Vec<&crate::schema::Column> = table.columns.values().collect();
                if table.parent.is_none() {
                    // dlt puts the columns named by hints and keys first, in the order the
                    // config names them, whatever order the data brings them in.
                    let reserved = self.plan.reserved_columns();
                    ordered.sort_by_key(|c| {
                        reserved
                            .iter()
                            .position(|r| *r == c.name)
                            .unwrap_or(usize::MAX)
                    });
                }
                let columns: Vec<String> = ordered
                    .iter()
                    .map(|c| {
                        let not_null = if c.nullable { "" } else { " NOT NULL" };
                        format!("{} {}{not_null}", quote(&c.name), c.duckdb_type())
                    })
                    .collect();
                self.exec(
                    &format!("CREATE TABLE {target} ({})", columns.join(", ")),
                    || format!("creating table {}", table.name),
                )?;
                self.db_columns.insert(
                    key.clone(),
                    ordered.iter().map(|c| c.name.clone()).collect(),
                );
                self.created.insert(key);
                self.follow_width()?;
            }
            Some(existing) => {
                let missing: Vec<_> = table
                    .columns
                    .values()
                    .filter(|c| !existing.contains(&c.name))
                    .cloned()
                    .collect();
                if missing.is_empty() {
                    return Ok(());
                }
                // An appender knows the columns the table had when it opened.
                self.close_appender(&key)?;
                if missing.len() >= REBUILD_AT && self.created.contains(&key) {
                    self.rebuild_with(schema, table, &missing)?;
                    if let Some(columns) = self.db_columns.get_mut(&key) {
                        columns.extend(missing.into_iter().map(|c| c.name));
                    }
                    return self.follow_width();
                }
                // Existing rows have no value for a new column, so it is nullable. DuckDB has
                // one column per ALTER; the page's new columns go in one batch.
                let statements: String = missing
                    .iter()
                    .map(|column| {
                        format!(
                            "ALTER TABLE {target} ADD COLUMN {} {};",
                            quote(&column.name),
                            column.duckdb_type()
                        )
                    })
                    .collect();
                self.exec(&statements, || {
                    format!("adding {} columns to {}", missing.len(), table.name)
                })?;
                if let Some(columns) = self.db_columns.get_mut(&key) {
                    columns.extend(missing.into_iter().map(|c| c.name));
                }
                self.follow_width()?;
            }
        }
        Ok(())
    }

    /// Adds `missing` to a table this load created by writing it anew with them: DuckDB copies a
    /// table's uncommitted rows at every `ALTER`, so thousands of new columns on one page cost
    /// minutes (5,000 columns on 500 rows: 78 s); one copy costs a fraction of a second. The
    /// definitions come from DuckDB, so types and NOT NULL stay exactly as they were.
    fn rebuild_with(
        &self,
        schema: &str,
        table: &Table,
        missing: &[crate::schema::Column],
    ) -> Result<()> {
        let doing = || format!("adding {} columns to {}", missing.len(), table.name);
        let mut statement = self
            .conn
            .prepare(
                "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns \
                 WHERE table_schema = ? AND table_name = ? AND table_catalog = current_database() \
                 ORDER BY ordinal_position",
            )
            .doing(doing)?;
        let existing: Vec<(String, String, bool)> = statement
            .query_map([schema, table.name.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .doing(doing)?
            .collect::<duckdb::Result<_>>()
            .doing(doing)?;
        let mut definitions: Vec<String> = existing
            .iter()
            .map(|(name, data_type, nullable)| {
                let not_null = if *nullable { "" } else { " NOT NULL" };
                format!("{} {data_type}{not_null}", quote(name))
            })
            .collect();
        // Existing rows have no value for a new column, so it is nullable.
        definitions.extend(
            missing
                .iter()
                .map(|c| format!("{} {}", quote(&c.name), c.duckdb_type())),
        );
        let names: Vec<String> = existing.iter().map(|(name, _, _)| quote(name)).collect();
        let names = names.join(", ");
        let target = format!("{}.{}", quote(schema), quote(&table.name));
        let wider = format!("{}__sluice_wider", table.name);
        let wider_target = format!("{}.{}", quote(schema), quote(&wider));
        self.exec(
            &format!(
                "CREATE TABLE {wider_target} ({}); \
                 INSERT INTO {wider_target} ({names}) SELECT {names} FROM {target}; \
                 DROP TABLE {target}; \
                 ALTER TABLE {wider_target} RENAME TO {};",
                definitions.join(", "),
                quote(&table.name)
            ),
            doing,
        )
    }

    /// Raises the append cap when the resource's tables have grown wider than it allows for.
    fn follow_width(&mut self) -> Result<()> {
        let Some(configured) = &self.append_memory_limit else {
            return Ok(());
        };
        let columns = self
            .db_columns
            .iter()
            .filter(|((schema, _), _)| *schema == self.dataset)
            .map(|(_, columns)| columns.len())
            .sum();
        if let Some(mib) = width_memory_limit(configured, columns) {
            if mib > self.raised_to_mib {
                set_memory_limit(self.conn, &format!("{mib}MiB"))?;
                self.raised_to_mib = mib;
            }
        }
        Ok(())
    }

    /// Appends normalized rows; `schema` is the normalizer's schema they were made against.
    pub fn write(&mut self, schema: &Schema, rows: Rows) -> Result<()> {
        let target_schema = if self.merging() {
            self.staging.clone()
        } else {
            self.dataset.clone()
        };
        for (name, rows) in rows.tables {
            let table = schema.tables.get(&name).ok_or_else(|| Error::Duckdb {
                doing: format!("writing table {name}"),
                message: "the table has no schema".into(),
            })?;
            let dataset = self.dataset.clone();
            self.ensure_table(&dataset, table)?;
            if target_schema != dataset {
                self.ensure_table(&target_schema, table)?;
            }
            let key = (target_schema.clone(), name.clone());
            let db_columns = &self.db_columns[&key];
            let flush_at = flush_at(db_columns.len());
            // DuckDB's column order may differ from the schema's (a file dlt made).
            let batch = crate::batch::record_batch(table, db_columns.iter(), &rows)?;
            let open = match self.appenders.entry(key) {
                std::collections::hash_map::Entry::Occupied(open) => open.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => slot.insert(Open {
                    appender: self
                        .conn
                        .appender_to_db(&name, &target_schema)
                        .doing(|| format!("opening an appender on {name}"))?,
                    pending: 0,
                }),
            };
            open.appender
                .append_record_batch(batch)
                .doing(|| format!("appending rows to {name}"))?;
            open.pending += rows.len();
            if open.pending >= flush_at {
                open.appender
                    .flush()
                    .doing(|| format!("writing rows to {name}"))?;
                open.pending = 0;
            }
            *self.rows.entry(name).or_insert(0) += rows.len() as u64;
        }
        Ok(())
    }

    /// Writes what the table's appender holds and closes it.
    fn close_appender(&mut self, key: &(String, String)) -> Result<()> {
        if let Some(mut open) = self.appenders.remove(key) {
            open.appender
                .flush()
                .doing(|| format!("writing rows to {}", key.1))?;
        }
        Ok(())
    }

    /// Rows written so far, per table.
    pub fn rows(&self) -> &IndexMap<String, u64> {
        &self.rows
    }

    /// Applies the write disposition, stores the load record and state, and commits.
    pub fn commit(mut self, record: &LoadRecord) -> Result<IndexMap<String, u64>> {
        let open: Vec<(String, String)> = self.appenders.keys().cloned().collect();
        for key in &open {
            self.close_appender(key)?;
        }
        if self.merging() {
            if let Some(limit) = &self.merge_memory_limit {
                set_memory_limit(self.conn, limit)?;
            }
            self.merge_staged()?;
        }
        self.write_system_tables(record)?;
        self.exec("COMMIT", || "committing the load".into())?;
        self.open = false;
        Ok(std::mem::take(&mut self.rows))
    }

    fn staged_columns(&self, table: &str) -> Option<&IndexSet<String>> {
        self.db_columns
            .get(&(self.staging.clone(), table.to_owned()))
    }

    /// delete-insert (and upsert, insert-only) from the staging dataset, as dlt's SQL merge
    /// job does it: rows whose key comes again are replaced with the newest staged version.
    fn merge_staged(&mut self) -> Result<()> {
        let ds = quote(&self.dataset);
        let st = quote(&self.staging);
        let root = self.plan.table.clone();
        let Some(root_columns) = self.staged_columns(&root).cloned() else {
            return Ok(()); // nothing was staged
        };
        let staged: Vec<String> = self.family_in(&self.staging)?;
        let children: Vec<String> = staged.iter().filter(|t| **t != root).cloned().collect();
        let keys = &self.plan.primary_key;
        let merge_keys = &self.plan.merge_key;
        let list = |columns: &mut dyn Iterator<Item = &String>| {
            columns.map(|c| quote(c)).collect::<Vec<_>>().join(", ")
        };
        let matches = |keys: &[String]| {
            keys.iter()
                .map(|k| format!("s.{k} IS NOT DISTINCT FROM d.{k}", k = quote(k)))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        let root_q = quote(&root);
        let id = quote(C_DLT_ID);
        let root_id = quote(C_DLT_ROOT_ID);
        // The newest staged row of each key (staging order is arrival order).
        let newest_roots = if keys.is_empty() {
            format!("SELECT * FROM {st}.{root_q}")
        } else {
            format!(
                "SELECT * EXCLUDE (_sluice_order) FROM (SELECT *, rowid AS _sluice_order FROM {st}.{root_q}) \
                 QUALIFY row_number() OVER (PARTITION BY {} ORDER BY _sluice_order DESC) = 1 \
                 ORDER BY _sluice_order",
                list(&mut keys.iter())
            )
        };
        let mut conditions = Vec::new();
        if !keys.is_empty() {
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM {st}.{root_q} s WHERE {})",
                matches(keys)
            ));
        }
        if !merge_keys.is_empty() {
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM {st}.{root_q} s WHERE {})",
                matches(merge_keys)
            ));
        }
        let insert_only = self.plan.disposition == Disposition::InsertOnly;
        let replaces = !conditions.is_empty() && !insert_only;
        let condition = conditions.join(" OR ");
        if replaces {
            for child in &children {
                let has_root_id = self
                    .db_columns
                    .get(&(self.dataset.clone(), child.clone()))
                    .is_some_and(|c| c.iter().any(|n| n == C_DLT_ROOT_ID));
                if has_root_id {
                    self.exec(
                        &format!(
                            "DELETE FROM {ds}.{c} WHERE {root_id} IN \
                             (SELECT d.{id} FROM {ds}.{root_q} d WHERE {condition})",
                            c = quote(child)
                        ),
                        || format!("removing replaced rows of {child}"),
                    )?;
                }
            }
            self.exec(
                &format!("DELETE FROM {ds}.{root_q} d WHERE {condition}"),
                || format!("removing replaced rows of {root}"),
            )?;
        }
        let skip_existing = if insert_only && !keys.is_empty() {
            format!(
                " WHERE NOT EXISTS (SELECT 1 FROM {ds}.{root_q} d WHERE {})",
                matches(keys).replace("s.", "n.")
            )
        } else {
            String::new()
        };
        self.exec(
            &format!(
                "CREATE TEMP TABLE _sluice_merged AS SELECT n.* FROM ({newest_roots}) n{skip_existing}"
            ),
            || format!("choosing the rows of {root} to insert"),
        )?;
        let columns = list(&mut root_columns.iter());
        self.exec(
            &format!("INSERT INTO {ds}.{root_q} ({columns}) SELECT {columns} FROM _sluice_merged"),
            || format!("inserting merged rows into {root}"),
        )?;
        for child in &children {
            let Some(child_columns) = self.staged_columns(child).cloned() else {
                continue;
            };
            let columns = list(&mut child_columns.iter());
            let filter = if child_columns.iter().any(|c| c == C_DLT_ROOT_ID) {
                format!(" WHERE {root_id} IN (SELECT {id} FROM _sluice_merged)")
            } else {
                String::new()
            };
            self.exec(
                &format!(
                    "INSERT INTO {ds}.{c} ({columns}) SELECT {columns} FROM {st}.{c}{filter} ORDER BY rowid",
                    c = quote(child)
                ),
                || format!("inserting merged rows into {child}"),
            )?;
        }
        self.exec("DROP TABLE _sluice_merged", || "cleaning up".into())?;
        for table in staged.iter().rev() {
            self.exec(&format!("DROP TABLE {st}.{}", quote(table)), || {
                format!("clearing staged {table}")
            })?;
        }
        Ok(())
    }

    fn write_system_tables(&mut self, record: &LoadRecord) -> Result<()> {
        let ds = quote(&self.dataset);
        self.exec(
            &format!(
                "CREATE TABLE IF NOT EXISTS {ds}.{} (load_id VARCHAR NOT NULL, schema_name VARCHAR, \
                 status BIGINT NOT NULL, inserted_at TIMESTAMP WITH TIME ZONE NOT NULL, \
                 schema_version_hash VARCHAR); \
                 CREATE TABLE IF NOT EXISTS {ds}.{} (version BIGINT NOT NULL, engine_version BIGINT NOT NULL, \
                 inserted_at TIMESTAMP WITH TIME ZONE NOT NULL, schema_name VARCHAR NOT NULL, \
                 version_hash VARCHAR NOT NULL, schema VARCHAR NOT NULL); \
                 CREATE TABLE IF NOT EXISTS {ds}.{} (version BIGINT NOT NULL, engine_version BIGINT NOT NULL, \
                 pipeline_name VARCHAR NOT NULL, state VARCHAR NOT NULL, \
                 created_at TIMESTAMP WITH TIME ZONE NOT NULL, version_hash VARCHAR, \
                 _dlt_load_id VARCHAR NOT NULL, _dlt_id VARCHAR NOT NULL)",
                quote(LOADS_TABLE),
                quote(VERSION_TABLE),
                quote(STATE_TABLE)
            ),
            || "creating dlt's system tables".into(),
        )?;
        let run = |sql: String, values: &[&dyn duckdb::ToSql], doing: &str| -> Result<()> {
            self.conn
                .execute(&sql, values)
                .map(|_| ())
                .doing(|| doing.to_owned())
        };
        // One `_dlt_loads` row per sync: every resource of it shares the load id.
        run(
            format!("DELETE FROM {ds}.{} WHERE load_id = ?", quote(LOADS_TABLE)),
            &[&record.load_id],
            "recording the load",
        )?;
        run(
            format!(
                "INSERT INTO {ds}.{} VALUES (?, ?, 0, now(), ?)",
                quote(LOADS_TABLE)
            ),
            &[&record.load_id, &record.schema_name, &record.schema_hash],
            "recording the load",
        )?;
        let version_table = quote(VERSION_TABLE);
        let mut schema = record.schema.clone();
        schema["version_hash"] = Value::String(record.schema_hash.clone());
        let schema = schema.to_string();
        run(
            format!(
                "INSERT INTO {ds}.{version_table} \
                 SELECT coalesce(max(version), 0) + 1, {SCHEMA_ENGINE_VERSION}, now(), ?, ?, ? \
                 FROM {ds}.{version_table} WHERE schema_name = ? \
                 HAVING NOT bool_or(coalesce(version_hash = ?, false)) OR count(*) = 0"
            ),
            &[
                &record.schema_name,
                &record.schema_hash,
                &schema,
                &record.schema_name,
                &record.schema_hash,
            ],
            "storing the schema version",
        )?;
        let state_table = quote(STATE_TABLE);
        run(
            format!("DELETE FROM {ds}.{state_table} WHERE _dlt_load_id = ? AND pipeline_name = ?"),
            &[&record.load_id, &record.pipeline_name],
            "storing the pipeline state",
        )?;
        let state_version = record
            .state
            .get("_state_version")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let mut state = record.state.clone();
        crate::state::set_version_hash(&mut state);
        let encoded = crate::state::encode(&state);
        let state_hash = state["_version_hash"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        run(
            format!("INSERT INTO {ds}.{state_table} VALUES (?, ?, ?, ?, now(), ?, ?, ?)"),
            &[
                &state_version,
                &crate::state::STATE_ENGINE_VERSION,
                &record.pipeline_name,
                &encoded,
                &state_hash,
                &record.load_id,
                &crate::random_id(),
            ],
            "storing the pipeline state",
        )?;
        Ok(())
    }
}

impl Drop for ResourceLoad<'_> {
    fn drop(&mut self) {
        if self.open {
            // An appender flushes when it is dropped: inside the transaction its rows go with
            // the rollback, after it they would be committed on their own.
            self.appenders.clear();
            // Nothing of a failed load may stay; the error that got us here is the one to report.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

fn read_columns(conn: &Connection, schema: &str) -> Result<Vec<(String, Vec<String>)>> {
    let mut statement = conn
        .prepare(
            "SELECT table_name, column_name FROM information_schema.columns \
             WHERE table_schema = ? AND table_catalog = current_database() \
             ORDER BY table_name, ordinal_position",
        )
        .doing(|| "reading columns".into())?;
    let rows = statement
        .query_map(params![schema], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .doing(|| "reading columns".into())?;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for row in rows {
        let (table, column) = row.doing(|| "reading columns".into())?;
        match out.last_mut() {
            Some((name, columns)) if *name == table => columns.push(column),
            _ => out.push((table, vec![column])),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_limits_read_as_duckdb_writes_them() {
        assert_eq!(mebibytes("64MB"), Some(62));
        assert_eq!(mebibytes("1GB"), Some(954));
        assert_eq!(mebibytes(" 512MiB "), Some(512));
        assert_eq!(mebibytes("2GiB"), Some(2048));
        assert_eq!(mebibytes("80%"), None);
    }

    #[test]
    fn the_append_cap_grows_with_the_width_only_past_what_it_allows() {
        assert_eq!(
            width_memory_limit("64MB", 40),
            None,
            "narrow tables keep the cap"
        );
        assert_eq!(width_memory_limit("64MB", 1_000), Some(32 + 500));
        assert_eq!(width_memory_limit("64MB", 10_000), Some(32 + 5_000));
        assert_eq!(
            width_memory_limit("8GB", 10_000),
            None,
            "a larger cap is kept"
        );
    }
}
