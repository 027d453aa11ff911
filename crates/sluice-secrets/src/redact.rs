//! Redaction: the one place that removes secret values from text before it leaves the process.
//!
//! A sync registers every secret it resolved and every token it obtained at run time with one
//! [`Redactor`]; every log line, event, error, preview capture and export goes through it.
//!
//! Secrets rarely appear only verbatim. Besides the value itself the redactor also looks for:
//!
//! - the URL-encoded value, in the encodings HTTP clients actually produce for query strings,
//!   form bodies and paths (RFC 3986 with upper- and lower-case hex, `application/x-www-form-urlencoded`
//!   with `+` for space, JavaScript's `encodeURIComponent`, and the `url` crate's path and query sets);
//! - the JSON-escaped value, for text that is already serialized JSON (also with every non-ASCII
//!   character escaped as `\uXXXX`, as Python writes it);
//! - the base64 (standard and URL-safe) encoding of the value at each of the three byte alignments
//!   it can have inside a larger base64 blob. That covers HTTP basic auth, where the header is
//!   `base64(user ":" password)`, whatever the user name is: only the characters that depend on
//!   the value alone are matched, so up to one character at each end of the value's stretch,
//!   which mixes a few of its bits with its neighbours', stays visible. [`Redactor::add_basic_auth`]
//!   also registers the whole `user:password` token, so a known pair disappears completely.
//!
//! Values shorter than [`MIN_REDACTED_LEN`] characters are not registered: replacing every "ab"
//! in a text would make it unreadable while protecting nothing, since a secret that short can be
//! guessed anyway. Overlapping and adjacent matches merge into one marker, so two secrets that
//! share characters don't leave a fragment of either behind.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::SecretValue;

/// What replaces a secret in any text.
pub const REDACTED: &str = "‹redacted›";

/// Values (and encoded forms) shorter than this many characters are not redacted; see the module
/// documentation for why.
pub const MIN_REDACTED_LEN: usize = 4;

/// Holds the secret values in play and replaces them in any text with [`REDACTED`].
///
/// Cloning is cheap and every clone shares the same values, so a token added by the HTTP client
/// in one task is redacted from the events another task emits. Safe to use from many threads.
#[derive(Clone, Default)]
pub struct Redactor {
    needles: Arc<RwLock<Vec<Zeroizing<String>>>>,
}

impl Redactor {
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Registers a value and its encoded forms. Returns false when the value is too short to be
    /// redacted (shorter than [`MIN_REDACTED_LEN`] characters).
    pub fn add(&self, value: &str) -> bool {
        if value.chars().count() < MIN_REDACTED_LEN {
            return false;
        }
        let forms = encoded_forms(value);
        let mut needles = self.needles.write().unwrap_or_else(PoisonError::into_inner);
        for form in forms {
            if form.chars().count() >= MIN_REDACTED_LEN && !needles.contains(&form) {
                needles.push(form);
            }
        }
        true
    }

    /// Registers a resolved secret; see [`Redactor::add`].
    pub fn add_secret(&self, value: &SecretValue) -> bool {
        self.add(value.expose())
    }

    /// Registers the user and password of HTTP basic auth and their joined `user:password` token,
    /// so the `Authorization: Basic …` header vanishes whole. The user name alone is registered
    /// too, which errs on the side of hiding it.
    pub fn add_basic_auth(&self, user: &str, password: &str) {
        self.add(user);
        self.add(password);
        let joined = Zeroizing::new(format!("{user}:{password}"));
        self.add(&joined);
        // The encoded forms above leave out base64's edge characters (they depend on the bytes
        // around a value), so the padded header token itself is registered too: an
        // `Authorization: Basic ...` header then disappears whole.
        let token =
            Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(joined.as_bytes()));
        self.add(&token);
    }

    /// How many needles (values and their encoded forms) are registered; for diagnostics.
    pub fn needle_count(&self) -> usize {
        self.needles
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The text with every registered value, in any of its forms, replaced by [`REDACTED`].
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let needles = self.needles.read().unwrap_or_else(PoisonError::into_inner);
        let mut hits: Vec<(usize, usize)> = Vec::new();
        for needle in needles.iter() {
            // Every occurrence, overlapping ones included: "aaa" inside "aaaa" must hide all four.
            let mut from = 0;
            while let Some(at) = text[from..].find(needle.as_str()) {
                let start = from + at;
                hits.push((start, start + needle.len()));
                let step = text[start..].chars().next().map_or(1, char::len_utf8);
                from = start + step;
            }
        }
        if hits.is_empty() {
            return Cow::Borrowed(text);
        }
        hits.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut copied_to = 0;
        let mut i = 0;
        while i < hits.len() {
            let (start, mut end) = hits[i];
            i += 1;
            while i < hits.len() && hits[i].0 <= end {
                end = end.max(hits[i].1);
                i += 1;
            }
            out.push_str(&text[copied_to..start]);
            out.push_str(REDACTED);
            copied_to = end;
        }
        out.push_str(&text[copied_to..]);
        Cow::Owned(out)
    }

    /// Redacts a JSON value in place: every string, every object key, and every number whose
    /// digits contain a secret (such a number becomes the marker string).
    pub fn redact_json(&self, value: &mut Value) {
        match value {
            Value::String(s) => {
                if let Cow::Owned(redacted) = self.redact(s) {
                    *s = redacted;
                }
            }
            Value::Number(n) => {
                let digits = n.to_string();
                if let Cow::Owned(redacted) = self.redact(&digits) {
                    *value = Value::String(redacted);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.redact_json(item)),
            Value::Object(map) => {
                let keys_leak = map.keys().any(|k| matches!(self.redact(k), Cow::Owned(_)));
                if keys_leak {
                    // Rebuilt in order; two keys redacted to the same marker keep the last value,
                    // which loses data but never shows a secret.
                    let old = std::mem::take(map);
                    for (key, item) in old {
                        map.insert(self.redact(&key).into_owned(), item);
                    }
                }
                map.values_mut().for_each(|item| self.redact_json(item));
            }
            Value::Null | Value::Bool(_) => {}
        }
    }

    /// A redacted copy of a JSON value; see [`Redactor::redact_json`].
    pub fn redacted_json(&self, value: &Value) -> Value {
        let mut copy = value.clone();
        self.redact_json(&mut copy);
        copy
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("needles", &self.needle_count())
            .finish()
    }
}

/// The value and every encoding of it that the module documentation lists.
fn encoded_forms(value: &str) -> Vec<Zeroizing<String>> {
    let mut forms = vec![Zeroizing::new(value.to_owned())];
    for style in PERCENT_STYLES {
        forms.push(percent_encode(value, style));
    }
    if let Ok(json) = serde_json::to_string(value) {
        let json = Zeroizing::new(json);
        let escaped = &json[1..json.len() - 1];
        forms.push(Zeroizing::new(escaped.to_owned()));
        forms.push(ascii_only_json(escaped));
    }
    forms.extend(base64_stretches(value.as_bytes()));
    let mut unique: Vec<Zeroizing<String>> = Vec::with_capacity(forms.len());
    for form in forms {
        if !unique.contains(&form) {
            unique.push(form);
        }
    }
    unique
}

/// JSON text as serializers that escape everything beyond ASCII write it (Python's `json.dumps`
/// by default): `ü` as `\u00fc`.
fn ascii_only_json(escaped: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(escaped.len()));
    for c in escaped.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// One way of percent-encoding: which ASCII bytes stay as they are, and how space is written.
struct PercentStyle {
    keep: fn(u8) -> bool,
    space_as_plus: bool,
    lower_hex: bool,
}

const PERCENT_STYLES: &[PercentStyle] = &[
    // RFC 3986: only unreserved characters stay.
    PercentStyle {
        keep: rfc3986_unreserved,
        space_as_plus: false,
        lower_hex: false,
    },
    PercentStyle {
        keep: rfc3986_unreserved,
        space_as_plus: false,
        lower_hex: true,
    },
    // application/x-www-form-urlencoded as WHATWG and the form_urlencoded crate (reqwest's
    // `.query()` and `.form()`) write it.
    PercentStyle {
        keep: form_urlencoded_kept,
        space_as_plus: true,
        lower_hex: false,
    },
    // JavaScript's encodeURIComponent, which the UI uses.
    PercentStyle {
        keep: uri_component_kept,
        space_as_plus: false,
        lower_hex: false,
    },
    // The url crate's path segment and query sets, which encode only a few characters.
    PercentStyle {
        keep: url_path_segment_kept,
        space_as_plus: false,
        lower_hex: false,
    },
    PercentStyle {
        keep: url_query_kept,
        space_as_plus: false,
        lower_hex: false,
    },
];

fn rfc3986_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn form_urlencoded_kept(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_')
}

fn uri_component_kept(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        )
}

fn url_path_segment_kept(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'/' | b'%'
        )
}

fn url_query_kept(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b'#' | b'<' | b'>' | b'\'')
}

fn percent_encode(value: &str, style: &PercentStyle) -> Zeroizing<String> {
    const UPPER: &[u8; 16] = b"0123456789ABCDEF";
    const LOWER: &[u8; 16] = b"0123456789abcdef";
    let hex = if style.lower_hex { LOWER } else { UPPER };
    let mut out = Zeroizing::new(String::with_capacity(value.len() * 3));
    for &b in value.as_bytes() {
        if b == b' ' && style.space_as_plus {
            out.push('+');
        } else if b.is_ascii() && (style.keep)(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(hex[usize::from(b >> 4)]));
            out.push(char::from(hex[usize::from(b & 0xf)]));
        }
    }
    out
}

/// The base64 characters that depend on the value alone, for each alignment (0, 1 or 2 bytes of
/// something else before it) and each alphabet.
///
/// Base64 character j carries bits [6j, 6j + 6) of the input. With k bytes in front, the value
/// occupies bits [8k, 8k + 8n), so the characters from ceil(8k / 6) up to floor((8k + 8n) / 6)
/// are the same whatever surrounds the value.
fn base64_stretches(value: &[u8]) -> Vec<Zeroizing<String>> {
    let mut stretches = Vec::with_capacity(6);
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        for k in 0..3usize {
            let mut input = Zeroizing::new(vec![0u8; k]);
            input.extend_from_slice(value);
            let encoded = Zeroizing::new(engine.encode(&*input));
            let first = (8 * k).div_ceil(6);
            let last = (8 * (k + value.len())) / 6;
            if last > first {
                stretches.push(Zeroizing::new(encoded[first..last].to_owned()));
            }
        }
    }
    stretches
}
