//! Integration tests of the app store against real SQLite files.

mod connectors;
mod literal_secrets;
mod pipelines;
mod runs;
mod versions;

/// A saved document without the pipeline name the store gives every connector (see
/// `pipelines.rs`), for tests about the rest of it.
pub fn without_pipeline_name(config: &serde_json::Value) -> serde_json::Value {
    let mut config = config.clone();
    if let Some(root) = config.as_object_mut() {
        let empty = root
            .get_mut("sluice")
            .and_then(|s| s.get_mut("pipeline"))
            .and_then(|p| p.as_object_mut())
            .map(|pipeline| {
                pipeline.remove("pipeline_name");
                pipeline.is_empty()
            });
        if empty == Some(true) {
            if let Some(sluice) = root.get_mut("sluice").and_then(|s| s.as_object_mut()) {
                sluice.remove("pipeline");
                if sluice.is_empty() {
                    root.remove("sluice");
                }
            }
        }
    }
    config
}
