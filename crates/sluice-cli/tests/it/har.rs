//! `sluice import` of a HAR file: requests a browser made to the demo API, recorded here as
//! devtools record them, become a connector that loads what the hand-built demo connector loads.

use serde_json::{json, Value};
use sluice_demo::{DemoOptions, DemoServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};

use crate::run;

/// Requests made as a web app makes them, each kept as a HAR entry with its answer.
pub struct Recorder {
    client: reqwest::Client,
    entries: Vec<Value>,
    pub token: String,
}

fn pairs(headers: &reqwest::header::HeaderMap) -> Vec<Value> {
    headers
        .iter()
        .map(|(k, v)| json!({"name": k.as_str(), "value": v.to_str().unwrap_or("")}))
        .collect()
}

impl Recorder {
    pub async fn sign_in(base_url: &str) -> Recorder {
        let client = reqwest::Client::new();
        let form = format!(
            "grant_type=client_credentials&client_id={DEMO_CLIENT_ID}&client_secret={DEMO_CLIENT_SECRET}"
        );
        let url = format!("{base_url}/oauth/token");
        let answer = client
            .post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.clone())
            .send()
            .await
            .unwrap();
        let (status, headers) = (answer.status().as_u16(), pairs(answer.headers()));
        let text = answer.text().await.unwrap();
        let token = serde_json::from_str::<Value>(&text).unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let entry = json!({
            "startedDateTime": "2026-12-04T10:00:00.000Z",
            "request": {"method": "POST", "url": url, "httpVersion": "HTTP/1.1",
                        "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
                        "queryString": [], "cookies": [],
                        "postData": {"mimeType": "application/x-www-form-urlencoded", "text": form}},
            "response": {"status": status, "headers": headers,
                         "content": {"mimeType": "application/json", "text": text}}
        });
        Recorder {
            client,
            entries: vec![entry],
            token,
        }
    }

    pub async fn get(&mut self, url: &str) -> Value {
        let sent = [
            ("Authorization", format!("Bearer {}", self.token)),
            ("Accept", "application/json".to_owned()),
            ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)".to_owned()),
            ("Accept-Language", "en".to_owned()),
        ];
        let mut request = self.client.get(url);
        for (k, v) in &sent {
            request = request.header(*k, v);
        }
        let answer = request.send().await.unwrap();
        let (status, headers) = (answer.status().as_u16(), pairs(answer.headers()));
        let text = answer.text().await.unwrap();
        self.entries.push(json!({
            "startedDateTime": "2026-12-04T10:00:01.000Z",
            "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1",
                        "headers": sent.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
                        "queryString": [], "cookies": []},
            "response": {"status": status, "headers": headers,
                         "content": {"mimeType": "application/json", "text": text}}
        }));
        serde_json::from_str(&text).unwrap()
    }

    /// Every page of a cursor-paged list, as a "load more" button asks for them.
    async fn cursor_pages(&mut self, url: &str) -> Vec<Value> {
        let mut records = Vec::new();
        let mut page = self.get(url).await;
        loop {
            records.extend(page["data"].as_array().unwrap().iter().cloned());
            let Some(cursor) = page["next_cursor"].as_str().map(str::to_owned) else {
                return records;
            };
            let glue = if url.contains('?') { '&' } else { '?' };
            page = self.get(&format!("{url}{glue}cursor={cursor}")).await;
        }
    }

    fn har(&self) -> Value {
        json!({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                       "pages": [], "entries": self.entries}})
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_har_recorded_against_the_demo_api_imports_as_a_connector_that_loads_what_the_demo_loads()
{
    let server = DemoServer::start(DemoOptions {
        records: 120,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let base = server.base_url().to_owned();
    let mut browser = Recorder::sign_in(&base).await;
    // Marketing events page by page with offset and limit, until the total.
    let mut offset = 0;
    loop {
        let page = browser
            .get(&format!(
                "{base}/v1/marketing_data?offset={offset}&limit=100"
            ))
            .await;
        offset += 100;
        if offset >= page["total"].as_u64().unwrap() {
            break;
        }
    }
    // Organizations, then each one's members.
    for organization in browser
        .cursor_pages(&format!("{base}/v1/support/organizations"))
        .await
    {
        let id = organization["id"].as_u64().unwrap();
        browser
            .cursor_pages(&format!("{base}/v1/support/organizations/{id}/members"))
            .await;
    }
    browser
        .cursor_pages(&format!(
            "{base}/v1/support/tickets?updated_since=2020-01-01T00:00:00Z"
        ))
        .await;
    let har = browser.har().to_string();
    let token = browser.token.clone();

    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        std::fs::write(at("demo.har"), &har).unwrap();
        let (_, said) = run(&["import", &at("demo.har"), "-o", &at("imported.json")]);
        assert!(
            said.contains("guessed: client.auth: OAuth2 client credentials"),
            "{said}"
        );
        assert!(
            said.contains("offset pages of 100: `offset` went 0 → 100"),
            "{said}"
        );
        assert!(
            said.contains("cursor pages: `cursor` takes the answer's `next_cursor`"),
            "{said}"
        );
        assert!(
            said.contains("are the `id` of `organizations` records"),
            "{said}"
        );
        assert!(said.contains("incremental: `updated_since`"), "{said}");

        // The recorded credentials and token are in no file the import wrote.
        let written = std::fs::read_to_string(at("imported.json")).unwrap();
        for secret in [DEMO_CLIENT_SECRET, token.as_str()] {
            assert!(
                !written.contains(secret),
                "the connector holds a secret: {written}"
            );
        }
        crate::assert_loads_what_the_demo_loads(
            dir.path(),
            &base,
            std::path::Path::new(&at("imported.json")),
        );
    })
    .await
    .unwrap();
}
