//! Every connector syncs into a DuckDB file, dataset and state of its own: the store gives each a
//! pipeline name no other connector has, and keeps it.

use serde_json::{json, Value};
use sluice_store::{Error, Store};

fn new_connector_config() -> Value {
    // What "Create a connector" saves: no `sluice` block at all.
    json!({ "client": { "base_url": "https://api.example.com" }, "resources": [] })
}

fn pipeline_name(config: &Value) -> &str {
    config["sluice"]["pipeline"]["pipeline_name"]
        .as_str()
        .expect("a pipeline name in the saved document")
}

#[test]
fn connectors_created_alike_get_pipeline_names_of_their_own() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let github = store.create_connector("GitHub issues", &new_connector_config(), false)?;
    let shop = store.create_connector("Shop", &new_connector_config(), false)?;
    let shop_eu = store.create_connector("shop!", &new_connector_config(), false)?;

    assert_eq!(pipeline_name(&github.config), "github_issues");
    assert_eq!(pipeline_name(&shop.config), "shop");
    assert_eq!(pipeline_name(&shop_eu.config), "shop_2");
    Ok(())
}

#[test]
fn a_duplicate_gets_a_pipeline_name_from_its_own_name() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let prod = store.create_connector("CRM", &new_connector_config(), false)?;
    let copy = store.duplicate_connector(prod.id)?;
    assert_eq!(pipeline_name(&prod.config), "crm");
    assert_eq!(copy.name, "CRM (copy)");
    assert_eq!(pipeline_name(&copy.config), "crm_copy");
    Ok(())
}

#[test]
fn importing_one_script_twice_gives_the_second_another_pipeline_name() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    // An imported dlt script names its pipeline; the first import keeps that name.
    let script = json!({
        "client": { "base_url": "https://api.github.com" },
        "resources": ["issues"],
        "sluice": { "name": "github", "pipeline": { "pipeline_name": "github_pipeline" } }
    });
    let first = store.create_connector_with_free_name("github", &script)?;
    let second = store.create_connector_with_free_name("github", &script)?;
    assert_eq!(pipeline_name(&first.config), "github_pipeline");
    assert_eq!(pipeline_name(&second.config), "github_pipeline_2");
    Ok(())
}

#[test]
fn a_deleted_connector_keeps_its_pipeline_name_for_its_restore() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let old = store.create_connector("Billing", &new_connector_config(), false)?;
    store.delete_connector(old.id)?;
    let new = store.create_connector("Billing", &new_connector_config(), false)?;
    assert_eq!(pipeline_name(&new.config), "billing_2");
    Ok(())
}

#[test]
fn a_document_without_the_pipeline_name_keeps_the_connectors() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let connector = store.create_connector("Tickets", &new_connector_config(), false)?;

    // Pasted into the JSON tab without a `sluice` block.
    let saved = store.save_config(
        connector.id,
        &json!({ "client": { "base_url": "https://t.example" }, "resources": ["t"] }),
        std::time::Duration::ZERO,
    )?;
    assert_eq!(pipeline_name(&saved.connector.config), "tickets");
    assert_eq!(
        saved.version.map(|v| pipeline_name(&v.config).to_owned()),
        Some("tickets".to_owned()),
        "the saved version holds the name too"
    );

    // An old version brought back, as from a database made before pipeline names were given.
    let raw = store.update_config(connector.id, &new_connector_config())?;
    assert_eq!(pipeline_name(&raw.config), "tickets");
    Ok(())
}

#[test]
fn taking_another_connectors_pipeline_name_is_refused() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    store.create_connector("Orders", &new_connector_config(), false)?;
    let other = store.create_connector("Refunds", &new_connector_config(), false)?;

    let mut config = other.config.clone();
    config["sluice"]["pipeline"]["pipeline_name"] = json!("orders");
    let refused = store.save_config(other.id, &config, std::time::Duration::ZERO);
    match refused {
        Err(Error::PipelineNameTaken { name, connector }) => {
            assert_eq!(name, "orders");
            assert_eq!(connector, "Orders");
        }
        other => panic!("expected PipelineNameTaken, got {other:?}"),
    }

    config["sluice"]["pipeline"]["pipeline_name"] = json!("refunds_eu");
    let saved = store.save_config(other.id, &config, std::time::Duration::ZERO)?;
    assert_eq!(pipeline_name(&saved.connector.config), "refunds_eu");
    Ok(())
}

/// An app database as the app wrote it before this change: the first two migrations, and
/// connectors as "Create a connector", Duplicate and Import saved them.
fn database_from_before(path: &std::path::Path, connectors: &[(&str, Value)]) {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(include_str!("../../src/migrations/001_connectors.sql"))
        .expect("migration 1");
    conn.execute_batch(include_str!(
        "../../src/migrations/002_versions_and_runs.sql"
    ))
    .expect("migration 2");
    conn.pragma_update(None, "user_version", 2)
        .expect("version");
    for (name, config) in connectors {
        conn.execute(
            "INSERT INTO connectors (name, config) VALUES (?1, ?2)",
            rusqlite::params![name, config.to_string()],
        )
        .expect("insert");
    }
}

#[test]
fn connectors_that_shared_a_file_are_given_their_own_and_told_once() -> sluice_store::Result<()> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sluice.sqlite");
    let own_file = json!({
        "client": { "base_url": "https://x.example" }, "resources": [],
        "sluice": { "pipeline": { "duckdb_file": "/data/x.duckdb" } }
    });
    database_from_before(
        &path,
        &[
            ("Marketing", new_connector_config()),
            ("Sales", new_connector_config()),
            ("Marketing (copy)", new_connector_config()),
            ("Elsewhere", own_file),
        ],
    );

    let store = Store::open(&path)?;
    let connectors: Vec<_> = store
        .list_connectors()?
        .into_iter()
        .map(|s| store.connector(s.id))
        .collect::<sluice_store::Result<_>>()?;
    let by_name = |name: &str| {
        connectors
            .iter()
            .find(|c| c.name == name)
            .expect("connector")
    };

    // The oldest keeps rest_api.duckdb, where its rows are, and hears nothing.
    let marketing = by_name("Marketing");
    assert_eq!(pipeline_name(&marketing.config), "rest_api");
    assert_eq!(marketing.notice, None);
    // Each other one gets a file of its own and one plain sentence about it.
    let sales = by_name("Sales");
    assert_eq!(pipeline_name(&sales.config), "sales");
    let notice = sales.notice.as_deref().expect("a notice");
    assert!(notice.contains("rest_api.duckdb"), "{notice}");
    assert!(notice.contains("sales.duckdb"), "{notice}");
    assert!(notice.contains("“Marketing”"), "{notice}");
    assert_eq!(
        pipeline_name(&by_name("Marketing (copy)").config),
        "marketing_copy"
    );
    // One that names its own file syncs where it did, under the name it had.
    let elsewhere = by_name("Elsewhere");
    assert_eq!(pipeline_name(&elsewhere.config), "rest_api");
    assert_eq!(elsewhere.notice, None);

    // Told once: dismissed, the notice stays gone after reopening.
    store.dismiss_notice(sales.id)?;
    drop(store);
    let store = Store::open(&path)?;
    assert_eq!(store.connector(sales.id)?.notice, None);
    assert_eq!(pipeline_name(&store.connector(sales.id)?.config), "sales");
    Ok(())
}
