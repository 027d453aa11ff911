//! Warnings: settings that work but put something at risk. They are shown at their field like
//! problems, never block a save or a sync, and are kept out of [`crate::from_value`]'s errors.

use crate::model::{
    Auth, AuthConfig, ConnectorConfig, EndpointEntry, ResourceEntry, ResourceSettings, TextOrRef,
};
use crate::problem::{Problem, ProblemKind};

impl ConnectorConfig {
    /// Every warning of the config: today, credentials or data sent in the clear.
    pub fn warnings(&self) -> Vec<Problem> {
        let mut found = Vec::new();
        let base_url = &self.client.base_url;
        if sent_in_the_clear(base_url) {
            found.push(Problem::new(
                "client.base_url",
                ProblemKind::Insecure,
                format!(
                    "{} is not encrypted: anyone on the network can read the data and any credentials; use https:// unless the API is on this computer",
                    host_of(base_url)
                ),
            ));
        }
        let mut auths = vec![("client.auth".to_owned(), self.client.auth.as_ref())];
        if let Some(defaults) = &self.resource_defaults {
            auths.push((
                "resource_defaults.endpoint.auth".to_owned(),
                endpoint_auth(defaults),
            ));
        }
        for (i, entry) in self.resources.iter().enumerate() {
            if let ResourceEntry::Resource(resource) = entry {
                auths.push((
                    format!("resources[{i}].endpoint.auth"),
                    endpoint_auth(&resource.settings),
                ));
            }
        }
        for (path, auth) in auths {
            let Some(Auth::Config(AuthConfig::Oauth2ClientCredentials(oauth))) = auth else {
                continue;
            };
            if let Some(TextOrRef::Text(url)) = &oauth.access_token_url {
                if sent_in_the_clear(url) {
                    found.push(Problem::new(
                        format!("{path}.access_token_url"),
                        ProblemKind::Insecure,
                        format!(
                            "{} is not encrypted: the client secret and the token cross the network readable by anyone; use https:// unless the server is on this computer",
                            host_of(url)
                        ),
                    ));
                }
            }
        }
        found
    }
}

fn endpoint_auth(settings: &ResourceSettings) -> Option<&Auth> {
    match &settings.endpoint {
        Some(EndpointEntry::Endpoint(endpoint)) => endpoint.auth.as_ref(),
        _ => None,
    }
}

/// An `http://` URL to a host other than this computer.
fn sent_in_the_clear(url: &str) -> bool {
    let Some(rest) = strip_prefix_ignore_case(url.trim(), "http://") else {
        return false;
    };
    !is_loopback(host(rest))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// The host of what follows `scheme://`: without user info, port, path, query or fragment.
fn host(after_scheme: &str) -> &str {
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(inner) = authority.strip_prefix('[') {
        return inner.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

fn host_of(url: &str) -> String {
    let rest = strip_prefix_ignore_case(url.trim(), "http://").unwrap_or(url);
    format!("http://{}", host(rest))
}

fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_to_another_computer_is_in_the_clear() {
        for url in [
            "http://api.example.com/v1",
            "HTTP://api.example.com",
            "http://user:pw@10.0.0.5:8080/x",
            "http://192.168.1.10",
            "http://[2001:db8::1]:80/",
        ] {
            assert!(sent_in_the_clear(url), "{url}");
        }
        for url in [
            "https://api.example.com",
            "http://127.0.0.1:8766/v1",
            "http://127.2.3.4",
            "http://localhost:3000",
            "http://app.localhost",
            "http://[::1]:9000/x",
            "",
            "{base}/v1",
        ] {
            assert!(!sent_in_the_clear(url), "{url}");
        }
    }
}
