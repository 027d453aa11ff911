//! Values on their way into DuckDB: type inference of a JSON value, dlt's coercions into an
//! existing column's type (spec §7.3, §7.4), and ISO-8601 timestamp parsing.

use std::sync::Arc;

use base64::Engine as _;
use duckdb::types::{TimeUnit, ToSql, ToSqlOutput, ValueRef};
use serde_json::Value;
use sluice_config::DataType;

/// One value of a row, in the representation DuckDB's appender takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Bigint(i64),
    Double(f64),
    Text(String),
    /// A string shared by many rows (the load id).
    Shared(Arc<str>),
    /// Microseconds since the Unix epoch, UTC.
    Timestamp(i64),
    /// Days since the Unix epoch.
    Date(i32),
    /// Microseconds since midnight.
    Time(i64),
    Binary(Vec<u8>),
}

impl ToSql for Cell {
    fn to_sql(&self) -> duckdb::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Cell::Null => ValueRef::Null,
            Cell::Bool(v) => ValueRef::Boolean(*v),
            Cell::Bigint(v) => ValueRef::BigInt(*v),
            Cell::Double(v) => ValueRef::Double(*v),
            Cell::Text(v) => ValueRef::Text(v.as_bytes()),
            Cell::Shared(v) => ValueRef::Text(v.as_bytes()),
            Cell::Timestamp(v) => ValueRef::Timestamp(TimeUnit::Microsecond, *v),
            Cell::Date(v) => ValueRef::Date32(*v),
            Cell::Time(v) => ValueRef::Time64(TimeUnit::Microsecond, *v),
            Cell::Binary(v) => ValueRef::Blob(v),
        }))
    }
}

impl Cell {
    /// The value as JSON, for previews and primary-key hashes.
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Bool(v) => Value::Bool(*v),
            Cell::Bigint(v) => Value::from(*v),
            Cell::Double(v) => Value::from(*v),
            Cell::Text(v) => Value::String(v.clone()),
            Cell::Shared(v) => Value::String(v.to_string()),
            Cell::Timestamp(v) => Value::String(format_timestamp(*v)),
            Cell::Date(v) => Value::String(format_date(*v)),
            Cell::Time(v) => Value::from(*v),
            Cell::Binary(v) => Value::String(base64::engine::general_purpose::STANDARD.encode(v)),
        }
    }
}

/// The type dlt gives a value from its Python type alone (no detection).
pub fn plain_type(value: &Value) -> Option<DataType> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => DataType::Bool,
        Value::Number(n) if n.is_i64() => DataType::Bigint,
        // Integers beyond i64 have no BIGINT; dlt would fail at load time, Sluice keeps them as
        // doubles.
        Value::Number(_) => DataType::Double,
        Value::String(_) => DataType::Text,
        Value::Array(_) | Value::Object(_) => DataType::Json,
    })
}

/// The type a new column gets from its first non-null value: the plain type, except that
/// strings that read as an ISO-8601 date and time become timestamps (dlt's `iso_timestamp`
/// detection, on by default).
pub fn infer_type(value: &Value) -> Option<DataType> {
    match value {
        Value::String(text) if parse_iso_timestamp(text).is_some() => Some(DataType::Timestamp),
        value => plain_type(value),
    }
}

/// Fits `value` (of plain type `from`) into a column of type `to`, or `None` when dlt would put
/// it into a variant column instead.
pub fn coerce(to: DataType, value: &Value) -> Option<Cell> {
    use DataType as T;
    match (to, value) {
        (_, Value::Null) => Some(Cell::Null),
        (T::Text, Value::String(s)) => Some(Cell::Text(s.clone())),
        (T::Text, Value::Bool(b)) => Some(Cell::Text(if *b { "True" } else { "False" }.into())),
        (T::Text, Value::Number(n)) => Some(Cell::Text(n.to_string())),
        (T::Text, v) => Some(Cell::Text(v.to_string())),
        (T::Bigint, Value::Number(n)) => match n.as_i64() {
            Some(i) => Some(Cell::Bigint(i)),
            None => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                .map(|f| Cell::Bigint(f as i64)),
        },
        (T::Bigint, Value::String(s)) => text_to_bigint(s).map(Cell::Bigint),
        (T::Double, Value::Number(n)) => n.as_f64().map(Cell::Double),
        (T::Double, Value::String(s)) => text_to_double(s).map(Cell::Double),
        (T::Bool, Value::Bool(b)) => Some(Cell::Bool(*b)),
        (T::Bool, Value::Number(n)) => n.as_f64().map(|f| Cell::Bool(f != 0.0)),
        (T::Bool, Value::String(s)) => text_to_bool(s).map(Cell::Bool),
        (T::Json, Value::String(s)) => serde_json::from_str::<Value>(s)
            .ok()
            .map(|v| Cell::Text(v.to_string())),
        (T::Json, v @ (Value::Array(_) | Value::Object(_))) => Some(Cell::Text(v.to_string())),
        (T::Json, v) => Some(Cell::Text(v.to_string())),
        (T::Timestamp, Value::String(s)) => parse_iso_timestamp(s)
            .or_else(|| parse_iso_date(s).map(|d| i64::from(d) * MICROS_PER_DAY))
            .or_else(|| text_to_double(s).and_then(epoch_seconds_to_micros))
            .map(Cell::Timestamp),
        (T::Timestamp, Value::Number(n)) => n
            .as_f64()
            .and_then(epoch_seconds_to_micros)
            .map(Cell::Timestamp),
        (T::Date, Value::String(s)) => parse_iso_date(s)
            .or_else(|| parse_iso_timestamp(s).map(|m| m.div_euclid(MICROS_PER_DAY) as i32))
            .map(Cell::Date),
        (T::Date, Value::Number(n)) => n
            .as_f64()
            .and_then(epoch_seconds_to_micros)
            .map(|m| Cell::Date(m.div_euclid(MICROS_PER_DAY) as i32)),
        (T::Time, Value::String(s)) => parse_time(s.trim()).map(Cell::Time),
        (T::Binary, Value::String(s)) => text_to_binary(s).map(Cell::Binary),
        (T::Decimal | T::Wei, Value::Number(n)) => Some(Cell::Text(n.to_string())),
        (T::Decimal | T::Wei, Value::String(s)) => {
            let t = s.trim();
            text_to_double(t).map(|_| Cell::Text(t.to_owned()))
        }
        _ => None,
    }
}

fn text_to_bigint(text: &str) -> Option<i64> {
    let t = text.trim();
    match t.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

fn text_to_double(text: &str) -> Option<f64> {
    let t = text.trim();
    match t.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok().map(|i| i as f64),
        None => t.parse().ok(),
    }
}

fn text_to_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "true" | "t" | "y" | "1" => Some(true),
        "no" | "false" | "f" | "n" | "0" => Some(false),
        _ => None,
    }
}

fn text_to_binary(text: &str) -> Option<Vec<u8>> {
    if let Some(hex) = text.strip_prefix("0x") {
        if hex.len() % 2 != 0 {
            return None;
        }
        return (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .collect();
    }
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

fn epoch_seconds_to_micros(seconds: f64) -> Option<i64> {
    let micros = (seconds * 1e6).round();
    (micros.is_finite() && micros.abs() < 9.2e18).then_some(micros as i64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn digits(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = bytes.get(at..at + n)?;
    part.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// `YYYY-MM-DD` (or `YYYYMMDD`) at the start of `bytes`: the date and how many bytes it took.
fn parse_date_prefix(bytes: &[u8]) -> Option<(i64, u32, u32, usize)> {
    let year = digits(bytes, 0, 4)?;
    let (month, day, used) = if bytes.get(4) == Some(&b'-') {
        let month = digits(bytes, 5, 2)?;
        (bytes.get(7) == Some(&b'-')).then_some(())?;
        (month, digits(bytes, 8, 2)?, 10)
    } else {
        (digits(bytes, 4, 2)?, digits(bytes, 6, 2)?, 8)
    };
    let year = i64::from(year);
    ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
        .then_some((year, month, day, used))
}

/// A date alone, `2024-01-31`: days since the epoch. dlt keeps such strings as text unless a
/// column is typed `date`.
pub fn parse_iso_date(text: &str) -> Option<i32> {
    let bytes = text.trim().as_bytes();
    let (year, month, day, used) = parse_date_prefix(bytes)?;
    (used == bytes.len()).then(|| days_from_civil(year, month, day) as i32)
}

/// `HH:MM[:SS[.ffffff]]` (or `HHMM[SS]`): microseconds since midnight and the bytes it took.
fn parse_time_prefix(bytes: &[u8]) -> Option<(i64, usize)> {
    let hour = digits(bytes, 0, 2)?;
    let extended = bytes.get(2) == Some(&b':');
    let minute_at = if extended { 3 } else { 2 };
    let minute = digits(bytes, minute_at, 2)?;
    let mut at = minute_at + 2;
    let mut second = 0;
    let mut micros = 0i64;
    let second_at = if extended { at + 1 } else { at };
    if (!extended || bytes.get(at) == Some(&b':')) && digits(bytes, second_at, 2).is_some() {
        second = digits(bytes, second_at, 2)?;
        at = second_at + 2;
        if matches!(bytes.get(at), Some(b'.' | b',')) {
            at += 1;
            let start = at;
            let mut scale = 100_000i64;
            while let Some(d) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
                micros += i64::from(d - b'0') * scale;
                scale /= 10;
                at += 1;
            }
            (at > start).then_some(())?;
        }
    }
    (hour < 24 && minute < 60 && second < 61).then_some(())?;
    let total = (i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second.min(59)))
        * MICROS_PER_SECOND
        + micros;
    Some((total, at))
}

fn parse_time(text: &str) -> Option<i64> {
    let (micros, used) = parse_time_prefix(text.as_bytes())?;
    (used == text.len()).then_some(micros)
}

/// An ISO-8601 date and time (`2024-01-31T10:00:00Z`, `2024-01-31 10:00:00.5+02:00`,
/// `20240131T100000Z`, a naive time read as UTC): microseconds since the epoch in UTC.
/// A date alone or a time alone is not a timestamp, as in dlt.
pub fn parse_iso_timestamp(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    // Cheap rejection first: almost every string in a payload is not a date.
    if bytes.len() < 13 || !bytes[0].is_ascii_digit() {
        return None;
    }
    let (year, month, day, mut at) = parse_date_prefix(bytes)?;
    match bytes.get(at) {
        Some(b'T' | b't' | b' ') => at += 1,
        _ => return None,
    }
    let (time, used) = parse_time_prefix(&bytes[at..])?;
    at += used;
    let offset_seconds: i64 = match bytes.get(at) {
        None => 0,
        Some(b'Z' | b'z') if at + 1 == bytes.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let rest = &bytes[at + 1..];
            let hours = digits(rest, 0, 2)?;
            let minutes = match rest.len() {
                2 => 0,
                4 => digits(rest, 2, 2)?,
                5 if rest[2] == b':' => digits(rest, 3, 2)?,
                _ => return None,
            };
            (hours < 24 && minutes < 60).then_some(())?;
            let offset = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'+' {
                offset
            } else {
                -offset
            }
        }
        _ => return None,
    };
    Some(
        days_from_civil(year, month, day) * MICROS_PER_DAY + time
            - offset_seconds * MICROS_PER_SECOND,
    )
}

/// `2024-01-31T10:00:00.000000+00:00`, the shape Python's `isoformat` gives a UTC datetime.
pub fn format_timestamp(micros: i64) -> String {
    let days = micros.div_euclid(MICROS_PER_DAY);
    let rest = micros.rem_euclid(MICROS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let seconds = rest / MICROS_PER_SECOND;
    let fraction = rest % MICROS_PER_SECOND;
    let mut out = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    if fraction != 0 {
        out.push_str(&format!(".{fraction:06}"));
    }
    out.push_str("+00:00");
    out
}

fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(i64::from(days));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn iso_datetimes_are_timestamps_and_dates_alone_are_not() {
        assert_eq!(parse_iso_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_iso_timestamp("1970-01-01T00:00:01.5Z"),
            Some(1_500_000)
        );
        assert_eq!(parse_iso_timestamp("1970-01-01 01:00:00+01:00"), Some(0));
        assert_eq!(
            parse_iso_timestamp("1970-01-01T00:00:00-0130"),
            Some(5_400_000_000)
        );
        assert_eq!(
            parse_iso_timestamp("2024-01-01T00:00:00Z"),
            Some(1_704_067_200_000_000)
        );
        assert_eq!(
            parse_iso_timestamp("20240101T000000Z"),
            Some(1_704_067_200_000_000)
        );
        assert_eq!(
            parse_iso_timestamp("2024-01-01T00:00"),
            Some(1_704_067_200_000_000)
        );
        for not_one in [
            "2024-01-01",
            "10:00:00",
            "2024-02-30T00:00:00Z",
            "2024-01-01T25:00:00Z",
            "hello world, 2024",
            "2024-01-01T00:00:00Zjunk",
            "",
        ] {
            assert_eq!(parse_iso_timestamp(not_one), None, "{not_one:?}");
        }
    }

    #[test]
    fn timestamps_format_back_to_iso() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            format_timestamp(1_704_067_200_500_000),
            "2024-01-01T00:00:00.500000+00:00"
        );
        assert_eq!(format_timestamp(-1), "1969-12-31T23:59:59.999999+00:00");
    }

    #[test]
    fn new_columns_take_the_type_of_their_first_value() {
        assert_eq!(
            infer_type(&json!("2024-01-01T10:00:00Z")),
            Some(DataType::Timestamp)
        );
        assert_eq!(infer_type(&json!("2024-01-01")), Some(DataType::Text));
        assert_eq!(infer_type(&json!(5)), Some(DataType::Bigint));
        assert_eq!(infer_type(&json!(5.5)), Some(DataType::Double));
        assert_eq!(infer_type(&json!(true)), Some(DataType::Bool));
        assert_eq!(infer_type(&json!({"a": 1})), Some(DataType::Json));
        assert_eq!(infer_type(&json!(null)), None);
    }

    /// The coercions of spec §7.4; `None` means a variant column.
    #[test]
    fn values_coerce_into_existing_columns_as_dlt_does() {
        use DataType as T;
        let cases = [
            (T::Double, json!(2), Some(Cell::Double(2.0))),
            (T::Bigint, json!(2.0), Some(Cell::Bigint(2))),
            (T::Bigint, json!(1.5), None),
            (T::Bigint, json!(" 42 "), Some(Cell::Bigint(42))),
            (T::Bigint, json!("0x1f"), Some(Cell::Bigint(31))),
            (T::Bigint, json!("abc"), None),
            (T::Bigint, json!({"a": 1}), None),
            (T::Bigint, json!(true), None),
            (T::Double, json!("1.25"), Some(Cell::Double(1.25))),
            (T::Text, json!(5), Some(Cell::Text("5".into()))),
            (T::Text, json!(true), Some(Cell::Text("True".into()))),
            (T::Text, json!([1, 2]), Some(Cell::Text("[1,2]".into()))),
            (T::Bool, json!(1), Some(Cell::Bool(true))),
            (T::Bool, json!("no"), Some(Cell::Bool(false))),
            (T::Bool, json!("maybe"), None),
            (T::Json, json!("[1, 2]"), Some(Cell::Text("[1,2]".into()))),
            (T::Json, json!("abc"), None),
            (
                T::Timestamp,
                json!("2024-01-01T00:00:00Z"),
                Some(Cell::Timestamp(1_704_067_200_000_000)),
            ),
            (
                T::Timestamp,
                json!(1_704_067_200),
                Some(Cell::Timestamp(1_704_067_200_000_000)),
            ),
            (T::Timestamp, json!("n/a"), None),
            (T::Binary, json!("0x00ff"), Some(Cell::Binary(vec![0, 255]))),
        ];
        for (to, value, expected) in cases {
            assert_eq!(coerce(to, &value), expected, "{value} into {to:?}");
        }
    }
}
