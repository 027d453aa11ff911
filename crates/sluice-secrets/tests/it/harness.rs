//! Helpers shared by the tests.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use sluice_secrets::SecretStore;

/// Keychain service of the tests, apart from the real `sluice` entries of a developer who runs
/// the keychain tests against their own keychain.
pub const TEST_SERVICE: &str = "sluice-tests";

/// Environment variable that tells a test it runs as the child of [`run_in_child`].
const CHILD_VAR: &str = "SLUICE_IT_CHILD";

pub fn store() -> SecretStore {
    SecretStore::with_service(TEST_SERVICE)
}

/// A connector id no other test (or earlier run) uses, so tests can run in parallel and a
/// leftover from a crashed run cannot make one pass.
pub fn unique_connector(label: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "it-{label}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether this process is the child that [`run_in_child`] started for `test`.
pub fn is_child(test: &str) -> bool {
    std::env::var(CHILD_VAR).is_ok_and(|v| v == test)
}

/// Runs the single test `test` (its full path, e.g. `keychain::env_override_wins`) in a child
/// process whose environment `configure` adjusts. Needed wherever a test must change the
/// environment: libdbus reads the session bus address once per process, and changing variables in
/// a process whose other threads read them is a data race. The child prints [`CHILD_OK`] when its
/// part passed, which is checked here, since a filter matching no test would also exit with 0.
pub fn run_in_child(test: &str, configure: impl FnOnce(&mut Command)) -> Output {
    let exe = std::env::current_exe().expect("path of the test binary");
    let mut cmd = Command::new(exe);
    cmd.args([
        test,
        "--exact",
        "--nocapture",
        "--include-ignored",
        "--test-threads=1",
    ])
    .env(CHILD_VAR, test);
    configure(&mut cmd);
    let out = cmd.output().expect("run the test binary as a child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(CHILD_OK),
        "child {test} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Printed by a child whose part of the test passed.
pub const CHILD_OK: &str = "SLUICE-IT-CHILD-OK";

/// Fails with a message that says why, when a keychain test cannot reach the keychain.
pub fn keychain_expected<T>(result: sluice_secrets::Result<T>) -> T {
    result.unwrap_or_else(|err| {
        panic!(
            "the keychain test could not use the keychain: {err}\n\
             Run it with scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored"
        )
    })
}
