//! The app's own SQLite database: connectors (their configs, never secret values), settings, and
//! later their saved versions and run history. Schema changes are embedded migrations applied on
//! open, so an older database file upgrades in place.

mod connectors;
mod error;
mod literal_secrets;
mod pipelines;
mod runs;
mod versions;

use std::path::Path;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

pub use connectors::{Connector, ConnectorSummary};
pub use error::{Error, Result};
pub use literal_secrets::{MovedSecrets, SecretSweep};
pub use runs::{Run, RunLog, RunOutcome, RunStatus};
pub use versions::{ConnectorVersion, Saved, EDITED};

// Never edit a migration that has shipped: add the next one.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("migrations/001_connectors.sql")),
        M::up(include_str!("migrations/002_versions_and_runs.sql")),
        M::up_with_hook(
            include_str!("migrations/003_connector_notices.sql"),
            |tx: &rusqlite::Transaction<'_>| {
                pipelines::give_each_connector_its_own(tx)
                    .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
            },
        ),
    ])
}

/// One open app database. A `Connection` is not `Sync`; the app keeps the store behind a mutex
/// and calls it from blocking threads.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        Self::prepare(Connection::open(path)?)
    }

    pub fn open_in_memory() -> Result<Self> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut conn: Connection) -> Result<Self> {
        // WAL keeps the UI's reads from waiting on a save, and survives a killed app.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations().to_latest(&mut conn)?;
        Ok(Self { conn })
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }
}
