//! Credentials of a resource, resolved from the connector's auth config and its secrets, and the
//! OAuth2 client-credentials token they may lead to.

use std::time::{Duration, Instant};

use sluice_config::{ApiKeyLocation, Auth, AuthConfig, AuthType, ClientAuth, TextOrRef, ValueRef};
use sluice_secrets::{Redactor, SecretValue};
use tokio::sync::Mutex;

use crate::error::{Error, Result};

/// Looks up a secret by its name in the connector. Production passes a [`StoreSecrets`] (the
/// keychain, with `SLUICE_SECRET_<NAME>` overrides); tests pass a closure.
pub trait SecretResolver: Send + Sync {
    fn resolve(&self, name: &str) -> std::result::Result<SecretValue, String>;
}

impl<F> SecretResolver for F
where
    F: Fn(&str) -> std::result::Result<SecretValue, String> + Send + Sync,
{
    fn resolve(&self, name: &str) -> std::result::Result<SecretValue, String> {
        self(name)
    }
}

/// The secrets of one connector in the OS keychain (see `SecretStore::resolve`).
pub struct StoreSecrets {
    pub store: sluice_secrets::SecretStore,
    pub connector: String,
}

impl SecretResolver for StoreSecrets {
    fn resolve(&self, name: &str) -> std::result::Result<SecretValue, String> {
        self.store
            .resolve(&self.connector, name)
            .map_err(|error| error.to_string())
    }
}

/// What a request carries to prove who sends it.
pub(crate) enum Credentials {
    None,
    Bearer(SecretValue),
    ApiKey {
        name: String,
        key: SecretValue,
        location: ApiKeyLocation,
    },
    Basic {
        username: SecretValue,
        password: SecretValue,
    },
    OAuth2(OAuth2),
}

impl Credentials {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Credentials::None => "no auth",
            Credentials::Bearer(_) => AuthType::Bearer.as_str(),
            Credentials::ApiKey { .. } => AuthType::ApiKey.as_str(),
            Credentials::Basic { .. } => AuthType::HttpBasic.as_str(),
            Credentials::OAuth2(_) => AuthType::Oauth2ClientCredentials.as_str(),
        }
    }
}

/// OAuth2 client credentials and the cached access token.
pub(crate) struct OAuth2 {
    pub(crate) token_url: String,
    pub(crate) client_id: SecretValue,
    pub(crate) client_secret: SecretValue,
    /// How the client authenticates to the token endpoint: form body (dlt's way) or HTTP basic.
    pub(crate) client_auth: ClientAuth,
    /// Extra form fields (`scope`, `audience`, ...); they may override `grant_type`.
    pub(crate) extra: Vec<(String, String)>,
    pub(crate) default_expiration: Duration,
    pub(crate) token: Mutex<Option<AccessToken>>,
}

pub(crate) struct AccessToken {
    pub(crate) value: SecretValue,
    /// When to fetch a new one: before the server's expiry, by [`refresh_margin`].
    pub(crate) refresh_at: Instant,
}

/// How long before its expiry a token is replaced: a tenth of its lifetime, at most a minute, so
/// a request never leaves with a token that dies on the way.
pub fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

/// dlt's default lifetime of a token whose response has no `expires_in`.
const DEFAULT_TOKEN_EXPIRATION: u64 = 3600;

/// Resolves every field of `auth`; every secret value is registered with the redactor first.
pub(crate) fn credentials(
    auth: Option<&Auth>,
    secrets: &dyn SecretResolver,
    redactor: &Redactor,
) -> Result<Credentials> {
    // `is_secret`: the field holds a credential, so its value is redacted however it was given;
    // other fields (the token URL) only when they came from the keychain.
    let lookup_field = |field: &str, value: Option<&TextOrRef>, is_secret: bool| {
        let (value, from_secrets) = match value {
            Some(TextOrRef::Text(text)) => (SecretValue::new(text.clone()), false),
            Some(TextOrRef::Ref(reference)) => {
                (resolve(secrets, reference.name())?, reference.is_secret())
            }
            // dlt takes a field the config leaves out from its secrets under the field's name.
            None => (resolve(secrets, field)?, true),
        };
        if is_secret || from_secrets {
            redactor.add(value.expose());
        }
        Ok::<_, Error>(value)
    };
    let lookup = |field: &str, value: Option<&TextOrRef>| lookup_field(field, value, true);
    let config = match auth {
        None => return Ok(Credentials::None),
        Some(Auth::Type(kind)) => match kind {
            AuthType::Bearer => AuthConfig::Bearer(Default::default()),
            AuthType::ApiKey => AuthConfig::ApiKey(Default::default()),
            AuthType::HttpBasic => {
                let username = lookup("username", None)?;
                let password = lookup("password", None)?;
                register_basic(redactor, &username, &password);
                return Ok(Credentials::Basic { username, password });
            }
            AuthType::Oauth2ClientCredentials => {
                AuthConfig::Oauth2ClientCredentials(Default::default())
            }
        },
        Some(Auth::Config(config)) => config.clone(),
    };
    Ok(match config {
        AuthConfig::Bearer(bearer) => Credentials::Bearer(lookup("token", bearer.token.as_ref())?),
        AuthConfig::ApiKey(api_key) => Credentials::ApiKey {
            name: api_key.name.unwrap_or_else(|| "Authorization".to_owned()),
            key: lookup("api_key", api_key.api_key.as_ref())?,
            location: api_key.location.unwrap_or(ApiKeyLocation::Header),
        },
        AuthConfig::HttpBasic(basic) => {
            let username = lookup("username", Some(&basic.username))?;
            let password = lookup("password", Some(&basic.password))?;
            register_basic(redactor, &username, &password);
            Credentials::Basic { username, password }
        }
        AuthConfig::Oauth2ClientCredentials(oauth) => {
            let token_url =
                lookup_field("access_token_url", oauth.access_token_url.as_ref(), false)?;
            let extra = oauth
                .access_token_request_data
                .unwrap_or_default()
                .into_iter()
                .map(|(key, value)| {
                    let value = match ValueRef::from_json(&value) {
                        Some(reference) => look_up(secrets, redactor, &reference)?,
                        None => match value {
                            serde_json::Value::String(text) => text,
                            other => other.to_string(),
                        },
                    };
                    Ok((key, value))
                })
                .collect::<Result<_>>()?;
            let client_id = lookup("client_id", oauth.client_id.as_ref())?;
            let client_secret = lookup("client_secret", oauth.client_secret.as_ref())?;
            let client_auth = oauth.client_auth.unwrap_or_default();
            if client_auth == ClientAuth::Basic {
                register_basic(redactor, &client_id, &client_secret);
            }
            Credentials::OAuth2(OAuth2 {
                token_url: token_url.expose().to_owned(),
                client_id,
                client_secret,
                client_auth,
                extra,
                default_expiration: Duration::from_secs(
                    oauth
                        .default_token_expiration
                        .unwrap_or(DEFAULT_TOKEN_EXPIRATION),
                ),
                // dlt replaces a configured `access_token` on the first request anyway.
                token: Mutex::new(None),
            })
        }
    })
}

/// Registers basic-auth credentials, including the exact `Authorization: Basic` value the
/// request carries, so a captured header is hidden whole rather than around the redactor's
/// other encodings.
fn register_basic(redactor: &Redactor, username: &SecretValue, password: &SecretValue) {
    use base64::Engine as _;
    redactor.add_basic_auth(username.expose(), password.expose());
    // A SecretValue, so the joined text is wiped when dropped.
    let joined = SecretValue::new(format!("{}:{}", username.expose(), password.expose()));
    redactor.add(&base64::engine::general_purpose::STANDARD.encode(joined.expose()));
}

/// The value a `{"$secret": ...}` or `{"$config": ...}` stands for; a secret's is registered
/// with the redactor before anything can show it.
pub(crate) fn look_up(
    secrets: &dyn SecretResolver,
    redactor: &Redactor,
    reference: &ValueRef,
) -> Result<String> {
    let value = resolve(secrets, reference.name())?;
    if reference.is_secret() {
        redactor.add(value.expose());
    }
    Ok(value.expose().to_owned())
}

fn resolve(secrets: &dyn SecretResolver, name: &str) -> Result<SecretValue> {
    secrets.resolve(name).map_err(|reason| Error::Secret {
        name: name.to_owned(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_is_a_tenth_capped_at_a_minute() {
        assert_eq!(
            refresh_margin(Duration::from_secs(1)),
            Duration::from_millis(100)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(300)),
            Duration::from_secs(30)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(3600)),
            Duration::from_secs(60)
        );
    }
}
