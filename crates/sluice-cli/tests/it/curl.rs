//! `sluice import` of cURL commands for the demo API, as its docs would show them: a token in
//! `$TOKEN`, one command per list, an organization's members under its id.

use crate::har::Recorder;
use crate::run;

#[tokio::test(flavor = "multi_thread")]
async fn curl_commands_for_the_demo_api_import_as_a_connector_that_loads_what_the_demo_loads() {
    let server = sluice_demo::DemoServer::start(sluice_demo::DemoOptions {
        records: 120,
        ..sluice_demo::DemoOptions::default()
    })
    .await
    .unwrap();
    let base = server.base_url().to_owned();
    let token = Recorder::sign_in(&base).await.token;
    let commands = format!(
        "# The demo API, from its docs\n\
         curl -H \"Authorization: Bearer $TOKEN\" \"{base}/v1/marketing_data?offset=0&limit=100\"\n\
         curl -H \"Authorization: Bearer $TOKEN\" \"{base}/v1/support/organizations?limit=100\"\n\
         curl -H \"Authorization: Bearer $TOKEN\" \\\n  \"{base}/v1/support/organizations/1/members?limit=100\"\n\
         curl -H \"Authorization: Bearer $TOKEN\" \"{base}/v1/support/tickets?updated_since=2020-01-01T00:00:00Z&limit=1000\"\n"
    );
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        std::fs::write(at("demo.sh"), &commands).unwrap();
        let (_, said) = run(&["import", &at("demo.sh"), "-o", &at("imported.json")]);
        assert!(
            said.contains("`1` in the command stands for the `id` of each `organizations` record"),
            "{said}"
        );
        crate::assert_loads_what_the_demo_loads_with(
            dir.path(),
            &base,
            std::path::Path::new(&at("imported.json")),
            &[("SLUICE_SECRET_TOKEN", token.as_str())],
        );
    })
    .await
    .unwrap();
}
