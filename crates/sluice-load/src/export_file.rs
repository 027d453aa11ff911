//! Writing a file the user chose: never over one they did not mean to replace, never over the
//! app's own database or the DuckDB file being exported from, and never half-written. The data
//! goes to a temporary file in the same folder, which is renamed over the target once complete
//! (a rename in one folder is atomic, and replaces a symlink rather than writing through it).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A target that passed the checks; write to [`ExportFile::part`], then [`ExportFile::commit`].
/// Dropped without a commit, the partial file is removed.
#[derive(Debug)]
pub struct ExportFile {
    target: PathBuf,
    part: PathBuf,
    committed: bool,
}

/// Checks `target` before anything is written: its folder exists, it is none of `protected`
/// (compared as the files they are, whatever the spelling), and it does not exist unless
/// `replace` says the user agreed to replace it.
pub fn prepare(target: &Path, replace: bool, protected: &[PathBuf]) -> Result<ExportFile> {
    let refuse = |message: String| Error::Export {
        path: target.to_owned(),
        message,
    };
    let name = target
        .file_name()
        .ok_or_else(|| refuse("give the name of a file to write".into()))?;
    let folder = match target.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_owned(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(refuse("its folder does not exist".into()));
    }
    if target.is_dir() {
        return Err(refuse(
            "that is a folder; give the name of a file in it".into(),
        ));
    }
    let same = |other: &PathBuf| match (std::fs::canonicalize(target), std::fs::canonicalize(other))
    {
        (Ok(a), Ok(b)) => a == b,
        _ => target == other,
    };
    if protected.iter().any(same) {
        return Err(refuse(
            "Sluice keeps its own data in that file; pick another name so it is not overwritten"
                .into(),
        ));
    }
    if !replace && std::fs::symlink_metadata(target).is_ok() {
        return Err(Error::ExportExists {
            path: target.to_owned(),
        });
    }
    let mut part_name = std::ffi::OsString::from(".");
    part_name.push(name);
    part_name.push(format!(".sluice-{}.part", std::process::id()));
    Ok(ExportFile {
        target: target.to_owned(),
        part: folder.join(part_name),
        committed: false,
    })
}

impl ExportFile {
    /// Where to write the data.
    pub fn part(&self) -> &Path {
        &self.part
    }

    /// Puts the written file in place of the target.
    pub fn commit(mut self) -> Result<PathBuf> {
        std::fs::rename(&self.part, &self.target).map_err(|error| Error::Export {
            path: self.target.clone(),
            message: format!("the finished file could not be put in place: {error}"),
        })?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for ExportFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_is_replaced_only_when_asked_and_then_whole() {
        let dir = tempfile::tempdir().expect("dir");
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").expect("write");
        let refused = prepare(&target, false, &[]).expect_err("asks first");
        assert!(matches!(refused, Error::ExportExists { .. }), "{refused}");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");

        let file = prepare(&target, true, &[]).expect("replace agreed");
        std::fs::write(file.part(), "new").expect("write part");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
        file.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_part_behind() {
        let dir = tempfile::tempdir().expect("dir");
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").expect("write");
        {
            let file = prepare(&target, true, &[]).expect("replace agreed");
            std::fs::write(file.part(), "half").expect("write part");
        }
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn protected_files_are_refused_however_they_are_spelled() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("sluice.sqlite");
        std::fs::write(&db, "db").expect("write");
        let spelled = dir.path().join(".").join("sluice.sqlite");
        let refused = prepare(&spelled, true, std::slice::from_ref(&db)).expect_err("refused");
        assert!(
            refused.to_string().contains("keeps its own data"),
            "{refused}"
        );
        assert_eq!(std::fs::read_to_string(&db).expect("read"), "db");
    }
}
