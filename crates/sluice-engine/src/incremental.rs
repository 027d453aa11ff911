//! Incremental loading (spec §4.5): the cursor range a run asks for, the client-side filter every
//! style applies, boundary de-duplication, and the state handed back for the loader to commit
//! together with the data.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha3::digest::{ExtendableOutput, Update, XofReader};
use sha3::Shake128;
use sluice_config::{
    ColumnNames, Incremental, IncrementalRange, LastValueFunc, OnCursorValueMissing, RelativeStart,
    SortOrder,
};

use crate::error::{Error, Result};
use crate::selector::Path;

/// What a resource's incremental cursor reached; stored by the loader with the data it came with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IncrementalState {
    /// The cursor path the state belongs to (dlt keys state by it).
    pub cursor_path: String,
    pub initial_value: Option<Value>,
    /// The range start of the run that wrote this state.
    pub start_value: Option<Value>,
    /// The furthest cursor value seen (largest for `max`, smallest for `min`).
    pub last_value: Option<Value>,
    /// dlt's hashes of the records whose cursor equals `last_value`, so the next run, which
    /// starts at that value again, does not load them twice. Written in dlt 1.29's format (see
    /// [`dedup_hash`]) so dlt, resuming from a Sluice file, skips the same records, and the
    /// other way round.
    pub unique_hashes: Vec<String>,
    /// The same identities as Sluice wrote them before it wrote dlt's hashes (JSON of the key
    /// values); read once, turned into hashes, never written again.
    #[serde(default, rename = "unique_keys", skip_serializing)]
    pub legacy_keys: Vec<String>,
}

/// What a resource's previous run left behind: its own cursor and, for a child, the cursor of
/// every incremental parent above it as that child's run left it. A child keeps its own copy of
/// its parents' cursors, committed with its own rows: a parent loaded on its own, or a child
/// whose load rolled back, can then never make the child skip the children of parent records
/// it has not loaded (dlt commits all resources at once, so one copy is enough there).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceState {
    pub own: Option<IncrementalState>,
    /// By parent resource name.
    pub parents: BTreeMap<String, IncrementalState>,
}

impl ResourceState {
    pub fn is_empty(&self) -> bool {
        self.own.is_none() && self.parents.is_empty()
    }
}

/// Digest length of dlt's incremental dedup hash since 1.29 (12 base64 characters).
const DEDUP_HASH_BYTES: usize = 9;
/// Digest length before 1.29 (20 characters); dlt still matches such hashes in older state.
const LEGACY_DEDUP_HASH_BYTES: usize = 15;
const LEGACY_DEDUP_HASH_LEN: usize = 20;

/// dlt's `digest_dedup_value`: SHAKE-128 of the value's compact JSON with sorted keys, `bytes`
/// long, base64 without padding. API values are plain JSON, so dlt's datetime encoder never
/// applies.
fn dedup_hash(value: &Value, bytes: usize) -> String {
    let text = canonical_json(value);
    let mut hasher = Shake128::default();
    hasher.update(text.as_bytes());
    let mut digest = vec![0u8; bytes];
    hasher.finalize_xof().read(&mut digest);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
}

/// JSON as dlt writes it to hash it: compact (`,` and `:` without spaces, as its orjson does)
/// with every object's keys in code point order (`sort_keys=True`).
pub fn canonical_json(value: &Value) -> String {
    let mut text = String::new();
    sorted_json(value, &mut text);
    text
}

fn sorted_json(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (n, (key, value)) in entries.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                sorted_json(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                sorted_json(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// What identifies a record for boundary de-duplication, in the shape dlt hashes: one column's
/// value, a list of values for a compound key, or the whole record when there is no key.
#[derive(Debug, Clone)]
enum Identity {
    Record,
    Column(String),
    Columns(Vec<String>),
}

impl Identity {
    fn of(key: &ColumnNames) -> Option<Identity> {
        match key {
            ColumnNames::One(name) => Some(Identity::Column(name.clone())),
            ColumnNames::Many(names) if names.is_empty() => None,
            ColumnNames::Many(names) => Some(Identity::Columns(names.clone())),
        }
    }

    fn hash(&self, record: &Value, bytes: usize) -> String {
        let value = |name: &str| record.get(name).cloned().unwrap_or(Value::Null);
        match self {
            Identity::Record => dedup_hash(record, bytes),
            Identity::Column(name) => dedup_hash(&value(name), bytes),
            Identity::Columns(names) => dedup_hash(
                &Value::Array(names.iter().map(|n| value(n)).collect()),
                bytes,
            ),
        }
    }

    /// A key as Sluice wrote it before (JSON of the list of key values, or of the record),
    /// as dlt's hash.
    fn hash_legacy_key(&self, key: &str) -> Option<String> {
        let parsed: Value = serde_json::from_str(key).ok()?;
        let value = match (self, parsed) {
            (Identity::Column(_), Value::Array(mut values)) if values.len() == 1 => values.pop()?,
            (_, parsed) => parsed,
        };
        Some(dedup_hash(&value, DEDUP_HASH_BYTES))
    }
}

/// The incremental settings of one resource, with the state of its previous run applied.
#[derive(Debug, Clone)]
pub(crate) struct Tracker {
    cursor_path: Path,
    func: LastValueFunc,
    initial_value: Option<Value>,
    start_value: Option<Value>,
    end_value: Option<Value>,
    start_open: bool,
    end_closed: bool,
    on_missing: OnCursorValueMissing,
    /// `None`: boundary de-duplication is off.
    identity: Option<Identity>,
    /// With `row_order`, a record beyond the range means every later one is too.
    row_order: Option<SortOrder>,
    passed_the_range: bool,
    /// The previous run's boundary hashes, and whether they are dlt's pre-1.29 ones.
    previous_hashes: HashSet<String>,
    previous_legacy: bool,
    last_value: Option<Value>,
    last_hashes: Vec<String>,
    /// Whether `last_hashes` are still in the legacy format: until `last_value` moves, new
    /// boundary records join the previous set in its format (as dlt does).
    last_legacy: bool,
}

impl Tracker {
    /// `resource_key`: the resource's primary key, used when the incremental names none.
    /// `may_stop_early`: whether `row_order` may end paging (dlt allows it for top-level
    /// resources only).
    pub(crate) fn new(
        config: &Incremental,
        resource_key: Option<&ColumnNames>,
        state: Option<&IncrementalState>,
        may_stop_early: bool,
    ) -> Result<Tracker> {
        if config.end_value.is_some() && config.initial_value.is_none() {
            return Err(Error::Config(
                "incremental.end_value needs an initial_value".into(),
            ));
        }
        let state = state.filter(|s| s.cursor_path == config.cursor_path);
        let func = config.last_value_func.unwrap_or(LastValueFunc::Max);
        let stored = state.and_then(|s| s.last_value.clone());
        // `lag` moves a stored start back (numbers only here; dlt also shifts datetimes).
        let stored = match (stored, config.lag) {
            (Some(Value::Number(last)), Some(lag)) => {
                let last = last.as_f64().unwrap_or_default();
                let moved = match func {
                    LastValueFunc::Max => last - lag,
                    LastValueFunc::Min => last + lag,
                };
                Some(number(moved))
            }
            (Some(Value::String(text)), Some(lag)) => {
                let lag = match func {
                    LastValueFunc::Max => -lag,
                    LastValueFunc::Min => lag,
                };
                let moved = shift_timestamp(&text, lag).ok_or_else(|| {
                    Error::Config(format!(
                        "incremental.lag: the last value `{text}` of `{}` is neither a number \
                         nor an ISO 8601 date or timestamp",
                        config.cursor_path
                    ))
                })?;
                Some(Value::String(moved))
            }
            (Some(other), Some(_)) => {
                return Err(Error::Config(format!(
                    "incremental.lag needs a number or an ISO 8601 text cursor; `{}` is {other}",
                    config.cursor_path
                )))
            }
            (stored, None) | (stored @ None, Some(_)) => stored,
        };
        // A relative start (`{"$days_ago": 30}`) is a date from here on: the one this run uses.
        let now = std::time::SystemTime::now();
        let initial_value = config
            .initial_value
            .as_ref()
            .map(|v| calendar_value(v, now));
        let end_value = config.end_value.as_ref().map(|v| calendar_value(v, now));
        let start_value = stored.or_else(|| initial_value.clone());
        let start_open = config.range_start == Some(IncrementalRange::Open);
        // An open start never sees a boundary record again, and `[]` turns dedup off; without
        // a key, the whole record is the identity (dlt's rule).
        let identity = match config.primary_key.as_ref().or(resource_key) {
            _ if start_open || config.lag.is_some() => None,
            Some(key) => Identity::of(key),
            None => Some(Identity::Record),
        };
        let mut previous_hashes: Vec<String> =
            state.map(|s| s.unique_hashes.clone()).unwrap_or_default();
        if let (Some(identity), Some(state)) = (&identity, state) {
            previous_hashes.extend(
                state
                    .legacy_keys
                    .iter()
                    .filter_map(|key| identity.hash_legacy_key(key)),
            );
        }
        let previous_legacy = previous_hashes
            .iter()
            .any(|hash| hash.len() == LEGACY_DEDUP_HASH_LEN);
        Ok(Tracker {
            cursor_path: Path::parse(&config.cursor_path)?,
            func,
            row_order: config.row_order.filter(|_| may_stop_early),
            passed_the_range: false,
            initial_value,
            last_value: start_value.clone(),
            last_legacy: previous_legacy,
            previous_hashes: previous_hashes.iter().cloned().collect(),
            last_hashes: previous_hashes,
            previous_legacy,
            start_value,
            end_value,
            start_open,
            end_closed: config.range_end == Some(IncrementalRange::Closed),
            on_missing: config
                .on_cursor_value_missing
                .unwrap_or(OnCursorValueMissing::Raise),
            identity,
        })
    }

    /// The `{incremental.*}` placeholder values.
    pub(crate) fn placeholders(&self) -> Map<String, Value> {
        let mut map = Map::new();
        let value = |v: &Option<Value>| v.clone().unwrap_or(Value::Null);
        map.insert("start_value".into(), value(&self.start_value));
        map.insert("initial_value".into(), value(&self.initial_value));
        map.insert("last_value".into(), value(&self.start_value));
        map.insert("end_value".into(), value(&self.end_value));
        map
    }

    pub(crate) fn start_value(&self) -> Option<&Value> {
        self.start_value.as_ref()
    }

    pub(crate) fn end_value(&self) -> Option<&Value> {
        self.end_value.as_ref()
    }

    /// `Greater` when `a` is further along than `b` in the direction of `last_value_func`.
    fn order(&self, a: &Value, b: &Value) -> Result<Ordering> {
        let ordering = compare(a, b).ok_or_else(|| {
            Error::Incremental(format!(
                "cannot compare cursor values {a} and {b} of `{}`",
                self.cursor_path.text()
            ))
        })?;
        Ok(match self.func {
            LastValueFunc::Max => ordering,
            LastValueFunc::Min => ordering.reverse(),
        })
    }

    /// Whether `record` is in the run's range and not a boundary record loaded before; kept
    /// records move `last_value`.
    pub(crate) fn keep(&mut self, record: &Value) -> Result<bool> {
        let cursor = match self.cursor_path.first(record) {
            None | Some(Value::Null) => {
                return match self.on_missing {
                    OnCursorValueMissing::Include => Ok(true),
                    OnCursorValueMissing::Exclude => Ok(false),
                    OnCursorValueMissing::Raise => Err(Error::Incremental(format!(
                        "a record has no value at the cursor `{}`; set \
                         on_cursor_value_missing to include or exclude such records",
                        self.cursor_path.text()
                    ))),
                }
            }
            Some(cursor) => cursor.clone(),
        };
        // Records sorted along the cursor leave the range for good at the end (ascending along
        // `last_value_func`) or at the start (descending).
        let along = match (self.row_order, self.func) {
            (Some(SortOrder::Asc), LastValueFunc::Max)
            | (Some(SortOrder::Desc), LastValueFunc::Min) => Some(true),
            (Some(_), _) => Some(false),
            (None, _) => None,
        };
        if let Some(start) = self.start_value.clone() {
            match self.order(&cursor, &start)? {
                Ordering::Less => {
                    if along == Some(false) {
                        self.passed_the_range = true;
                    }
                    return Ok(false);
                }
                Ordering::Equal if self.start_open => return Ok(false),
                Ordering::Equal => {
                    if let Some(hash) = self.hash(record, self.previous_legacy) {
                        if self.previous_hashes.contains(&hash) {
                            return Ok(false);
                        }
                    }
                }
                Ordering::Greater => {}
            }
        }
        if let Some(end) = self.end_value.clone() {
            let beyond = match self.order(&cursor, &end)? {
                Ordering::Greater => true,
                Ordering::Equal => !self.end_closed,
                Ordering::Less => false,
            };
            if beyond {
                if along == Some(true) {
                    self.passed_the_range = true;
                }
                return Ok(false);
            }
        }
        let ordering = match &self.last_value {
            None => Ordering::Greater,
            Some(last) => self.order(&cursor, last)?,
        };
        match ordering {
            Ordering::Greater => {
                self.last_value = Some(cursor);
                self.last_legacy = false;
                self.last_hashes = self.hash(record, false).into_iter().collect();
            }
            Ordering::Equal => {
                let hash = self.hash(record, self.last_legacy);
                self.last_hashes.extend(hash);
            }
            Ordering::Less => {}
        }
        Ok(true)
    }

    pub(crate) fn never_stop_early(&mut self) {
        self.row_order = None;
    }

    /// Why paging can end early: sorted records have left the range.
    pub(crate) fn passed_the_range(&self) -> Option<String> {
        self.passed_the_range.then(|| {
            format!(
                "stopped: `{}` left the incremental range and the records are sorted \
                 (row_order)",
                self.cursor_path.text()
            )
        })
    }

    /// The record's dedup hash, in dlt's legacy length when matching a legacy state.
    fn hash(&self, record: &Value, legacy: bool) -> Option<String> {
        let bytes = if legacy {
            LEGACY_DEDUP_HASH_BYTES
        } else {
            DEDUP_HASH_BYTES
        };
        Some(self.identity.as_ref()?.hash(record, bytes))
    }

    /// The state to store; `None` for a run with an `end_value`, which dlt keeps stateless.
    pub(crate) fn state(&self) -> Option<IncrementalState> {
        if self.end_value.is_some() {
            return None;
        }
        // dlt keeps a set; the order records came in keeps the state reproducible.
        let mut seen = HashSet::new();
        let unique_hashes = self
            .last_hashes
            .iter()
            .filter(|hash| seen.insert(hash.as_str()))
            .cloned()
            .collect();
        Some(IncrementalState {
            cursor_path: self.cursor_path.text().to_owned(),
            initial_value: self.initial_value.clone(),
            start_value: self.start_value.clone(),
            last_value: self.last_value.clone(),
            unique_hashes,
            legacy_keys: Vec::new(),
        })
    }
}

/// Moves an ISO 8601 date (`lag` in days, as dlt does) or timestamp (`lag` in seconds, rounded
/// to whole seconds) by `lag`, keeping its exact shape: fraction digits and UTC offset are kept
/// as written, so the result still compares correctly with the API's other values.
fn shift_timestamp(text: &str, lag: f64) -> Option<String> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if text.get(4..5)? != "-" || text.get(7..8)? != "-" || !(1..=12).contains(&month) {
        return None;
    }
    if text.len() == 10 {
        let days = days_from_civil(year, month, day) + lag.round() as i64;
        let (y, m, d) = civil_from_days(days);
        return Some(format!("{y:04}-{m:02}-{d:02}"));
    }
    if !matches!(text.get(10..11)?, "T" | " ")
        || text.get(13..14)? != ":"
        || text.get(16..17)? != ":"
    {
        return None;
    }
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let rest = text.get(19..)?;
    let seconds = days_from_civil(year, month, day) * 86_400
        + hour * 3600
        + minute * 60
        + second
        + lag.round() as i64;
    let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    Some(format!(
        "{y:04}-{m:02}-{d:02}{}{:02}:{:02}:{:02}{rest}",
        text.get(10..11)?,
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    ))
}

/// `value` itself, or for a [`RelativeStart`] the date or timestamp it means at `now`, in UTC:
/// `2024-01-31T12:00:00Z` (whole seconds), or `2024-01-31` with `"format": "date"`.
fn calendar_value(value: &Value, now: std::time::SystemTime) -> Value {
    let Some(start) = RelativeStart::from_value(value) else {
        return value.clone();
    };
    let seconds = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
    let today = seconds.div_euclid(86_400);
    let day = today - i64::from(start.days);
    let (y, m, d) = civil_from_days(day);
    if start.date_only {
        return Value::String(format!("{y:04}-{m:02}-{d:02}"));
    }
    let in_day = if start.from_today {
        0
    } else {
        seconds.rem_euclid(86_400)
    };
    Value::String(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    ))
}

// Howard Hinnant's civil calendar algorithms (proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        Value::from(value as i64)
    } else {
        serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}

/// Values compared as they are, as dlt does: numbers by value, text by characters (ISO
/// timestamps in one format sort correctly), booleans false before true.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tracker(config: Value, state: Option<&IncrementalState>) -> Tracker {
        let config: Incremental = serde_json::from_value(config).expect("incremental");
        let key = ColumnNames::One("id".into());
        Tracker::new(&config, Some(&key), state, true).expect("tracker")
    }

    fn kept(t: &mut Tracker, records: &[Value]) -> Vec<i64> {
        records
            .iter()
            .filter(|r| t.keep(r).expect("keep"))
            .map(|r| r["id"].as_i64().expect("id"))
            .collect()
    }

    fn rec(id: i64, at: i64) -> Value {
        json!({"id": id, "at": at})
    }

    #[test]
    fn closed_start_open_end_and_boundary_dedup_across_runs() {
        let mut t = tracker(json!({"cursor_path": "at", "initial_value": 10}), None);
        let page = [rec(1, 5), rec(2, 10), rec(3, 20), rec(4, 20)];
        assert_eq!(kept(&mut t, &page), vec![2, 3, 4]);
        let state = t.state().expect("state");
        assert_eq!(state.last_value, Some(json!(20)));
        let hash = |id: i64| dedup_hash(&json!(id), DEDUP_HASH_BYTES);
        assert_eq!(state.unique_hashes, vec![hash(3), hash(4)]);
        // The next run starts at 20 again and drops the two records it already has.
        let mut t = tracker(
            json!({"cursor_path": "at", "initial_value": 10}),
            Some(&state),
        );
        assert_eq!(
            kept(&mut t, &[rec(3, 20), rec(4, 20), rec(5, 20), rec(6, 30)]),
            vec![5, 6]
        );
        assert_eq!(t.state().expect("state").unique_hashes, vec![hash(6)]);
    }

    /// Values dlt 1.31's `digest_dedup_value` gives (`dlt.extract.utils`, printed by dlt itself).
    #[test]
    fn dedup_hashes_are_dlts() {
        let record = json!({"id": 1, "at": 20, "name": "Zoë",
                            "nested": {"b": 1, "a": [1.5, null, true]}});
        for (value, hash, legacy) in [
            (json!(3), "Cn/dwi436vBb", "Cn/dwi436vBbdERZ9hKf"),
            (json!([3]), "xdTgU/8A/2Is", "xdTgU/8A/2Ise4zwgUcU"),
            (json!([3, "a"]), "k3njk4luGC1W", "k3njk4luGC1W7V5XeAOB"),
            (json!("x"), "SNIkKkSY307p", "SNIkKkSY307pYWfhgInf"),
            (record.clone(), "WSneTopCKxxr", "WSneTopCKxxrJp04UDZa"),
        ] {
            assert_eq!(dedup_hash(&value, DEDUP_HASH_BYTES), hash, "{value}");
            assert_eq!(
                dedup_hash(&value, LEGACY_DEDUP_HASH_BYTES),
                legacy,
                "{value}"
            );
        }
        // A key column hashes its value, a compound key the list, no key the whole record.
        let id = Identity::Column("id".into());
        let pair = Identity::Columns(vec!["id".into(), "name".into()]);
        assert_eq!(id.hash(&record, DEDUP_HASH_BYTES), dedup_hash(&json!(1), 9));
        assert_eq!(
            pair.hash(&record, DEDUP_HASH_BYTES),
            dedup_hash(&json!([1, "Zoë"]), 9)
        );
        assert_eq!(Identity::Record.hash(&record, 9), "WSneTopCKxxr");
    }

    #[test]
    fn boundary_hashes_dlt_wrote_before_1_29_and_keys_sluice_wrote_still_dedup() {
        let config = json!({"cursor_path": "at", "initial_value": 10});
        let legacy = IncrementalState {
            cursor_path: "at".into(),
            last_value: Some(json!(20)),
            unique_hashes: vec![dedup_hash(&json!(3), LEGACY_DEDUP_HASH_BYTES)],
            ..IncrementalState::default()
        };
        let mut t = tracker(config.clone(), Some(&legacy));
        assert_eq!(kept(&mut t, &[rec(3, 20), rec(4, 20)]), vec![4]);
        // Until the cursor moves, the boundary set grows in the format it had.
        assert_eq!(
            t.state().expect("state").unique_hashes,
            vec![
                dedup_hash(&json!(3), LEGACY_DEDUP_HASH_BYTES),
                dedup_hash(&json!(4), LEGACY_DEDUP_HASH_BYTES)
            ]
        );
        let mut t = tracker(config.clone(), Some(&legacy));
        assert_eq!(kept(&mut t, &[rec(3, 20), rec(5, 30)]), vec![5]);
        assert_eq!(
            t.state().expect("state").unique_hashes,
            vec![dedup_hash(&json!(5), DEDUP_HASH_BYTES)]
        );
        let sluice_before = IncrementalState {
            cursor_path: "at".into(),
            last_value: Some(json!(20)),
            legacy_keys: vec!["[3]".into()],
            ..IncrementalState::default()
        };
        let mut t = tracker(config, Some(&sluice_before));
        assert_eq!(kept(&mut t, &[rec(3, 20), rec(4, 20)]), vec![4]);
    }

    #[test]
    fn ranges_min_and_end_value() {
        let page = [rec(1, 10), rec(2, 15), rec(3, 20), rec(4, 25)];
        let mut t = tracker(
            json!({"cursor_path": "at", "initial_value": 10, "range_start": "open",
                                   "end_value": 20, "range_end": "closed"}),
            None,
        );
        assert_eq!(kept(&mut t, &page), vec![2, 3]);
        assert_eq!(t.state(), None, "end_value makes the run stateless");
        let mut t = tracker(
            json!({"cursor_path": "at", "initial_value": 20,
                                   "last_value_func": "min"}),
            None,
        );
        assert_eq!(kept(&mut t, &page), vec![1, 2, 3]);
        assert_eq!(t.state().expect("state").last_value, Some(json!(10)));
    }

    #[test]
    fn row_order_ends_paging_once_records_leave_the_range() {
        let mut t = tracker(
            json!({"cursor_path": "at", "initial_value": 10, "end_value": 20,
                                   "row_order": "asc"}),
            None,
        );
        assert_eq!(kept(&mut t, &[rec(1, 10), rec(2, 15)]), vec![1, 2]);
        assert_eq!(t.passed_the_range(), None);
        assert_eq!(kept(&mut t, &[rec(3, 19), rec(4, 20)]), vec![3]);
        assert!(t.passed_the_range().is_some());
        let mut t = tracker(
            json!({"cursor_path": "at", "initial_value": 10, "row_order": "desc"}),
            None,
        );
        assert_eq!(kept(&mut t, &[rec(1, 30), rec(2, 9)]), vec![1]);
        assert!(t.passed_the_range().is_some());
    }

    #[test]
    fn numeric_lag_moves_the_stored_start_back_and_turns_dedup_off() {
        let state = IncrementalState {
            cursor_path: "at".into(),
            last_value: Some(json!(20)),
            unique_hashes: vec![dedup_hash(&json!(3), DEDUP_HASH_BYTES)],
            ..IncrementalState::default()
        };
        let mut t = tracker(json!({"cursor_path": "at", "lag": 5}), Some(&state));
        assert_eq!(
            kept(&mut t, &[rec(1, 14), rec(2, 15), rec(3, 20)]),
            vec![2, 3]
        );
        let text = tracker(json!({"cursor_path": "at", "lag": 5}), None);
        assert_eq!(text.start_value(), None);
        let config: Incremental =
            serde_json::from_value(json!({"cursor_path": "at", "lag": 5})).expect("config");
        let flagged = IncrementalState {
            cursor_path: "at".into(),
            last_value: Some(json!(true)),
            ..IncrementalState::default()
        };
        assert!(Tracker::new(&config, None, Some(&flagged), true).is_err());
    }

    #[test]
    fn lag_moves_dates_and_timestamps_keeping_their_shape() {
        let cases = [
            ("2024-03-01", 1.0, "2024-02-29"),
            ("2024-01-01T00:00:10Z", 3600.0, "2023-12-31T23:00:10Z"),
            (
                "2024-01-01T12:30:00.250+02:00",
                90.0,
                "2024-01-01T12:28:30.250+02:00",
            ),
            ("1999-12-31 23:59:59", -1.0, "2000-01-01 00:00:00"),
        ];
        for (text, lag, expected) in cases {
            assert_eq!(
                shift_timestamp(text, -lag).as_deref(),
                Some(expected),
                "{text}"
            );
        }
        assert_eq!(shift_timestamp("yesterday", 1.0), None);
        assert_eq!(shift_timestamp("2024-13-01", 1.0), None);
        let state = IncrementalState {
            cursor_path: "at".into(),
            last_value: Some(json!("2024-01-01T00:00:00Z")),
            ..IncrementalState::default()
        };
        let t = tracker(json!({"cursor_path": "at", "lag": 60}), Some(&state));
        assert_eq!(t.start_value(), Some(&json!("2023-12-31T23:59:00Z")));
    }

    /// `{"$days_ago": N}` is the moment N days before the run (UTC), from today's midnight with
    /// `"from": "today"`, and the date alone with `"format": "date"`.
    #[test]
    fn a_relative_start_is_the_date_it_means_at_the_run() {
        // 2024-03-01T10:20:30Z, the day after a leap day.
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_709_288_430);
        for (value, expected) in [
            (json!({"$days_ago": 1}), json!("2024-02-29T10:20:30Z")),
            (
                json!({"$days_ago": 30, "from": "today"}),
                json!("2024-01-31T00:00:00Z"),
            ),
            (
                json!({"$days_ago": 366, "format": "date"}),
                json!("2023-03-01"),
            ),
            (
                json!({"$days_ago": 0, "format": "date"}),
                json!("2024-03-01"),
            ),
            (json!("2020-01-01"), json!("2020-01-01")),
        ] {
            assert_eq!(calendar_value(&value, now), expected, "{value}");
        }
        let t = tracker(
            json!({"cursor_path": "at", "initial_value": {"$days_ago": 7, "format": "date"}}),
            None,
        );
        let start = t.start_value().and_then(Value::as_str).expect("a date");
        assert_eq!(start.len(), 10, "{start}");
        assert_eq!(t.placeholders()["initial_value"], json!(start));
    }

    #[test]
    fn missing_cursor_values() {
        let page = [json!({"id": 1}), rec(2, 3)];
        let mut t = tracker(
            json!({"cursor_path": "at", "on_cursor_value_missing": "include"}),
            None,
        );
        assert_eq!(kept(&mut t, &page), vec![1, 2]);
        let mut t = tracker(
            json!({"cursor_path": "at", "on_cursor_value_missing": "exclude"}),
            None,
        );
        assert_eq!(kept(&mut t, &page), vec![2]);
        let mut t = tracker(json!({"cursor_path": "at"}), None);
        assert!(t.keep(&page[0]).is_err());
    }
}
