//! The dlt script exported from each seed (and each valid corpus config, and each connector of
//! the dlt-code corpus) is accepted by dlt
//! itself: `tests/dlt/check_exports.py` runs dlt's own validation on them.
//!
//! dlt comes from the virtualenv `scripts/dlt-venv.sh` creates; point `SLUICE_DLT_PYTHON` at
//! its python (the script prints it). Without dlt the test is skipped locally but fails when
//! `CI=true`, so CI cannot pass without running the check.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use sluice_config::{env_name, ConnectorConfig};

use crate::{crate_dir, files_in, repo_root, seeds_dir};

fn dlt_python() -> Option<PathBuf> {
    let candidate = match std::env::var_os("SLUICE_DLT_PYTHON") {
        Some(python) => PathBuf::from(python),
        None => {
            let venv = std::env::var_os("SLUICE_DLT_VENV")
                .map(PathBuf::from)
                .or_else(|| {
                    std::env::var_os("HOME")
                        .map(|h| PathBuf::from(h).join(".cache/sluice-dlt-venv"))
                })?;
            venv.join("bin/python")
        }
    };
    let works = Command::new(&candidate)
        .args(["-c", "import dlt"])
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(candidate)
}

fn write_case(dir: &Path, stem: &str, config: &ConnectorConfig) {
    std::fs::write(dir.join(format!("{stem}.py")), config.to_dlt_script()).expect("write script");
    let mut env = serde_json::Map::new();
    for reference in config.references() {
        env.insert(
            env_name(reference.name()),
            json!(format!("test-{}", reference.name())),
        );
    }
    for path in config.dlt_credential_paths() {
        let value = if path.ends_with("access_token_url") {
            "https://auth.example.com/token".to_owned()
        } else {
            format!("test-{path}")
        };
        env.insert(env_name(&path), json!(value));
    }
    let resources: Vec<_> = config
        .resolved_resources()
        .iter()
        .map(|r| json!({"name": r.name, "table_name": r.table_name()}))
        .collect();
    let retry = &config.sluice.retry;
    let expect = json!({
        "pipeline_name": config.effective_pipeline_name(),
        "dataset_name": config.effective_dataset_name(),
        "source_name": config.effective_source_name(),
        "resources": resources,
        "env": env,
        "runtime": {
            "request_max_attempts": retry.max_retries + 1,
            "request_backoff_factor": retry.backoff_factor,
            "request_max_retry_delay": retry.max_delay_seconds,
            "request_timeout": retry.request_timeout_seconds,
        },
    });
    std::fs::write(
        dir.join(format!("{stem}.expect.json")),
        serde_json::to_string_pretty(&expect).expect("json"),
    )
    .expect("write expectation");
}

#[test]
fn dlt_accepts_exported_scripts() {
    let Some(python) = dlt_python() else {
        let message = "dlt is not installed: run `SLUICE_DLT_PYTHON=$(scripts/dlt-venv.sh)` first";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{message}");
        }
        eprintln!("SKIPPED dlt_accepts_exported_scripts: {message}");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    for path in files_in(&seeds_dir()) {
        let imported = crate::seeds::import_seed(&path);
        let stem = format!("seed_{}", path.file_stem().expect("stem").to_string_lossy());
        write_case(dir.path(), &stem, &imported.config);
    }
    for path in files_in(&crate_dir().join("tests/corpus/valid")) {
        let config = crate::corpus::import_file(&path).config;
        let stem = format!(
            "corpus_{}",
            path.file_stem().expect("stem").to_string_lossy()
        );
        write_case(dir.path(), &stem.replace(['.', '-'], "_"), &config);
    }
    for path in crate::dlt_code::modules() {
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        for (n, imported) in crate::dlt_code::imported(&path).into_iter().enumerate() {
            write_case(
                dir.path(),
                &format!("dlt_code_{stem}_{n}"),
                &imported.config,
            );
        }
    }
    let output = Command::new(&python)
        .arg(repo_root().join("tests/dlt/check_exports.py"))
        .arg(dir.path())
        .output()
        .expect("run check_exports.py");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{report}");
    assert!(
        output.status.success(),
        "dlt rejected exported scripts:\n{report}"
    );
}
