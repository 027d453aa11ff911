//! URL building exactly as dlt's `join_url`.

/// `path` verbatim when it is a full `http(s)://` URL; otherwise `base_url` without its trailing
/// slashes, one `/`, and `path` without its leading slashes. An empty side gives the other.
pub fn join_url(base_url: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_owned();
    }
    if path.is_empty() {
        return base_url.to_owned();
    }
    if base_url.is_empty() {
        return path.to_owned();
    }
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::join_url;

    #[test]
    fn joins_like_dlt() {
        let cases = [
            (
                "https://api.example.com",
                "posts",
                "https://api.example.com/posts",
            ),
            (
                "https://api.example.com/",
                "posts",
                "https://api.example.com/posts",
            ),
            (
                "https://api.example.com/v1/",
                "/posts",
                "https://api.example.com/v1/posts",
            ),
            (
                "https://api.example.com/v1//",
                "//posts/1",
                "https://api.example.com/v1/posts/1",
            ),
            (
                "https://api.example.com/v1",
                "posts?limit=5",
                "https://api.example.com/v1/posts?limit=5",
            ),
            ("https://api.example.com", "", "https://api.example.com"),
            (
                "",
                "https://other.example.com/x",
                "https://other.example.com/x",
            ),
            ("", "posts", "posts"),
            (
                "https://api.example.com",
                "http://other.example.com/a",
                "http://other.example.com/a",
            ),
            // Only http(s) counts as absolute; anything else is a path.
            (
                "https://api.example.com",
                "ftp://x",
                "https://api.example.com/ftp://x",
            ),
        ];
        for (base, path, expected) in cases {
            assert_eq!(
                join_url(base, path),
                expected,
                "join_url({base:?}, {path:?})"
            );
        }
    }
}
