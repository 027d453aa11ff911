//! Reads a connector out of dlt Python code without running it: a small tokenizer and a parser
//! for Python's literal syntax (dicts, lists, tuples, strings in every quoting, numbers,
//! True/False/None, comments, trailing commas), plus the few expressions dlt code uses for
//! values it looks up at run time (`dlt.secrets["x"]`, `dlt.secrets.value`, `dlt.config[...]`).
//! Anything else (a lambda, a function call) cannot be saved and is reported with its line.

use std::cell::Cell;
use std::collections::HashMap;

use serde_json::{Map, Number, Value};

use crate::model::{CONFIG_KEY, SECRET_KEY};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Num(Number),
    Name(String),
    Op(String),
    /// End of a logical line (only outside brackets).
    Newline,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

/// Why the Python could not be read, with its 1-based line.
#[derive(Debug, Clone, PartialEq)]
pub struct PyError {
    pub line: usize,
    pub message: String,
}

type PyResult<T> = Result<T, PyError>;

/// Positional and keyword arguments of a call; each may have failed to read on its own.
type CallArgs = (Vec<PyResult<Value>>, Vec<(String, PyResult<Value>)>);

/// How deep brackets may nest, as in serde_json: deeper text is refused instead of overflowing
/// the stack (which would take the whole app down).
const MAX_DEPTH: usize = 128;

/// How many values (strings, numbers, list items, dict entries) reusing variables may produce in
/// all: `b = [a, a, a]`, `c = [b, b, b]`, … doubles with every line, and a few hundred bytes
/// would otherwise fill memory.
const MAX_EXPANDED_VALUES: usize = 1_000_000;

fn err<T>(line: usize, message: impl Into<String>) -> PyResult<T> {
    Err(PyError {
        line,
        message: message.into(),
    })
}

fn tokenize(source: &str) -> PyResult<Vec<Token>> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut depth: usize = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                if depth == 0 {
                    tokens.push(Token {
                        tok: Tok::Newline,
                        line,
                    });
                }
                line += 1;
                i += 1;
            }
            ' ' | '\t' | '\r' | '\u{c}' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' | '\'' => {
                let (text, next, lines) = read_string(&chars, i, "", line)?;
                tokens.push(Token {
                    tok: Tok::Str(text),
                    line,
                });
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
                })?;
                tokens.push(Token {
                    tok: Tok::Num(number),
                    line,
                });
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
                    let (text, next, lines) = read_string(&chars, i, &lower, line)?;
                    tokens.push(Token {
                        tok: Tok::Str(text),
                        line,
                    });
                    line += lines;
                    i = next;
                } else {
                    tokens.push(Token {
                        tok: Tok::Name(word),
                        line,
                    });
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
                i += op.chars().count();
                tokens.push(Token {
                    tok: Tok::Op(op),
                    line,
                });
            }
        }
    }
    tokens.push(Token {
        tok: Tok::Newline,
        line,
    });
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

/// Reads a string literal starting at the quote `chars[start]`. Returns the text, the index
/// after it and how many newlines it spanned.
fn read_string(
    chars: &[char],
    start: usize,
    prefix: &str,
    line: usize,
) -> PyResult<(String, usize, usize)> {
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
    if fstring {
        text = unescape_fstring(&text).ok_or_else(|| PyError {
            line,
            message: "an f-string computes its value with Python code, which cannot be imported"
                .into(),
        })?;
    }
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

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    /// Top-level `NAME = <literal>` assignments seen so far, so `rest_api_source(config)` and
    /// `"base_url": BASE_URL` resolve.
    variables: &'a HashMap<String, Variable>,
    /// Values produced by reusing variables so far, shared by every parser of one text.
    expanded: &'a Cell<usize>,
    /// Brackets open around the value being read.
    depth: usize,
}

/// A variable's value and how many values it holds.
struct Variable {
    value: Value,
    size: usize,
}

fn size_of(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(size_of).sum(),
        Value::Object(object) => object.values().map(size_of).sum(),
        _ => 0,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }
    fn peek_at(&self, offset: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + offset).map(|t| &t.tok)
    }
    fn line(&self) -> usize {
        self.tokens
            .get(self.pos)
            .or(self.tokens.last())
            .map_or(1, |t| t.line)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if o == op)
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

    /// One value. `key` is the dict key it belongs to, which names `dlt.secrets.value`.
    fn value(&mut self, key: Option<&str>) -> PyResult<Value> {
        if self.depth >= MAX_DEPTH {
            return err(
                self.line(),
                format!("values are nested more than {MAX_DEPTH} levels deep here"),
            );
        }
        self.depth += 1;
        let value = self.one_value(key);
        self.depth -= 1;
        value
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
                        items.push(self.value(key)?);
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
                            })
                        }
                        Value::Number(n) => Ok(Value::Number(n)),
                        _ => err(line, format!("\"{op}\" only goes before a number here")),
                    }
                }
                _ => err(
                    line,
                    format!("\"{op}\" is Python code, not a value Sluice can import"),
                ),
            },
            Tok::Str(first) => {
                self.pos += 1;
                let mut text = first;
                // Adjacent literals concatenate ("a" "b" == "ab").
                while let Some(Tok::Str(next)) = self.peek() {
                    text.push_str(next);
                    self.pos += 1;
                }
                Ok(Value::String(text))
            }
            Tok::Num(n) => {
                self.pos += 1;
                Ok(Value::Number(n))
            }
            Tok::Name(name) => self.name_value(&name, key),
            Tok::Newline => err(line, "a value was expected"),
        }
    }

    fn name_value(&mut self, name: &str, key: Option<&str>) -> PyResult<Value> {
        let line = self.line();
        self.pos += 1;
        match name {
            "True" | "true" => return Ok(Value::Bool(true)),
            "False" | "false" => return Ok(Value::Bool(false)),
            "None" | "null" => return Ok(Value::Null),
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
                    return err(
                        line,
                        format!("{dotted_text} needs a dict key to name the value after"),
                    );
                };
                return Ok(reference(store, key));
            }
            if self.is_op("[") {
                self.pos += 1;
                let name = self.value(None)?;
                self.expect_op("]")?;
                return match name {
                    Value::String(name) => Ok(reference(store, &name)),
                    _ => err(
                        line,
                        format!("{dotted_text}[...] must be given a quoted name"),
                    ),
                };
            }
            if self.is_op("(") || self.is_op(".") {
                return err(line, format!("{dotted_text} used this way cannot be imported; write {dotted_text}[\"name\"]"));
            }
        }
        if dotted_text == "dict" && self.is_op("(") {
            return self.dict_call();
        }
        // The class Sluice's own export defines for `"client_auth": "basic"`: read back as
        // the auth dict it was written from.
        if dotted_text == "OAuth2ClientCredentialsHttpBasic" && self.is_op("(") {
            let Value::Object(kwargs) = self.dict_call()? else {
                return err(
                    line,
                    "OAuth2ClientCredentialsHttpBasic(...) takes key=value arguments",
                );
            };
            let mut auth = Map::new();
            auth.insert("type".into(), "oauth2_client_credentials".into());
            auth.extend(kwargs);
            auth.insert("client_auth".into(), "basic".into());
            return Ok(Value::Object(auth));
        }
        if dotted.len() == 1 && !self.is_op("(") {
            if let Some(variable) = self.variables.get(name) {
                let expanded = self.expanded.get().saturating_add(variable.size);
                if expanded > MAX_EXPANDED_VALUES {
                    self.expanded.set(usize::MAX);
                    return err(
                        line,
                        format!(
                            "reusing variables makes this code hold more than \
                             {MAX_EXPANDED_VALUES} values; write the config out"
                        ),
                    );
                }
                self.expanded.set(expanded);
                return Ok(variable.value.clone());
            }
        }
        if name == "lambda" || self.is_op("(") {
            return err(
                line,
                format!(
                    "`{dotted_text}` is Python code; a saved connector can only hold plain values"
                ),
            );
        }
        if self.expanded.get() > MAX_EXPANDED_VALUES {
            // The variable was left out because building it passed the limit.
            return err(
                line,
                format!(
                    "reusing variables makes this code hold more than {MAX_EXPANDED_VALUES} \
                     values; write the config out"
                ),
            );
        }
        err(
            line,
            format!("`{dotted_text}` is a Python name whose value is not in the imported code"),
        )
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
                return err(
                    line,
                    "\"**\" unpacking cannot be imported; write the keys out",
                );
            }
            let key = match self.value(None)? {
                Value::String(key) => key,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => if b { "True" } else { "False" }.to_owned(),
                _ => return err(line, "a dict key must be text"),
            };
            self.skip_newlines();
            self.expect_op(":")?;
            let value = self.value(Some(&key))?;
            object.insert(key, value);
            self.skip_newlines();
            if !self.is_op("}") {
                self.expect_op(",")?;
            }
        }
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
                return err(
                    line,
                    "dict(...) can only be imported with key=value arguments",
                );
            };
            self.pos += 1;
            self.expect_op("=")?;
            let value = self.value(Some(&key))?;
            object.insert(key, value);
            self.skip_newlines();
            if !self.is_op(")") {
                self.expect_op(",")?;
            }
        }
    }

    fn sequence(&mut self, close: &str) -> PyResult<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            if self.is_op(close) {
                self.pos += 1;
                return Ok(Value::Array(items));
            }
            items.push(self.value(None)?);
            self.skip_newlines();
            if !self.is_op(close) {
                self.expect_op(",")?;
            }
        }
    }

    /// Arguments of a call whose `(` is at `pos`: positional values and keyword values.
    /// Arguments that are not plain values are recorded as errors, not fatal.
    fn call_args(&mut self) -> PyResult<CallArgs> {
        self.expect_op("(")?;
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        loop {
            self.skip_newlines();
            if self.is_op(")") {
                self.pos += 1;
                return Ok((positional, keywords));
            }
            let keyword = match (self.peek(), self.peek_at(1)) {
                (Some(Tok::Name(name)), Some(Tok::Op(op))) if op == "=" => Some(name.clone()),
                _ => None,
            };
            if let Some(name) = keyword {
                self.pos += 2;
                let start = self.pos;
                let value = self.value(Some(&name));
                if value.is_err() {
                    self.pos = start;
                    self.skip_argument();
                }
                keywords.push((name, value));
            } else {
                let start = self.pos;
                let value = self.value(None);
                if value.is_err() {
                    // Skip from the argument's start so brackets inside it balance.
                    self.pos = start;
                    self.skip_argument();
                }
                positional.push(value);
            }
            self.skip_newlines();
            if !self.is_op(")") {
                self.expect_op(",")?;
            }
        }
    }

    /// After a failed argument: move to the next "," or the closing ")" at this depth.
    fn skip_argument(&mut self) {
        let mut depth = 0usize;
        while let Some(tok) = self.peek() {
            if let Tok::Op(op) = tok {
                match op.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth == 0 => return,
                    ")" | "]" | "}" => depth -= 1,
                    "," if depth == 0 => return,
                    _ => {}
                }
            }
            self.pos += 1;
        }
    }
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

/// What was found in a piece of Python code.
#[derive(Debug, Default)]
pub struct PythonConfig {
    /// The `rest_api_source` config dict.
    pub config: Value,
    /// Keyword arguments of the `rest_api_source(...)` call that are plain values.
    pub source_kwargs: Map<String, Value>,
    /// Keyword arguments of a `dlt.pipeline(...)` call.
    pub pipeline_kwargs: Map<String, Value>,
}

/// Collects `NAME = literal` and `NAME: Type = literal` assignments at the start of lines.
fn collect_variables(tokens: &[Token], expanded: &Cell<usize>) -> HashMap<String, Variable> {
    let mut variables = HashMap::new();
    let mut i = 0;
    while i < tokens.len() {
        let at_line_start = i == 0 || matches!(tokens[i - 1].tok, Tok::Newline);
        if let (true, Tok::Name(name)) = (at_line_start, &tokens[i].tok) {
            let mut j = i + 1;
            if matches!(tokens.get(j).map(|t| &t.tok), Some(Tok::Op(op)) if op == ":") {
                // Skip an annotation up to "=".
                while j < tokens.len()
                    && !matches!(&tokens[j].tok, Tok::Op(op) if op == "=")
                    && !matches!(tokens[j].tok, Tok::Newline)
                {
                    j += 1;
                }
            }
            if matches!(tokens.get(j).map(|t| &t.tok), Some(Tok::Op(op)) if op == "=") {
                let mut parser = Parser {
                    tokens,
                    pos: j + 1,
                    variables: &variables,
                    expanded,
                    depth: 0,
                };
                if let Ok(value) = parser.value(Some(name)) {
                    if matches!(parser.peek(), Some(Tok::Newline) | None) {
                        let size = size_of(&value);
                        variables.insert(name.clone(), Variable { value, size });
                    }
                }
            }
        }
        i += 1;
    }
    variables
}

fn is_config_dict(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.contains_key("resources") || o.contains_key("client"))
}

/// Finds the connector in Python code: the first argument of `rest_api_source(...)` (or
/// `rest_api_resources(...)`), a `config=` keyword, or else the first dict literal that has
/// `client` or `resources`.
pub fn read_python(source: &str) -> Result<PythonConfig, PyError> {
    let tokens = tokenize(source)?;
    let expanded = Cell::new(0);
    let variables = collect_variables(&tokens, &expanded);
    let mut found = PythonConfig::default();
    let mut config: Option<Value> = None;
    let mut first_error: Option<PyError> = None;

    for i in 0..tokens.len() {
        let Tok::Name(name) = &tokens[i].tok else {
            continue;
        };
        let is_call = matches!(tokens.get(i + 1).map(|t| &t.tok), Some(Tok::Op(op)) if op == "(");
        if !is_call {
            continue;
        }
        let after_dot = i > 0 && matches!(&tokens[i - 1].tok, Tok::Op(op) if op == ".");
        let before = if i >= 2 {
            &tokens[i - 2].tok
        } else {
            &Tok::Newline
        };
        let mut parser = Parser {
            tokens: &tokens,
            pos: i + 1,
            variables: &variables,
            expanded: &expanded,
            depth: 0,
        };
        match name.as_str() {
            "rest_api_source" | "rest_api_resources" if config.is_none() => {
                let (positional, keywords) = match parser.call_args() {
                    Ok(args) => args,
                    Err(e) => {
                        first_error.get_or_insert(e);
                        continue;
                    }
                };
                let mut candidate = positional.into_iter().next();
                for (key, value) in keywords {
                    if key == "config" {
                        candidate = Some(value);
                    } else if let Ok(value) = value {
                        found.source_kwargs.insert(key, value);
                    }
                }
                match candidate {
                    Some(Ok(value)) if value.is_object() => config = Some(value),
                    Some(Ok(_)) => {
                        first_error.get_or_insert(PyError {
                            line: tokens[i].line,
                            message: format!("the argument of {name}(...) is not a dict"),
                        });
                    }
                    Some(Err(e)) => {
                        first_error.get_or_insert(e);
                    }
                    None => {
                        first_error.get_or_insert(PyError {
                            line: tokens[i].line,
                            message: format!("{name}(...) is called without a config"),
                        });
                    }
                }
            }
            "pipeline" if after_dot && matches!(before, Tok::Name(n) if n == "dlt") => {
                if let Ok((_, keywords)) = parser.call_args() {
                    for (key, value) in keywords {
                        if let Ok(value) = value {
                            found.pipeline_kwargs.insert(key, value);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    if config.is_none() {
        // A bare dict literal, as in a docs snippet.
        for i in 0..tokens.len() {
            if !matches!(&tokens[i].tok, Tok::Op(op) if op == "{") {
                continue;
            }
            let mut parser = Parser {
                tokens: &tokens,
                pos: i,
                variables: &variables,
                expanded: &expanded,
                depth: 0,
            };
            match parser.value(None) {
                Ok(value) if is_config_dict(&value) => {
                    config = Some(value);
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
    }
    match config {
        Some(config) => {
            found.config = config;
            Ok(found)
        }
        None => Err(first_error.unwrap_or(PyError {
            line: 1,
            message: "no rest_api_source(...) call and no dict with \"client\" or \"resources\" in this code".into(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(source: &str) -> Value {
        match read_python(source) {
            Ok(found) => found.config,
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
        .unwrap();
        assert_eq!(
            found.config["client"],
            json!({"base_url": "https://api", "auth": {"token": {"$secret": "token"},
                   "x": {"$secret": "sources.x.token"}, "y": {"$config": "y"}}})
        );
        assert_eq!(found.source_kwargs["name"], json!("src"));
        assert_eq!(found.pipeline_kwargs["pipeline_name"], json!("p"));
    }

    #[test]
    fn callables_are_reported_with_their_line() {
        let e = read_python("rest_api_source({\n'client': {},\n'x': lambda r: r,\n})").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("Python code"), "{}", e.message);
    }
}
