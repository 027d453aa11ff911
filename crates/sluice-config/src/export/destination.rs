//! Where an exported dlt pipeline loads. Sluice itself always syncs into DuckDB on the laptop;
//! the exported script can name any of dlt's destinations instead, so a connector that outgrows
//! the laptop runs unchanged against a warehouse, with that destination's credentials in the
//! `secrets.toml` template.

use serde::{Deserialize, Serialize};

/// A dlt destination an exported pipeline can load into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "config/")]
pub enum Destination {
    /// A DuckDB file, as Sluice's own syncs.
    #[default]
    Duckdb,
    Motherduck,
    Postgres,
    Bigquery,
    Snowflake,
    Redshift,
    Databricks,
    Clickhouse,
    /// Files (JSONL by default; Parquet with pyarrow) in a local folder or a bucket.
    Filesystem,
}

impl Destination {
    pub const ALL: [Destination; 9] = [
        Destination::Duckdb,
        Destination::Motherduck,
        Destination::Postgres,
        Destination::Bigquery,
        Destination::Snowflake,
        Destination::Redshift,
        Destination::Databricks,
        Destination::Clickhouse,
        Destination::Filesystem,
    ];

    /// dlt's name for it: `dlt.pipeline(destination="postgres")`.
    pub fn dlt_name(self) -> &'static str {
        match self {
            Destination::Duckdb => "duckdb",
            Destination::Motherduck => "motherduck",
            Destination::Postgres => "postgres",
            Destination::Bigquery => "bigquery",
            Destination::Snowflake => "snowflake",
            Destination::Redshift => "redshift",
            Destination::Databricks => "databricks",
            Destination::Clickhouse => "clickhouse",
            Destination::Filesystem => "filesystem",
        }
    }

    /// The name people use for it.
    pub fn label(self) -> &'static str {
        match self {
            Destination::Duckdb => "DuckDB",
            Destination::Motherduck => "MotherDuck",
            Destination::Postgres => "PostgreSQL",
            Destination::Bigquery => "BigQuery",
            Destination::Snowflake => "Snowflake",
            Destination::Redshift => "Amazon Redshift",
            Destination::Databricks => "Databricks",
            Destination::Clickhouse => "ClickHouse",
            Destination::Filesystem => "files (local folder or bucket)",
        }
    }

    pub fn from_dlt_name(name: &str) -> Option<Destination> {
        Destination::ALL.into_iter().find(|d| d.dlt_name() == name)
    }

    /// The key paths dlt reads the destination's connection from, which the `secrets.toml`
    /// template lists; none for DuckDB, whose file the script names.
    pub fn credential_paths(self) -> Vec<String> {
        let fields: &[&str] = match self {
            Destination::Duckdb => &[],
            Destination::Motherduck => &["database", "password"],
            Destination::Postgres | Destination::Redshift => {
                &["database", "username", "password", "host", "port"]
            }
            Destination::Bigquery => &["project_id", "private_key", "client_email"],
            Destination::Snowflake => &[
                "database",
                "username",
                "password",
                "host",
                "warehouse",
                "role",
            ],
            Destination::Databricks => &["server_hostname", "http_path", "access_token", "catalog"],
            Destination::Clickhouse => &[
                "database",
                "username",
                "password",
                "host",
                "port",
                "http_port",
            ],
            // Local folders need no credentials; a bucket's go under `credentials` (see dlt).
            Destination::Filesystem => return vec!["destination.filesystem.bucket_url".to_owned()],
        };
        fields
            .iter()
            .map(|field| format!("destination.{}.credentials.{field}", self.dlt_name()))
            .collect()
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.dlt_name())
    }
}
