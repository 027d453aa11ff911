use serde_json::json;
use sluice_store::{Error, Store};

fn config(base_url: &str, resources: &[&str]) -> serde_json::Value {
    json!({ "client": { "base_url": base_url }, "resources": resources })
}

#[test]
fn a_new_store_lists_no_connectors() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    assert_eq!(store.list_connectors()?, vec![]);
    Ok(())
}

#[test]
fn created_connectors_are_listed_demo_first_then_by_name() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    store.create_connector("zendesk", &config("https://z.example", &["tickets"]), false)?;
    store.create_connector("Analytics", &config("https://a.example", &[]), false)?;
    store.create_connector(
        "Demo shop",
        &config("http://127.0.0.1:1", &["a", "b"]),
        true,
    )?;

    let list = store.list_connectors()?;
    let names: Vec<_> = list.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Demo shop", "Analytics", "zendesk"]);
    assert_eq!(list[0].resource_count, 2);
    assert!(list[0].is_demo);
    assert_eq!(list[2].base_url.as_deref(), Some("https://z.example"));
    Ok(())
}

#[test]
fn names_must_be_unique_and_not_blank() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    store.create_connector("crm", &config("https://c.example", &[]), false)?;
    assert!(matches!(
        store.create_connector(" crm ", &config("https://x.example", &[]), false),
        Err(Error::NameTaken(name)) if name == "crm"
    ));
    assert!(matches!(
        store.create_connector("   ", &config("https://x.example", &[]), false),
        Err(Error::NameEmpty)
    ));
    Ok(())
}

#[test]
fn connectors_survive_reopening_the_file() -> sluice_store::Result<()> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sluice.sqlite");
    let id = Store::open(&path)?
        .create_connector("crm", &config("https://c.example", &["deals"]), false)?
        .id;
    let store = Store::open(&path)?;
    let saved = store.connector(id)?;
    assert_eq!(
        crate::without_pipeline_name(&saved.config),
        config("https://c.example", &["deals"])
    );
    store.update_config(id, &config("https://d.example", &[]))?;
    assert_eq!(
        Store::open(&path)?
            .connector(id)?
            .summary()
            .base_url
            .as_deref(),
        Some("https://d.example")
    );
    Ok(())
}

#[test]
fn settings_are_upserted() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    assert_eq!(store.setting("theme")?, None);
    store.set_setting("theme", "dark")?;
    store.set_setting("theme", "light")?;
    assert_eq!(store.setting("theme")?.as_deref(), Some("light"));
    Ok(())
}

#[test]
fn imports_take_the_next_free_name() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let cfg = config("https://c.example", &[]);
    let names: Vec<String> = (0..3)
        .map(|_| {
            store
                .create_connector_with_free_name("crm", &cfg)
                .map(|c| c.name)
        })
        .collect::<sluice_store::Result<_>>()?;
    assert_eq!(names, ["crm", "crm (2)", "crm (3)"]);
    Ok(())
}

#[test]
fn every_connector_gets_its_own_uid_even_across_database_files() -> sluice_store::Result<()> {
    let cfg = config("https://c.example", &[]);
    let first = Store::open_in_memory()?.create_connector("crm", &cfg, false)?;
    let second = Store::open_in_memory()?.create_connector("crm", &cfg, false)?;
    assert_eq!(first.id, second.id, "row ids restart in a new file");
    assert_ne!(first.uid, second.uid, "uids never do");
    assert_eq!(first.uid.len(), 32);
    Ok(())
}

#[test]
fn renaming_keeps_the_uid_and_refuses_taken_or_blank_names() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let crm = store.create_connector("crm", &config("https://c.example", &[]), false)?;
    store.create_connector("billing", &config("https://b.example", &[]), false)?;
    let renamed = store.rename_connector(crm.id, "  Sales CRM ")?;
    assert_eq!(renamed.name, "Sales CRM");
    assert_eq!(renamed.uid, crm.uid, "the keychain scope stays");
    assert!(matches!(
        store.rename_connector(crm.id, "billing"),
        Err(Error::NameTaken(n)) if n == "billing"
    ));
    assert!(matches!(
        store.rename_connector(crm.id, " "),
        Err(Error::NameEmpty)
    ));
    assert!(matches!(
        store.rename_connector(999, "x"),
        Err(Error::ConnectorNotFound(999))
    ));
    Ok(())
}

#[test]
fn a_duplicate_has_the_same_config_a_free_name_and_its_own_uid() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let cfg = config("https://c.example", &["deals"]);
    let demo = store.create_connector("Demo", &cfg, true)?;
    let first = store.duplicate_connector(demo.id)?;
    let second = store.duplicate_connector(demo.id)?;
    assert_eq!(first.name, "Demo (copy)");
    assert_eq!(second.name, "Demo (copy) (2)");
    assert_eq!(crate::without_pipeline_name(&first.config), cfg);
    assert!(
        !first.is_demo,
        "a copy of the demo is an ordinary connector"
    );
    assert_ne!(first.uid, demo.uid);
    assert_ne!(first.uid, second.uid);
    assert_eq!(store.list_connectors()?.len(), 3);
    Ok(())
}

#[test]
fn a_deleted_connector_leaves_the_list_and_comes_back_on_restore() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let crm = store.create_connector("crm", &config("https://c.example", &[]), false)?;
    store.delete_connector(crm.id)?;
    assert_eq!(store.list_connectors()?, vec![]);
    assert!(matches!(
        store.connector(crm.id),
        Err(Error::ConnectorNotFound(_))
    ));
    assert!(matches!(
        store.delete_connector(crm.id),
        Err(Error::ConnectorNotFound(_))
    ));
    let restored = store.restore_connector(crm.id)?;
    assert_eq!(restored.uid, crm.uid);
    assert_eq!(restored.name, "crm");
    assert_eq!(store.list_connectors()?.len(), 1);
    assert!(
        matches!(
            store.restore_connector(crm.id),
            Err(Error::ConnectorNotFound(_))
        ),
        "a live connector cannot be restored"
    );
    Ok(())
}

#[test]
fn restoring_takes_a_free_name_when_its_own_was_reused() -> sluice_store::Result<()> {
    let store = Store::open_in_memory()?;
    let old = store.create_connector("crm", &config("https://old.example", &[]), false)?;
    store.delete_connector(old.id)?;
    store.create_connector("crm", &config("https://new.example", &[]), false)?;
    let restored = store.restore_connector(old.id)?;
    assert_eq!(restored.name, "crm (2)");
    assert_eq!(store.list_connectors()?.len(), 2);
    Ok(())
}
