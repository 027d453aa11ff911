//! Without a Secret Service the error says what to do, and nothing lands in a file instead.
//! These need no keychain, so they always run.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;

use sluice_secrets::Error;

use crate::harness::{is_child, run_in_child, store, CHILD_OK};

const VALUE: &str = "never-written-anywhere-7c1d";

/// A scratch directory that serves as HOME, the XDG directories and the working directory of the
/// child, so any file a fallback wrote would show up in it.
fn scratch_env(cmd: &mut Command, scratch: &Path) {
    for (var, dir) in [
        ("HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "runtime"),
        ("TMPDIR", "tmp"),
    ] {
        let dir = scratch.join(dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        cmd.env(var, dir);
    }
    let work = scratch.join("work");
    std::fs::create_dir_all(&work).expect("create scratch dir");
    cmd.current_dir(work);
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read scratch dir") {
        let path = entry.expect("scratch dir entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The child's part: every operation fails with the clear error. Prints the message for the
/// parent, which checks it and the scratch directory.
fn every_operation_reports_no_keychain() {
    let store = store();
    let set = store.set("github", "api_token", &VALUE.into());
    let message = match set {
        Err(err @ Error::NoKeychain { .. }) => err.to_string(),
        other => panic!("set without a keychain should be NoKeychain, got {other:?}"),
    };
    assert!(matches!(
        store.get("github", "api_token"),
        Err(Error::NoKeychain { .. })
    ));
    assert!(matches!(
        store.resolve("github", "api_token"),
        Err(Error::NoKeychain { .. })
    ));
    assert!(matches!(
        store.delete("github", "api_token"),
        Err(Error::NoKeychain { .. })
    ));
    assert!(matches!(
        store.names("github"),
        Err(Error::NoKeychain { .. })
    ));
    println!("MESSAGE<<{message}>>");
    println!("{CHILD_OK}");
}

fn check_parent_side(test: &str, configure: impl FnOnce(&mut Command)) {
    let scratch = tempfile::tempdir().expect("scratch dir");
    let out = run_in_child(test, |cmd| {
        scratch_env(cmd, scratch.path());
        configure(cmd);
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let message = stdout
        .split_once("MESSAGE<<")
        .and_then(|(_, rest)| rest.split_once(">>"))
        .map(|(m, _)| m)
        .expect("child prints the message");
    for expected in [
        "no keychain available",
        "never in a file",
        "Secret Service",
        "gnome-keyring",
        "SLUICE_SECRET_<NAME>",
    ] {
        assert!(message.contains(expected), "{message:?} lacks {expected:?}");
    }
    assert!(!message.contains(VALUE));
    assert!(!stdout.contains(VALUE));
    assert_eq!(
        files_under(scratch.path()),
        Vec::<PathBuf>::new(),
        "files were written"
    );
}

#[test]
fn dead_session_bus_gives_the_clear_error_and_writes_no_file() {
    const TEST: &str = "no_keychain::dead_session_bus_gives_the_clear_error_and_writes_no_file";
    if is_child(TEST) {
        return every_operation_reports_no_keychain();
    }
    let dead = tempfile::tempdir().expect("dir for a socket nobody listens on");
    let address = format!("unix:path={}", dead.path().join("no-bus").display());
    check_parent_side(TEST, |cmd| {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", address);
    });
}

#[test]
fn no_session_bus_at_all_gives_the_clear_error_and_writes_no_file() {
    const TEST: &str =
        "no_keychain::no_session_bus_at_all_gives_the_clear_error_and_writes_no_file";
    if is_child(TEST) {
        return every_operation_reports_no_keychain();
    }
    check_parent_side(TEST, |cmd| {
        // Without an address or an X display libdbus can't autolaunch a bus: a headless server.
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY");
    });
}
