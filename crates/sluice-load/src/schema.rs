//! The tables a load makes: names, columns, dlt types and their DuckDB types.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use sluice_config::{DataType, WriteDispositionKind};

/// dlt's system columns.
pub const C_DLT_ID: &str = "_dlt_id";
pub const C_DLT_LOAD_ID: &str = "_dlt_load_id";
pub const C_DLT_PARENT_ID: &str = "_dlt_parent_id";
pub const C_DLT_ROOT_ID: &str = "_dlt_root_id";
pub const C_DLT_LIST_IDX: &str = "_dlt_list_idx";
/// The column of a child table made from an array of scalars.
pub const C_VALUE: &str = "value";

/// The tables dlt keeps next to the data.
pub const LOADS_TABLE: &str = "_dlt_loads";
pub const VERSION_TABLE: &str = "_dlt_version";
pub const STATE_TABLE: &str = "_dlt_pipeline_state";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub data_type: DataType,
    pub nullable: bool,
    /// A `<column>__v_<type>` column holding values the original column could not take.
    #[serde(default, skip_serializing_if = "is_false")]
    pub variant: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    /// `false`: a timestamp without a time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<bool>,
}

fn is_false(value: &bool) -> bool {
    !value
}

impl Column {
    pub fn new(name: impl Into<String>, data_type: DataType, nullable: bool) -> Column {
        Column {
            name: name.into(),
            data_type,
            nullable,
            variant: false,
            primary_key: false,
            precision: None,
            scale: None,
            timezone: None,
        }
    }

    /// The column's DuckDB type, as dlt's DuckDB destination maps it (spec §7.6).
    pub fn duckdb_type(&self) -> String {
        match self.data_type {
            DataType::Text => "VARCHAR".into(),
            DataType::Double => "DOUBLE".into(),
            DataType::Bool => "BOOLEAN".into(),
            DataType::Bigint => match self.precision {
                Some(p) if p <= 8 => "TINYINT".into(),
                Some(p) if p <= 16 => "SMALLINT".into(),
                Some(p) if p <= 32 => "INTEGER".into(),
                Some(p) if p > 64 => "HUGEINT".into(),
                _ => "BIGINT".into(),
            },
            DataType::Timestamp => match (self.timezone, self.precision) {
                (Some(false), Some(0)) => "TIMESTAMP_S".into(),
                (Some(false), Some(p)) if p <= 3 => "TIMESTAMP_MS".into(),
                (Some(false), Some(p)) if p > 6 => "TIMESTAMP_NS".into(),
                (Some(false), _) => "TIMESTAMP".into(),
                _ => "TIMESTAMP WITH TIME ZONE".into(),
            },
            DataType::Date => "DATE".into(),
            DataType::Time => "TIME".into(),
            DataType::Json => "JSON".into(),
            DataType::Binary => "BLOB".into(),
            DataType::Decimal => format!(
                "DECIMAL({},{})",
                self.precision.unwrap_or(38),
                self.scale.unwrap_or(9)
            ),
            DataType::Wei => "DECIMAL(38,0)".into(),
        }
    }
}

/// dlt's name of a type (`text`, `bigint`, ...).
pub fn type_name(data_type: DataType) -> &'static str {
    match data_type {
        DataType::Text => "text",
        DataType::Double => "double",
        DataType::Bool => "bool",
        DataType::Timestamp => "timestamp",
        DataType::Bigint => "bigint",
        DataType::Binary => "binary",
        DataType::Json => "json",
        DataType::Decimal => "decimal",
        DataType::Wei => "wei",
        DataType::Date => "date",
        DataType::Time => "time",
    }
}

/// Reads a type back from DuckDB's `information_schema` (a file Sluice or dlt wrote).
pub fn column_from_duckdb(name: &str, duckdb_type: &str, nullable: bool) -> Column {
    let upper = duckdb_type.to_ascii_uppercase();
    let mut column = Column::new(name, DataType::Text, nullable);
    let (data_type, precision, timezone) = match upper.as_str() {
        "VARCHAR" | "TEXT" | "STRING" => (DataType::Text, None, None),
        "DOUBLE" | "FLOAT" | "REAL" => (DataType::Double, None, None),
        "BOOLEAN" => (DataType::Bool, None, None),
        "TINYINT" => (DataType::Bigint, Some(8), None),
        "SMALLINT" => (DataType::Bigint, Some(16), None),
        "INTEGER" => (DataType::Bigint, Some(32), None),
        "BIGINT" => (DataType::Bigint, None, None),
        "HUGEINT" => (DataType::Bigint, Some(128), None),
        "TIMESTAMP WITH TIME ZONE" => (DataType::Timestamp, None, None),
        "TIMESTAMP" => (DataType::Timestamp, None, Some(false)),
        "TIMESTAMP_S" => (DataType::Timestamp, Some(0), Some(false)),
        "TIMESTAMP_MS" => (DataType::Timestamp, Some(3), Some(false)),
        "TIMESTAMP_NS" => (DataType::Timestamp, Some(9), Some(false)),
        "DATE" => (DataType::Date, None, None),
        "TIME" => (DataType::Time, None, None),
        "JSON" => (DataType::Json, None, None),
        "BLOB" => (DataType::Binary, None, None),
        "DECIMAL(38,0)" => (DataType::Wei, None, None),
        other if other.starts_with("DECIMAL") => {
            let inner = other.trim_start_matches("DECIMAL(").trim_end_matches(')');
            let mut parts = inner.split(',').map(|p| p.trim().parse::<u32>().ok());
            column.scale = parts.nth(1).flatten();
            let precision = inner.split(',').next().and_then(|p| p.trim().parse().ok());
            (DataType::Decimal, precision, None)
        }
        _ => (DataType::Text, None, None),
    };
    column.data_type = data_type;
    column.precision = precision;
    column.timezone = timezone;
    column.variant = name.contains("__v_");
    column
}

/// One table: a resource's root table or a child table made from an array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// The table this one's rows hang from (`None` for a root table).
    pub parent: Option<String>,
    pub columns: IndexMap<String, Column>,
}

impl Table {
    pub fn new(name: impl Into<String>, parent: Option<String>) -> Table {
        Table {
            name: name.into(),
            parent,
            columns: IndexMap::new(),
        }
    }

    pub fn is_system(&self) -> bool {
        matches!(
            self.name.as_str(),
            LOADS_TABLE | VERSION_TABLE | STATE_TABLE
        )
    }
}

/// Every table of a dataset, in the order they first appeared.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub tables: IndexMap<String, Table>,
}

impl Schema {
    /// `root` and the tables nested under it, parents before children.
    pub fn family(&self, root: &str) -> Vec<&Table> {
        let prefix = format!("{root}__");
        self.tables
            .values()
            .filter(|t| t.name == root || (t.parent.is_some() && t.name.starts_with(&prefix)))
            .collect()
    }

    /// What `self` (a schema a load would make) adds to `existing` (what a file holds).
    pub fn difference(&self, existing: &Schema) -> SchemaDifference {
        let mut difference = SchemaDifference::default();
        for table in self.tables.values() {
            match existing.tables.get(&table.name) {
                None => difference.new_tables.push(table.name.clone()),
                Some(old) => {
                    for column in table.columns.values() {
                        if old.columns.contains_key(&column.name) {
                            continue;
                        }
                        let change = ColumnChange {
                            table: table.name.clone(),
                            column: column.name.clone(),
                            data_type: column.data_type,
                        };
                        if column.variant {
                            difference.variant_columns.push(change);
                        } else {
                            difference.new_columns.push(change);
                        }
                    }
                }
            }
        }
        for table in self.tables.values() {
            if existing.tables.contains_key(&table.name) {
                continue;
            }
            for column in table.columns.values().filter(|c| c.variant) {
                difference.variant_columns.push(ColumnChange {
                    table: table.name.clone(),
                    column: column.name.clone(),
                    data_type: column.data_type,
                });
            }
        }
        difference
    }
}

/// What a load would change in an existing DuckDB file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, export_to = "load/")]
pub struct SchemaDifference {
    pub new_tables: Vec<String>,
    pub new_columns: Vec<ColumnChange>,
    pub variant_columns: Vec<ColumnChange>,
}

impl SchemaDifference {
    pub fn is_empty(&self) -> bool {
        self.new_tables.is_empty() && self.new_columns.is_empty() && self.variant_columns.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, export_to = "load/")]
pub struct ColumnChange {
    pub table: String,
    pub column: String,
    pub data_type: DataType,
}

/// Quotes an identifier for DuckDB (double quotes, inner quotes doubled).
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// How a resource's rows reach its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    Append,
    Replace,
    /// Delete the rows whose primary (or merge) key comes again, then insert.
    DeleteInsert,
    /// Update rows by primary key, insert the rest.
    Upsert,
    /// Insert only the rows whose primary key is not there yet.
    InsertOnly,
    Skip,
}

impl Disposition {
    /// `None` for a merge strategy Sluice cannot load yet (scd2).
    pub fn from_config(kind: WriteDispositionKind, strategy: Option<&str>) -> Option<Disposition> {
        Some(match (kind, strategy) {
            (WriteDispositionKind::Append, _) => Disposition::Append,
            (WriteDispositionKind::Replace, _) => Disposition::Replace,
            (WriteDispositionKind::Skip, _) => Disposition::Skip,
            (WriteDispositionKind::Merge, None | Some("delete-insert")) => {
                Disposition::DeleteInsert
            }
            (WriteDispositionKind::Merge, Some("upsert")) => Disposition::Upsert,
            (WriteDispositionKind::Merge, Some("insert-only")) => Disposition::InsertOnly,
            (WriteDispositionKind::Merge, Some(_)) => return None,
        })
    }

    pub fn is_merge(self) -> bool {
        matches!(self, Disposition::DeleteInsert | Disposition::Upsert)
    }
}
