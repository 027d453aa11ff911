//! Where a connector's credentials may go: the origin (scheme, host, port) of its base URL and
//! the hosts it names under `sluice.retry.credential_hosts`. A `next` link, a redirect or a
//! parent record can point anywhere; only these receive auth headers, API keys, cookies and
//! `$secret` values, and an `https` connector never drops to plain `http`.

use reqwest::Url;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default)]
pub(crate) struct CredentialScope {
    /// The base URL's origin; `None` when there is no usable base URL and no absolute path.
    home: Option<Url>,
    /// Extra `host` or `host:port` entries, lower-cased.
    hosts: Vec<String>,
}

/// What [`CredentialScope::judge`] decides for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trust {
    /// The request goes to the connector's own API: send everything.
    Home,
    /// Another host: send the request, but nothing secret.
    Stranger,
}

impl CredentialScope {
    /// The scope of a resource: its base URL, or, when the base URL is empty, the absolute URL
    /// its path starts with (up to the first placeholder).
    pub(crate) fn new(base_url: &str, path: &str, hosts: &[String]) -> Self {
        let start = if base_url.is_empty() {
            path.split('{').next().unwrap_or_default()
        } else {
            base_url
        };
        CredentialScope {
            home: Url::parse(start).ok().filter(|url| url.has_host()),
            hosts: hosts.iter().map(|host| host.to_ascii_lowercase()).collect(),
        }
    }

    /// Whether `url` may receive the credentials. A plain `http` URL under an `https` base URL
    /// is refused: whatever it carries would cross the network unencrypted.
    pub(crate) fn judge(&self, url: &Url) -> Result<Trust> {
        if self
            .home
            .as_ref()
            .is_some_and(|home| home.scheme() == "https" && url.scheme() == "http")
        {
            return Err(Error::OtherHost {
                url: without_query(url),
                reason: "the connector's base URL is https, and Sluice does not follow it to \
                         plain http, where the request would travel unencrypted"
                    .into(),
            });
        }
        let home = self
            .home
            .as_ref()
            .is_some_and(|home| home.origin() == url.origin());
        Ok(if home || self.named(url) {
            Trust::Home
        } else {
            Trust::Stranger
        })
    }

    fn named(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let with_port = url
            .port_or_known_default()
            .map(|port| format!("{host}:{port}"));
        self.hosts
            .iter()
            .any(|entry| *entry == host || Some(entry) == with_port.as_ref())
    }
}

/// Whether a redirect from `from` to `to` stays within one origin (and so may be followed with
/// the request's credentials).
pub(crate) fn same_origin(from: &Url, to: &Url) -> bool {
    from.origin() == to.origin()
}

/// A URL for an error message: its query may hold an API key, so it is left out.
pub(crate) fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("url")
    }

    #[test]
    fn only_the_base_urls_origin_and_named_hosts_are_home() {
        let scope = CredentialScope::new(
            "https://api.example.com/v1",
            "items",
            &["Files.Example.com".into(), "cdn.example.com:8443".into()],
        );
        let trust = |text: &str| scope.judge(&url(text)).expect("not refused");
        assert_eq!(trust("https://api.example.com/v2/other?x=1"), Trust::Home);
        assert_eq!(trust("https://API.example.com:443/x"), Trust::Home);
        assert_eq!(trust("https://files.example.com/x"), Trust::Home);
        assert_eq!(trust("https://cdn.example.com:8443/x"), Trust::Home);
        assert_eq!(trust("https://cdn.example.com/x"), Trust::Stranger);
        assert_eq!(trust("https://api.example.com:8443/x"), Trust::Stranger);
        assert_eq!(trust("https://evil.example/x"), Trust::Stranger);
        assert_eq!(
            trust("https://api.example.com.evil.example/x"),
            Trust::Stranger
        );
    }

    #[test]
    fn https_never_drops_to_http() {
        let scope = CredentialScope::new("https://api.example.com", "items", &[]);
        for text in [
            "http://api.example.com/items",
            "http://elsewhere.example/items",
        ] {
            let error = scope.judge(&url(text)).expect_err("refused");
            assert!(error.to_string().contains("plain http"), "{error}");
        }
        // A plain-http connector (a loopback API) may use plain http.
        let local = CredentialScope::new("http://127.0.0.1:8080", "items", &[]);
        assert_eq!(
            local.judge(&url("http://127.0.0.1:8080/x")).expect("ok"),
            Trust::Home
        );
    }

    #[test]
    fn an_empty_base_url_takes_the_paths_own_origin() {
        let scope = CredentialScope::new("", "https://api.example.com/items/{resources.p.id}", &[]);
        assert_eq!(
            scope
                .judge(&url("https://api.example.com/items/1"))
                .expect("ok"),
            Trust::Home
        );
        let parent_chosen = CredentialScope::new("", "{resources.p.url}", &[]);
        assert_eq!(
            parent_chosen
                .judge(&url("https://anywhere.example/x"))
                .expect("ok"),
            Trust::Stranger
        );
    }
}
