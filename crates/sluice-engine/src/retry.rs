//! When a failed attempt is retried and how long to wait first, from the connector's
//! [`RetryPolicy`]. Sleeping goes through [`Sleeper`] so tests can run retries without waiting.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use sluice_config::RetryPolicy;

/// Waits between attempts. Production uses Tokio's timer; tests pass one that records the waits.
pub trait Sleeper: Send + Sync + 'static {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Really waits.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Wait before retry `retry` (1 after the first failure): `factor * 2^(retry-1)` seconds,
/// between zero and the policy's cap.
pub fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let exponent = i32::try_from(retry.saturating_sub(1))
        .unwrap_or(i32::MAX)
        .min(1000);
    let seconds = policy.backoff_factor * 2f64.powi(exponent);
    clamp_seconds(seconds, policy.max_delay_seconds)
}

/// The wait a `Retry-After` value asks for (seconds or an HTTP date), at most the policy's cap.
/// `None` when the value is neither, or asks for no wait at all (`0`, a date in the past): the
/// caller then backs off as for any other failure, as dlt 1.31 does (dlt-hub/dlt#4036), so a
/// busy server is not hit again at once until every attempt is spent.
pub fn retry_after(policy: &RetryPolicy, value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let seconds = match value.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() => seconds,
        _ => {
            let date = httpdate::parse_http_date(value).ok()?;
            date.duration_since(now).map_or(0.0, |d| d.as_secs_f64())
        }
    };
    (seconds > 0.0).then(|| clamp_seconds(seconds, policy.max_delay_seconds))
}

/// No single wait is longer than this, whatever the policy says (a typo must not hang a run).
const LONGEST_WAIT_SECONDS: f64 = 24.0 * 3600.0;

fn clamp_seconds(seconds: f64, cap: f64) -> Duration {
    let cap = if cap.is_finite() {
        cap.clamp(0.0, LONGEST_WAIT_SECONDS)
    } else {
        0.0
    };
    let seconds = if seconds.is_finite() { seconds } else { cap };
    Duration::from_secs_f64(seconds.clamp(0.0, cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(factor: f64, cap: f64) -> RetryPolicy {
        RetryPolicy {
            backoff_factor: factor,
            max_delay_seconds: cap,
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn backoff_doubles_from_the_factor_and_is_capped() {
        let p = policy(2.0, 300.0);
        let waits: Vec<f64> = (1..=4).map(|n| backoff(&p, n).as_secs_f64()).collect();
        assert_eq!(waits, vec![2.0, 4.0, 8.0, 16.0]);
        assert_eq!(backoff(&policy(2.0, 5.0), 3), Duration::from_secs(5));
        assert_eq!(backoff(&policy(1.0, 300.0), 50), Duration::from_secs(300));
        assert_eq!(backoff(&policy(-1.0, 300.0), 1), Duration::ZERO);
        assert_eq!(
            backoff(&policy(1.0, 1e300), 5000),
            Duration::from_secs(24 * 3600)
        );
    }

    /// dlt 1.31: `Retry-After: 0` and a date in the past fall back to backoff (`None` here).
    #[test]
    fn retry_after_seconds_dates_zero_and_cap() {
        let p = policy(2.0, 60.0);
        let now = SystemTime::now();
        assert_eq!(retry_after(&p, "3", now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&p, "0", now), None);
        assert_eq!(retry_after(&p, " 0 ", now), None);
        assert_eq!(retry_after(&p, "3600", now), Some(Duration::from_secs(60)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(10));
        let wait = retry_after(&p, &later, now).expect("a date");
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        assert_eq!(retry_after(&p, &past, now), None);
        assert_eq!(retry_after(&p, &httpdate::fmt_http_date(now), now), None);
        assert_eq!(retry_after(&p, "soon", now), None);
    }
}
