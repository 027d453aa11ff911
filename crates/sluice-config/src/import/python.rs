//! Reads connectors out of dlt Python code without running it: a small tokenizer and a parser
//! for Python's literal syntax (dicts, lists, tuples, strings in every quoting, numbers,
//! True/False/None, comments, trailing commas), the expressions dlt code uses for values it looks
//! up at run time (`dlt.secrets["x"]`, `dlt.secrets.value`, `dlt.config[...]`), and the shape of
//! a dlt module: `@dlt.source` functions, their parameters, variables in each function, dlt's
//! auth and paginator classes, conditional values, dict merges and `dlt.pipeline(...)` calls.
//!
//! What cannot be a saved connector (a function call, a lambda, a class Sluice does not know) is
//! left out where it stands and reported at its field, so the rest of the connector imports.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Number, Value};

use crate::model::{RelativeStart, CONFIG_KEY, SECRET_KEY};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    /// An f-string with `{expressions}`: Python computes it.
    FString,
    Num(Number),
    Name(String),
    Op(String),
    /// End of a logical line (only outside brackets).
    Newline,
}

/// What a pendulum date expression counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateBase {
    Now,
    Today,
    Fixed,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
    /// Column of the token's first character, which gives a line's indentation.
    col: usize,
    /// Where the token starts and ends in the text, in characters.
    start: usize,
    end: usize,
}

/// Why the Python could not be read, with its 1-based line.
#[derive(Debug, Clone, PartialEq)]
pub struct PyError {
    pub line: usize,
    pub message: String,
    /// The value is Python code rather than broken text: where it stands in a dict, list or
    /// call it can be left out and the rest read.
    code: bool,
}

type PyResult<T> = Result<T, PyError>;

/// How deep brackets may nest, as in serde_json: deeper text is refused instead of overflowing
/// the stack (which would take the whole app down).
const MAX_DEPTH: usize = 128;

/// How many values (strings, numbers, list items, dict entries) reusing variables may produce in
/// all: `b = [a, a, a]`, `c = [b, b, b]`, … doubles with every line, and a few hundred bytes
/// would otherwise fill memory.
const MAX_EXPANDED_VALUES: usize = 1_000_000;

/// How much of a left-out expression its problem quotes.
const QUOTED_CHARS: usize = 80;

fn err<T>(line: usize, message: impl Into<String>) -> PyResult<T> {
    Err(PyError {
        line,
        message: message.into(),
        code: false,
    })
}

/// Python code where a value belongs; `reason` completes "`<the code>` …".
fn code(line: usize, reason: impl Into<String>) -> PyError {
    PyError {
        line,
        message: reason.into(),
        code: true,
    }
}

fn tokenize(source: &[char]) -> PyResult<Vec<Token>> {
    let chars = source;
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut line_start = 0;
    let mut depth: usize = 0;
    let push = |tokens: &mut Vec<Token>, tok, line, start: usize, end, line_start| {
        tokens.push(Token {
            tok,
            line,
            col: start - line_start,
            start,
            end,
        });
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                if depth == 0 {
                    push(&mut tokens, Tok::Newline, line, i, i + 1, line_start);
                }
                line += 1;
                i += 1;
                line_start = i;
            }
            ' ' | '\t' | '\r' | '\u{c}' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
                line_start = i;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' | '\'' => {
                let (text, next, lines) = read_string(chars, i, "", line)?;
                push(
                    &mut tokens,
                    Tok::Str(text.unwrap_or_default()),
                    line,
                    i,
                    next,
                    line_start,
                );
                line += lines;
                i = next;
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                // Known as the token grows, so a long `1e+e+e+…` stays linear.
                let mut hex = false;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || chars[i] == '_'
                        || chars[i] == '.'
                        || ((chars[i] == '+' || chars[i] == '-')
                            && matches!(chars[i - 1], 'e' | 'E')
                            && !hex))
                {
                    hex |= matches!(chars[i], 'x' | 'X');
                    i += 1;
                }
                let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
                let number = parse_number(&text).ok_or_else(|| PyError {
                    line,
                    message: format!("\"{text}\" is not a number Sluice can read"),
                    code: false,
                })?;
                push(&mut tokens, Tok::Num(number), line, start, i, line_start);
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // String prefixes: r"", b'', f"""...""", rb'' and so on.
                let lower = word.to_lowercase();
                let is_prefix = matches!(
                    lower.as_str(),
                    "r" | "u" | "b" | "f" | "br" | "rb" | "fr" | "rf"
                );
                if is_prefix && matches!(chars.get(i), Some('"' | '\'')) {
                    let (text, next, lines) = read_string(chars, i, &lower, line)?;
                    let tok = text.map_or(Tok::FString, Tok::Str);
                    push(&mut tokens, tok, line, start, next, line_start);
                    line += lines;
                    i = next;
                } else {
                    push(&mut tokens, Tok::Name(word), line, start, i, line_start);
                }
            }
            _ => {
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let op = if matches!(two.as_str(), "**" | "==" | "!=" | "<=" | ">=" | "->" | ":=") {
                    two
                } else {
                    c.to_string()
                };
                match op.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                let start = i;
                i += op.chars().count();
                push(&mut tokens, Tok::Op(op), line, start, i, line_start);
            }
        }
    }
    push(&mut tokens, Tok::Newline, line, i, i, line_start.min(i));
    Ok(tokens)
}

fn parse_number(text: &str) -> Option<Number> {
    let lower = text.to_lowercase();
    let radix = |prefix: &str, radix: u32| {
        lower
            .strip_prefix(prefix)
            .and_then(|digits| i64::from_str_radix(digits, radix).ok())
            .map(Number::from)
    };
    if lower.starts_with("0x") {
        return radix("0x", 16);
    }
    if lower.starts_with("0o") {
        return radix("0o", 8);
    }
    if lower.starts_with("0b") {
        return radix("0b", 2);
    }
    if let Ok(n) = lower.parse::<i64>() {
        return Some(Number::from(n));
    }
    if let Ok(n) = lower.parse::<u64>() {
        return Some(Number::from(n));
    }
    lower.parse::<f64>().ok().and_then(Number::from_f64)
}

/// Reads a string literal starting at the quote `chars[start]`. Returns the text (`None` for an
/// f-string with expressions), the index after it and how many newlines it spanned.
fn read_string(
    chars: &[char],
    start: usize,
    prefix: &str,
    line: usize,
) -> PyResult<(Option<String>, usize, usize)> {
    let quote = chars[start];
    let triple = chars.get(start + 1) == Some(&quote) && chars.get(start + 2) == Some(&quote);
    let raw = prefix.contains('r');
    let fstring = prefix.contains('f');
    let mut i = start + if triple { 3 } else { 1 };
    let mut text = String::new();
    let mut lines = 0;
    loop {
        let Some(&c) = chars.get(i) else {
            return err(line, "a string is not closed");
        };
        if c == quote {
            if !triple {
                i += 1;
                break;
            }
            if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                i += 3;
                break;
            }
        }
        if c == '\n' {
            if !triple {
                return err(line, "a string is not closed before the end of the line");
            }
            lines += 1;
        }
        if c == '\\' {
            let Some(&next) = chars.get(i + 1) else {
                return err(line, "a string is not closed");
            };
            if next == '\n' {
                lines += 1;
            }
            if raw {
                text.push('\\');
                text.push(next);
                i += 2;
                continue;
            }
            i += 2;
            match next {
                '\n' => {}
                'n' => text.push('\n'),
                't' => text.push('\t'),
                'r' => text.push('\r'),
                '0' => text.push('\0'),
                'a' => text.push('\u{7}'),
                'b' => text.push('\u{8}'),
                'f' => text.push('\u{c}'),
                'v' => text.push('\u{b}'),
                '\\' | '\'' | '"' => text.push(next),
                'x' | 'u' | 'U' => {
                    let len = match next {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let hex: String = chars
                        .get(i..i + len)
                        .map(|s| s.iter().collect())
                        .unwrap_or_default();
                    let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                    match decoded {
                        Some(ch) if hex.len() == len => text.push(ch),
                        _ => return err(line, format!("\\{next}{hex} is not a valid escape")),
                    }
                    i += len;
                }
                other => {
                    // Python keeps unknown escapes as written.
                    text.push('\\');
                    text.push(other);
                }
            }
            continue;
        }
        text.push(c);
        i += 1;
    }
    // An f-string with `{expressions}` is computed by Python: `None` lets the parser leave it
    // out where it stands instead of failing the whole text.
    let text = if fstring {
        unescape_fstring(&text)
    } else {
        Some(text)
    };
    Ok((text, i, lines))
}

/// An f-string without expressions is plain text with `{{`/`}}` for braces.
fn unescape_fstring(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' if chars.peek() == Some(&c) => {
                chars.next();
                out.push(c);
            }
            '{' | '}' => return None,
            _ => out.push(c),
        }
    }
    Some(out)
}

/// A place in the value being read: a dict key or a list index.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn path_text(path: &[Seg]) -> String {
    let mut text = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) if text.is_empty() => text.push_str(key),
            Seg::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Seg::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

/// Something in the code that a saved connector cannot hold, left out where it stood.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// The field it stood at, e.g. `resources[0].endpoint.incremental.initial_value`.
    pub path: String,
    pub line: usize,
    /// What was there and what was done, in plain words.
    pub message: String,
}

#[derive(Debug, Clone)]
struct Recorded {
    path: Vec<Seg>,
    line: usize,
    message: String,
    /// The code that was left out, as written.
    text: String,
}

/// What a decorator says about the function under it.
#[derive(Debug, Clone, PartialEq)]
enum Decorator {
    /// `@dlt.source` / `@dlt.source(name="...")`.
    Source(Option<String>),
    /// `@dlt.resource` / `@dlt.transformer`: Python that yields data, which Sluice cannot run.
    Resource,
    Other,
}

/// A function body (or the module), as a range of tokens.
#[derive(Debug)]
struct Scope {
    /// The `def` token (0 for the module).
    start: usize,
    /// The first token after the body.
    end: usize,
    parent: Option<usize>,
    name: Option<String>,
    decorator: Option<Decorator>,
    /// Parameters with defaults: name and the token where the default starts.
    defaults: Vec<(String, usize)>,
}

/// A variable's value and how many values it holds.
#[derive(Debug)]
struct Variable {
    value: Value,
    size: usize,
    /// What was left out of it, relative to the variable.
    left_out: Vec<Recorded>,
}

/// Variables assigned so far, by scope and name, each list in the order of the code.
#[derive(Default)]
struct Bindings {
    by_name: HashMap<(usize, String), Vec<(usize, Variable)>>,
    /// Why the last assignment of a name that could not be read failed, so using it says so.
    failed: HashMap<String, PyError>,
}

fn size_of(value: &Value) -> usize {
    1 + match value {
        // Long text counts too, so doubling a string through variables is bounded like lists.
        Value::String(text) => text.len() / 64,
        Value::Array(items) => items.iter().map(size_of).sum(),
        Value::Object(object) => object.values().map(size_of).sum(),
        _ => 0,
    }
}

/// The text, its tokens and its functions.
struct Module {
    source: Vec<char>,
    tokens: Vec<Token>,
    scopes: Vec<Scope>,
    /// The innermost scope of every token.
    scope_of: Vec<usize>,
    /// Functions decorated `@dlt.resource` or `@dlt.transformer`.
    resource_functions: HashSet<String>,
}

impl Module {
    fn new(source: &str) -> PyResult<Module> {
        let source: Vec<char> = source.chars().collect();
        let tokens = tokenize(&source)?;
        let (scopes, scope_of) = find_scopes(&tokens);
        let resource_functions = scopes
            .iter()
            .filter(|s| s.decorator == Some(Decorator::Resource))
            .filter_map(|s| s.name.clone())
            .collect();
        Ok(Module {
            source,
            tokens,
            scopes,
            scope_of,
            resource_functions,
        })
    }

    fn tok(&self, i: usize) -> Option<&Tok> {
        self.tokens.get(i).map(|t| &t.tok)
    }

    fn is_op(&self, i: usize, op: &str) -> bool {
        matches!(self.tok(i), Some(Tok::Op(o)) if o == op)
    }

    /// Whether token `i` begins a logical line.
    fn at_line_start(&self, i: usize) -> bool {
        i == 0 || matches!(self.tok(i - 1), Some(Tok::Newline))
    }

    /// Tokens `from..to` as written, on one line and shortened.
    fn quote(&self, from: usize, to: usize) -> String {
        let (Some(first), Some(last)) =
            (self.tokens.get(from), self.tokens.get(to.max(from + 1) - 1))
        else {
            return String::new();
        };
        let raw: String = self.source[first.start..last.end.max(first.start)]
            .iter()
            .collect();
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > QUOTED_CHARS {
            let cut: String = text.chars().take(QUOTED_CHARS - 1).collect();
            format!("{cut}…")
        } else {
            text
        }
    }

    /// The scopes around token `i`, innermost first.
    fn scope_chain(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let first = self.scope_of.get(i).copied().unwrap_or(0);
        std::iter::successors(Some(first), |s| self.scopes[*s].parent)
    }

    /// The `@dlt.source` function token `i` is in, if any.
    fn source_function(&self, i: usize) -> Option<&Scope> {
        self.scope_chain(i)
            .map(|s| &self.scopes[s])
            .find(|s| matches!(s.decorator, Some(Decorator::Source(_))))
    }

    /// Whether `name` is a function decorated `@dlt.resource` (or `@dlt.transformer`).
    fn is_resource_function(&self, name: &str) -> bool {
        self.resource_functions.contains(name)
    }
}

/// Function bodies by indentation: a `def` line opens one, and the next line indented no deeper
/// than it closes it. One pass with a stack, so deep or many functions stay linear.
fn find_scopes(tokens: &[Token]) -> (Vec<Scope>, Vec<usize>) {
    let mut scopes = vec![Scope {
        start: 0,
        end: tokens.len(),
        parent: None,
        name: None,
        decorator: None,
        defaults: Vec::new(),
    }];
    let mut scope_of = vec![0; tokens.len()];
    // Open scopes with the column of their `def` line.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut decorator: Option<Decorator> = None;
    for i in 0..tokens.len() {
        let line_start = i == 0 || matches!(tokens[i - 1].tok, Tok::Newline);
        if line_start && !matches!(tokens[i].tok, Tok::Newline) {
            let col = tokens[i].col;
            while open.last().is_some_and(|(_, c)| *c >= col) {
                if let Some((s, _)) = open.pop() {
                    scopes[s].end = i;
                }
            }
            let mut def = i;
            if matches!(&tokens[i].tok, Tok::Name(n) if n == "async") {
                def += 1;
            }
            match (&tokens[i].tok, tokens.get(def).map(|t| &t.tok)) {
                (Tok::Op(op), _) if op == "@" => decorator = Some(read_decorator(tokens, i + 1)),
                (_, Some(Tok::Name(n))) if n == "def" => {
                    let name = match tokens.get(def + 1).map(|t| &t.tok) {
                        Some(Tok::Name(name)) => Some(name.clone()),
                        _ => None,
                    };
                    let parent = open.last().map_or(0, |(s, _)| *s);
                    scopes.push(Scope {
                        start: i,
                        end: tokens.len(),
                        parent: Some(parent),
                        name,
                        decorator: decorator.take(),
                        defaults: parameter_defaults(tokens, def + 2),
                    });
                    open.push((scopes.len() - 1, col));
                }
                _ => decorator = None,
            }
        }
        scope_of[i] = open.last().map_or(0, |(s, _)| *s);
    }
    (scopes, scope_of)
}

fn read_decorator(tokens: &[Token], mut i: usize) -> Decorator {
    let mut last = String::new();
    while let Some(Tok::Name(part)) = tokens.get(i).map(|t| &t.tok) {
        last.clone_from(part);
        i += 1;
        if !matches!(tokens.get(i).map(|t| &t.tok), Some(Tok::Op(op)) if op == ".") {
            break;
        }
        i += 1;
    }
    match last.as_str() {
        "source" => {
            // `@dlt.source(name="github")` names the source.
            let mut depth = 0usize;
            let mut name = None;
            while let Some(token) = tokens.get(i) {
                match &token.tok {
                    Tok::Op(op) if op == "(" => depth += 1,
                    Tok::Op(op) if op == ")" => {
                        if depth <= 1 {
                            break;
                        }
                        depth -= 1;
                    }
                    Tok::Newline => break,
                    Tok::Name(n) if n == "name" && depth == 1 => {
                        if let (Some(Tok::Op(eq)), Some(Tok::Str(value))) = (
                            tokens.get(i + 1).map(|t| &t.tok),
                            tokens.get(i + 2).map(|t| &t.tok),
                        ) {
                            if eq == "=" {
                                name = Some(value.clone());
                            }
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Decorator::Source(name)
        }
        "resource" | "transformer" => Decorator::Resource,
        _ => Decorator::Other,
    }
}

/// `def f(a, b: Optional[str] = dlt.secrets.value, *args, c=1)`: the parameters that have a
/// default, with the token where it starts. `open` is the `(`.
fn parameter_defaults(tokens: &[Token], open: usize) -> Vec<(String, usize)> {
    let mut defaults = Vec::new();
    if !matches!(tokens.get(open).map(|t| &t.tok), Some(Tok::Op(op)) if op == "(") {
        return defaults;
    }
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut expect_name = true;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match &token.tok {
            Tok::Op(op) if matches!(op.as_str(), "(" | "[" | "{") => depth += 1,
            Tok::Op(op) if matches!(op.as_str(), ")" | "]" | "}") => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Tok::Op(op) if op == "," && depth == 1 => {
                expect_name = true;
                current = None;
            }
            Tok::Op(op) if op == "=" && depth == 1 => {
                if let Some(name) = current.take() {
                    defaults.push((name, i + 1));
                }
            }
            Tok::Name(name) if depth == 1 && expect_name => {
                current = Some(name.clone());
                expect_name = false;
            }
            Tok::Newline => break,
            _ => {}
        }
    }
    defaults
}

/// dlt's auth and paginator classes and the dict each one is written as: its `type` and its
/// parameters in order (what positional arguments mean), from dlt 1.31's signatures.
struct DltClass {
    class: &'static str,
    kind: &'static str,
    positional: &'static [&'static str],
}

const DLT_CLASSES: &[DltClass] = &[
    DltClass {
        class: "BearerTokenAuth",
        kind: "bearer",
        positional: &["token"],
    },
    DltClass {
        class: "APIKeyAuth",
        kind: "api_key",
        positional: &["name", "api_key", "location"],
    },
    DltClass {
        class: "HttpBasicAuth",
        kind: "http_basic",
        positional: &["username", "password"],
    },
    DltClass {
        class: "OAuth2ClientCredentials",
        kind: "oauth2_client_credentials",
        positional: &[
            "access_token",
            "access_token_url",
            "client_id",
            "client_secret",
            "access_token_request_data",
            "default_token_expiration",
            "session",
        ],
    },
    // The class Sluice's own export defines for `"client_auth": "basic"`.
    DltClass {
        class: "OAuth2ClientCredentialsHttpBasic",
        kind: "oauth2_client_credentials",
        positional: &[],
    },
    DltClass {
        class: "SinglePagePaginator",
        kind: "single_page",
        positional: &[],
    },
    DltClass {
        class: "OffsetPaginator",
        kind: "offset",
        positional: &[
            "limit",
            "offset",
            "offset_param",
            "limit_param",
            "total_path",
            "maximum_offset",
            "stop_after_empty_page",
        ],
    },
    DltClass {
        class: "PageNumberPaginator",
        kind: "page_number",
        positional: &[
            "base_page",
            "page",
            "page_param",
            "total_path",
            "maximum_page",
            "stop_after_empty_page",
        ],
    },
    DltClass {
        class: "JSONLinkPaginator",
        kind: "json_link",
        positional: &["next_url_path"],
    },
    DltClass {
        class: "HeaderLinkPaginator",
        kind: "header_link",
        positional: &["links_next_key"],
    },
    DltClass {
        class: "JSONResponseCursorPaginator",
        kind: "cursor",
        positional: &["cursor_path", "cursor_param", "cursor_body_path"],
    },
    DltClass {
        class: "HeaderCursorPaginator",
        kind: "header_cursor",
        positional: &["cursor_key", "cursor_param"],
    },
];

struct Parser<'a> {
    module: &'a Module,
    bindings: &'a Bindings,
    pos: usize,
    /// Values produced by reusing variables so far, shared by every parser of one text.
    expanded: &'a Cell<usize>,
    /// Brackets open around the value being read.
    depth: usize,
    /// Where the value being read is, from the root of what this parser reads.
    path: Vec<Seg>,
    /// What was left out so far.
    left_out: Vec<Recorded>,
}

impl<'a> Parser<'a> {
    fn new(
        module: &'a Module,
        bindings: &'a Bindings,
        expanded: &'a Cell<usize>,
        pos: usize,
    ) -> Self {
        Parser {
            module,
            bindings,
            pos,
            expanded,
            depth: 0,
            path: Vec::new(),
            left_out: Vec::new(),
        }
    }

    fn peek(&self) -> Option<&Tok> {
        self.module.tok(self.pos)
    }
    fn peek_at(&self, offset: usize) -> Option<&Tok> {
        self.module.tok(self.pos + offset)
    }
    fn line(&self) -> usize {
        let tokens = &self.module.tokens;
        tokens.get(self.pos).or(tokens.last()).map_or(1, |t| t.line)
    }
    fn is_op(&self, op: &str) -> bool {
        self.module.is_op(self.pos, op)
    }
    fn is_name(&self, name: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == name)
    }
    fn expect_op(&mut self, op: &str) -> PyResult<()> {
        if self.is_op(op) {
            self.pos += 1;
            Ok(())
        } else {
            err(self.line(), format!("expected \"{op}\" here"))
        }
    }
    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline)) {
            self.pos += 1;
        }
    }
    /// Whether the value just read ends here.
    fn at_delimiter(&self) -> bool {
        match self.peek() {
            None | Some(Tok::Newline) => true,
            Some(Tok::Op(op)) => matches!(op.as_str(), "," | ")" | "]" | "}" | ":" | "="),
            _ => false,
        }
    }

    /// One value. `key` is the dict key or parameter it belongs to, which names
    /// `dlt.secrets.value`.
    fn value(&mut self, key: Option<&str>) -> PyResult<Value> {
        if self.depth >= MAX_DEPTH {
            return err(
                self.line(),
                format!("values are nested more than {MAX_DEPTH} levels deep here"),
            );
        }
        self.depth += 1;
        let line = self.line();
        let value = self.expression(key).and_then(|value| {
            if self.at_delimiter() {
                Ok(value)
            } else {
                Err(code(line, "is Python code"))
            }
        });
        self.depth -= 1;
        value
    }

    /// A value that Python code around it may replace: where it is code, it is left out and
    /// recorded at its place, and `None` comes back.
    fn value_at(&mut self, seg: Seg, key: Option<&str>) -> PyResult<Option<Value>> {
        self.path.push(seg);
        let start = self.pos;
        let result = match self.value(key) {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.code => {
                self.leave_out(start, &e, |text, reason| {
                    format!("`{text}` {reason}; Sluice cannot run code, so it was left out")
                });
                Ok(None)
            }
            Err(e) => Err(e),
        };
        self.path.pop();
        result
    }

    /// Skips the code that starts at `start` and failed with `e`, and records it at the current
    /// path with the message `message(code as written, reason)`.
    fn leave_out(&mut self, start: usize, e: &PyError, message: impl Fn(&str, &str) -> String) {
        self.pos = start;
        self.skip_argument();
        let text = self.module.quote(start, self.pos);
        self.left_out.push(Recorded {
            path: self.path.clone(),
            line: e.line,
            message: message(&text, &e.message),
            text,
        });
    }

    /// `a if condition else b`: the branch that holds a dict (an auth, a paginator) wins, else
    /// the first that is not `None`; the condition itself is not read.
    fn expression(&mut self, key: Option<&str>) -> PyResult<Value> {
        let line = self.line();
        let mark = self.left_out.len();
        let first = self.operand(key)?;
        if !self.is_name("if") {
            return Ok(first);
        }
        self.pos += 1;
        let condition = self.pos;
        let mut depth = 0usize;
        while let Some(tok) = self.peek() {
            match tok {
                Tok::Name(n) if n == "else" && depth == 0 => break,
                Tok::Op(op) if matches!(op.as_str(), "(" | "[" | "{") => depth += 1,
                Tok::Op(op) if matches!(op.as_str(), ")" | "]" | "}" | ",") && depth == 0 => {
                    return Err(code(line, "is a Python condition without `else`"));
                }
                Tok::Op(op) if matches!(op.as_str(), ")" | "]" | "}") => depth -= 1,
                Tok::Newline => return Err(code(line, "is a Python condition without `else`")),
                _ => {}
            }
            self.pos += 1;
        }
        let truth = self.truth_of(condition, self.pos);
        self.pos += 1;
        let second_mark = self.left_out.len();
        let second = match self.expression(key) {
            Ok(value) => Some(value),
            Err(e) if e.code => None,
            Err(e) => return Err(e),
        };
        if second.is_none() && truth == Some(false) {
            return Err(code(line, "is Python code"));
        }
        let take_second = match (&second, truth) {
            (Some(_), Some(truth)) => !truth,
            (Some(second), None) if !first.is_object() => second.is_object() || first.is_null(),
            _ => false,
        };
        if take_second {
            self.left_out.drain(mark..second_mark);
            Ok(second.unwrap_or_default())
        } else {
            self.left_out.truncate(second_mark);
            Ok(first)
        }
    }

    /// Whether the condition in tokens `from..to` holds, when it is a name the code gives a
    /// value (`STAGING`, `not DEBUG`, a parameter) or a literal; `None` when Python decides.
    fn truth_of(&self, from: usize, to: usize) -> Option<bool> {
        let tokens = &self.module.tokens[from..to];
        let (negate, name) = match tokens {
            [Token {
                tok: Tok::Name(not),
                ..
            }, Token {
                tok: Tok::Name(name),
                ..
            }] if not == "not" => (true, name),
            [Token {
                tok: Tok::Name(name),
                ..
            }] => (false, name),
            _ => return None,
        };
        let value = match name.as_str() {
            "True" => Value::Bool(true),
            "False" => Value::Bool(false),
            "None" => Value::Null,
            _ => self.variable(name)?.value.clone(),
        };
        let truth = match &value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(items) => !items.is_empty(),
            // A `$secret` reference stands for a value the user sets: present.
            Value::Object(object) => !object.is_empty(),
        };
        Some(truth != negate)
    }

    /// A value and what `+` (text, numbers, lists) or `|` (dicts) joins to it.
    fn operand(&mut self, key: Option<&str>) -> PyResult<Value> {
        let line = self.line();
        let mut value = self.one_value(key)?;
        while self.is_op("+") || self.is_op("|") {
            let plus = self.is_op("+");
            self.pos += 1;
            let right = self.one_value(None)?;
            value = match (value, right) {
                (Value::String(a), Value::String(b)) if plus => Value::String(a + &b),
                (Value::Array(mut a), Value::Array(b)) if plus => {
                    a.extend(b);
                    Value::Array(a)
                }
                (Value::Number(a), Value::Number(b)) if plus => match (a.as_i64(), b.as_i64()) {
                    (Some(a), Some(b)) => a
                        .checked_add(b)
                        .map(Value::from)
                        .ok_or_else(|| code(line, "is out of range"))?,
                    _ => Value::Number(
                        Number::from_f64(a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0))
                            .ok_or_else(|| code(line, "is out of range"))?,
                    ),
                },
                (Value::Object(mut a), Value::Object(b)) if !plus => {
                    a.extend(b);
                    Value::Object(a)
                }
                _ => return Err(code(line, "is Python code")),
            };
        }
        Ok(value)
    }

    fn one_value(&mut self, key: Option<&str>) -> PyResult<Value> {
        self.skip_newlines();
        let line = self.line();
        let Some(tok) = self.peek().cloned() else {
            return err(line, "the code ends where a value was expected");
        };
        match tok {
            Tok::Op(op) => match op.as_str() {
                "{" => self.dict(),
                "[" => self.sequence("]"),
                "(" => {
                    // A tuple, or a parenthesised value (often implicitly concatenated strings).
                    self.pos += 1;
                    self.skip_newlines();
                    if self.is_op(")") {
                        self.pos += 1;
                        return Ok(Value::Array(Vec::new()));
                    }
                    let first = self.value(key)?;
                    self.skip_newlines();
                    if self.is_op(")") {
                        self.pos += 1;
                        return Ok(first);
                    }
                    self.expect_op(",")?;
                    let mut items = vec![first];
                    loop {
                        self.skip_newlines();
                        if self.is_op(")") {
                            self.pos += 1;
                            return Ok(Value::Array(items));
                        }
                        let index = items.len();
                        if let Some(item) = self.value_at(Seg::Index(index), key)? {
                            items.push(item);
                        }
                        self.skip_newlines();
                        if !self.is_op(")") {
                            self.expect_op(",")?;
                        }
                    }
                }
                "-" | "+" => {
                    self.pos += 1;
                    match self.value(key)? {
                        Value::Number(n) if op == "-" => {
                            negate(&n).map(Value::Number).ok_or_else(|| PyError {
                                line,
                                message: "this number is out of range".into(),
                                code: false,
                            })
                        }
                        Value::Number(n) => Ok(Value::Number(n)),
                        _ => Err(code(line, "is Python code")),
                    }
                }
                _ => Err(code(line, "is Python code")),
            },
            Tok::Str(first) => {
                self.pos += 1;
                let mut text = first;
                // Adjacent literals concatenate ("a" "b" == "ab").
                while let Some(Tok::Str(next)) = self.peek() {
                    text.push_str(next);
                    self.pos += 1;
                }
                if matches!(self.peek(), Some(Tok::FString)) {
                    return Err(code(line, "is an f-string, which Python computes"));
                }
                Ok(Value::String(text))
            }
            Tok::FString => {
                self.pos += 1;
                Err(code(line, "is an f-string, which Python computes"))
            }
            Tok::Num(n) => {
                self.pos += 1;
                Ok(Value::Number(n))
            }
            Tok::Name(name) => self.name_value(&name, key),
            Tok::Newline => err(line, "a value was expected"),
        }
    }

    fn expansion_limit(&self, line: usize) -> PyError {
        PyError {
            line,
            message: format!(
                "reusing variables makes this code hold more than {MAX_EXPANDED_VALUES} \
                 values; write the config out"
            ),
            code: false,
        }
    }

    /// The variable `name` as seen from the token being read: the last assignment before it in
    /// the innermost function that assigns it, else any in an enclosing one.
    fn variable(&self, name: &str) -> Option<&'a Variable> {
        let bindings = self.bindings;
        for scope in self.module.scope_chain(self.pos) {
            let Some(list) = bindings.by_name.get(&(scope, name.to_owned())) else {
                continue;
            };
            let before = list.partition_point(|(at, _)| *at < self.pos);
            let found = if before > 0 {
                list.get(before - 1)
            } else {
                list.last()
            };
            if let Some((_, variable)) = found {
                return Some(variable);
            }
        }
        None
    }

    fn name_value(&mut self, name: &str, key: Option<&str>) -> PyResult<Value> {
        let line = self.line();
        self.pos += 1;
        match name {
            "True" | "true" => return Ok(Value::Bool(true)),
            "False" | "false" => return Ok(Value::Bool(false)),
            "None" | "null" => return Ok(Value::Null),
            "lambda" => return Err(code(line, "is a Python function")),
            _ => {}
        }
        // dotted name: dlt.secrets.value, dlt.config, ...
        let mut dotted = vec![name.to_owned()];
        while self.is_op(".") {
            match self.peek_at(1) {
                Some(Tok::Name(part)) => {
                    dotted.push(part.clone());
                    self.pos += 2;
                }
                _ => return err(line, "a name was expected after \".\""),
            }
        }
        let dotted_text = dotted.join(".");
        let store = match dotted_text.as_str() {
            "dlt.secrets" | "secrets" | "dlt.secrets.value" | "secrets.value" => Some(SECRET_KEY),
            "dlt.config" | "config.value" | "dlt.config.value" => Some(CONFIG_KEY),
            _ => None,
        };
        if let Some(store) = store {
            if dotted_text.ends_with(".value") {
                let Some(key) = key else {
                    return Err(code(
                        line,
                        "needs a dict key or parameter to name the value after",
                    ));
                };
                return Ok(reference(store, key));
            }
            if self.is_op("[") {
                self.pos += 1;
                let name = self.value(None)?;
                self.expect_op("]")?;
                return match name {
                    Value::String(name) => Ok(reference(store, &name)),
                    _ => Err(code(
                        line,
                        format!("must be given a quoted name, as in {dotted_text}[\"name\"]"),
                    )),
                };
            }
            if self.is_op("(") || self.is_op(".") {
                return Err(code(
                    line,
                    format!("cannot be imported; write {dotted_text}[\"name\"]"),
                ));
            }
        }
        let last = dotted.last().map_or("", String::as_str);
        if self.is_op("(") {
            if dotted_text == "dict" {
                return self.dict_call();
            }
            if let Some(class) = DLT_CLASSES.iter().find(|c| c.class == last) {
                return self.dlt_class(class);
            }
        }
        if self.is_op("(") {
            if let Some(value) = self.date_expression(&dotted_text) {
                return Ok(value);
            }
        }
        if self.module.is_resource_function(&dotted_text) {
            return Err(code(
                line,
                "is a dlt resource written in Python (a resource that takes data from it needs a \
                 parent defined in the connector)",
            ));
        }
        if self.is_op("(") {
            let starts_upper = last.starts_with(|c: char| c.is_ascii_uppercase());
            return Err(code(
                line,
                if starts_upper {
                    "is a Python class that has no form in a saved connector"
                } else {
                    "is a Python function call"
                },
            ));
        }
        if dotted.len() == 1 {
            if let Some(variable) = self.variable(name) {
                let expanded = self.expanded.get().saturating_add(variable.size);
                if expanded > MAX_EXPANDED_VALUES {
                    self.expanded.set(usize::MAX);
                    return Err(self.expansion_limit(line));
                }
                self.expanded.set(expanded);
                for recorded in &variable.left_out {
                    let mut path = self.path.clone();
                    path.extend(recorded.path.iter().cloned());
                    self.left_out.push(Recorded {
                        path,
                        ..recorded.clone()
                    });
                }
                return Ok(variable.value.clone());
            }
        }
        if self.expanded.get() > MAX_EXPANDED_VALUES {
            // The variable was left out because building it passed the limit.
            return Err(self.expansion_limit(line));
        }
        if let Some(failed) = self.bindings.failed.get(name).filter(|_| dotted.len() == 1) {
            return Err(if failed.code {
                code(
                    line,
                    format!("is a variable set by Python code at line {}", failed.line),
                )
            } else {
                failed.clone()
            });
        }
        Err(code(
            line,
            "is a Python name whose value is not in the imported code",
        ))
    }

    /// The date expressions dlt code gives an incremental `initial_value`: `pendulum.now()` or
    /// `pendulum.today()` (optionally in UTC), moved back by `.subtract(days=N)` or `weeks=N`,
    /// as a timestamp (`.isoformat()`, `.to_iso8601_string()`, or the object itself) or a date
    /// (`.to_date_string()`, `.date().isoformat()`) become a [`RelativeStart`]; a fixed
    /// `pendulum.datetime(Y, M, D)` or `pendulum.parse("...")` becomes its text. Anything else
    /// leaves the position untouched and `None`, to be left out as code.
    fn date_expression(&mut self, dotted: &str) -> Option<Value> {
        let start = self.pos;
        let value = self.read_date_expression(dotted);
        if value.is_none() {
            self.pos = start;
        }
        value
    }

    fn read_date_expression(&mut self, dotted: &str) -> Option<Value> {
        let (base, fixed) = match dotted.strip_prefix("pendulum.")? {
            "now" => (DateBase::Now, None),
            "today" => (DateBase::Today, None),
            "datetime" => (DateBase::Fixed, Some(self.fixed_datetime()?)),
            "parse" => {
                self.pos += 1;
                let Some(Tok::Str(text)) = self.peek().cloned() else {
                    return None;
                };
                self.pos += 1;
                self.utc_arguments_then_close()?;
                return self.date_methods_end().then_some(Value::String(text));
            }
            _ => return None,
        };
        if fixed.is_none() {
            self.pos += 1;
            self.utc_arguments_then_close()?;
        }
        let mut days: u64 = 0;
        let mut date_only = false;
        while self.is_op(".") {
            let Some(Tok::Name(method)) = self.peek_at(1).cloned() else {
                return None;
            };
            self.pos += 2;
            self.expect_op("(").ok()?;
            match method.as_str() {
                "subtract" if fixed.is_none() => {
                    let Some(Tok::Name(unit)) = self.peek().cloned() else {
                        return None;
                    };
                    if !self.module.is_op(self.pos + 1, "=") {
                        return None;
                    }
                    self.pos += 2;
                    let Some(Tok::Num(n)) = self.peek().cloned() else {
                        return None;
                    };
                    self.pos += 1;
                    let n = n.as_u64()?;
                    days += match unit.as_str() {
                        "days" => n,
                        "weeks" => n.checked_mul(7)?,
                        _ => return None,
                    };
                    self.expect_op(")").ok()?;
                }
                "isoformat" | "to_iso8601_string" => {
                    self.expect_op(")").ok()?;
                    break;
                }
                "to_date_string" => {
                    self.expect_op(")").ok()?;
                    date_only = true;
                    break;
                }
                "date" => {
                    self.expect_op(")").ok()?;
                    date_only = true;
                }
                _ => return None,
            }
        }
        if self.is_op(".") || self.is_op("(") || self.is_op("[") {
            return None;
        }
        if let Some((date, time)) = fixed {
            return Some(Value::String(if date_only {
                date
            } else {
                format!("{date}T{time}+00:00")
            }));
        }
        let days = u32::try_from(days)
            .ok()
            .filter(|d| *d <= RelativeStart::MAX_DAYS)?;
        Some(
            RelativeStart {
                days,
                from_today: base == DateBase::Today,
                date_only,
            }
            .to_value(),
        )
    }

    /// `(...)` of `pendulum.now` / `today` / `parse` after its first argument: nothing, or a
    /// time zone that is UTC (`"UTC"`, `tz="UTC"`), which is what Sluice computes in.
    fn utc_arguments_then_close(&mut self) -> Option<()> {
        if self.is_op(",") {
            self.pos += 1;
        }
        if let Some(Tok::Name(name)) = self.peek() {
            if name != "tz" || !self.module.is_op(self.pos + 1, "=") {
                return None;
            }
            self.pos += 2;
        }
        if let Some(Tok::Str(zone)) = self.peek() {
            if !zone.eq_ignore_ascii_case("utc") {
                return None;
            }
            self.pos += 1;
        }
        self.expect_op(")").ok()
    }

    /// Whether nothing but a timestamp rendering follows a fixed date (`pendulum.parse`).
    fn date_methods_end(&mut self) -> bool {
        if self.is_op(".") {
            if let Some(Tok::Name(method)) = self.peek_at(1) {
                if method == "isoformat" || method == "to_iso8601_string" {
                    self.pos += 2;
                    return self.expect_op("(").is_ok() && self.expect_op(")").is_ok();
                }
            }
            return false;
        }
        !(self.is_op("(") || self.is_op("["))
    }

    /// `pendulum.datetime(2024, 1, 31[, 12, 0, 0][, tz="UTC"])` → ("2024-01-31", "12:00:00").
    fn fixed_datetime(&mut self) -> Option<(String, String)> {
        self.pos += 1;
        let mut parts: Vec<u64> = Vec::new();
        while let Some(Tok::Num(n)) = self.peek().cloned() {
            parts.push(n.as_u64()?);
            self.pos += 1;
            if !self.is_op(",") {
                break;
            }
            self.pos += 1;
        }
        let [year, month, day, rest @ ..] = parts.as_slice() else {
            return None;
        };
        if rest.len() > 3 || !(1..=12).contains(month) || !(1..=31).contains(day) || *year > 9999 {
            return None;
        }
        let time = |i: usize| rest.get(i).copied().unwrap_or(0);
        if time(0) > 23 || time(1) > 59 || time(2) > 59 {
            return None;
        }
        if self.is_op(")") {
            self.pos += 1;
        } else {
            self.utc_arguments_then_close()?;
        }
        Some((
            format!("{year:04}-{month:02}-{day:02}"),
            format!("{:02}:{:02}:{:02}", time(0), time(1), time(2)),
        ))
    }

    /// `OffsetPaginator(100, total_path="meta.total")` → `{"type": "offset", "limit": 100, ...}`.
    fn dlt_class(&mut self, class: &DltClass) -> PyResult<Value> {
        let line = self.line();
        let mut object = Map::new();
        object.insert("type".into(), class.kind.into());
        if class.class == "OAuth2ClientCredentialsHttpBasic" {
            object.insert("client_auth".into(), "basic".into());
        }
        self.expect_op("(")?;
        let mut index = 0;
        loop {
            self.skip_newlines();
            if self.is_op(")") {
                self.pos += 1;
                return Ok(Value::Object(object));
            }
            let keyword = match (self.peek(), self.peek_at(1)) {
                (Some(Tok::Name(name)), Some(Tok::Op(op))) if op == "=" => Some(name.clone()),
                _ => None,
            };
            let name = match keyword {
                Some(name) => {
                    self.pos += 2;
                    name
                }
                None => {
                    let Some(name) = class.positional.get(index) else {
                        return Err(code(
                            line,
                            format!(
                                "gives {} more arguments than dlt's {} takes",
                                index + 1 - class.positional.len(),
                                class.class
                            ),
                        ));
                    };
                    index += 1;
                    (*name).to_owned()
                }
            };
            if let Some(value) = self.value_at(Seg::Key(name.clone()), Some(&name))? {
                object.insert(name, value);
            }
            self.skip_newlines();
            if !self.is_op(")") {
                self.expect_op(",")?;
            }
        }
    }

    fn dict(&mut self) -> PyResult<Value> {
        self.expect_op("{")?;
        let mut object = Map::new();
        loop {
            self.skip_newlines();
            if self.is_op("}") {
                self.pos += 1;
                return Ok(Value::Object(object));
            }
            let line = self.line();
            if self.is_op("**") {
                // `{**base, "key": ...}`: the keys of `base` first, then the ones written here.
                self.pos += 1;
                let start = self.pos;
                match self.value(None) {
                    Ok(Value::Object(base)) => object.extend(base),
                    Ok(_) => return err(line, "\"**\" here unpacks something that is not a dict"),
                    Err(e) if e.code => self.leave_out(start, &e, |text, reason| {
                        format!("the keys of `**{text}` were left out: `{text}` {reason}")
                    }),
                    Err(e) => return Err(e),
                }
            } else {
                let key = match self.value(None)? {
                    Value::String(key) => key,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => if b { "True" } else { "False" }.to_owned(),
                    _ => return err(line, "a dict key must be text"),
                };
                self.skip_newlines();
                self.expect_op(":")?;
                if key == "processing_steps" {
                    self.processing_steps()?;
                } else if let Some(value) = self.value_at(Seg::Key(key.clone()), Some(&key))? {
                    object.insert(key, value);
                }
            }
            self.skip_newlines();
            if !self.is_op("}") {
                self.expect_op(",")?;
            }
        }
    }

    /// dlt's processing steps are Python functions (`map`, `filter`); each step is left out with
    /// a problem at its function, and the key is not kept.
    fn processing_steps(&mut self) -> PyResult<()> {
        self.path.push(Seg::Key("processing_steps".into()));
        let mark = self.left_out.len();
        let start = self.pos;
        let steps = self.value(None);
        let depth = self.path.len();
        let functions: Vec<Recorded> = self.left_out.drain(mark..).collect();
        let steps = match steps {
            Ok(Value::Array(steps)) => steps.len(),
            Ok(_) => 1,
            Err(e) if e.code => {
                self.pos = start;
                self.skip_argument();
                1
            }
            Err(e) => return Err(e),
        };
        let mut noted = vec![false; steps.max(1)];
        for function in functions {
            if let Some(Seg::Index(i)) = function.path.get(depth) {
                if let Some(seen) = noted.get_mut(*i) {
                    *seen = true;
                }
            }
            self.left_out.push(Recorded {
                message: format!(
                    "`{}` is a Python function; Sluice cannot run code, so the step was left out",
                    function.text
                ),
                ..function
            });
        }
        for (i, seen) in noted.iter().enumerate() {
            if !seen && i < steps {
                let mut path = self.path.clone();
                path.push(Seg::Index(i));
                self.left_out.push(Recorded {
                    path,
                    line: self.line(),
                    message: "processing steps run Python functions, which Sluice cannot run; \
                              the step was left out"
                        .into(),
                    text: String::new(),
                });
            }
        }
        self.path.pop();
        Ok(())
    }

    fn dict_call(&mut self) -> PyResult<Value> {
        self.expect_op("(")?;
        let mut object = Map::new();
        loop {
            self.skip_newlines();
            if self.is_op(")") {
                self.pos += 1;
                return Ok(Value::Object(object));
            }
            let line = self.line();
            let Some(Tok::Name(key)) = self.peek().cloned() else {
                return Err(code(
                    line,
                    "is a dict(...) call with arguments other than key=value",
                ));
            };
            self.pos += 1;
            self.expect_op("=")?;
            if let Some(value) = self.value_at(Seg::Key(key.clone()), Some(&key))? {
                object.insert(key, value);
            }
            self.skip_newlines();
            if !self.is_op(")") {
                self.expect_op(",")?;
            }
        }
    }

    fn sequence(&mut self, close: &str) -> PyResult<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        let mut index = 0;
        loop {
            self.skip_newlines();
            if self.is_op(close) {
                self.pos += 1;
                return Ok(Value::Array(items));
            }
            if let Some(item) = self.value_at(Seg::Index(index), None)? {
                items.push(item);
            }
            index += 1;
            self.skip_newlines();
            if !self.is_op(close) {
                self.expect_op(",")?;
            }
        }
    }

    /// Arguments of a call whose `(` is at `pos`: each with its keyword (none for positional
    /// ones), its value and what was left out of it.
    fn call_args(&mut self) -> PyResult<Vec<Argument>> {
        self.expect_op("(")?;
        let mut arguments = Vec::new();
        loop {
            self.skip_newlines();
            if self.is_op(")") {
                self.pos += 1;
                return Ok(arguments);
            }
            let keyword = match (self.peek(), self.peek_at(1)) {
                (Some(Tok::Name(name)), Some(Tok::Op(op))) if op == "=" => Some(name.clone()),
                (Some(Tok::Op(op)), _) if op == "**" => Some("**".to_owned()),
                _ => None,
            };
            match keyword.as_deref() {
                Some("**") => self.pos += 1,
                Some(_) => self.pos += 2,
                None => {}
            }
            let start = self.pos;
            let value = self.value(keyword.as_deref());
            if value.is_err() {
                // Skip from the argument's start so brackets inside it balance.
                self.pos = start;
                self.skip_argument();
            }
            let text = self.module.quote(start, self.pos);
            arguments.push(Argument {
                keyword,
                value,
                text,
                left_out: std::mem::take(&mut self.left_out),
            });
            self.skip_newlines();
            if !self.is_op(")") {
                self.expect_op(",")?;
            }
        }
    }

    /// After a failed value: move to the next "," or the closing bracket at this depth.
    fn skip_argument(&mut self) {
        let mut depth = 0usize;
        while let Some(tok) = self.peek() {
            match tok {
                Tok::Op(op) => match op.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth == 0 => return,
                    ")" | "]" | "}" => depth -= 1,
                    "," if depth == 0 => return,
                    _ => {}
                },
                Tok::Newline if depth == 0 => return,
                _ => {}
            }
            self.pos += 1;
        }
    }
}

/// One argument of a call.
struct Argument {
    keyword: Option<String>,
    value: PyResult<Value>,
    /// The argument as written, for messages.
    text: String,
    left_out: Vec<Recorded>,
}

fn negate(n: &Number) -> Option<Number> {
    if let Some(i) = n.as_i64() {
        return i.checked_neg().map(Number::from);
    }
    n.as_f64().and_then(|f| Number::from_f64(-f))
}

fn reference(store: &str, name: &str) -> Value {
    let mut object = Map::new();
    object.insert(store.to_owned(), Value::String(name.to_owned()));
    Value::Object(object)
}

/// One connector found in Python code.
#[derive(Debug, Default, PartialEq)]
pub struct PythonConfig {
    /// The `rest_api_source` config dict.
    pub config: Value,
    /// Keyword arguments of the `rest_api_source(...)` call that are plain values, with the
    /// source's `name` from its `@dlt.source` function when the call gives none.
    pub source_kwargs: Map<String, Value>,
    /// Keyword arguments of the `dlt.pipeline(...)` call that runs this source.
    pub pipeline_kwargs: Map<String, Value>,
    /// What was Python code in the config and was left out.
    pub left_out: Vec<LeftOut>,
}

/// The calls that make a source out of a config.
const SOURCE_CALLS: [&str; 3] = ["rest_api_source", "rest_api_resources", "rest_api"];

/// `NAME = value` and `NAME: Type = value` at the start of lines, and parameter defaults, in the
/// order of the code, each in the function it belongs to.
fn collect_bindings(module: &Module, expanded: &Cell<usize>) -> Bindings {
    let mut bindings = Bindings::default();
    let defs: HashMap<usize, usize> = module
        .scopes
        .iter()
        .enumerate()
        .skip(1)
        .map(|(index, scope)| (scope.start, index))
        .collect();
    let tokens = &module.tokens;
    for i in 0..tokens.len() {
        if let Some(&scope) = defs.get(&i) {
            for (name, at) in &module.scopes[scope].defaults {
                let mut parser = Parser::new(module, &bindings, expanded, *at);
                let read = parser.value(Some(name));
                let left_out = parser.left_out;
                bindings.bind(scope, name, i, read, left_out);
            }
        }
        if !module.at_line_start(i) {
            continue;
        }
        let Tok::Name(name) = &tokens[i].tok else {
            continue;
        };
        let mut j = i + 1;
        if module.is_op(j, ":") {
            // Skip an annotation up to "=".
            while j < tokens.len()
                && !module.is_op(j, "=")
                && !matches!(tokens[j].tok, Tok::Newline)
            {
                j += 1;
            }
        }
        if !module.is_op(j, "=") {
            continue;
        }
        let mut parser = Parser::new(module, &bindings, expanded, j + 1);
        let read = parser.value(Some(name)).and_then(|value| {
            if matches!(parser.peek(), Some(Tok::Newline) | None) {
                Ok(value)
            } else {
                Err(code(tokens[i].line, "is Python code"))
            }
        });
        let left_out = parser.left_out;
        bindings.bind(module.scope_of[i], name, i, read, left_out);
    }
    bindings
}

impl Bindings {
    fn bind(
        &mut self,
        scope: usize,
        name: &str,
        at: usize,
        read: PyResult<Value>,
        left_out: Vec<Recorded>,
    ) {
        match read {
            Ok(value) => {
                let size = size_of(&value);
                self.by_name
                    .entry((scope, name.to_owned()))
                    .or_default()
                    .push((
                        at,
                        Variable {
                            value,
                            size,
                            left_out,
                        },
                    ));
            }
            Err(e) => {
                self.failed.insert(name.to_owned(), e);
            }
        }
    }
}

/// `dlt.pipeline(...)` calls: where each is and its keyword arguments that are plain values.
fn pipeline_calls(
    module: &Module,
    bindings: &Bindings,
    expanded: &Cell<usize>,
) -> Vec<(usize, Map<String, Value>)> {
    let mut pipelines = Vec::new();
    for i in 2..module.tokens.len() {
        let is_pipeline = matches!(module.tok(i), Some(Tok::Name(n)) if n == "pipeline")
            && module.is_op(i - 1, ".")
            && matches!(module.tok(i - 2), Some(Tok::Name(n)) if n == "dlt")
            && module.is_op(i + 1, "(");
        if !is_pipeline {
            continue;
        }
        let mut parser = Parser::new(module, bindings, expanded, i + 1);
        if let Ok(arguments) = parser.call_args() {
            let kwargs = arguments
                .into_iter()
                .filter_map(|a| Some((a.keyword?, a.value.ok()?)))
                .collect();
            pipelines.push((i, kwargs));
        }
    }
    pipelines
}

/// Whether token `i` is the name of a call (not of a `def`).
fn is_call_at(module: &Module, i: usize) -> bool {
    module.is_op(i + 1, "(")
        && !(i > 0 && matches!(module.tok(i - 1), Some(Tok::Name(d)) if d == "def"))
}

/// Calls of the function `name`.
fn calls_of<'m>(module: &'m Module, name: &'m str) -> impl Iterator<Item = usize> + 'm {
    (0..module.tokens.len()).filter(move |&i| {
        matches!(module.tok(i), Some(Tok::Name(n)) if n == name) && is_call_at(module, i)
    })
}

/// The pipeline that runs the source made at token `at`: one in the same function (or around
/// it), else one in a function that calls the source's `@dlt.source` function, else the
/// module's only pipeline.
fn pipeline_for(
    module: &Module,
    pipelines: &[(usize, Map<String, Value>)],
    at: usize,
) -> Map<String, Value> {
    let in_scopes_of = |token: usize| {
        module.scope_chain(token).find_map(|scope| {
            pipelines
                .iter()
                .find(|(p, _)| module.scope_of[*p] == scope)
                .map(|(_, kwargs)| kwargs.clone())
        })
    };
    if let Some(found) = in_scopes_of(at) {
        return found;
    }
    if let Some(name) = module.source_function(at).and_then(|s| s.name.as_deref()) {
        if let Some(found) = calls_of(module, name).find_map(in_scopes_of) {
            return found;
        }
    }
    match pipelines {
        [(_, only)] => only.clone(),
        _ => Map::new(),
    }
}

fn is_config_dict(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.contains_key("resources") || o.contains_key("client"))
}

/// The first dict in `value`, itself first and then in the order written, that has `client` or
/// `resources`; `at` is left holding where it was found.
fn config_dict_in(value: Value, at: &mut Vec<Seg>) -> Option<Value> {
    if is_config_dict(&value) {
        return Some(value);
    }
    let children: Box<dyn Iterator<Item = (Seg, Value)>> = match value {
        Value::Object(object) => Box::new(object.into_iter().map(|(k, v)| (Seg::Key(k), v))),
        Value::Array(items) => Box::new(
            items
                .into_iter()
                .enumerate()
                .map(|(n, v)| (Seg::Index(n), v)),
        ),
        _ => return None,
    };
    for (seg, child) in children {
        at.push(seg);
        if let Some(found) = config_dict_in(child, at) {
            return Some(found);
        }
        at.pop();
    }
    None
}

fn finish(recorded: Vec<Recorded>) -> Vec<LeftOut> {
    recorded
        .into_iter()
        .map(|r| LeftOut {
            path: path_text(&r.path),
            line: r.line,
            message: r.message,
        })
        .collect()
}

/// Finds the connectors in Python code: one per `rest_api_source(...)`,
/// `rest_api_resources(...)` or `rest_api(...)` call (its first argument or `config=`), named
/// after its `@dlt.source` function, with the `dlt.pipeline(...)` that runs it; or else the
/// first dict literal that has `client` or `resources`.
pub fn read_python(source: &str) -> Result<Vec<PythonConfig>, PyError> {
    let module = Module::new(source)?;
    let expanded = Cell::new(0);
    let bindings = collect_bindings(&module, &expanded);
    let pipelines = pipeline_calls(&module, &bindings, &expanded);
    let mut found: Vec<PythonConfig> = Vec::new();
    let mut first_error: Option<PyError> = None;

    for i in 0..module.tokens.len() {
        let Some(Tok::Name(call)) = module.tok(i) else {
            continue;
        };
        // Checked at this token: scanning the text for calls per call would be quadratic.
        if !SOURCE_CALLS.contains(&call.as_str()) || !is_call_at(&module, i) {
            continue;
        }
        let line = module.tokens[i].line;
        let mut parser = Parser::new(&module, &bindings, &expanded, i + 1);
        let arguments = match parser.call_args() {
            Ok(arguments) => arguments,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        match source_from_call(call, line, arguments) {
            Ok(mut source) => {
                if !source.source_kwargs.contains_key("name") {
                    if let Some(function) = module.source_function(i) {
                        let named = match &function.decorator {
                            Some(Decorator::Source(Some(name))) => Some(name.clone()),
                            _ => function.name.clone(),
                        };
                        if let Some(name) = named {
                            source.source_kwargs.insert("name".into(), name.into());
                        }
                    }
                }
                source.pipeline_kwargs = pipeline_for(&module, &pipelines, i);
                // `check_connection(rest_api_source(config), ...)` beside the real call.
                if !found
                    .iter()
                    .any(|f| f.config == source.config && f.source_kwargs == source.source_kwargs)
                {
                    found.push(source);
                }
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }

    if found.is_empty() {
        // A bare dict literal, as in a docs snippet.
        let mut i = 0;
        while i < module.tokens.len() {
            if !module.is_op(i, "{") {
                i += 1;
                continue;
            }
            let mut parser = Parser::new(&module, &bindings, &expanded, i);
            match parser.value(None) {
                Ok(value) => {
                    let mut at = Vec::new();
                    if let Some(config) = config_dict_in(value, &mut at) {
                        let left_out = parser
                            .left_out
                            .into_iter()
                            .filter_map(|mut r| {
                                r.path.starts_with(&at).then(|| {
                                    r.path.drain(..at.len());
                                    r
                                })
                            })
                            .collect();
                        found.push(PythonConfig {
                            config,
                            pipeline_kwargs: match pipelines.as_slice() {
                                [(_, only)] => only.clone(),
                                _ => Map::new(),
                            },
                            left_out: finish(left_out),
                            ..PythonConfig::default()
                        });
                        break;
                    }
                    // The dicts inside were searched above: reading them again from each of
                    // their braces would take time quadratic in how deep they nest.
                    i = parser.pos.max(i + 1);
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                    i += 1;
                }
            }
        }
    }
    if found.is_empty() {
        return Err(first_error.unwrap_or(PyError {
            line: 1,
            message: "no rest_api_source(...) call and no dict with \"client\" or \"resources\" \
                      in this code"
                .into(),
            code: false,
        }));
    }
    Ok(found)
}

/// The config and settings of one source call.
fn source_from_call(call: &str, line: usize, arguments: Vec<Argument>) -> PyResult<PythonConfig> {
    let mut source = PythonConfig::default();
    let mut config: Option<Argument> = None;
    // `rest_api(client=..., resources=...)` takes the config's keys as arguments.
    let mut keys = Map::new();
    let mut keys_left_out = Vec::new();
    for (n, argument) in arguments.into_iter().enumerate() {
        match argument.keyword.as_deref() {
            None if n == 0 && call != "rest_api" => config = Some(argument),
            Some("config") => config = Some(argument),
            Some("**") if call == "rest_api" => {
                if let Ok(Value::Object(object)) = argument.value {
                    keys.extend(object);
                    keys_left_out.extend(argument.left_out);
                }
            }
            Some(key @ ("client" | "resources" | "resource_defaults")) if call == "rest_api" => {
                if let Ok(value) = argument.value {
                    keys.insert(key.to_owned(), value);
                    keys_left_out.extend(argument.left_out.into_iter().map(|mut r| {
                        r.path.insert(0, Seg::Key(key.to_owned()));
                        r
                    }));
                }
            }
            Some(key) => {
                if let Ok(value) = argument.value {
                    source.source_kwargs.insert(key.to_owned(), value);
                }
            }
            None => {}
        }
    }
    if config.is_none() && !keys.is_empty() {
        config = Some(Argument {
            keyword: None,
            value: Ok(Value::Object(keys)),
            text: String::new(),
            left_out: keys_left_out,
        });
    }
    match config {
        Some(Argument {
            value: Ok(value @ Value::Object(_)),
            left_out,
            ..
        }) => {
            source.config = value;
            source.left_out = finish(left_out);
            Ok(source)
        }
        Some(Argument { value: Ok(_), .. }) => err(
            line,
            format!("the config given to {call}(...) is not a dict"),
        ),
        Some(Argument {
            value: Err(e),
            text,
            ..
        }) if e.code => err(
            e.line,
            format!("the config given to {call}(...), `{text}`, {}", e.message),
        ),
        Some(Argument { value: Err(e), .. }) => Err(e),
        None => err(line, format!("{call}(...) is called without a config")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(source: &str) -> Value {
        match read_python(source) {
            Ok(mut found) => found.remove(0).config,
            Err(e) => panic!("line {}: {}", e.line, e.message),
        }
    }

    #[test]
    fn literals() {
        let v = read(
            r#"
config = {  # comment
    'client': {"base_url": """https://x"""},
    "resources": ["a", ('b'), r'c\d', "e" 'f',],
    "n": [1, -2, 3.5, 1_000, 0x10, True, False, None],
}
"#,
        );
        assert_eq!(
            v,
            json!({"client": {"base_url": "https://x"}, "resources": ["a", "b", "c\\d", "ef"],
                   "n": [1, -2, 3.5, 1000, 16, true, false, null]})
        );
    }

    #[test]
    fn references_and_variables() {
        let found = read_python(
            r#"
import dlt
BASE = "https://api"
cfg: RESTAPIConfig = {"client": {"base_url": BASE, "auth": {"token": dlt.secrets.value,
  "x": dlt.secrets["sources.x.token"], "y": dlt.config["y"]}}, "resources": ["a"]}
source = rest_api_source(cfg, name="src")
pipeline = dlt.pipeline(pipeline_name="p", destination="duckdb")
"#,
        )
        .unwrap()
        .remove(0);
        assert_eq!(
            found.config["client"],
            json!({"base_url": "https://api", "auth": {"token": {"$secret": "token"},
                   "x": {"$secret": "sources.x.token"}, "y": {"$config": "y"}}})
        );
        assert_eq!(found.source_kwargs["name"], json!("src"));
        assert_eq!(found.pipeline_kwargs["pipeline_name"], json!("p"));
    }

    #[test]
    fn callables_are_left_out_at_their_field_with_their_line() {
        let found = read_python("rest_api_source({\n'client': {},\n'x': lambda r: r,\n})")
            .unwrap()
            .remove(0);
        assert_eq!(found.config, json!({"client": {}}));
        assert_eq!(
            found.left_out,
            vec![LeftOut {
                path: "x".into(),
                line: 3,
                message: "`lambda r: r` is a Python function; Sluice cannot run code, so it was \
                          left out"
                    .into()
            }]
        );
    }

    #[test]
    fn a_bare_config_inside_another_dict_is_found_with_its_own_paths() {
        let found = read_python(
            "settings = {'name': 'x', 'source': {\n'client': {},\n'x': lambda r: r}}\n\
             other = {'client': {'base_url': 'https://later'}}",
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].config, json!({"client": {}}));
        assert_eq!(found[0].left_out[0].path, "x");
        assert_eq!(found[0].left_out[0].line, 3);
    }
}
