fn main() {
    // Declaring the app's commands makes Tauri generate an allow-/deny- permission for each, so
    // the capability file can grant the window exactly the commands it calls and nothing more.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "list_connectors",
            "get_connector",
            "dismiss_notice",
            "create_connector",
            "open_demo_connector",
            "import_connector",
            "secret_status",
            "save_connector_config",
            "check_connector_config",
            "rename_connector",
            "duplicate_connector",
            "delete_connector",
            "restore_connector",
            "connector_versions",
            "revert_connector",
            "default_export_path",
            "export_connector",
            "set_connector_secret",
            "delete_connector_secret",
            "sync_target",
            "set_sync_path",
            "preview_resource",
            "cancel_preview",
            "preview_schema",
            "start_sync",
            "cancel_sync",
            "list_runs",
            "run_log",
            "data_tables",
            "data_window",
            "data_stop",
            "data_release",
            "data_query",
            "data_export",
            "data_export_folder",
        ]),
    ))
    .expect("tauri-build failed");
}
