use std::time::Duration;

use serde_json::json;
use sluice_store::{Error, Store, EDITED};

const NEVER_CONTINUE: Duration = Duration::ZERO;
const ALWAYS_CONTINUE: Duration = Duration::from_secs(3600);

fn config(base_url: &str) -> serde_json::Value {
    json!({ "client": { "base_url": base_url }, "resources": ["posts"] })
}

#[test]
fn a_new_connector_starts_with_one_created_version() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let crm = store.create_connector("crm", &config("https://a.example"), false)?;
    let versions = store.versions(crm.id)?;
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].number, 1);
    assert_eq!(versions[0].note, "Created");
    assert_eq!(
        crate::without_pipeline_name(&versions[0].config),
        config("https://a.example")
    );
    Ok(())
}

#[test]
fn saving_adds_a_version_only_when_something_changed() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let crm = store.create_connector("crm", &config("https://a.example"), false)?;
    let same = store.save_config(crm.id, &config("https://a.example"), NEVER_CONTINUE)?;
    assert_eq!(same.version, None);
    assert_eq!(store.versions(crm.id)?.len(), 1);

    let changed = store.save_config(crm.id, &config("https://b.example"), NEVER_CONTINUE)?;
    let version = changed.version.expect("a changed config is a new version");
    assert_eq!((version.number, version.note.as_str()), (2, EDITED));
    assert_eq!(
        crate::without_pipeline_name(&changed.connector.config),
        config("https://b.example")
    );
    assert_eq!(
        crate::without_pipeline_name(&store.connector(crm.id)?.config),
        config("https://b.example")
    );
    store.save_config(crm.id, &config("https://c.example"), NEVER_CONTINUE)?;
    let numbers: Vec<u32> = store.versions(crm.id)?.iter().map(|v| v.number).collect();
    assert_eq!(numbers, [3, 2, 1], "newest first");
    Ok(())
}

#[test]
fn edits_in_quick_succession_continue_one_version() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let crm = store.create_connector("crm", &config("https://a.example"), false)?;
    store.save_config(crm.id, &config("https://b.example"), ALWAYS_CONTINUE)?;
    store.save_config(crm.id, &config("https://c.example"), ALWAYS_CONTINUE)?;
    let versions = store.versions(crm.id)?;
    assert_eq!(versions.len(), 2, "the created version is never rewritten");
    assert_eq!(
        crate::without_pipeline_name(&versions[0].config),
        config("https://c.example")
    );
    assert_eq!(
        crate::without_pipeline_name(&versions[1].config),
        config("https://a.example")
    );
    Ok(())
}

#[test]
fn reverting_saves_the_old_config_as_a_new_version() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let crm = store.create_connector("crm", &config("https://a.example"), false)?;
    store.save_config(crm.id, &config("https://b.example"), NEVER_CONTINUE)?;
    let first = store.versions(crm.id)?.pop().expect("the created version");
    let reverted = store.revert_to_version(crm.id, first.id)?;
    assert_eq!(
        crate::without_pipeline_name(&reverted.config),
        config("https://a.example")
    );
    assert_eq!(
        crate::without_pipeline_name(&store.connector(crm.id)?.config),
        config("https://a.example")
    );
    let versions = store.versions(crm.id)?;
    assert_eq!(versions.len(), 3, "history only grows");
    assert_eq!(versions[0].note, "Reverted to version 1");
    assert_eq!(
        crate::without_pipeline_name(&versions[1].config),
        config("https://b.example")
    );

    // An edit right after a revert starts its own version: the revert stays in the history.
    store.save_config(crm.id, &config("https://d.example"), ALWAYS_CONTINUE)?;
    assert_eq!(store.versions(crm.id)?.len(), 4);
    Ok(())
}

#[test]
fn versions_of_another_connector_cannot_be_reverted_to() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let a = store.create_connector("a", &config("https://a.example"), false)?;
    let b = store.create_connector("b", &config("https://b.example"), false)?;
    let b_version = store.versions(b.id)?[0].id;
    assert!(matches!(
        store.revert_to_version(a.id, b_version),
        Err(Error::VersionNotFound(_))
    ));
    assert_eq!(
        crate::without_pipeline_name(&store.connector(a.id)?.config),
        config("https://a.example")
    );
    Ok(())
}

#[test]
fn a_version_keeps_the_name_it_was_saved_under() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let crm = store.create_connector("crm", &config("https://a.example"), false)?;
    store.rename_connector(crm.id, "Sales")?;
    store.save_config(crm.id, &config("https://b.example"), NEVER_CONTINUE)?;
    let names: Vec<String> = store
        .versions(crm.id)?
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(names, ["Sales", "crm"]);
    Ok(())
}
