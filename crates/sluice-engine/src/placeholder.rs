//! dlt's string formatting of endpoint fields (spec §4.1), for the parent placeholders
//! `{resources.<parent>.<field>}`: `{{` and `}}` are literal braces, any other `{name}` must be
//! a known placeholder, and a `json` value that is exactly one placeholder keeps its JSON type.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::Value;

use crate::error::{Error, Result};

/// The parent record a child request is made for.
pub(crate) struct ParentRecord<'a> {
    pub(crate) resource: &'a str,
    pub(crate) record: &'a Value,
}

/// What placeholders are filled from: the parent record of a child request, and the
/// `{incremental.*}` values of a resource with an incremental cursor.
#[derive(Clone, Copy, Default)]
pub(crate) struct Context<'a> {
    pub(crate) parent: Option<&'a ParentRecord<'a>>,
    pub(crate) incremental: Option<&'a serde_json::Map<String, Value>>,
}

/// Placeholder names in `text` (without braces), `{{`/`}}` skipped.
pub(crate) fn names(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('{') {
            if let Some(end) = tail.find('}') {
                found.push(tail[1..end].to_owned());
                rest = &tail[end + 1..];
                continue;
            }
        }
        rest = &tail[1..];
    }
    found
}

/// The placeholder's name when `text` is exactly one placeholder and nothing else.
fn whole_placeholder(text: &str) -> Option<String> {
    let mut only = names(text);
    let whole = only.len() == 1 && text.len() == only[0].len() + 2 && text.starts_with('{');
    whole.then(|| only.remove(0))
}

/// The parent a placeholder name refers to: `resources.<parent>.<field>` gives `parent`.
pub(crate) fn parent_of(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("resources.")?;
    let (parent, field) = rest.split_once('.')?;
    (!parent.is_empty() && !field.is_empty()).then_some(parent)
}

/// The value a placeholder stands for. Dots after the parent name walk into nested objects.
fn lookup(name: &str, ctx: &Context<'_>, field: &str) -> Result<Value> {
    let unknown = || {
        Error::Config(format!(
            "{field}: unknown placeholder `{{{name}}}`; this engine fills in \
             `{{resources.<parent>.<field>}}` (write `{{{{` and `}}}}` for literal braces)"
        ))
    };
    if let Some(attr) = name.strip_prefix("incremental.") {
        let values = ctx.incremental.ok_or_else(|| {
            Error::Config(format!(
                "{field}: `{{{name}}}` needs an `incremental` block on the endpoint"
            ))
        })?;
        return values.get(attr).cloned().ok_or_else(unknown);
    }
    let rest = name.strip_prefix("resources.").ok_or_else(unknown)?;
    let (resource, path) = rest.split_once('.').ok_or_else(unknown)?;
    let parent = ctx
        .parent
        .filter(|p| p.resource == resource)
        .ok_or_else(unknown)?;
    let mut value = parent.record;
    for key in path.split('.') {
        value = value.get(key).ok_or_else(|| {
            Error::Config(format!(
                "{field}: the `{resource}` record has no field `{path}` for `{{{name}}}`"
            ))
        })?;
    }
    Ok(value.clone())
}

/// Python's `str()` of a JSON value, as `str.format` writes it.
pub(crate) fn python_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// Formats `text` like Python's `str.format` with the placeholders above.
pub(crate) fn format(text: &str, ctx: &Context<'_>, field: &str) -> Result<String> {
    fill(text, ctx, field, &|_, value| Ok(python_text(&value)))
}

/// What a filled-in path value may not hold as itself: everything that would end the segment
/// or start a query or fragment, and `%` so an encoded value stays what the record said.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Formats an endpoint path. Each value is percent-encoded as one path segment, so a parent
/// record holding `../admin`, `1?x=2` or `https://elsewhere.example/` cannot change which URL is
/// asked for (dlt pastes values in as they are). A path that is exactly one placeholder is the
/// exception: that value is the URL or path to fetch (`{resources.files.download_url}`), and the
/// credentials check decides what goes with it.
pub(crate) fn format_path(text: &str, ctx: &Context<'_>, field: &str) -> Result<String> {
    if whole_placeholder(text).is_some() {
        return format(text, ctx, field);
    }
    fill(text, ctx, field, &|name, value| {
        let text = python_text(&value);
        if text == "." || text == ".." || text.is_empty() {
            return Err(Error::Config(format!(
                "{field}: `{{{name}}}` is `{text}`, which cannot stand for a part of the path"
            )));
        }
        Ok(utf8_percent_encode(&text, PATH_SEGMENT).to_string())
    })
}

/// `str.format` with `write` turning each placeholder's value into text.
fn fill(
    text: &str,
    ctx: &Context<'_>,
    field: &str,
    write: &dyn Fn(&str, Value) -> Result<String>,
) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let end = match (tail.starts_with('{'), tail.find('}')) {
            (true, Some(end)) => end,
            _ => {
                return Err(Error::Config(format!(
                "{field}: unmatched brace in `{text}`; write `{{{{` and `}}}}` for literal braces"
            )))
            }
        };
        let name = &tail[1..end];
        out.push_str(&write(name, lookup(name, ctx, field)?)?);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Formats every string of a JSON body, keys included; a string that is exactly one placeholder
/// becomes the placeholder's value with its own type.
pub(crate) fn format_json(value: &Value, ctx: &Context<'_>, field: &str) -> Result<Value> {
    Ok(match value {
        Value::String(text) => {
            if let Some(name) = whole_placeholder(text) {
                lookup(&name, ctx, field)?
            } else {
                Value::String(format(text, ctx, field)?)
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| format_json(item, ctx, field))
                .collect::<Result<_>>()?,
        ),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, item)| Ok((format(key, ctx, field)?, format_json(item, ctx, field)?)))
                .collect::<Result<_>>()?,
        ),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fills_parent_fields_and_keeps_escaped_braces() {
        let record =
            json!({"id": 7, "name": "Ann", "owner": {"login": "x"}, "vip": true, "n": null});
        let parent = ParentRecord {
            resource: "orgs",
            record: &record,
        };
        let f = |text: &str| {
            format(
                text,
                &Context {
                    parent: Some(&parent),
                    incremental: None,
                },
                "path",
            )
        };
        assert_eq!(
            f("orgs/{resources.orgs.id}/members").expect("ok"),
            "orgs/7/members"
        );
        assert_eq!(
            f("{resources.orgs.owner.login}-{resources.orgs.vip}-{resources.orgs.n}").expect("ok"),
            "x-True-None"
        );
        assert_eq!(f("q={{\"a\": 1}}").expect("ok"), "q={\"a\": 1}");
        assert_eq!(
            format("plain", &Context::default(), "path").expect("ok"),
            "plain"
        );
        assert!(f("{resources.users.id}").is_err());
        assert!(f("{resources.orgs.missing}").is_err());
        assert!(f("{id}").is_err());
        assert!(f("a}b").is_err());
        assert!(f("a{b").is_err());
    }

    #[test]
    fn json_single_placeholders_keep_their_type() {
        let record = json!({"id": 7, "tags": ["a"]});
        let parent = ParentRecord {
            resource: "orgs",
            record: &record,
        };
        let body = json!({"org": "{resources.orgs.id}", "label": "org {resources.orgs.id}",
                          "tags": "{resources.orgs.tags}", "nested": [{"x": "{{lit}}"}], "n": 1});
        assert_eq!(
            format_json(
                &body,
                &Context {
                    parent: Some(&parent),
                    incremental: None
                },
                "json"
            )
            .expect("ok"),
            json!({"org": 7, "label": "org 7", "tags": ["a"], "nested": [{"x": "{lit}"}], "n": 1})
        );
    }

    #[test]
    fn fills_incremental_values() {
        let mut values = serde_json::Map::new();
        values.insert("start_value".into(), json!(5));
        values.insert("end_value".into(), Value::Null);
        let ctx = Context {
            parent: None,
            incremental: Some(&values),
        };
        let text = format(
            "{incremental.start_value}..{incremental.end_value}",
            &ctx,
            "p",
        );
        assert_eq!(text.expect("ok"), "5..None");
        let body = format_json(&json!({"from": "{incremental.start_value}"}), &ctx, "json");
        assert_eq!(body.expect("ok"), json!({"from": 5}));
        assert!(format("{incremental.start_value}", &Context::default(), "p").is_err());
        assert!(format("{incremental.nope}", &ctx, "p").is_err());
    }

    #[test]
    fn finds_names_and_parents() {
        assert_eq!(
            names("a/{resources.p.id}/{{x}}/{b}"),
            vec!["resources.p.id", "b"]
        );
        assert_eq!(parent_of("resources.p.id"), Some("p"));
        assert_eq!(parent_of("resources.p"), None);
        assert_eq!(parent_of("incremental.start_value"), None);
    }
}
