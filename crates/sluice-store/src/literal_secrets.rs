//! Moving literal secrets out of the database. Before the check on the raw document
//! (`sluice_config`'s literal-secret rule) a token typed into a config that did not fully parse
//! was saved as text, in the connector and in each of its saved versions. This finds every such
//! value, in deleted connectors too, hands it to the caller to keep (the app puts it in the
//! keychain), and only then writes the row back with `{"$secret": name}` in its place, so a
//! keychain that refuses leaves the row as it was, to be tried again on the next start.

use rusqlite::params;
use sluice_config::FoundSecret;

use crate::{Result, Store};

/// What one connector had moved out: which secrets, from how many saved documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedSecrets {
    pub connector_id: i64,
    pub connector_uid: String,
    /// Names only: the values went to whoever kept them.
    pub names: Vec<String>,
    /// The connector's config and saved versions that held a literal.
    pub documents: usize,
}

/// The outcome of [`Store::move_literal_secrets`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretSweep {
    pub moved: Vec<MovedSecrets>,
    /// Connectors whose secrets `keep` refused, by uid, with its reason: left as they were.
    pub left: Vec<(String, String)>,
}

/// Set once every connector was swept clean: the raw-document rule keeps new literals out, so
/// later starts need not read every saved version again.
const SWEPT: &str = "literal_secrets_moved";

impl Store {
    /// Moves every literal secret out of each connector and its saved versions. `keep` gets
    /// the connector's uid and the secrets found in it (a value found in several versions is
    /// one secret); when it fails, that connector's rows stay untouched and the error is
    /// returned with the others' results.
    pub fn move_literal_secrets(
        &mut self,
        mut keep: impl FnMut(&str, &[FoundSecret]) -> std::result::Result<(), String>,
    ) -> Result<SecretSweep> {
        if self.setting(SWEPT)?.is_some() {
            return Ok(SecretSweep::default());
        }
        let connectors: Vec<(i64, String, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id, uid, config FROM connectors")?;
            let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut moved = Vec::new();
        let mut failed = Vec::new();
        for (id, uid, config) in connectors {
            let versions: Vec<(i64, String)> = {
                let mut stmt = self
                    .conn
                    .prepare("SELECT id, config FROM connector_versions WHERE connector_id = ?1")?;
                let rows = stmt.query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut known: Vec<FoundSecret> = Vec::new();
            let mut rewrite = |text: &str| -> Result<Option<String>> {
                let saved: serde_json::Value = serde_json::from_str(text)?;
                let mut document = saved.clone();
                // A value found before (in another version) changes the document without
                // being new, so the document itself says whether it changed.
                sluice_config::move_literal_secrets(&mut document, &mut known);
                Ok((document != saved)
                    .then(|| serde_json::to_string(&document))
                    .transpose()?)
            };
            let connector = rewrite(&config)?;
            let mut changed_versions = Vec::new();
            for (version_id, text) in &versions {
                if let Some(text) = rewrite(text)? {
                    changed_versions.push((*version_id, text));
                }
            }
            if known.is_empty() {
                continue;
            }
            if let Err(reason) = keep(&uid, &known) {
                failed.push((uid, reason));
                continue;
            }
            let tx = self.conn.transaction()?;
            let names: Vec<String> = known.iter().map(|f| format!("“{}”", f.name)).collect();
            let notice = format!(
                "Sluice moved {} typed into this connector's settings to your keychain, where \
                 secrets belong: {}. The connector now refers to {}.",
                if known.len() == 1 {
                    "a secret"
                } else {
                    "secrets"
                },
                names.join(", "),
                if known.len() == 1 { "it" } else { "them" },
            );
            tx.execute(
                "UPDATE connectors SET notice = COALESCE(notice || char(10), '') || ?2
                 WHERE id = ?1",
                params![id, notice],
            )?;
            if let Some(text) = &connector {
                tx.execute(
                    "UPDATE connectors SET config = ?2 WHERE id = ?1",
                    params![id, text],
                )?;
            }
            for (version_id, text) in &changed_versions {
                tx.execute(
                    "UPDATE connector_versions SET config = ?2 WHERE id = ?1",
                    params![version_id, text],
                )?;
            }
            tx.commit()?;
            moved.push(MovedSecrets {
                connector_id: id,
                connector_uid: uid,
                names: known.iter().map(|f| f.name.clone()).collect(),
                documents: usize::from(connector.is_some()) + changed_versions.len(),
            });
        }
        if !moved.is_empty() {
            // The old rows' pages still hold the values: overwrite freed pages, rebuild the
            // file and empty the write-ahead log so no copy stays on disk.
            self.conn.execute_batch(
                "PRAGMA secure_delete = ON; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
            )?;
        }
        if failed.is_empty() {
            self.set_setting(SWEPT, "1")?;
        }
        Ok(SecretSweep {
            moved,
            left: failed,
        })
    }
}
