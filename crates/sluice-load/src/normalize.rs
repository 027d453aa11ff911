//! The relational normalizer (spec §7.2-7.4): a resource's JSON records become rows of a root
//! table and of child tables, with dlt's names, column order, row ids, types and variants.

use std::sync::Arc;

use base64::Engine as _;
use indexmap::IndexMap;
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};
use sha3::digest::{ExtendableOutput, Update, XofReader};
use sluice_config::{ColumnHints, DataType};

use crate::error::{Error, Result};
use crate::naming::{join_path, normalize_identifier};
use crate::schema::{
    Column, Disposition, Schema, Table, C_DLT_ID, C_DLT_LIST_IDX, C_DLT_LOAD_ID, C_DLT_PARENT_ID,
    C_DLT_ROOT_ID, C_VALUE,
};
use crate::value::{coerce, infer_type, plain_type, Cell};

/// dlt's default `max_table_nesting`.
pub const DEFAULT_MAX_NESTING: u32 = 1000;

/// How one resource's records become tables.
#[derive(Debug, Clone)]
pub struct TablePlan {
    /// The resource, as the user named it.
    pub resource: String,
    /// The root table (normalized).
    pub table: String,
    pub max_nesting: u32,
    pub disposition: Disposition,
    /// Normalized column names.
    pub primary_key: Vec<String>,
    pub merge_key: Vec<String>,
    /// Column hints from the config, by normalized column name.
    pub hints: IndexMap<String, ColumnHints>,
    /// Nested rows carry `_dlt_root_id` (always with merge).
    pub root_key: bool,
}

impl TablePlan {
    /// Columns the config names (hints, then primary and merge keys), in that order.
    pub fn reserved_columns(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let all = self
            .hints
            .keys()
            .chain(&self.primary_key)
            .chain(&self.merge_key);
        for name in all {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }
}

/// Rows waiting to be written, per table, with the schema they were made against.
#[derive(Debug, Default)]
pub struct Rows {
    /// Table name → rows; each row has one cell per column the table had when it was made
    /// (columns only ever get added at the end, so shorter rows are padded with nulls).
    pub tables: IndexMap<String, Vec<Vec<Cell>>>,
}

impl Rows {
    pub fn count(&self) -> usize {
        self.tables.values().map(Vec::len).sum()
    }
}

/// A flattened key of one table: its column name and, when it holds arrays, the child table.
struct Node {
    /// Normalized, `__`-joined path: the column name.
    name: String,
    children: FxHashMap<String, usize>,
    /// Index of the column in the table, once created.
    column: Option<usize>,
    /// The child table an array under this key fills (`<table>__<name>`), once seen.
    list_table: Option<Arc<str>>,
}

/// A table being filled: its schema, a cache of key paths, and the rows of the current page.
struct TableState {
    table: Table,
    nodes: Vec<Node>,
    rows: Vec<Vec<Cell>>,
    /// Whether rows of this table are nested (not the root).
    nested: bool,
}

impl TableState {
    fn new(table: Table, nested: bool) -> TableState {
        let root = Node {
            name: String::new(),
            children: FxHashMap::default(),
            column: None,
            list_table: None,
        };
        TableState {
            table,
            nodes: vec![root],
            rows: Vec::new(),
            nested,
        }
    }

    /// The node for `key` under `parent` (0 = the table itself), made on first sight.
    fn child(&mut self, parent: usize, key: &str) -> usize {
        if let Some(&id) = self.nodes[parent].children.get(key) {
            return id;
        }
        let normalized = if key.trim().is_empty() {
            crate::naming::EMPTY_KEY.to_owned()
        } else {
            normalize_identifier(key)
        };
        let name = if parent == 0 {
            normalized
        } else {
            join_path([self.nodes[parent].name.as_str(), normalized.as_str()])
        };
        let column = self.table.columns.get_index_of(&name);
        let id = self.nodes.len();
        self.nodes.push(Node {
            name,
            children: FxHashMap::default(),
            column,
            list_table: None,
        });
        self.nodes[parent].children.insert(key.to_owned(), id);
        id
    }

    fn list_table(&mut self, table: &str, node: usize) -> Arc<str> {
        let node = &mut self.nodes[node];
        node.list_table
            .get_or_insert_with(|| Arc::from(format!("{table}__{}", node.name)))
            .clone()
    }

    fn column_type(&self, name: &str) -> Option<DataType> {
        self.table.columns.get(name).map(|c| c.data_type)
    }
}

/// Turns records into rows. Keeps the schema of the resource's tables as it grows.
pub struct Normalizer {
    plan: TablePlan,
    load_id: Arc<str>,
    tables: IndexMap<String, TableState>,
}

impl Normalizer {
    /// `existing`: what the destination already holds (its tables of this resource are reused,
    /// so values coerce into the columns they already have).
    pub fn new(plan: TablePlan, load_id: &str, existing: &Schema) -> Normalizer {
        let mut tables = IndexMap::new();
        for table in existing.family(&plan.table) {
            let nested = table.parent.is_some();
            let mut state = TableState::new(table.clone(), nested);
            if !nested {
                apply_hints(&mut state.table, &plan);
            }
            tables.insert(table.name.clone(), state);
        }
        if !tables.contains_key(&plan.table) {
            let mut table = Table::new(plan.table.clone(), None);
            apply_hints(&mut table, &plan);
            tables.insert(plan.table.clone(), TableState::new(table, false));
        }
        Normalizer {
            plan,
            load_id: Arc::from(load_id),
            tables,
        }
    }

    pub fn plan(&self) -> &TablePlan {
        &self.plan
    }

    /// The schema of the resource's tables as it stands, tables that got rows (or existed)
    /// only: a table appears when it receives its first row, as in dlt.
    pub fn schema(&self) -> Schema {
        let mut schema = Schema::default();
        for state in self.tables.values() {
            if state.table.columns.is_empty() {
                continue;
            }
            schema
                .tables
                .insert(state.table.name.clone(), state.table.clone());
        }
        schema
    }

    /// Normalizes a page of records into rows held until [`Normalizer::take_rows`].
    pub fn normalize(&mut self, records: &[Value]) -> Result<()> {
        self.normalize_owned(records.to_vec())
    }

    /// [`Normalizer::normalize`] for records the caller no longer needs: their strings move
    /// into the rows instead of being copied.
    pub fn normalize_owned(&mut self, records: Vec<Value>) -> Result<()> {
        let root: Arc<str> = Arc::from(self.plan.table.as_str());
        let level = i64::from(self.plan.max_nesting);
        for record in records {
            let map = match record {
                Value::Object(map) => map,
                // dlt wraps anything that is not an object as `{"value": ...}`.
                other => wrap(C_VALUE, other),
            };
            self.normalize_row(&root, None, map, None, None, level)?;
        }
        Ok(())
    }

    /// The rows made since the last call, per table.
    pub fn take_rows(&mut self) -> Rows {
        let mut rows = Rows::default();
        for state in self.tables.values_mut() {
            if !state.rows.is_empty() {
                rows.tables
                    .insert(state.table.name.clone(), std::mem::take(&mut state.rows));
            }
        }
        rows
    }

    fn state(&mut self, table: &str, parent: &str) -> &mut TableState {
        if !self.tables.contains_key(table) {
            let new = Table::new(table.to_owned(), Some(parent.to_owned()));
            self.tables
                .insert(table.to_owned(), TableState::new(new, true));
        }
        &mut self.tables[table]
    }

    /// One object of `table`: flattened into a row, arrays recursed into child tables.
    /// `parent`: the parent table and row id; `position`: this row's index in its array.
    fn normalize_row(
        &mut self,
        table: &Arc<str>,
        root_id: Option<&Arc<str>>,
        row: Map<String, Value>,
        parent: Option<(&str, &Arc<str>)>,
        position: Option<usize>,
        level: i64,
    ) -> Result<()> {
        let parent_table = parent.map(|(table, _)| table).unwrap_or("");
        let mut lists: Vec<(Arc<str>, Vec<Value>)> = Vec::new();
        let mut scalars: Vec<(usize, Value)> = Vec::with_capacity(row.len() + 8);
        {
            let state = self.state(table, parent_table);
            // dlt flattens with a stack: an object's plain values first, then the objects
            // inside it, last one first. Column order follows from that.
            let mut stack: Vec<(Map<String, Value>, i64, usize)> = vec![(row, level, 0)];
            while let Some((object, object_level, node)) = stack.pop() {
                for (key, value) in object {
                    let id = state.child(node, &key);
                    match value {
                        Value::Object(inner)
                            if !is_json(state, &state.nodes[id].name, object_level) =>
                        {
                            stack.push((inner, object_level - 1, id));
                        }
                        Value::Array(items)
                            if !is_json(state, &state.nodes[id].name, object_level) =>
                        {
                            if !items.is_empty() {
                                lists.push((state.list_table(table, id), items));
                            }
                        }
                        value => scalars.push((id, value)),
                    }
                }
            }
        }
        let mut cells = Vec::new();
        {
            let state = &mut self.tables[&**table];
            cells.resize(state.table.columns.len(), Cell::Null);
            for (node, value) in scalars {
                set_value(state, &self.plan, node, value, &mut cells)?;
            }
        }

        let load_id = self.load_id.clone();
        let state = &mut self.tables[&**table];
        // Keys that collide with dlt's columns, handled as dlt 1.31 handles them: the API's
        // `_dlt_load_id` is overwritten; its `_dlt_id` is kept as the row's id, at any level
        // (Sluice keeps the child's link to its parent, which dlt then loses); a top-level
        // `_dlt_parent_id`, `_dlt_list_idx` or `_dlt_root_id` fails the load in dlt
        // ("NOT NULL constraint failed") and is refused here with the key named.
        let api_value = |name: &str| {
            let index = state.table.columns.get_index_of(name)?;
            cells.get(index).filter(|cell| !matches!(cell, Cell::Null))
        };
        if parent.is_none() {
            for link in [C_DLT_PARENT_ID, C_DLT_LIST_IDX, C_DLT_ROOT_ID] {
                if api_value(link).is_some() {
                    return Err(Error::Unsupported {
                        resource: self.plan.resource.clone(),
                        message: format!(
                            "its records have a key `{link}`, the column dlt keeps for the link from a child table to its parent; neither Sluice nor dlt can load it"
                        ),
                    });
                }
            }
        }
        let api_row_id = match api_value(C_DLT_ID) {
            Some(Cell::Text(text)) => Some(text.clone()),
            Some(Cell::Shared(text)) => Some(text.to_string()),
            Some(Cell::Bigint(number)) => Some(number.to_string()),
            _ => None,
        };
        if let Some(root_id) = root_id {
            set_system(
                state,
                C_DLT_ROOT_ID,
                DataType::Text,
                Cell::Shared(root_id.clone()),
                &mut cells,
            );
        }
        if !state.nested {
            set_system(
                state,
                C_DLT_LOAD_ID,
                DataType::Text,
                Cell::Shared(load_id),
                &mut cells,
            );
        }
        let row_id = match (parent, position) {
            (Some((_, parent_id)), Some(position)) => {
                set_system(
                    state,
                    C_DLT_PARENT_ID,
                    DataType::Text,
                    Cell::Shared((*parent_id).clone()),
                    &mut cells,
                );
                set_system(
                    state,
                    C_DLT_LIST_IDX,
                    DataType::Bigint,
                    Cell::Bigint(position as i64),
                    &mut cells,
                );
                api_row_id.unwrap_or_else(|| nested_row_id(parent_id, table, position))
            }
            _ if api_row_id.is_some() => api_row_id.unwrap_or_default(),
            _ if matches!(self.plan.disposition, Disposition::Upsert) => {
                key_row_id(&state.table, &self.plan.primary_key, &cells)
            }
            _ => random_row_id(),
        };
        let row_id: Arc<str> = Arc::from(row_id);
        set_system(
            state,
            C_DLT_ID,
            DataType::Text,
            Cell::Shared(row_id.clone()),
            &mut cells,
        );
        state.rows.push(cells);

        // Nested rows of a merged resource point at their root row.
        let propagate =
            if parent.is_none() && (self.plan.disposition.is_merge() || self.plan.root_key) {
                Some(row_id.clone())
            } else {
                root_id.cloned()
            };
        for (child, items) in lists {
            for (index, item) in items.into_iter().enumerate() {
                let (object, level) = match item {
                    Value::Object(object) => (object, level - 1),
                    // An array in an array: a row of its own whose elements go one table down.
                    list @ Value::Array(_) => (wrap("list", list), level - 2),
                    scalar => (wrap(C_VALUE, scalar), level - 1),
                };
                self.normalize_row(
                    &child,
                    propagate.as_ref(),
                    object,
                    Some((table, &row_id)),
                    Some(index),
                    level,
                )?;
            }
        }
        Ok(())
    }
}

fn wrap(key: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(key.to_owned(), value);
    map
}

/// Whether an object or array under `name` stays whole, as a `json` value: past the nesting
/// budget, or typed `json` by a hint or an existing column.
fn is_json(state: &TableState, name: &str, level: i64) -> bool {
    level <= 0 || state.column_type(name) == Some(DataType::Json)
}

fn apply_hints(table: &mut Table, plan: &TablePlan) {
    for (name, hints) in &plan.hints {
        if let Some(data_type) = hints.data_type {
            if !table.columns.contains_key(name) {
                let column = hinted_column(name, data_type, plan);
                table.columns.insert(name.clone(), column);
            }
        }
    }
    for key in &plan.primary_key {
        if let Some(column) = table.columns.get_mut(key) {
            column.primary_key = true;
            column.nullable = false;
        }
    }
}

fn hinted_column(name: &str, data_type: DataType, plan: &TablePlan) -> Column {
    let hints = plan.hints.get(name);
    let primary_key = plan.primary_key.iter().any(|k| k == name)
        || hints.and_then(|h| h.primary_key).unwrap_or(false);
    let mut column = Column::new(
        name,
        data_type,
        !primary_key && hints.and_then(|h| h.nullable).unwrap_or(true),
    );
    column.primary_key = primary_key;
    if let Some(hints) = hints {
        column.precision = hints.precision;
        column.scale = hints.scale;
        column.timezone = hints.timezone;
    }
    column
}

/// Puts one value into the row: into its column when it fits, else into a variant column.
fn set_value(
    state: &mut TableState,
    plan: &TablePlan,
    node: usize,
    value: Value,
    cells: &mut Vec<Cell>,
) -> Result<()> {
    if value.is_null() {
        return Ok(());
    }
    if let Some(index) = state.nodes[node].column {
        let column = &state.table.columns[index];
        // The common case, a string into a text column, moves the string.
        let value = match (column.data_type, value) {
            (DataType::Text, Value::String(text)) => {
                cells[index] = Cell::Text(text);
                return Ok(());
            }
            (_, value) => value,
        };
        if let Some(cell) = coerce(column.data_type, &value) {
            cells[index] = cell;
            return Ok(());
        }
        let value = &value;
        // Not coercible: a variant column named after the value's plain type.
        let plain = plain_type(value).unwrap_or(DataType::Text);
        let variant = format!("{}__v_{}", column.name, crate::schema::type_name(plain));
        let index = match state.table.columns.get_index_of(&variant) {
            Some(index) => index,
            None => {
                let data_type = infer_type(value).unwrap_or(plain);
                let mut column = Column::new(variant.clone(), data_type, true);
                column.variant = true;
                push_column(state, column, cells)
            }
        };
        let column = &state.table.columns[index];
        let cell = coerce(column.data_type, value).ok_or_else(|| Error::Coercion {
            table: state.table.name.clone(),
            column: column.name.clone(),
            value: preview(value),
        })?;
        cells[index] = cell;
        return Ok(());
    }
    // A new column: a hint without a type, or the value's inferred type.
    let value = &value;
    let name = state.nodes[node].name.clone();
    let data_type = infer_type(value).unwrap_or(DataType::Text);
    let primary_key = plan.table == state.table.name
        && (plan.primary_key.contains(&name)
            || plan
                .hints
                .get(&name)
                .and_then(|h| h.primary_key)
                .unwrap_or(false));
    let nullable = state.nested
        || (!primary_key
            && plan
                .hints
                .get(&name)
                .and_then(|h| h.nullable)
                .unwrap_or(true));
    let mut column = Column::new(name, data_type, nullable);
    column.primary_key = primary_key;
    let index = push_column(state, column, cells);
    state.nodes[node].column = Some(index);
    let column = &state.table.columns[index];
    cells[index] = coerce(column.data_type, value).ok_or_else(|| Error::Coercion {
        table: state.table.name.clone(),
        column: column.name.clone(),
        value: preview(value),
    })?;
    Ok(())
}

fn push_column(state: &mut TableState, column: Column, cells: &mut Vec<Cell>) -> usize {
    let name = column.name.clone();
    let (index, _) = state.table.columns.insert_full(name.clone(), column);
    // A node may already stand for this name (a flattened key that was null until now).
    for node in &mut state.nodes {
        if node.column.is_none() && node.name == name {
            node.column = Some(index);
        }
    }
    if cells.len() <= index {
        cells.resize(index + 1, Cell::Null);
    }
    index
}

fn set_system(
    state: &mut TableState,
    name: &str,
    data_type: DataType,
    cell: Cell,
    cells: &mut Vec<Cell>,
) {
    let index = match state.table.columns.get_index_of(name) {
        Some(index) => index,
        None => push_column(state, Column::new(name, data_type, false), cells),
    };
    if cells.len() <= index {
        cells.resize(index + 1, Cell::Null);
    }
    cells[index] = cell;
}

fn preview(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

const ROW_ID_BYTES: usize = 10;

fn encode_id(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

/// A root row's id: 10 random bytes, base64 without padding (dlt's `uniq_id_base64(10)`).
fn random_row_id() -> String {
    encode_id(&rand::random::<[u8; ROW_ID_BYTES]>())
}

/// A nested row's id, derived from its parent's so reloading the same data gives the same ids
/// (dlt's `digest128(f"{parent}_{table}_{index}", 10)`).
fn nested_row_id(parent_id: &str, table: &str, position: usize) -> String {
    digest(format!("{parent_id}_{table}_{position}").as_bytes())
}

/// With upsert, a root row's id is a hash of its primary key, so the same record keeps its id.
fn key_row_id(table: &Table, key: &[String], cells: &[Cell]) -> String {
    let values: Vec<Value> = key
        .iter()
        .map(|name| {
            table
                .columns
                .get_index_of(name)
                .and_then(|i| cells.get(i))
                .map_or(Value::Null, Cell::to_json)
        })
        .collect();
    digest(Value::Array(values).to_string().as_bytes())
}

fn digest(bytes: &[u8]) -> String {
    let mut hasher = sha3::Shake128::default();
    hasher.update(bytes);
    let mut out = [0u8; ROW_ID_BYTES];
    hasher.finalize_xof().read(&mut out);
    encode_id(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(table: &str) -> TablePlan {
        TablePlan {
            resource: table.into(),
            table: table.into(),
            max_nesting: DEFAULT_MAX_NESTING,
            disposition: Disposition::Append,
            primary_key: vec![],
            merge_key: vec![],
            hints: IndexMap::new(),
            root_key: false,
        }
    }

    fn columns(normalizer: &Normalizer, table: &str) -> Vec<(String, &'static str, bool)> {
        normalizer.tables[table]
            .table
            .columns
            .values()
            .map(|c| {
                (
                    c.name.clone(),
                    crate::schema::type_name(c.data_type),
                    c.nullable,
                )
            })
            .collect()
    }

    fn names(normalizer: &Normalizer, table: &str) -> Vec<String> {
        columns(normalizer, table)
            .into_iter()
            .map(|c| c.0)
            .collect()
    }

    #[test]
    fn objects_flatten_plain_values_first_and_arrays_become_child_tables() {
        let mut n = Normalizer::new(plan("events"), "1.5", &Schema::default());
        n.normalize(&[json!({
            "id": 1,
            "campaign": {"id": "c", "budget": {"amount": 1.5}},
            "occurredAt": "2024-01-01T00:00:00Z",
            "user": {"name": "x"},
            "tags": ["a", "b"],
            "touchpoints": [{"channel": "web", "at": "2024-01-01T00:00:00Z"}],
            "empty": [],
            "nothing": null,
        })])
        .unwrap();
        // dlt's stack order: plain values, then the last object first.
        assert_eq!(
            names(&n, "events"),
            [
                "id",
                "occurred_at",
                "user__name",
                "campaign__id",
                "campaign__budget__amount",
                "_dlt_load_id",
                "_dlt_id"
            ]
        );
        assert_eq!(
            columns(&n, "events__tags"),
            [
                ("value".into(), "text", true),
                ("_dlt_parent_id".into(), "text", false),
                ("_dlt_list_idx".into(), "bigint", false),
                ("_dlt_id".into(), "text", false),
            ]
        );
        assert_eq!(names(&n, "events__touchpoints")[..2], ["channel", "at"]);
        assert_eq!(columns(&n, "events")[1].1, "timestamp");
        let rows = n.take_rows();
        assert_eq!(rows.tables["events"].len(), 1);
        assert_eq!(rows.tables["events__tags"].len(), 2);
        assert!(!rows.tables.contains_key("events__empty"));
        // The child rows point at their parent and their ids are dlt's digests.
        let text = |cell: &Cell| cell.to_json().as_str().expect("a text cell").to_owned();
        let root_id = text(&rows.tables["events"][0][6]);
        assert_eq!(root_id.len(), 14);
        assert_eq!(text(&rows.tables["events__tags"][1][1]), root_id);
        assert_eq!(rows.tables["events__tags"][1][2], Cell::Bigint(1));
        assert_eq!(
            text(&rows.tables["events__tags"][1][3]),
            nested_row_id(&root_id, "events__tags", 1)
        );
    }

    /// What dlt 1.31 does with API keys named like its columns (measured against dlt from PyPI,
    /// see ARCHITECTURE.md): `_dlt_load_id` is overwritten, `_dlt_id` is kept as the row id, a
    /// top-level `_dlt_parent_id` fails the load.
    #[test]
    fn api_keys_named_like_dlts_columns_are_handled_as_dlt_handles_them() {
        let mut n = Normalizer::new(plan("items"), "1.5", &Schema::default());
        n.normalize(&[json!({
            "x": 1,
            "_dlt_id": "api-one",
            "_dlt_load_id": "from-the-api",
            "parts": [{"y": 2, "_dlt_id": "part-one"}, {"y": 3}],
        })])
        .unwrap();
        let rows = n.take_rows();
        let text = |table: &str, row: usize, column: &str| {
            let at = n.tables[table].table.columns.get_index_of(column).unwrap();
            rows.tables[table][row][at].to_json()
        };
        assert_eq!(text("items", 0, "_dlt_id"), json!("api-one"));
        assert_eq!(text("items", 0, "_dlt_load_id"), json!("1.5"));
        assert_eq!(text("items__parts", 0, "_dlt_id"), json!("part-one"));
        // Unlike dlt, the child keeps its link to the parent.
        assert_eq!(text("items__parts", 0, "_dlt_parent_id"), json!("api-one"));
        assert_eq!(text("items__parts", 1, "_dlt_list_idx"), json!(1));
        assert_eq!(
            text("items__parts", 1, "_dlt_id"),
            json!(nested_row_id("api-one", "items__parts", 1))
        );

        for link in ["_dlt_parent_id", "_dlt_list_idx", "_dlt_root_id"] {
            let mut n = Normalizer::new(plan("items"), "1.5", &Schema::default());
            let error = n
                .normalize(&[json!({"x": 1, link: "p"})])
                .expect_err(link)
                .to_string();
            assert!(
                error.starts_with(&format!(
                    "resource `items`: its records have a key `{link}`"
                )),
                "{error}"
            );
        }
    }

    #[test]
    fn a_value_that_does_not_fit_goes_to_a_variant_column() {
        let mut n = Normalizer::new(plan("t"), "1", &Schema::default());
        n.normalize(&[
            json!({"score": 5}),
            json!({"score": "7"}),
            json!({"score": "n/a"}),
        ])
        .unwrap();
        assert_eq!(
            columns(&n, "t"),
            [
                ("score".into(), "bigint", true),
                ("_dlt_load_id".into(), "text", false),
                ("_dlt_id".into(), "text", false),
                ("score__v_text".into(), "text", true),
            ]
        );
        let rows = n.take_rows();
        assert_eq!(rows.tables["t"][1][0], Cell::Bigint(7));
        assert_eq!(rows.tables["t"][2][3], Cell::Text("n/a".into()));
        assert_eq!(rows.tables["t"][2][0], Cell::Null);
    }

    #[test]
    fn nesting_budget_keeps_deeper_values_as_json() {
        let mut p = plan("t");
        p.max_nesting = 1;
        let mut n = Normalizer::new(p, "1", &Schema::default());
        n.normalize(&[json!({"a": {"b": {"c": 1}}, "l": [{"x": [1]}]})])
            .unwrap();
        assert_eq!(names(&n, "t"), ["a__b", "_dlt_load_id", "_dlt_id"]);
        assert_eq!(columns(&n, "t")[0].1, "json");
        assert_eq!(columns(&n, "t__l")[0], ("x".into(), "json", true));

        let mut p = plan("t");
        p.max_nesting = 0;
        let mut n = Normalizer::new(p, "1", &Schema::default());
        n.normalize(&[json!({"a": {"b": 1}, "l": [1]})]).unwrap();
        assert_eq!(names(&n, "t"), ["a", "l", "_dlt_load_id", "_dlt_id"]);
    }

    #[test]
    fn merge_gives_nested_rows_a_root_id_and_keys_are_not_null() {
        let mut p = plan("orders");
        p.disposition = Disposition::DeleteInsert;
        p.primary_key = vec!["id".into()];
        let mut n = Normalizer::new(p, "1", &Schema::default());
        n.normalize(&[json!({"id": 1, "items": [{"sku": "a", "parts": [1]}]})])
            .unwrap();
        assert_eq!(columns(&n, "orders")[0], ("id".into(), "bigint", false));
        assert_eq!(
            names(&n, "orders__items"),
            [
                "sku",
                "_dlt_root_id",
                "_dlt_parent_id",
                "_dlt_list_idx",
                "_dlt_id"
            ]
        );
        assert_eq!(
            names(&n, "orders__items__parts"),
            [
                "value",
                "_dlt_root_id",
                "_dlt_parent_id",
                "_dlt_list_idx",
                "_dlt_id"
            ]
        );
        let rows = n.take_rows();
        let root_id = rows.tables["orders"][0][2].clone();
        assert_eq!(rows.tables["orders__items__parts"][0][1], root_id);
    }

    #[test]
    fn arrays_of_arrays_go_through_a_list_table_and_scalars_are_wrapped() {
        let mut n = Normalizer::new(plan("t"), "1", &Schema::default());
        n.normalize(&[json!({"m": [[1, 2]]}), json!(5)]).unwrap();
        assert_eq!(
            names(&n, "t__m"),
            ["_dlt_parent_id", "_dlt_list_idx", "_dlt_id"]
        );
        assert_eq!(names(&n, "t__m__list")[0], "value");
        assert_eq!(names(&n, "t"), ["_dlt_load_id", "_dlt_id", "value"]);
    }

    #[test]
    fn typed_hints_make_columns_and_win_over_inference() {
        let mut p = plan("t");
        p.hints.insert(
            "when".into(),
            ColumnHints {
                data_type: Some(DataType::Text),
                ..ColumnHints::default()
            },
        );
        p.hints.insert(
            "payload".into(),
            ColumnHints {
                data_type: Some(DataType::Json),
                ..ColumnHints::default()
            },
        );
        let mut n = Normalizer::new(p, "1", &Schema::default());
        n.normalize(&[json!({"when": "2024-01-01T00:00:00Z", "payload": {"a": [1]}})])
            .unwrap();
        assert_eq!(
            columns(&n, "t")[..2],
            [
                ("when".into(), "text", true),
                ("payload".into(), "json", true)
            ]
        );
        assert!(!n.tables.contains_key("t__payload__a"));
    }

    #[test]
    fn existing_columns_decide_the_type_of_later_values() {
        let mut existing = Schema::default();
        let mut table = Table::new("t", None);
        table
            .columns
            .insert("n".into(), Column::new("n", DataType::Double, true));
        existing.tables.insert("t".into(), table);
        let mut n = Normalizer::new(plan("t"), "1", &existing);
        n.normalize(&[json!({"n": 3})]).unwrap();
        assert_eq!(n.take_rows().tables["t"][0][0], Cell::Double(3.0));
    }
}
