//! The one rule for a connector's base URL, used by the editor's checks and by the app's New
//! connector dialog, so both accept and refuse the same addresses with the same words.

use url::Url;

/// What is wrong with a base URL, as a phrase that follows the field's name ("must start with
/// ..."), or `None` when it is one dlt can add endpoint paths to. Empty is for the caller to
/// judge: a config may leave it empty when every path is a full URL.
pub fn base_url_problem(raw: &str) -> Option<String> {
    let url = raw.trim();
    if url.contains(char::is_whitespace) {
        return Some("has a space in it; a URL has none".into());
    }
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Some(
            "must start with https:// or http:// followed by the API's host, for example \
             https://api.example.com/v1"
                .into(),
        );
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Some(
            "needs the API's host after the //, for example https://api.example.com/v1".into(),
        );
    }
    let parsed = match Url::parse(url) {
        Ok(parsed) => parsed,
        Err(url::ParseError::InvalidPort) => {
            return Some("has a port that is not a number from 1 to 65535".into())
        }
        Err(error) => return Some(format!("is not a URL ({error})")),
    };
    if parsed.query().is_some() {
        return Some(
            "has a query string (`?...`): dlt adds each endpoint path after it, inside the \
             query; put query parameters under the resource's params"
                .into(),
        );
    }
    if parsed.fragment().is_some() {
        return Some("has a `#` part, which is never sent to the API; remove it".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::base_url_problem;

    #[test]
    fn http_and_https_urls_with_a_host_are_base_urls() {
        for good in [
            "https://api.example.com/v1",
            " https://api.example.com/v1/ ",
            "http://127.0.0.1:8080",
            "https://[::1]:443/api",
        ] {
            assert_eq!(base_url_problem(good), None, "{good}");
        }
    }

    #[test]
    fn each_mistake_is_named() {
        let cases = [
            ("api.example.com", "must start with https://"),
            ("ftp://x", "must start with https://"),
            ("https://", "needs the API's host"),
            ("https:///path", "needs the API's host"),
            ("https://a b", "has a space in it"),
            (
                "https://api.example.com:99999",
                "has a port that is not a number",
            ),
            (
                "https://api.example.com:port",
                "has a port that is not a number",
            ),
            ("https://api.example.com/v1?key=1", "has a query string"),
            ("https://api.example.com/#top", "has a `#` part"),
        ];
        for (bad, says) in cases {
            let problem = base_url_problem(bad).unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(problem.contains(says), "{bad}: {problem}");
        }
    }
}
