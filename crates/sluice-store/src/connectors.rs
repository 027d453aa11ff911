//! Queries on the `connectors` table.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result, Store};

/// What the connector list shows for one connector.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "store/")]
pub struct ConnectorSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// `client.base_url` of the config, for telling connectors apart at a glance.
    pub base_url: Option<String>,
    pub resource_count: u32,
    pub is_demo: bool,
    pub updated_at: String,
}

/// A saved connector with its whole config document.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "store/")]
pub struct Connector {
    #[ts(type = "number")]
    pub id: i64,
    /// Random and never reused: the scope of the connector's secrets in the keychain.
    pub uid: String,
    pub name: String,
    #[ts(type = "unknown")]
    pub config: serde_json::Value,
    pub is_demo: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl Connector {
    pub fn summary(&self) -> ConnectorSummary {
        let client = self.config.get("client");
        ConnectorSummary {
            id: self.id,
            name: self.name.clone(),
            base_url: client
                .and_then(|c| c.get("base_url"))
                .and_then(|u| u.as_str())
                .map(str::to_owned),
            resource_count: self
                .config
                .get("resources")
                .and_then(|r| r.as_array())
                .map_or(0, |r| u32::try_from(r.len()).unwrap_or(u32::MAX)),
            is_demo: self.is_demo,
            updated_at: self.updated_at.clone(),
        }
    }
}

const COLUMNS: &str = "id, name, config, is_demo, created_at, updated_at, uid";

fn connector_from_row(row: &Row<'_>) -> rusqlite::Result<(Connector, String)> {
    let config: String = row.get(2)?;
    Ok((
        Connector {
            id: row.get(0)?,
            name: row.get(1)?,
            config: serde_json::Value::Null,
            is_demo: row.get(3)?,
            created_at: row.get(4)?,
            updated_at: row.get(5)?,
            uid: row.get(6)?,
        },
        config,
    ))
}

fn parse((mut connector, config): (Connector, String)) -> Result<Connector> {
    connector.config = serde_json::from_str(&config)?;
    Ok(connector)
}

fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

impl Store {
    /// Live connectors, demo first, then by name as the user sees them.
    pub fn list_connectors(&self) -> Result<Vec<ConnectorSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM connectors WHERE deleted_at IS NULL
             ORDER BY is_demo DESC, name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([], connector_from_row)?;
        rows.map(|r| Ok(parse(r?)?.summary())).collect()
    }

    pub fn connector(&self, id: i64) -> Result<Connector> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM connectors WHERE id = ?1 AND deleted_at IS NULL"),
                [id],
                connector_from_row,
            )
            .optional()?
            .ok_or(Error::ConnectorNotFound(id))
            .and_then(parse)
    }

    /// Saves a new connector. The config must already be free of secret values: callers pass
    /// documents whose secrets are `{"$secret": ...}` references.
    pub fn create_connector(
        &self,
        name: &str,
        config: &serde_json::Value,
        is_demo: bool,
    ) -> Result<Connector> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::NameEmpty);
        }
        let inserted = self.conn.execute(
            "INSERT INTO connectors (name, config, is_demo) VALUES (?1, ?2, ?3)",
            params![name, serde_json::to_string(config)?, is_demo],
        );
        match inserted {
            Ok(_) => self.connector(self.conn.last_insert_rowid()),
            Err(e) if is_unique_violation(&e) => Err(Error::NameTaken(name.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// Saves a new connector under `name`, or `name (2)`, `name (3)`... when that is taken, so an
    /// import never fails on a name the user can change afterwards.
    pub fn create_connector_with_free_name(
        &self,
        name: &str,
        config: &serde_json::Value,
    ) -> Result<Connector> {
        let base = name.trim();
        for n in 1..1000 {
            let candidate = if n == 1 {
                base.to_owned()
            } else {
                format!("{base} ({n})")
            };
            match self.create_connector(&candidate, config, false) {
                Err(Error::NameTaken(_)) => continue,
                other => return other,
            }
        }
        Err(Error::NameTaken(base.to_owned()))
    }

    pub fn update_config(&self, id: i64, config: &serde_json::Value) -> Result<Connector> {
        let changed = self.conn.execute(
            "UPDATE connectors SET config = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1 AND deleted_at IS NULL",
            params![id, serde_json::to_string(config)?],
        )?;
        if changed == 0 {
            return Err(Error::ConnectorNotFound(id));
        }
        self.connector(id)
    }

    /// The demo connector, if the user has opened it before.
    pub fn demo_connector(&self) -> Result<Option<Connector>> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM connectors WHERE is_demo = 1 AND deleted_at IS NULL
                     ORDER BY id LIMIT 1"
                ),
                [],
                connector_from_row,
            )
            .optional()?
            .map(parse)
            .transpose()
    }
}
