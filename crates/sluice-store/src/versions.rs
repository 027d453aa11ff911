//! Queries on the `connector_versions` table: the saved history of a connector's config.
//!
//! History only grows: an edit adds a version (or refreshes the edit version it continues, see
//! [`Store::save_config`]) and a revert adds the old config as a new version, so going back is
//! itself something the user can go back from.

use std::time::Duration;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::{Connector, Error, Result, Store};

/// The note of versions written by autosave; a revert's note names the version it went back to.
pub const EDITED: &str = "Edited";

/// One saved version of a connector's config.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "store/")]
pub struct ConnectorVersion {
    #[ts(type = "number")]
    pub id: i64,
    /// 1 for the first version of this connector, counting up: what the History tab shows.
    pub number: u32,
    /// The connector's name when this version was saved.
    pub name: String,
    #[ts(type = "unknown")]
    pub config: serde_json::Value,
    /// What the user did, in words: "Created", "Edited", "Reverted to version 3".
    pub note: String,
    pub saved_at: String,
}

/// The outcome of an autosave.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub connector: Connector,
    /// The version holding the saved config; `None` when the config had not changed, in which
    /// case nothing was written.
    pub version: Option<ConnectorVersion>,
}

const VERSION_COLUMNS: &str = "id, name, config, note, saved_at,
    (SELECT count(*) FROM connector_versions AS earlier
     WHERE earlier.connector_id = connector_versions.connector_id
       AND earlier.id <= connector_versions.id)";

fn version_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(ConnectorVersion, String)> {
    Ok((
        ConnectorVersion {
            id: row.get(0)?,
            name: row.get(1)?,
            config: serde_json::Value::Null,
            note: row.get(3)?,
            saved_at: row.get(4)?,
            number: row.get(5)?,
        },
        row.get(2)?,
    ))
}

fn parse((mut version, config): (ConnectorVersion, String)) -> Result<ConnectorVersion> {
    version.config = serde_json::from_str(&config)?;
    Ok(version)
}

impl Store {
    /// Records the connector's current config as a new version.
    pub fn add_version(&self, connector: &Connector, note: &str) -> Result<ConnectorVersion> {
        self.conn.execute(
            "INSERT INTO connector_versions (connector_id, name, config, note)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                connector.id,
                connector.name,
                serde_json::to_string(&connector.config)?,
                note
            ],
        )?;
        self.version(connector.id, self.conn.last_insert_rowid())
    }

    /// Every saved version of a connector, newest first.
    pub fn versions(&self, connector_id: i64) -> Result<Vec<ConnectorVersion>> {
        self.connector(connector_id)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {VERSION_COLUMNS} FROM connector_versions WHERE connector_id = ?1
             ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([connector_id], version_from_row)?;
        rows.map(|r| parse(r?)).collect()
    }

    pub fn version(&self, connector_id: i64, version_id: i64) -> Result<ConnectorVersion> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {VERSION_COLUMNS} FROM connector_versions
                     WHERE connector_id = ?1 AND id = ?2"
                ),
                [connector_id, version_id],
                version_from_row,
            )
            .optional()?
            .ok_or(Error::VersionNotFound(version_id))
            .and_then(parse)
    }

    fn latest_version(&self, connector_id: i64) -> Result<Option<(ConnectorVersion, f64)>> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {VERSION_COLUMNS},
                        (julianday('now') - julianday(saved_at)) * 86400.0
                     FROM connector_versions WHERE connector_id = ?1 ORDER BY id DESC LIMIT 1"
                ),
                [connector_id],
                |row| Ok((version_from_row(row)?, row.get::<_, f64>(6)?)),
            )
            .optional()?
            .map(|(v, age)| Ok((parse(v)?, age)))
            .transpose()
    }

    /// Autosave: stores `config` as the connector's config and keeps it in the history. Nothing
    /// is written when the config is the one already saved. An edit made within `continue_within`
    /// of the previous edit version refreshes that version instead of adding one, so a minute of
    /// typing is one version, not one per keystroke pause.
    pub fn save_config(
        &self,
        id: i64,
        config: &serde_json::Value,
        continue_within: Duration,
    ) -> Result<Saved> {
        let current = self.connector(id)?;
        let config = &crate::pipelines::for_update(&self.conn, id, &current.config, config)?;
        if current.config == *config {
            return Ok(Saved {
                connector: current,
                version: None,
            });
        }
        let tx = self.conn.unchecked_transaction()?;
        let connector = self.update_config(id, config)?;
        let version = match self.latest_version(id)? {
            Some((latest, age)) if latest.note == EDITED && age < continue_within.as_secs_f64() => {
                self.conn.execute(
                    "UPDATE connector_versions
                     SET config = ?2, name = ?3, saved_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                     WHERE id = ?1",
                    params![latest.id, serde_json::to_string(config)?, connector.name],
                )?;
                self.version(id, latest.id)?
            }
            _ => self.add_version(&connector, EDITED)?,
        };
        tx.commit()?;
        Ok(Saved {
            connector,
            version: Some(version),
        })
    }

    /// Makes an old version's config the current one, saved as a new version so the history
    /// keeps what was there before the revert.
    pub fn revert_to_version(&self, connector_id: i64, version_id: i64) -> Result<Connector> {
        let old = self.version(connector_id, version_id)?;
        let tx = self.conn.unchecked_transaction()?;
        let connector = self.update_config(connector_id, &old.config)?;
        self.add_version(&connector, &format!("Reverted to version {}", old.number))?;
        tx.commit()?;
        Ok(connector)
    }
}
