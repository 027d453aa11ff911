//! One writer per DuckDB file in this process, whichever connector names the file.
//!
//! DuckDB's own lock keeps other processes out, but it is a POSIX record lock, which belongs to
//! the process: two instances of one file in this process would both "hold" it. So a sync claims
//! its file here before it closes the viewer's handle and opens the file, and every reader (the
//! Data tab, the schema preview) checks the claim while it holds the viewer's lock, before it
//! opens anything. See `viewer.rs` for why that order leaves no gap.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The files syncs of this app write now, each with the connector writing it.
#[derive(Default, Clone)]
pub struct Writers(Arc<Mutex<HashMap<PathBuf, String>>>);

/// Held for a whole sync; the file is free again when it drops, however the sync ends.
pub struct WriterClaim {
    writers: Writers,
    key: PathBuf,
}

impl Writers {
    fn lock(&self) -> MutexGuard<'_, HashMap<PathBuf, String>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Claims `path` for `connector`, or names the connector whose sync writes it now.
    pub fn claim(&self, path: &Path, connector: &str) -> Result<WriterClaim, String> {
        let key = same_file(path);
        let mut writing = self.lock();
        if let Some(other) = writing.get(&key) {
            return Err(other.clone());
        }
        writing.insert(key.clone(), connector.to_owned());
        Ok(WriterClaim {
            writers: self.clone(),
            key,
        })
    }

    /// The connector whose sync writes `path` now, if any.
    pub fn writer_of(&self, path: &Path) -> Option<String> {
        self.lock().get(&same_file(path)).cloned()
    }
}

impl Drop for WriterClaim {
    fn drop(&mut self) {
        self.writers.lock().remove(&self.key);
    }
}

/// One spelling per file: `data/../data/x.duckdb` and a symlinked folder name the same file.
/// The file itself may not exist yet (a first sync), so its folder is resolved instead.
pub fn same_file(path: &Path) -> PathBuf {
    if let Ok(resolved) = path.canonicalize() {
        return resolved;
    }
    match (path.parent(), path.file_name()) {
        (Some(folder), Some(name)) => folder
            .canonicalize()
            .map_or_else(|_| path.to_owned(), |folder| folder.join(name)),
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_has_one_writer_however_it_is_spelled() {
        let dir = std::env::temp_dir().join(format!("sluice-writers-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let plain = dir.join("data/shop.duckdb");
        let roundabout = dir.join("data/../data/shop.duckdb");
        let writers = Writers::default();
        let claim = writers.claim(&plain, "Shop").expect("free");
        assert_eq!(
            writers.claim(&roundabout, "Shop copy").err().as_deref(),
            Some("Shop")
        );
        assert_eq!(writers.writer_of(&roundabout).as_deref(), Some("Shop"));
        drop(claim);
        assert_eq!(writers.writer_of(&plain), None);
        assert!(writers.claim(&roundabout, "Shop copy").is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
