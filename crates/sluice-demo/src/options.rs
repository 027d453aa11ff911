//! What the demo API serves and how badly it behaves, fixed when it starts.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::error::{Error, Result};

/// Record count used when nobody asks for another: enough for ten pages of 100.
pub const DEFAULT_RECORDS: u64 = 1000;
/// The seed used when nobody asks for another, so two default servers serve identical data.
pub const DEFAULT_SEED: u64 = 42;
/// Token lifetime used when nobody asks for another, as common OAuth2 providers do.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// How the demo API is started.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// Port on 127.0.0.1; 0 lets the operating system choose a free one.
    pub port: u16,
    /// Number of records in each record-count-driven resource (paging, marketing, analytics,
    /// database, the generic seed resource and, before any change, tickets).
    pub records: u64,
    /// How long an OAuth2 access token stays valid; sub-second values are allowed for tests.
    pub token_lifetime: Duration,
    /// Drives the records' values and the fault draws; same seed, same bytes on the wire.
    pub seed: u64,
    /// Faults injected into data endpoints.
    pub faults: FaultOptions,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            port: 0,
            records: DEFAULT_RECORDS,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            seed: DEFAULT_SEED,
            faults: FaultOptions::default(),
        }
    }
}

impl DemoOptions {
    pub(crate) fn validate(&self) -> Result<()> {
        if self.records > u64::from(u32::MAX) {
            return Err(Error::InvalidOptions(format!(
                "records must be at most {}, got {}",
                u32::MAX,
                self.records
            )));
        }
        if self.token_lifetime.is_zero() {
            return Err(Error::InvalidOptions(
                "token lifetime must be above zero".into(),
            ));
        }
        self.faults.validate()
    }
}

/// How a `429 Too Many Requests` answer states when to come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryAfterFormat {
    /// `Retry-After: 2`
    Seconds,
    /// `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`
    HttpDate,
    /// Seconds and HTTP dates alternate (chosen by the fault draw), so one run sees both.
    #[default]
    Mixed,
}

impl FromStr for RetryAfterFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "seconds" | "secs" => Ok(Self::Seconds),
            "date" | "http-date" => Ok(Self::HttpDate),
            "mixed" | "both" => Ok(Self::Mixed),
            _ => Err("expected seconds, date or mixed".into()),
        }
    }
}

impl fmt::Display for RetryAfterFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Seconds => "seconds",
            Self::HttpDate => "date",
            Self::Mixed => "mixed",
        })
    }
}

/// Faults injected into the data endpoints, each as a share of request attempts (0.0 to 1.0).
///
/// Parsed from a comma-separated string, the syntax of `sluice demo serve --faults`:
///
/// | option | meaning | default |
/// |---|---|---|
/// | `5xx=0.1` | share answered 500, 502, 503 or 504 | 0 |
/// | `429=0.05` | share answered 429 with `Retry-After` | 0 |
/// | `retry-after=2` | seconds the 429 asks to wait | 1 |
/// | `retry-after-format=seconds\|date\|mixed` | how `Retry-After` is written | mixed |
/// | `slow=0.1` | share answered late (otherwise normally) | 0 |
/// | `slow-delay=250ms` | how late (`ms` or `s`) | 200ms |
/// | `malformed=0.01` | share answered 200 with invalid JSON | 0 |
/// | `truncated=0.01` | share answered 200 with the JSON cut in half (well framed) | 0 |
/// | `html=0.01` | share answered 200 with an HTML error page | 0 |
/// | `close=0.01` | share whose connection is closed mid-body | 0 |
/// | `max-per-request=2` | faults in a row for one request before it is let through | 2 |
/// | `token` | also inject faults into `POST /oauth/token` | off |
///
/// Shares may be written as fractions (`0.1`) or percentages (`10%`) and must add up to at most 1.
/// An empty string means no faults. The same request (method, path, query and body) sees the same
/// sequence of faults on its successive attempts for a given seed, whatever else runs concurrently;
/// with the default `max-per-request=2`, a client making 4 attempts (dlt's 3 retries) always
/// gets every page.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultOptions {
    pub server_errors: f64,
    pub rate_limits: f64,
    pub retry_after_secs: u64,
    pub retry_after_format: RetryAfterFormat,
    pub slow: f64,
    pub slow_delay: Duration,
    pub malformed_json: f64,
    pub truncated_body: f64,
    pub html_error_page: f64,
    pub connection_close: f64,
    pub max_faults_per_request: u32,
    pub on_token_endpoint: bool,
}

impl Default for FaultOptions {
    fn default() -> Self {
        Self {
            server_errors: 0.0,
            rate_limits: 0.0,
            retry_after_secs: 1,
            retry_after_format: RetryAfterFormat::default(),
            slow: 0.0,
            slow_delay: Duration::from_millis(200),
            malformed_json: 0.0,
            truncated_body: 0.0,
            html_error_page: 0.0,
            connection_close: 0.0,
            max_faults_per_request: 2,
            on_token_endpoint: false,
        }
    }
}

impl FaultOptions {
    /// No faults at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether any request can be disturbed.
    pub fn is_enabled(&self) -> bool {
        self.total_share() > 0.0 && self.max_faults_per_request > 0
    }

    pub(crate) fn total_share(&self) -> f64 {
        self.shares().iter().map(|(_, share)| share).sum()
    }

    fn shares(&self) -> [(&'static str, f64); 7] {
        [
            ("5xx", self.server_errors),
            ("429", self.rate_limits),
            ("slow", self.slow),
            ("malformed", self.malformed_json),
            ("truncated", self.truncated_body),
            ("html", self.html_error_page),
            ("close", self.connection_close),
        ]
    }

    pub(crate) fn validate(&self) -> Result<()> {
        for (name, share) in self.shares() {
            if !(0.0..=1.0).contains(&share) {
                return Err(Error::InvalidFaultOption {
                    option: name.into(),
                    reason: format!("a share must be between 0 and 1, got {share}"),
                });
            }
        }
        let total = self.total_share();
        // A little slack so that e.g. seven shares of 1/7 written as decimals still pass.
        if total > 1.0 + 1e-9 {
            return Err(Error::InvalidFaultOption {
                option: self.to_string(),
                reason: format!("the shares add up to {total}, more than 1"),
            });
        }
        Ok(())
    }
}

impl FromStr for FaultOptions {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let mut faults = FaultOptions::default();
        for option in spec.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            let (name, value) = match option.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim())),
                None => (option, None),
            };
            let invalid = |reason: &str| Error::InvalidFaultOption {
                option: option.to_string(),
                reason: reason.to_string(),
            };
            let required = || value.ok_or_else(|| invalid("expected name=value"));
            match name {
                "5xx" => {
                    faults.server_errors = parse_share(required()?).map_err(|r| invalid(&r))?
                }
                "429" => faults.rate_limits = parse_share(required()?).map_err(|r| invalid(&r))?,
                "slow" => faults.slow = parse_share(required()?).map_err(|r| invalid(&r))?,
                "malformed" => {
                    faults.malformed_json = parse_share(required()?).map_err(|r| invalid(&r))?
                }
                "truncated" => {
                    faults.truncated_body = parse_share(required()?).map_err(|r| invalid(&r))?
                }
                "html" => {
                    faults.html_error_page = parse_share(required()?).map_err(|r| invalid(&r))?
                }
                "close" => {
                    faults.connection_close = parse_share(required()?).map_err(|r| invalid(&r))?
                }
                "retry-after" => {
                    faults.retry_after_secs = required()?
                        .parse()
                        .map_err(|_| invalid("expected a whole number of seconds"))?
                }
                "retry-after-format" => {
                    faults.retry_after_format =
                        required()?.parse().map_err(|r: String| invalid(&r))?
                }
                "slow-delay" => {
                    faults.slow_delay = parse_duration(required()?).map_err(|r| invalid(&r))?
                }
                "max-per-request" => {
                    faults.max_faults_per_request = required()?
                        .parse()
                        .map_err(|_| invalid("expected a whole number"))?
                }
                "token" => {
                    faults.on_token_endpoint = match value {
                        None | Some("true" | "yes" | "1") => true,
                        Some("false" | "no" | "0") => false,
                        Some(_) => return Err(invalid("expected true or false")),
                    }
                }
                _ => {
                    return Err(invalid(
                        "unknown option; expected one of 5xx, 429, retry-after, \
                         retry-after-format, slow, slow-delay, malformed, truncated, html, close, \
                         max-per-request, token",
                    ))
                }
            }
        }
        faults.validate()?;
        Ok(faults)
    }
}

/// Writes the options back in the syntax [`FaultOptions::from_str`] reads, listing only what
/// differs from the defaults, so the CLI can echo what it is running with.
impl fmt::Display for FaultOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let defaults = FaultOptions::default();
        let mut parts = Vec::new();
        for (name, share) in self.shares() {
            if share > 0.0 {
                parts.push(format!("{name}={share}"));
            }
        }
        if self.retry_after_secs != defaults.retry_after_secs {
            parts.push(format!("retry-after={}", self.retry_after_secs));
        }
        if self.retry_after_format != defaults.retry_after_format {
            parts.push(format!("retry-after-format={}", self.retry_after_format));
        }
        if self.slow_delay != defaults.slow_delay {
            parts.push(format!("slow-delay={}ms", self.slow_delay.as_millis()));
        }
        if self.max_faults_per_request != defaults.max_faults_per_request {
            parts.push(format!("max-per-request={}", self.max_faults_per_request));
        }
        if self.on_token_endpoint {
            parts.push("token".into());
        }
        f.write_str(&parts.join(","))
    }
}

fn parse_share(value: &str) -> std::result::Result<f64, String> {
    let (number, scale) = match value.strip_suffix('%') {
        Some(number) => (number, 100.0),
        None => (value, 1.0),
    };
    let share = number
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("expected a share like 0.1 or 10%, got `{value}`"))?
        / scale;
    if !(0.0..=1.0).contains(&share) {
        return Err(format!("a share must be between 0 and 1, got `{value}`"));
    }
    Ok(share)
}

fn parse_duration(value: &str) -> std::result::Result<Duration, String> {
    let bad = || format!("expected a duration like 250ms or 2s, got `{value}`");
    if let Some(ms) = value.strip_suffix("ms") {
        return ms
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| bad());
    }
    let secs = value.strip_suffix('s').unwrap_or(value);
    let secs = secs.trim().parse::<f64>().map_err(|_| bad())?;
    Duration::try_from_secs_f64(secs).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_option() {
        let faults: FaultOptions = "5xx=0.1, 429=5%, retry-after=3, retry-after-format=date, \
             slow=0.05, slow-delay=150ms, malformed=0.01, truncated=0.02, html=0.03, close=0.04, \
             max-per-request=3, token"
            .parse()
            .expect("valid spec");
        assert_eq!(faults.server_errors, 0.1);
        assert_eq!(faults.rate_limits, 0.05);
        assert_eq!(faults.retry_after_secs, 3);
        assert_eq!(faults.retry_after_format, RetryAfterFormat::HttpDate);
        assert_eq!(faults.slow, 0.05);
        assert_eq!(faults.slow_delay, Duration::from_millis(150));
        assert_eq!(faults.malformed_json, 0.01);
        assert_eq!(faults.truncated_body, 0.02);
        assert_eq!(faults.html_error_page, 0.03);
        assert_eq!(faults.connection_close, 0.04);
        assert_eq!(faults.max_faults_per_request, 3);
        assert!(faults.on_token_endpoint);
        assert!(faults.is_enabled());
    }

    #[test]
    fn display_round_trips() {
        let faults: FaultOptions =
            "5xx=0.25,429=0.1,retry-after-format=seconds,slow-delay=2s,token"
                .parse()
                .expect("ok");
        let again: FaultOptions = faults.to_string().parse().expect("display output parses");
        assert_eq!(faults, again);
    }

    #[test]
    fn empty_spec_means_no_faults() {
        let faults: FaultOptions = "".parse().expect("empty is valid");
        assert_eq!(faults, FaultOptions::none());
        assert!(!faults.is_enabled());
    }

    #[test]
    fn rejects_bad_specs_naming_the_option() {
        for (spec, needle) in [
            ("5xx=2", "5xx=2"),
            ("5xx=0.6,429=0.6", "more than 1"),
            ("teapot=0.1", "unknown option"),
            ("slow-delay=soon", "slow-delay=soon"),
            ("429", "expected name=value"),
            ("retry-after-format=weekly", "seconds, date or mixed"),
        ] {
            let err = spec.parse::<FaultOptions>().expect_err(spec).to_string();
            assert!(err.contains(needle), "error for `{spec}` was `{err}`");
        }
    }
}
