//! The demo credentials, the OAuth2 token endpoint and the checks that guard each resource.
//!
//! These credentials are published on purpose: they protect nothing but a loopback demo, and the
//! first-run connector and the tests need to know them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use base64::Engine as _;

use crate::http::{self, Params};
use crate::records::mix;
use crate::server::DemoState;

/// OAuth2 client id accepted by `POST /oauth/token`.
pub const DEMO_CLIENT_ID: &str = "sluice-demo-client";
/// OAuth2 client secret accepted by `POST /oauth/token`.
pub const DEMO_CLIENT_SECRET: &str = "sluice-demo-secret";
/// API key accepted in the query, a header or a cookie.
pub const DEMO_API_KEY: &str = "sluice-demo-api-key";
/// Static bearer token accepted by `/auth/bearer`.
pub const DEMO_TOKEN: &str = "sluice-demo-token";
/// HTTP basic user accepted by `/auth/basic`.
pub const DEMO_USERNAME: &str = "demo";
/// HTTP basic password accepted by `/auth/basic`.
pub const DEMO_PASSWORD: &str = "sluice-demo-password";
/// Query parameter carrying the API key (the seeds' `"name": "api_key"`).
pub const API_KEY_QUERY_PARAM: &str = "api_key";
/// Header carrying the API key on `/auth/api_key/header`.
pub const API_KEY_HEADER: &str = "X-API-Key";
/// Cookie carrying the API key on `/auth/api_key/cookie`.
pub const API_KEY_COOKIE: &str = "api_key";
/// Path of the OAuth2 token endpoint.
pub const TOKEN_PATH: &str = "/oauth/token";

/// Which credentials a resource demands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    OAuth2,
    Bearer,
    Basic,
    ApiKeyHeader,
    ApiKeyQuery,
    ApiKeyCookie,
    /// The generic seed resource, reachable by the OAuth2 seeds and the API-key seeds alike.
    OAuth2OrApiKeyQuery,
}

/// Issues and checks OAuth2 access tokens without storing them: a token carries its own expiry
/// and revocation generation, signed with a per-server nonce, so checking one takes no lock.
#[derive(Debug)]
pub(crate) struct TokenIssuer {
    started: Instant,
    nonce: u64,
    lifetime: Duration,
    generation: AtomicU64,
    issued: AtomicU64,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Invalid,
    Expired,
    Revoked,
}

impl TokenIssuer {
    pub fn new(seed: u64, lifetime: Duration) -> Self {
        // Tokens of another server (an earlier run on the same port, a neighbour test) must not
        // pass here, so the nonce mixes the clock and a per-process instance counter.
        static INSTANCES: AtomicU64 = AtomicU64::new(0);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let instance = INSTANCES.fetch_add(1, Ordering::Relaxed);
        Self {
            started: Instant::now(),
            nonce: mix(seed, now, instance),
            lifetime,
            generation: AtomicU64::new(0),
            issued: AtomicU64::new(0),
        }
    }

    fn signature(&self, generation: u64, expires_ms: u64, serial: u64) -> u64 {
        mix(self.nonce ^ generation, expires_ms, serial)
    }

    /// A new token and its lifetime in whole seconds for `expires_in`. Sub-second lifetimes
    /// (tests of expiry) are rounded up: OAuth2 has no way to say "300 ms".
    pub fn issue(&self) -> (String, u64) {
        let serial = self.issued.fetch_add(1, Ordering::Relaxed);
        let generation = self.generation.load(Ordering::Relaxed);
        let expires_ms = (self.started.elapsed() + self.lifetime).as_millis() as u64;
        let signature = self.signature(generation, expires_ms, serial);
        let token = format!("sdt.{generation:x}.{expires_ms:x}.{serial:x}.{signature:016x}");
        let lifetime = self.lifetime.as_secs() + u64::from(self.lifetime.subsec_nanos() > 0);
        (token, lifetime)
    }

    pub fn check(&self, token: &str) -> Result<(), TokenProblem> {
        let fields: Vec<&str> = token.split('.').collect();
        let [prefix, generation, expires_ms, serial, signature] = fields[..] else {
            return Err(TokenProblem::Invalid);
        };
        let hex = |text: &str| u64::from_str_radix(text, 16).map_err(|_| TokenProblem::Invalid);
        let (generation, expires_ms, serial) = (hex(generation)?, hex(expires_ms)?, hex(serial)?);
        if prefix != "sdt" || hex(signature)? != self.signature(generation, expires_ms, serial) {
            return Err(TokenProblem::Invalid);
        }
        if generation != self.generation.load(Ordering::Relaxed) {
            return Err(TokenProblem::Revoked);
        }
        if self.started.elapsed().as_millis() as u64 >= expires_ms {
            return Err(TokenProblem::Expired);
        }
        Ok(())
    }

    pub fn revoke_all(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    pub fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }
}

fn unauthorized(challenge: &'static str, code: &str, message: &str) -> Response {
    let mut response = http::error(StatusCode::UNAUTHORIZED, code, message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}

/// The credentials after `scheme ` in the `Authorization` header, scheme compared
/// case-insensitively as RFC 9110 asks.
fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let encoded = authorization(headers, "Basic")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

const BEARER_CHALLENGE: &str = "Bearer realm=\"sluice-demo\"";
const TOKEN_CHALLENGE: &str = "Bearer realm=\"sluice-demo\", error=\"invalid_token\"";
const BASIC_CHALLENGE: &str = "Basic realm=\"sluice-demo\"";
const API_KEY_CHALLENGE: &str = "ApiKey realm=\"sluice-demo\"";

fn check_oauth2(state: &DemoState, headers: &HeaderMap) -> Result<(), Response> {
    let Some(token) = authorization(headers, "Bearer") else {
        return Err(unauthorized(
            BEARER_CHALLENGE,
            "unauthorized",
            "send `Authorization: Bearer <token>` with a token from POST /oauth/token",
        ));
    };
    state.tokens.check(token).map_err(|problem| {
        let message = match problem {
            TokenProblem::Invalid => "the access token is not one this server issued",
            TokenProblem::Expired => "the access token expired; request a new one",
            TokenProblem::Revoked => "the access token was revoked; request a new one",
        };
        unauthorized(TOKEN_CHALLENGE, "invalid_token", message)
    })
}

fn check_api_key(found: Option<&str>, where_: &str) -> Result<(), Response> {
    match found {
        Some(key) if key == DEMO_API_KEY => Ok(()),
        Some(_) => Err(unauthorized(
            API_KEY_CHALLENGE,
            "invalid_api_key",
            "the API key is wrong",
        )),
        None => Err(unauthorized(
            API_KEY_CHALLENGE,
            "unauthorized",
            &format!("send the API key in {where_}"),
        )),
    }
}

/// Lets the request through or answers 401 saying what was wrong (never echoing a credential).
pub(crate) fn require(
    state: &DemoState,
    auth: Auth,
    headers: &HeaderMap,
    params: &Params,
) -> Result<(), Response> {
    match auth {
        Auth::OAuth2 => check_oauth2(state, headers),
        Auth::OAuth2OrApiKeyQuery => match params.get(API_KEY_QUERY_PARAM) {
            Some(key) => check_api_key(Some(key), "the `api_key` query parameter"),
            None => check_oauth2(state, headers),
        },
        Auth::Bearer => match authorization(headers, "Bearer") {
            Some(DEMO_TOKEN) => Ok(()),
            Some(_) => Err(unauthorized(
                TOKEN_CHALLENGE,
                "invalid_token",
                "the bearer token is wrong",
            )),
            None => Err(unauthorized(
                BEARER_CHALLENGE,
                "unauthorized",
                "send `Authorization: Bearer <token>`",
            )),
        },
        Auth::Basic => match basic_credentials(headers) {
            Some((user, password)) if user == DEMO_USERNAME && password == DEMO_PASSWORD => Ok(()),
            Some(_) => Err(unauthorized(
                BASIC_CHALLENGE,
                "invalid_credentials",
                "wrong user name or password",
            )),
            None => Err(unauthorized(
                BASIC_CHALLENGE,
                "unauthorized",
                "send HTTP basic credentials",
            )),
        },
        Auth::ApiKeyHeader => {
            // dlt's api_key default puts the raw key in `Authorization`; accept that name too.
            let key = headers
                .get(API_KEY_HEADER)
                .or_else(|| headers.get(header::AUTHORIZATION))
                .and_then(|value| value.to_str().ok());
            check_api_key(key, "the `X-API-Key` header")
        }
        Auth::ApiKeyQuery => check_api_key(
            params.get(API_KEY_QUERY_PARAM).map(String::as_str),
            "the `api_key` query parameter",
        ),
        Auth::ApiKeyCookie => {
            check_api_key(cookie(headers, API_KEY_COOKIE), "the `api_key` cookie")
        }
    }
}

fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    let body = serde_json::json!({ "error": code, "error_description": description }).to_string();
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(BASIC_CHALLENGE),
        );
    }
    response
}

/// The refresh (`sdr`) or id (`sdi`) token issued beside an access token: the same fields under
/// another prefix, so `/leak/token_echo` can name them from the access token alone.
pub(crate) fn companion_token(access_token: &str, prefix: &str) -> String {
    let fields = access_token.strip_prefix("sdt").unwrap_or(access_token);
    format!("{prefix}{fields}")
}

/// `POST /oauth/token`: the client credentials grant (RFC 6749 section 4.4), with the client
/// authenticated by HTTP basic or by `client_id`/`client_secret` in the form body.
pub(crate) async fn token(
    State(state): State<Arc<DemoState>>,
    headers: HeaderMap,
    form: Result<Form<Params>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "send an application/x-www-form-urlencoded body",
        );
    };
    let client = basic_credentials(&headers).or_else(|| {
        Some((
            form.get("client_id")?.clone(),
            form.get("client_secret")?.clone(),
        ))
    });
    match client {
        Some((id, secret)) if id == DEMO_CLIENT_ID && secret == DEMO_CLIENT_SECRET => {}
        Some(_) => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "unknown client or wrong secret",
            )
        }
        None => return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "authenticate the client with HTTP basic or client_id and client_secret in the body",
        ),
    }
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
            )
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is missing",
            )
        }
    }
    let (access_token, expires_in) = state.tokens.issue();
    let mut body = serde_json::json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": expires_in,
    });
    if let Some(scope) = form.get("scope") {
        body["scope"] = serde_json::Value::from(scope.as_str());
        // As OpenID providers do: `offline_access` adds a refresh token, `openid` an id token.
        // The demo does not take the refresh grant yet; they are here so a client can be checked
        // for keeping every token of an answer hidden (`/leak/token_echo` echoes them).
        let asked = |what: &str| scope.split_whitespace().any(|s| s == what);
        if asked("offline_access") {
            body["refresh_token"] = companion_token(&access_token, "sdr").into();
        }
        if asked("openid") {
            body["id_token"] = companion_token(&access_token, "sdi").into();
        }
    }
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_and_can_be_revoked() {
        let issuer = TokenIssuer::new(1, Duration::from_millis(50));
        let (token, expires_in) = issuer.issue();
        assert_eq!(expires_in, 1, "sub-second lifetimes round up");
        assert_eq!(issuer.check(&token), Ok(()));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(issuer.check(&token), Err(TokenProblem::Expired));

        let issuer = TokenIssuer::new(1, Duration::from_secs(60));
        let (token, _) = issuer.issue();
        issuer.revoke_all();
        assert_eq!(issuer.check(&token), Err(TokenProblem::Revoked));
        let (fresh, _) = issuer.issue();
        assert_eq!(issuer.check(&fresh), Ok(()));
    }

    #[test]
    fn forged_or_foreign_tokens_are_invalid() {
        let issuer = TokenIssuer::new(1, Duration::from_secs(60));
        let other = TokenIssuer::new(1, Duration::from_secs(60));
        let (token, _) = other.issue();
        assert_eq!(
            issuer.check(&token),
            Err(TokenProblem::Invalid),
            "another server's token"
        );
        let (mine, _) = issuer.issue();
        let forged = mine.replacen(".", ".f", 2);
        assert_eq!(issuer.check(&forged), Err(TokenProblem::Invalid));
        assert_eq!(issuer.check(DEMO_TOKEN), Err(TokenProblem::Invalid));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; api_key=abc; x=1"),
        );
        assert_eq!(cookie(&headers, "api_key"), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
