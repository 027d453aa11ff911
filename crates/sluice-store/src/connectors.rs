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
    /// Something the app changed for this connector that the user should hear about once (see
    /// migration 003); cleared by [`Store::dismiss_notice`].
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
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

const COLUMNS: &str = "id, name, config, is_demo, created_at, updated_at, uid, notice";

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
            notice: row.get(7)?,
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
    /// documents whose secrets are `{"$secret": ...}` references. The saved document gets a
    /// pipeline name no other connector has (see `pipelines.rs`), so it syncs into a DuckDB file
    /// of its own.
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
        let config = crate::pipelines::for_new_connector(&self.conn, name, config)?;
        let inserted = self.conn.execute(
            "INSERT INTO connectors (name, config, is_demo) VALUES (?1, ?2, ?3)",
            params![name, serde_json::to_string(&config)?, is_demo],
        );
        match inserted {
            Ok(_) => {
                let connector = self.connector(self.conn.last_insert_rowid())?;
                // The first version, so the user can always go back to how the connector began.
                self.add_version(&connector, "Created")?;
                Ok(connector)
            }
            Err(e) if is_unique_violation(&e) => Err(Error::NameTaken(name.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// Gives a connector a new display name. Its uid, and so its keychain secrets, stay.
    pub fn rename_connector(&self, id: i64, name: &str) -> Result<Connector> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::NameEmpty);
        }
        let renamed = self.conn.execute(
            "UPDATE connectors SET name = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1 AND deleted_at IS NULL",
            params![id, name],
        );
        match renamed {
            Ok(0) => Err(Error::ConnectorNotFound(id)),
            Ok(_) => self.connector(id),
            Err(e) if is_unique_violation(&e) => Err(Error::NameTaken(name.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// A copy of a connector under the next free "<name> (copy)" name, with a new uid and a
    /// pipeline name made from the new name (a copy pointed at staging must not merge into the
    /// original's tables). The copy is never the demo connector. The caller copies the keychain
    /// secrets to the new uid's scope: the store holds no secret values.
    pub fn duplicate_connector(&self, id: i64) -> Result<Connector> {
        let original = self.connector(id)?;
        let mut config = original.config.clone();
        if let Some(pipeline) = config
            .get_mut("sluice")
            .and_then(|s| s.get_mut("pipeline"))
            .and_then(|p| p.as_object_mut())
        {
            pipeline.remove("pipeline_name");
        }
        self.create_connector_with_free_name(&format!("{} (copy)", original.name), &config)
    }

    /// Adds a paragraph to what the connector tells the user once (shown until dismissed).
    pub fn add_notice(&self, id: i64, text: &str) -> Result<Connector> {
        self.conn.execute(
            "UPDATE connectors SET notice = COALESCE(notice || char(10), '') || ?2 WHERE id = ?1",
            params![id, text],
        )?;
        self.connector(id)
    }

    /// Clears the connector's notice once the user has read it.
    pub fn dismiss_notice(&self, id: i64) -> Result<Connector> {
        self.conn
            .execute("UPDATE connectors SET notice = NULL WHERE id = ?1", [id])?;
        self.connector(id)
    }

    /// Hides a connector from the list; [`Store::restore_connector`] brings it back (the undo of
    /// the list's delete). Its versions and runs stay with it.
    pub fn delete_connector(&self, id: i64) -> Result<()> {
        let deleted = self.conn.execute(
            "UPDATE connectors SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1 AND deleted_at IS NULL",
            [id],
        )?;
        if deleted == 0 {
            return Err(Error::ConnectorNotFound(id));
        }
        Ok(())
    }

    /// Undoes [`Store::delete_connector`]. When another connector took the name in between, the
    /// restored one gets the next free "<name> (n)" so the undo never fails on a name.
    pub fn restore_connector(&self, id: i64) -> Result<Connector> {
        let name: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM connectors WHERE id = ?1 AND deleted_at IS NOT NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let name = name.ok_or(Error::ConnectorNotFound(id))?;
        for n in 1..1000 {
            let candidate = if n == 1 {
                name.clone()
            } else {
                format!("{name} ({n})")
            };
            let restored = self.conn.execute(
                "UPDATE connectors SET deleted_at = NULL, name = ?2 WHERE id = ?1",
                params![id, candidate],
            );
            match restored {
                Ok(_) => return self.connector(id),
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::NameTaken(name))
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

    /// Replaces a connector's document. It keeps its pipeline name when the new document leaves
    /// it out, and may take only a free one (see `pipelines.rs`).
    pub fn update_config(&self, id: i64, config: &serde_json::Value) -> Result<Connector> {
        let current = self.connector(id)?;
        let config = crate::pipelines::for_update(&self.conn, id, &current.config, config)?;
        let changed = self.conn.execute(
            "UPDATE connectors SET config = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1 AND deleted_at IS NULL",
            params![id, serde_json::to_string(&config)?],
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
