//! `sluice doctor`: checks what the app needs from this machine (a keychain, a data folder it can
//! write, the WebKit runtime its window draws with) and says what to install for each missing
//! piece. It changes nothing but a probe entry in the keychain and a probe file, both removed.

use std::path::PathBuf;

use sluice_secrets::{SecretStore, SecretValue};

/// One check's outcome: what was checked, and either what was found or what to do.
struct Finding {
    what: &'static str,
    outcome: Result<String, String>,
}

/// The keychain scope of the probe entry; no connector is named so.
const PROBE_SCOPE: &str = "sluice-doctor";

pub fn doctor() -> anyhow::Result<()> {
    let findings = [keychain(), data_folder(), webkit()];
    let mut missing = 0;
    for finding in &findings {
        match &finding.outcome {
            Ok(found) => println!("ok       {}: {found}", finding.what),
            Err(todo) => {
                missing += 1;
                println!("MISSING  {}: {todo}", finding.what);
            }
        }
    }
    if missing > 0 {
        anyhow::bail!("{missing} of {} checks failed; see above", findings.len());
    }
    println!("Everything Sluice needs is here.");
    Ok(())
}

/// Writes, reads back and deletes a probe secret: a keychain that lists but refuses to store
/// (a locked collection) fails here as it would on the first secret a user types.
fn keychain() -> Finding {
    let store = SecretStore::new();
    let probe = SecretValue::new(format!("probe-{}", std::process::id()));
    let outcome = store
        .set(PROBE_SCOPE, "probe", &probe)
        .and_then(|()| store.get(PROBE_SCOPE, "probe"))
        .map_err(|error| error.to_string())
        .and_then(|read| match read {
            Some(value) if value.expose() == probe.expose() => Ok(()),
            _ => Err("the keychain stored a value but gave back another".to_owned()),
        });
    let _ = store.delete(PROBE_SCOPE, "probe");
    Finding {
        what: "keychain",
        // The keychain's own errors already say what to install and start.
        outcome: outcome.map(|()| "stores and reads back secrets".into()),
    }
}

/// The app's data folder, as the app finds it: `SLUICE_DATA_DIR`, else the OS's app-data folder
/// for the app's identifier.
fn data_folder_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SLUICE_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let base = if cfg!(target_os = "macos") {
        home.map(|h| h.join("Library/Application Support"))
    } else if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".local/share")))
    };
    base.map(|b| b.join(APP_IDENTIFIER))
}

/// `identifier` in src-tauri/tauri.conf.json, which names the app's data folder.
const APP_IDENTIFIER: &str = "dev.sluice.app";

fn data_folder() -> Finding {
    let what = "data folder";
    let Some(dir) = data_folder_path() else {
        return Finding {
            what,
            outcome: Err("no home folder is set (HOME); set HOME or SLUICE_DATA_DIR".into()),
        };
    };
    let probe = dir.join(format!(".sluice-doctor-{}", std::process::id()));
    let outcome = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&probe, b"probe"))
        .and_then(|()| std::fs::remove_file(&probe));
    Finding {
        what,
        outcome: match outcome {
            Ok(()) => Ok(format!("{} is writable", dir.display())),
            Err(error) => Err(format!(
                "{} cannot be written ({error}); make it writable for this user, or point \
                 SLUICE_DATA_DIR at a folder that is",
                dir.display()
            )),
        },
    }
}

/// On Linux the window is WebKitGTK 4.1; macOS and Windows bring their own web view.
fn webkit() -> Finding {
    let what = "WebKit runtime";
    if !cfg!(target_os = "linux") {
        return Finding {
            what,
            outcome: Ok("the system's own web view is used".into()),
        };
    }
    const LIBRARY: &str = "libwebkit2gtk-4.1.so.0";
    let listed = std::process::Command::new("ldconfig")
        .arg("-p")
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned());
    let in_lib_dirs = [
        "/usr/lib",
        "/usr/lib64",
        "/lib",
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
    ]
    .iter()
    .any(|dir| std::path::Path::new(dir).join(LIBRARY).exists());
    let found = in_lib_dirs || listed.is_some_and(|text| text.contains(LIBRARY));
    Finding {
        what,
        outcome: if found {
            Ok(format!("{LIBRARY} is installed"))
        } else {
            Err(format!(
                "{LIBRARY} is not installed; on Debian or Ubuntu: sudo apt-get install \
                 libwebkit2gtk-4.1-0"
            ))
        },
    }
}
