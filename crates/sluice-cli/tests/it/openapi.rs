//! `sluice import` of an OpenAPI document: the demo API's own description, imported with the
//! operations the hand-built demo connector reads, loads what that connector loads.

use std::path::Path;

use sluice_demo::{DemoOptions, DemoServer};

use crate::run;

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_apis_own_description_imports_as_a_connector_that_loads_what_the_demo_loads() {
    let server = DemoServer::start(DemoOptions {
        records: 120,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let spec = reqwest::get(server.url("/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let base_url = server.base_url().to_owned();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        std::fs::write(at("demo-api.json"), &spec).unwrap();

        let (_, said) = run(&[
            "import",
            &at("demo-api.json"),
            "--path",
            "/v1/marketing_data",
            "--path",
            "/v1/support/organizations*",
            "--path",
            "/v1/support/tickets",
            "-o",
            &at("imported.json"),
        ]);
        // Each guess is said, and none fails the import.
        assert!(
            said.contains("guessed: resources[0].endpoint.paginator: offset pages of 100"),
            "{said}"
        );
        assert!(
            said.contains("takes the `id` of each `organizations` record"),
            "{said}"
        );
        assert!(said.contains("incremental: `updated_since`"), "{said}");
        assert!(said.contains("OAuth2 client credentials"), "{said}");

        crate::assert_loads_what_the_demo_loads(
            dir.path(),
            &base_url,
            Path::new(&at("imported.json")),
        );
    })
    .await
    .unwrap();
}
