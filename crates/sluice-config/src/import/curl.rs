//! cURL commands, as API docs and browsers' "Copy as cURL" write them, read into one connector:
//! each command a resource. Bash and Windows `cmd` quoting and line continuations are read; the
//! URL gives the base URL (what the commands share), path and query parameters; `-X`, `-H`,
//! `-d`/`--data*`/`--json`/`-F`, `-G`, `-u` and `-b` give the method, headers, body and auth.
//! Credentials become the matching auth type with their values in the document, so the import
//! moves them to the keychain as it does for any pasted config; `$TOKEN`-style variables become
//! keychain references named after them. What cannot be carried over is said, not dropped.

use serde_json::{json, Map, Value};
use url::Url;

use super::openapi::{self, Guess};

/// What the commands give: the connector document, notes on what was left out
/// (`(resource index, note)`) and what was guessed.
pub(crate) type ReadCommands = (Value, Vec<(usize, String)>, Vec<Guess>);

/// The connector the commands in `text` make.
pub(crate) fn read_curl(text: &str) -> Result<ReadCommands, String> {
    let commands: Vec<Vec<String>> = split_commands(text)?
        .into_iter()
        .filter(|words| words.first().is_some_and(|w| is_curl(w)))
        .collect();
    if commands.is_empty() {
        return Err("no `curl` command in the text".into());
    }
    let mut requests = Vec::new();
    let mut notes = Vec::new();
    for (index, words) in commands.iter().enumerate() {
        let (request, left_out) = parse_request(&words[1..])?;
        notes.extend(left_out.into_iter().map(|note| (index, note)));
        requests.push(request);
    }
    let mut document = connector(&requests);
    let guesses = bind_children(&mut document);
    Ok((document, notes, guesses))
}

/// One text of each resource of a connector document (`/name`, `/endpoint/path`), `""` where
/// it has none.
pub(super) fn resource_texts(document: &Value, pointer: &str) -> Vec<String> {
    document["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            r.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

/// A command whose path is another's followed by an id (`orgs/1/members` after `orgs`) reads
/// the other's records: the id becomes `{resources.<other>.id}` and the child keeps it as a
/// column, as a guess the import says (no answer shows which field holds the ids).
fn bind_children(document: &mut Value) -> Vec<Guess> {
    let paths = resource_texts(document, "/endpoint/path");
    let mut guesses = Vec::new();
    for (index, path) in paths.iter().enumerate() {
        let segments: Vec<&str> = path.split('/').collect();
        let Some(at) = segments.iter().rposition(|s| is_id(s)) else {
            continue;
        };
        let prefix = segments[..at].join("/");
        let Some(parent) = paths.iter().position(|p| *p == prefix) else {
            continue;
        };
        let parent_name = document["resources"][parent]["name"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        let mut bound: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
        bound[at] = format!("{{resources.{parent_name}.id}}");
        let resource = &mut document["resources"][index];
        resource["endpoint"]["path"] = Value::String(bound.join("/"));
        resource["include_from_parent"] = json!(["id"]);
        guesses.push(Guess {
            path: format!("resources[{index}].endpoint.path"),
            message: format!(
                "`{}` in the command stands for the `id` of each `{parent_name}` record",
                segments[at]
            ),
        });
    }
    guesses
}

/// Whether a path segment is an id rather than a name: digits, a UUID, or a long token with
/// digits in it.
pub(super) fn is_id(segment: &str) -> bool {
    let digits = segment.chars().filter(char::is_ascii_digit).count();
    !segment.is_empty()
        && (digits == segment.len()
            || (segment.len() == 36 && segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
            || (segment.len() >= 16
                && digits > 0
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')))
}

fn is_curl(word: &str) -> bool {
    matches!(word, "curl" | "curl.exe")
}

/// Whether text is cURL commands rather than a config: its first command is `curl`.
pub(crate) fn looks_like_curl(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .unwrap_or("");
    let first = first.strip_prefix("$ ").unwrap_or(first);
    first.starts_with("curl ") || first.starts_with("curl.exe ") || first == "curl"
}

/// The words of each command: shell quoting undone, continuations joined, a command ending at
/// a line end, `;`, `&&`, `||` or a pipe (whatever follows a pipe, e.g. `| jq`, is dropped).
fn split_commands(text: &str) -> Result<Vec<Vec<String>>, String> {
    // `cmd` continues lines with `^` and escapes any character with it (a Windows "Copy as
    // cURL" writes `^"` for the quotes curl then reads); bash continues with `\`.
    let windows = text.contains("^\n") || text.contains("^\r\n") || text.contains("^\"");
    let uncareted;
    let text = if windows {
        uncareted = uncaret(text);
        uncareted.as_str()
    } else {
        text
    };
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut skip_rest = false;
    let mut chars = text.chars().peekable();
    let end_word = |word: &mut String, in_word: &mut bool, words: &mut Vec<String>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        if skip_rest && c != '\n' {
            continue;
        }
        match c {
            '\\' if !windows => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(other) => {
                    word.push(other);
                    in_word = true;
                }
                None => {}
            },
            '\'' if !windows => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err("a single quote (') is not closed".into()),
                    }
                }
            }
            '$' if !windows && chars.peek() == Some(&'\'') => {
                // ANSI-C quoting, `$'...'`, as Chrome's "Copy as cURL (bash)" writes bodies.
                chars.next();
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some('\\') => match chars.next() {
                            Some('n') => word.push('\n'),
                            Some('t') => word.push('\t'),
                            Some('r') => word.push('\r'),
                            Some(ch) => word.push(ch),
                            None => return Err("a $'...' quote is not closed".into()),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err("a $'...' quote is not closed".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') if windows && chars.peek() == Some(&'"') => {
                            chars.next();
                            word.push('"');
                        }
                        Some('"') => break,
                        Some('\\') if !windows || chars.peek() == Some(&'"') => {
                            match chars.next() {
                                Some(ch @ ('"' | '\\' | '$' | '`')) => word.push(ch),
                                Some('\n') => {}
                                Some(ch) => {
                                    word.push('\\');
                                    word.push(ch);
                                }
                                None => return Err("a double quote (\") is not closed".into()),
                            }
                        }
                        Some(ch) => word.push(ch),
                        None => return Err("a double quote (\") is not closed".into()),
                    }
                }
            }
            '\n' | ';' => {
                end_word(&mut word, &mut in_word, &mut words);
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
                skip_rest = false;
            }
            '|' | '&' => {
                end_word(&mut word, &mut in_word, &mut words);
                // `&&` and `||` start another command; a single `|` pipes into one to drop.
                if chars.peek() == Some(&c) {
                    chars.next();
                    if !words.is_empty() {
                        commands.push(std::mem::take(&mut words));
                    }
                } else {
                    if !words.is_empty() {
                        commands.push(std::mem::take(&mut words));
                    }
                    skip_rest = true;
                }
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut words),
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut words);
    if !words.is_empty() {
        commands.push(words);
    }
    // A prompt written before the command (`$ curl ...`).
    for command in &mut commands {
        if command.first().is_some_and(|w| w == "$") {
            command.remove(0);
        }
    }
    Ok(commands)
}

/// `cmd`'s escapes undone: `^x` is `x`, and `^` at a line's end joins the next line.
fn uncaret(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\r') if chars.peek() == Some(&'\n') => {
                chars.next();
            }
            Some('\n') | None => {}
            Some(other) => out.push(other),
        }
    }
    out
}

/// One request as a command gives it.
#[derive(Debug, Default)]
pub(super) struct Request {
    pub url: Option<Url>,
    pub method: Option<String>,
    pub headers: Vec<(String, String)>,
    pub data: Vec<String>,
    pub json: bool,
    pub form: Vec<(String, String)>,
    pub get: bool,
    pub user: Option<String>,
    pub cookies: Vec<(String, String)>,
}

/// Options that take a value and change nothing Sluice keeps (output files, timeouts, TLS...).
const IGNORED_WITH_VALUE: [&str; 22] = [
    "-o",
    "--output",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-w",
    "--write-out",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "-x",
    "--proxy",
    "-r",
    "--range",
    "--cacert",
    "--capath",
    "-E",
    "--cert",
    "--key",
    "-c",
    "--cookie-jar",
    "--limit-rate",
];

/// Options without a value that change nothing Sluice keeps.
const IGNORED_FLAGS: [&str; 20] = [
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-L",
    "--location",
    "-i",
    "--include",
    "-v",
    "--verbose",
    "-k",
    "--insecure",
    "--compressed",
    "-f",
    "--fail",
    "-g",
    "--globoff",
    "-N",
    "--no-buffer",
    "--http1.1",
];

fn parse_request(args: &[String]) -> Result<(Request, Vec<String>), String> {
    let mut request = Request::default();
    let mut notes = Vec::new();
    let mut i = 0;
    let value = |i: &mut usize, flag: &str| -> Result<String, String> {
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("`{flag}` needs a value after it"))
    };
    while i < args.len() {
        let arg = args[i].as_str();
        // A short option with its value attached: `-XPOST`, `-H"Accept: x"`, `-uuser:pass`.
        let (flag, attached) = match arg {
            a if a.len() > 2 && a.starts_with('-') && !a.starts_with("--") => {
                let (f, rest) = a.split_at(2);
                if ["-X", "-H", "-d", "-u", "-b", "-F", "-A", "-e"].contains(&f) {
                    (f, Some(rest.to_owned()))
                } else {
                    (a, None)
                }
            }
            a => match a.split_once('=') {
                Some((f, rest)) if f.starts_with("--") => (f, Some(rest.to_owned())),
                _ => (a, None),
            },
        };
        let take = |i: &mut usize| match &attached {
            Some(v) => Ok(v.clone()),
            None => value(i, flag),
        };
        match flag {
            "-X" | "--request" => request.method = Some(take(&mut i)?.to_uppercase()),
            "-H" | "--header" => {
                let header = take(&mut i)?;
                match header.split_once(':') {
                    Some((name, v)) => request
                        .headers
                        .push((name.trim().to_owned(), v.trim().to_owned())),
                    None => notes.push(format!("header `{header}` has no `:` and was left out")),
                }
            }
            "-A" | "--user-agent" => request.headers.push(("User-Agent".into(), take(&mut i)?)),
            "-e" | "--referer" => request.headers.push(("Referer".into(), take(&mut i)?)),
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii"
            | "--data-urlencode" => {
                let data = take(&mut i)?;
                match data.strip_prefix('@') {
                    Some(file) => notes.push(format!(
                        "the body comes from the file `{file}`, which was left out"
                    )),
                    None => request.data.push(data),
                }
            }
            "--json" => {
                request.data.push(take(&mut i)?);
                request.json = true;
            }
            "-F" | "--form" => {
                let field = take(&mut i)?;
                match field.split_once('=') {
                    Some((k, v)) if !v.starts_with('@') => {
                        request.form.push((k.to_owned(), v.to_owned()));
                    }
                    _ => notes.push(format!("form field `{field}` (a file upload) was left out")),
                }
            }
            "-G" | "--get" => request.get = true,
            "-u" | "--user" => request.user = Some(take(&mut i)?),
            "-b" | "--cookie" => {
                for pair in take(&mut i)?.split(';') {
                    if let Some((k, v)) = pair.split_once('=') {
                        request
                            .cookies
                            .push((k.trim().to_owned(), v.trim().to_owned()));
                    }
                }
            }
            "--url" => request.url = Some(parse_url(&take(&mut i)?)?),
            f if IGNORED_WITH_VALUE.contains(&f) => {
                take(&mut i)?;
            }
            f if IGNORED_FLAGS.contains(&f) => {}
            // Bundled short flags (`-sSL`) of options that take no value.
            f if f.starts_with('-')
                && !f.starts_with("--")
                && f[1..]
                    .chars()
                    .all(|c| IGNORED_FLAGS.contains(&format!("-{c}").as_str())) => {}
            f if f.starts_with('-') => notes.push(format!("the option `{f}` was left out")),
            url if request.url.is_none() => request.url = Some(parse_url(url)?),
            extra => notes.push(format!("`{extra}` after the URL was left out")),
        }
        i += 1;
    }
    if request.url.is_none() {
        return Err("a `curl` command has no URL".into());
    }
    Ok((request, notes))
}

fn parse_url(text: &str) -> Result<Url, String> {
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        // curl's own default, for `curl api.example.com/users`.
        format!("http://{text}")
    };
    Url::parse(&with_scheme).map_err(|e| format!("`{text}` is not a URL ({e})"))
}

/// Header names that carry an API key (compared in lower case).
fn is_key_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "x-api-key",
        "api-key",
        "apikey",
        "x-apikey",
        "x-api-token",
        "x-auth-token",
        "x-access-token",
        "private-token",
    ]
    .contains(&name.as_str())
}

/// Query parameter and cookie names that carry an API key.
fn is_key_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "api_key",
        "apikey",
        "api-key",
        "key",
        "access_token",
        "token",
        "auth_token",
    ]
    .contains(&name.as_str())
}

/// A credential as written: a shell variable (`$TOKEN`, `${API_KEY}`) becomes a keychain
/// reference named after it; any other text stays, for the import to move to the keychain.
fn credential(text: &str) -> Value {
    let variable = text
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .or_else(|| text.strip_prefix('$'))
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match variable {
        Some(name) => json!({"$secret": name.to_ascii_lowercase()}),
        None => Value::String(text.to_owned()),
    }
}

/// The auth of a request, and the header, parameter or cookie it came from (left out there).
fn auth_of(request: &Request) -> Option<(Value, Option<String>)> {
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("authorization") {
            let (scheme, rest) = value.split_once(' ').unwrap_or((value.as_str(), ""));
            if scheme.eq_ignore_ascii_case("bearer") {
                return Some((
                    json!({"type": "bearer", "token": credential(rest.trim())}),
                    Some(name.clone()),
                ));
            }
            if scheme.eq_ignore_ascii_case("basic") {
                if let Some((user, password)) = basic_pair(rest.trim()) {
                    return Some((
                        json!({"type": "http_basic", "username": user, "password": password}),
                        Some(name.clone()),
                    ));
                }
            }
            return Some((
                json!({"type": "api_key", "name": name, "api_key": credential(value), "location": "header"}),
                Some(name.clone()),
            ));
        }
        if is_key_header(name) {
            return Some((
                json!({"type": "api_key", "name": name, "api_key": credential(value), "location": "header"}),
                Some(name.clone()),
            ));
        }
    }
    if let Some(user) = &request.user {
        let (name, password) = user.split_once(':').unwrap_or((user.as_str(), ""));
        return Some((
            json!({"type": "http_basic", "username": name, "password": credential(password)}),
            None,
        ));
    }
    if let Some((name, value)) = request.cookies.iter().find(|(k, _)| is_key_param(k)) {
        return Some((
            json!({"type": "api_key", "name": name, "api_key": credential(value), "location": "cookie"}),
            None,
        ));
    }
    let url = request.url.as_ref()?;
    let (name, value) = url.query_pairs().find(|(k, _)| is_key_param(k))?;
    Some((
        json!({"type": "api_key", "name": name, "api_key": credential(&value), "location": "query"}),
        None,
    ))
}

/// `user:password` from a Basic header's base64.
pub(super) fn basic_pair(encoded: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// The connector: the base URL the requests share, a resource per request.
pub(super) fn connector(requests: &[Request]) -> Value {
    let urls: Vec<&Url> = requests.iter().filter_map(|r| r.url.as_ref()).collect();
    let origin = urls[0].origin().ascii_serialization();
    let same_origin: Vec<&Url> = urls
        .iter()
        .copied()
        .filter(|u| u.origin().ascii_serialization() == origin)
        .collect();
    // The folders every request on this origin shares (`/v1/`), so paths read as in the docs.
    let mut prefix: Vec<&str> = directories(same_origin[0]);
    for url in &same_origin[1..] {
        let other = directories(url);
        let shared = prefix
            .iter()
            .zip(&other)
            .take_while(|(a, b)| a == b)
            .count();
        prefix.truncate(shared);
    }
    let base_path: String = prefix.iter().map(|p| format!("{p}/")).collect();
    let base_url = format!("{origin}/{base_path}");

    let auth = requests.iter().find_map(auth_of);
    let auth_source = auth.as_ref().and_then(|(_, from)| from.clone());
    let mut names = Names::default();
    let resources: Vec<Value> = requests
        .iter()
        .map(|request| {
            let url = request.url.as_ref().expect("checked above");
            let path = if url.origin().ascii_serialization() == origin {
                url.path()
                    .trim_start_matches('/')
                    .strip_prefix(base_path.as_str())
                    .unwrap_or(url.path().trim_start_matches('/'))
                    .to_owned()
            } else {
                let mut full = url.clone();
                full.set_query(None);
                full.to_string()
            };
            let name = unique(resource_name(&path), &mut names);
            resource(request, &name, &path, auth_source.as_deref())
        })
        .collect();

    let mut client = Map::new();
    client.insert("base_url".into(), Value::String(base_url));
    if let Some((auth, _)) = auth {
        client.insert("auth".into(), auth);
    }
    let mut document = json!({"client": client, "resources": resources});
    // Named after the API's domain; an address without one is named after its first resource.
    if let Some(name) = urls[0].domain().and_then(domain_name) {
        document["sluice"] = json!({ "name": name });
    }
    document
}

/// A connector name from a domain: its words without `api`, `www` and the top-level domain
/// (`api.github.com` → `github`, `billing.acme.co.uk` → `billing acme co`).
fn domain_name(domain: &str) -> Option<String> {
    let mut parts: Vec<&str> = domain.split('.').filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 {
        parts.pop();
    }
    let words: Vec<&str> = parts
        .into_iter()
        .filter(|p| !matches!(*p, "api" | "www" | "localhost"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A URL's folders: every path segment but the last.
fn directories(url: &Url) -> Vec<&str> {
    let mut segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    segments.pop();
    segments
}

/// A resource name from its path: the last segment that is not an id (`users/42` → `users`).
fn resource_name(path: &str) -> String {
    let segment = path
        .split(['/', '?'])
        .rev()
        .find(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()) && !s.contains("://"))
        .unwrap_or("resource");
    let name: String = segment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_matches('_').to_owned();
    if name.is_empty() {
        "resource".into()
    } else {
        name
    }
}

/// The resource names given so far, and the next number to try for each name taken.
#[derive(Default)]
struct Names {
    taken: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

/// `name`, else `name_2`, `name_3`, ...: the first not taken (thousands of requests to
/// `…/reviews` stay quick).
fn unique(name: String, names: &mut Names) -> String {
    let mut candidate = name.clone();
    while names.taken.contains(&candidate) {
        let n = names.next.entry(name.clone()).or_insert(2);
        candidate = format!("{name}_{n}");
        *n += 1;
    }
    names.taken.insert(candidate.clone());
    candidate
}

fn resource(request: &Request, name: &str, path: &str, auth_header: Option<&str>) -> Value {
    let url = request.url.as_ref().expect("checked above");
    let mut endpoint = Map::new();
    endpoint.insert("path".into(), Value::String(path.to_owned()));
    let mut params = Map::new();
    for (k, v) in url.query_pairs() {
        // An API key in the query is the auth's now.
        if !is_key_param(&k) {
            params.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    }
    let body = request.data.join("&");
    if request.get {
        for pair in body.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.insert(k.to_owned(), Value::String(v.to_owned()));
        }
    }
    if let Some(paginator) = guess_paginator(&mut params) {
        endpoint.insert("paginator".into(), paginator);
    }
    if !params.is_empty() {
        endpoint.insert("params".into(), Value::Object(params));
    }
    let has_body = !request.get && (!request.data.is_empty() || !request.form.is_empty());
    let method = request.method.clone().unwrap_or_else(|| {
        if has_body {
            "POST".into()
        } else {
            "GET".into()
        }
    });
    if method != "GET" {
        endpoint.insert("method".into(), Value::String(method));
    }
    let content_type = request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.to_ascii_lowercase());
    if has_body {
        let parsed = serde_json::from_str::<Value>(&body).ok();
        let json_wanted =
            request.json || content_type.as_deref().is_some_and(|t| t.contains("json"));
        match parsed {
            Some(Value::Object(object)) if json_wanted || request.form.is_empty() => {
                endpoint.insert("json".into(), Value::Object(object));
            }
            _ if !request.form.is_empty() => {
                let form: Map<String, Value> = request
                    .form
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                endpoint.insert("data".into(), Value::Object(form));
            }
            _ => {
                endpoint.insert("data".into(), Value::String(body));
            }
        }
    }
    let mut headers = Map::new();
    for (k, v) in &request.headers {
        let lower = k.to_ascii_lowercase();
        // The auth carries its own header; the client sets the body's content type.
        if Some(k.as_str()) == auth_header || lower == "content-type" || lower == "content-length" {
            continue;
        }
        headers.insert(k.clone(), Value::String(v.clone()));
    }
    if !headers.is_empty() {
        endpoint.insert("headers".into(), Value::Object(headers));
    }
    json!({"name": name, "endpoint": endpoint})
}

/// The paginator a command's query shows it pages with, its page parameters taken out of
/// `params` (the paginator writes them): `offset` with a page size → offset from there;
/// `page` → page_number from that page. Both stop at the first empty page (no `total` is
/// assumed, which dlt's defaults would require); the Test tab suggests a `total` when the
/// answer has one.
fn guess_paginator(params: &mut Map<String, Value>) -> Option<Value> {
    let number = |params: &Map<String, Value>, key: &str| {
        params
            .get(key)
            .and_then(Value::as_str)
            .and_then(|v| v.parse::<u64>().ok())
    };
    // The paging vocabulary the OpenAPI and HAR imports read (`skip`/`top`, `per_page`, ...).
    let first = |params: &Map<String, Value>, names: &[&'static str]| {
        names
            .iter()
            .find_map(|&name| number(params, name).map(|n| (name, n)))
    };
    let size = first(params, openapi::SIZE_PARAMS);
    if let (Some((offset_param, offset)), Some((size_param, limit))) =
        (first(params, openapi::OFFSET_PARAMS), size)
    {
        params.remove(offset_param);
        params.remove(size_param);
        let mut paginator = json!({"type": "offset", "limit": limit, "total_path": null});
        if offset > 0 {
            paginator["offset"] = json!(offset);
        }
        if offset_param != "offset" {
            paginator["offset_param"] = json!(offset_param);
        }
        if size_param != "limit" {
            paginator["limit_param"] = json!(size_param);
        }
        return Some(paginator);
    }
    let (page_param, page) = first(params, openapi::PAGE_PARAMS)?;
    params.remove(page_param);
    let mut paginator =
        json!({"type": "page_number", "base_page": page, "page": page, "total_path": null});
    if page_param != "page" {
        paginator["page_param"] = json!(page_param);
    }
    Some(paginator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        split_commands(text).expect("splits")
    }

    #[test]
    fn bash_quoting_and_continuations_are_undone() {
        let text = "curl -X POST 'https://api.example.com/v1/items?x=1' \\\n  -H \"Authorization: Bearer abc\" \\\n  --data $'{\"a\":\\n1}' | jq .";
        assert_eq!(
            words(text),
            vec![vec![
                "curl",
                "-X",
                "POST",
                "https://api.example.com/v1/items?x=1",
                "-H",
                "Authorization: Bearer abc",
                "--data",
                "{\"a\":\n1}"
            ]]
        );
    }

    #[test]
    fn windows_cmd_quoting_and_continuations_are_undone() {
        let text =
            "curl ^\"https://api.example.com/v1/items^\" ^\r\n  -H ^\"Accept: application/json^\"";
        assert_eq!(
            words(text),
            vec![vec![
                "curl",
                "https://api.example.com/v1/items",
                "-H",
                "Accept: application/json"
            ]]
        );
    }

    #[test]
    fn several_commands_split_at_lines_and_operators() {
        let text = "$ curl https://a.example/x && curl https://a.example/y\nexport T=1; curl https://a.example/z";
        let firsts: Vec<String> = words(text).into_iter().map(|w| w.join(" ")).collect();
        assert_eq!(
            firsts,
            [
                "curl https://a.example/x",
                "curl https://a.example/y",
                "export T=1",
                "curl https://a.example/z"
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error() {
        assert!(split_commands("curl 'https://x").is_err());
    }

    #[test]
    fn a_bearer_get_becomes_a_resource_with_its_params() {
        let (doc, notes, _) = read_curl(
            "curl -sSL -H 'Authorization: Bearer sk_live_123' -H 'Accept: application/json' \
             'https://api.example.com/v1/customers?limit=100&status=active'",
        )
        .expect("reads");
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            doc,
            json!({
                "client": {"base_url": "https://api.example.com/v1/",
                           "auth": {"type": "bearer", "token": "sk_live_123"}},
                "resources": [{"name": "customers", "endpoint": {
                    "path": "customers",
                    "params": {"limit": "100", "status": "active"},
                    "headers": {"Accept": "application/json"}}}],
                "sluice": {"name": "example"}
            })
        );
    }

    #[test]
    fn several_commands_share_a_base_url_and_get_names_of_their_own() {
        let (doc, _, _) = read_curl(
            "curl https://api.example.com/v2/users/42/posts\n\
             curl https://api.example.com/v2/users\n\
             curl https://other.example.com/feed",
        )
        .expect("reads");
        assert_eq!(
            doc["client"]["base_url"],
            json!("https://api.example.com/v2/")
        );
        let resources: Vec<(String, String)> = doc["resources"]
            .as_array()
            .expect("list")
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap_or_default().to_owned(),
                    r["endpoint"]["path"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect();
        assert_eq!(
            resources,
            [
                // After `users`, the 42 stands for each user's id.
                (
                    "posts".to_owned(),
                    "users/{resources.users.id}/posts".to_owned()
                ),
                ("users".to_owned(), "users".to_owned()),
                (
                    "feed".to_owned(),
                    "https://other.example.com/feed".to_owned()
                )
            ]
        );
    }

    #[test]
    fn data_makes_a_post_with_a_json_or_form_body_and_get_moves_it_to_params() {
        let (doc, _, _) =
            read_curl("curl https://a.example/search -d '{\"q\": \"x\"}'").expect("reads");
        assert_eq!(doc["resources"][0]["endpoint"]["method"], json!("POST"));
        assert_eq!(doc["resources"][0]["endpoint"]["json"], json!({"q": "x"}));
        let (doc, _, _) =
            read_curl("curl https://a.example/search -d q=x -d page=2").expect("reads");
        assert_eq!(doc["resources"][0]["endpoint"]["data"], json!("q=x&page=2"));
        let (doc, _, _) = read_curl("curl -G https://a.example/search -d q=x").expect("reads");
        assert_eq!(doc["resources"][0]["endpoint"]["params"], json!({"q": "x"}));
        assert_eq!(doc["resources"][0]["endpoint"].get("method"), None);
    }

    #[test]
    fn each_kind_of_credential_becomes_its_auth() {
        let auth = |text: &str| read_curl(text).expect("reads").0["client"]["auth"].clone();
        assert_eq!(
            auth("curl -u ann:s3cret https://a.example/x"),
            json!({"type": "http_basic", "username": "ann", "password": "s3cret"})
        );
        // "ann:s3cret" in base64.
        assert_eq!(
            auth("curl -H 'Authorization: Basic YW5uOnMzY3JldA==' https://a.example/x"),
            json!({"type": "http_basic", "username": "ann", "password": "s3cret"})
        );
        assert_eq!(
            auth("curl -H 'X-API-Key: k1' https://a.example/x"),
            json!({"type": "api_key", "name": "X-API-Key", "api_key": "k1", "location": "header"})
        );
        assert_eq!(
            auth("curl 'https://a.example/x?api_key=k2&q=1'"),
            json!({"type": "api_key", "name": "api_key", "api_key": "k2", "location": "query"})
        );
        assert_eq!(
            auth("curl -b 'session=abc; token=k3' https://a.example/x"),
            json!({"type": "api_key", "name": "token", "api_key": "k3", "location": "cookie"})
        );
        // A shell variable names a keychain entry instead of holding a value.
        assert_eq!(
            auth("curl -H \"Authorization: Bearer $GITHUB_TOKEN\" https://a.example/x"),
            json!({"type": "bearer", "token": {"$secret": "github_token"}})
        );
    }

    #[test]
    fn what_cannot_be_carried_over_is_said() {
        let (_, notes, _) =
            read_curl("curl --foo -F file=@a.png -d @body.json https://a.example/up")
                .expect("reads");
        assert_eq!(
            notes.into_iter().map(|(_, n)| n).collect::<Vec<_>>(),
            [
                "the option `--foo` was left out",
                "form field `file=@a.png` (a file upload) was left out",
                "the body comes from the file `body.json`, which was left out"
            ]
        );
    }

    #[test]
    fn offset_and_page_parameters_become_the_paginator() {
        let endpoint =
            |text: &str| read_curl(text).expect("reads").0["resources"][0]["endpoint"].clone();
        assert_eq!(
            endpoint("curl 'https://a.example/v1/events?offset=0&limit=100&kind=x'"),
            json!({"path": "events", "params": {"kind": "x"},
                   "paginator": {"type": "offset", "limit": 100, "total_path": null}})
        );
        assert_eq!(
            endpoint("curl 'https://a.example/v1/events?offset=200&per_page=50'")["paginator"],
            json!({"type": "offset", "limit": 50, "total_path": null, "offset": 200,
                   "limit_param": "per_page"})
        );
        assert_eq!(
            endpoint("curl 'https://a.example/v1/events?page=1&per_page=50'"),
            json!({"path": "events", "params": {"per_page": "50"},
                   "paginator": {"type": "page_number", "base_page": 1, "page": 1, "total_path": null}})
        );
        assert_eq!(
            endpoint("curl 'https://a.example/v1/events?page=first'").get("paginator"),
            None
        );
    }

    #[test]
    fn the_connector_is_named_after_the_apis_domain() {
        assert_eq!(domain_name("api.github.com").as_deref(), Some("github"));
        assert_eq!(
            domain_name("billing.acme.co.uk").as_deref(),
            Some("billing acme co")
        );
        assert_eq!(domain_name("localhost"), None);
        let (doc, _, _) = read_curl("curl http://127.0.0.1:8080/v1/orders").expect("reads");
        assert_eq!(
            doc.get("sluice"),
            None,
            "named after its first resource on import"
        );
    }

    #[test]
    fn text_without_a_curl_command_or_url_is_refused() {
        assert!(read_curl("echo hi").is_err());
        assert!(read_curl("curl -s").is_err());
    }
}
