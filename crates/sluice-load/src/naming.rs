//! dlt's default naming convention, `snake_case` (spec §7.1): the same key gives the same column
//! name in Sluice and in dlt, so queries written against one keep working against the other.

/// Separator of flattened paths and nested table names.
pub const PATH_SEPARATOR: &str = "__";

/// What an empty or whitespace-only JSON key becomes.
pub const EMPTY_KEY: &str = "_empty";

/// Normalizes one identifier (a JSON key, a resource or dataset name). A key that holds `__` is
/// normalized part by part ("break path on normalize"), so `a__b` stays `a__b`.
pub fn normalize_identifier(identifier: &str) -> String {
    let trimmed = identifier.trim();
    if trimmed.is_empty() {
        return EMPTY_KEY.to_owned();
    }
    if !trimmed.contains(PATH_SEPARATOR) {
        return normalize_part(trimmed);
    }
    let parts: Vec<String> = trimmed
        .split(PATH_SEPARATOR)
        .filter(|part| !part.is_empty())
        .map(normalize_part)
        .collect();
    if parts.is_empty() {
        // Only separators, e.g. `____`: dlt normalizes the whole string.
        return normalize_part(trimmed);
    }
    parts.join(PATH_SEPARATOR)
}

/// Joins normalized path fragments, as dlt's `shorten_fragments` does for DuckDB (whose
/// identifiers may be 65,536 characters long, so nothing is ever shortened in practice).
pub fn join_path<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts {
        if !out.is_empty() {
            out.push_str(PATH_SEPARATOR);
        }
        out.push_str(part);
    }
    out
}

fn normalize_part(part: &str) -> String {
    // Steps 2 and 3: translate a few symbols, then every run of other characters outside
    // [A-Za-z0-9_] becomes a single `_` (non-ASCII letters included, as Python's regex does it).
    let mut cleaned = String::with_capacity(part.len());
    let mut in_run = false;
    for c in part.trim().chars() {
        let c = match c {
            '+' | '*' => 'x',
            '-' => '_',
            '@' => 'a',
            '|' => 'l',
            c => c,
        };
        if c.is_ascii_alphanumeric() || c == '_' {
            cleaned.push(c);
            in_run = false;
        } else if !in_run {
            cleaned.push('_');
            in_run = true;
        }
    }
    // Step 4: camelCase split, then lowercase.
    let split = split_camel_case(&cleaned).to_ascii_lowercase();
    // Step 5: an identifier must not start with a digit.
    let mut out = if split.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{split}")
    } else {
        split
    };
    // Step 6: each trailing `_` becomes an `x`.
    let trailing = out.len() - out.trim_end_matches('_').len();
    if trailing > 0 {
        out.truncate(out.len() - trailing);
        out.extend(std::iter::repeat_n('x', trailing));
    }
    // Step 7: runs of underscores collapse into one.
    collapse_underscores(&out)
}

/// `([^_])([A-Z][a-z]+)` → `\1_\2`, then `([a-z0-9])([A-Z])` → `\1_\2` (both regexes applied left
/// to right without overlapping matches, as Python's `re.sub` does).
fn split_camel_case(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut first = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        first.push(c);
        // A match needs `c` (not `_`), then an uppercase letter followed by 1+ lowercase ones.
        if c != '_'
            && i + 2 < chars.len()
            && chars[i + 1].is_ascii_uppercase()
            && chars[i + 2].is_ascii_lowercase()
        {
            first.push('_');
            // The match consumes the word; copy it so it cannot start the next match.
            let mut j = i + 1;
            first.push(chars[j]);
            j += 1;
            while j < chars.len() && chars[j].is_ascii_lowercase() {
                first.push(chars[j]);
                j += 1;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    let chars: Vec<char> = first.chars().collect();
    let mut second = String::with_capacity(first.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        second.push(c);
        if (c.is_ascii_lowercase() || c.is_ascii_digit())
            && i + 1 < chars.len()
            && chars[i + 1].is_ascii_uppercase()
        {
            second.push('_');
            second.push(chars[i + 1]);
            i += 2;
            continue;
        }
        i += 1;
    }
    second
}

fn collapse_underscores(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_underscore = false;
    for c in text.chars() {
        if c == '_' {
            if !previous_underscore {
                out.push(c);
            }
            previous_underscore = true;
        } else {
            out.push(c);
            previous_underscore = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every example of the spec's table (§7.1).
    #[test]
    fn the_spec_examples_hold() {
        let cases = [
            ("customerId", "customer_id"),
            ("Some Field!", "some_fieldx"),
            ("HTTPResponseCode", "http_response_code"),
            ("userID", "user_id"),
            ("camelCaseURL", "camel_case_url"),
            ("CO2Level", "co2_level"),
            ("2ndPlace", "_2nd_place"),
            ("123", "_123"),
            ("field_", "fieldx"),
            ("__private", "private"),
            ("e-mail", "e_mail"),
            ("price+tax", "pricextax"),
            ("user@domain", "useradomain"),
            ("a|b", "alb"),
            ("data.value", "data_value"),
            ("Total $ Amount", "total_amount"),
            ("$ref", "_ref"),
            ("Ümlaut", "_mlaut"),
            ("ÄÖÜ", "x"),
            ("@odata.nextLink", "aodata_next_link"),
            ("ABCDef", "abc_def"),
            ("a__b", "a__b"),
        ];
        for (key, expected) in cases {
            assert_eq!(normalize_identifier(key), expected, "key {key:?}");
        }
    }

    #[test]
    fn keys_dlt_produces_in_practice() {
        let cases = [
            ("occurredAt", "occurred_at"),
            ("isConverted", "is_converted"),
            ("@odata.id", "aodata_id"),
            ("durationSeconds", "duration_seconds"),
            ("id", "id"),
            ("  padded  ", "padded"),
            ("", "_empty"),
            ("   ", "_empty"),
            ("already_snake", "already_snake"),
            ("x__y__z", "x__y__z"),
        ];
        for (key, expected) in cases {
            assert_eq!(normalize_identifier(key), expected, "key {key:?}");
        }
    }

    #[test]
    fn normalizing_twice_changes_nothing() {
        for key in [
            "customerId",
            "Some Field!",
            "@odata.nextLink",
            "ABCDef",
            "2ndPlace",
        ] {
            let once = normalize_identifier(key);
            assert_eq!(normalize_identifier(&once), once, "key {key:?}");
        }
    }
}
