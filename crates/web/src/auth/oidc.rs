//! Optional sign-in with OpenID Connect (NHS CIS2 is an OpenID Connect provider), through the
//! maintained `openidconnect` crate: discovery, the authorization code flow with PKCE (S256) and a
//! nonce, and the ID token's signature (from the provider's published keys), issuer, audience,
//! expiry and nonce checked. The flow's state, nonce and PKCE verifier travel in a short-lived
//! `HttpOnly` cookie bound to the browser that started it, so any server process sharing the
//! database can finish the sign-in. The e-mail claim is taken from the ID token or, when the
//! provider keeps it out of the ID token, from its user info endpoint (subject checked).
//!
//! Who may sign in is decided in one place, `linkwork_app::accounts::sessions`: the identity must
//! match an existing, active account, by the identity it was linked to (issuer and subject) or,
//! the first time, by a verified e-mail claim. Accounts are never created from a sign-in.

use linkwork_app::store::{Store, User};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::url::Url;
use openidconnect::{
    AuthorizationCode, ClientId, OAuth2TokenResponse, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The cookie carrying an unfinished sign-in (state, nonce and PKCE verifier).
pub const FLOW_COOKIE: &str = "linkwork_oidc";
/// How long a person has to sign in at the provider.
pub const FLOW_SECONDS: i64 = 600;
/// The callback path registered with the provider, under the public URL.
pub const CALLBACK_PATH: &str = "/login/oidc/callback";
/// Provider metadata and keys are fetched again after this, so rotated keys are picked up.
const METADATA_MAX_AGE: Duration = Duration::from_secs(3600);

/// How this server signs people in with OpenID Connect.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The provider's issuer URL, e.g. `https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// The provider's name on the sign-in button ("Sign in with …").
    pub provider_name: String,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
}

impl OidcSettings {
    /// Checks the issuer and redirect URLs: HTTPS, or plain HTTP only to this machine (a
    /// provider started by the tests, or a local one).
    pub fn check(&self, public_url: &str) -> Result<(), String> {
        let issuer = Url::parse(&self.issuer).map_err(|e| format!("the OpenID Connect issuer {:?} is not a URL: {e}", self.issuer))?;
        check_transport(&issuer, "issuer")?;
        redirect_url(public_url)?;
        if self.client_id.trim().is_empty() {
            return Err("the OpenID Connect client id is empty".into());
        }
        Ok(())
    }
}

/// HTTPS, or HTTP to a loopback address only.
fn check_transport(url: &Url, what: &str) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(format!("the OpenID Connect {what} {url} must use https (plain http is allowed only to this machine, for tests)")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(openidconnect::url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(openidconnect::url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(openidconnect::url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn redirect_url(public_url: &str) -> Result<RedirectUrl, String> {
    RedirectUrl::new(format!("{}{CALLBACK_PATH}", public_url.trim_end_matches('/'))).map_err(|e| format!("the public URL {public_url:?} does not make a redirect URL: {e}"))
}

/// Why a sign-in through the provider did not work. The message is for logs (no personal data);
/// people see a fixed sentence.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the provider could not be reached or described itself wrongly: {0}")]
    Provider(String),
    #[error("the sign-in was not started here, or took too long")]
    State,
    #[error("the provider refused or failed the sign-in: {0}")]
    Refused(String),
    #[error("the ID token did not pass its checks: {0}")]
    Token(String),
}

/// An identity the provider vouched for, its ID token checked.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    /// The e-mail claim, only when the provider says it is verified.
    pub verified_email: Option<String>,
}

type Client = CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// The OpenID Connect relying party of this server.
pub struct Oidc {
    settings: OidcSettings,
    public_url: String,
    http: openidconnect::reqwest::Client,
    provider: Mutex<Option<(Instant, Arc<Client>)>>,
}

/// What the flow cookie holds: the values the callback must see again.
struct Flow {
    state: String,
    nonce: String,
    verifier: String,
}

impl Flow {
    fn encode(&self) -> String {
        // All three are URL-safe base64, which has no '.'.
        format!("{}.{}.{}", self.state, self.nonce, self.verifier)
    }

    fn decode(raw: &str) -> Option<Self> {
        let mut parts = raw.split('.');
        let (state, nonce, verifier) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || state.is_empty() || nonce.is_empty() || verifier.is_empty() {
            return None;
        }
        Some(Self { state: state.to_owned(), nonce: nonce.to_owned(), verifier: verifier.to_owned() })
    }
}

impl Oidc {
    pub fn new(settings: OidcSettings, public_url: &str) -> Self {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer point this server anywhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Self { settings, public_url: public_url.trim_end_matches('/').to_owned(), http, provider: Mutex::new(None) }
    }

    pub fn provider_name(&self) -> &str {
        &self.settings.provider_name
    }

    /// The provider's client, discovered on first use and again once an hour.
    async fn client(&self, refresh: bool) -> Result<Arc<Client>, OidcError> {
        let mut cached = self.provider.lock().await;
        if let Some((at, client)) = cached.as_ref() {
            if !refresh && at.elapsed() < METADATA_MAX_AGE {
                return Ok(client.clone());
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| OidcError::Provider(e.to_string()))?;
        // Discovery also checks that the document names this issuer.
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(|e| OidcError::Provider(error_chain(&e)))?;
        check_transport(metadata.authorization_endpoint().url(), "authorization endpoint").map_err(OidcError::Provider)?;
        check_transport(metadata.jwks_uri().url(), "key set URL").map_err(OidcError::Provider)?;
        if let Some(url) = metadata.userinfo_endpoint() {
            check_transport(url.url(), "user info endpoint").map_err(OidcError::Provider)?;
        }
        match metadata.token_endpoint() {
            Some(url) => check_transport(url.url(), "token endpoint").map_err(OidcError::Provider)?,
            None => return Err(OidcError::Provider("the provider has no token endpoint".into())),
        }
        let client = CoreClient::from_provider_metadata(metadata, ClientId::new(self.settings.client_id.clone()), Some(ClientSecret::new(self.settings.client_secret.clone())))
            .set_redirect_uri(redirect_url(&self.public_url).map_err(OidcError::Provider)?);
        let client = Arc::new(client);
        *cached = Some((Instant::now(), client.clone()));
        Ok(client)
    }

    /// Starts a sign-in: the provider's authorization URL to send the browser to, and the value
    /// of the flow cookie to set.
    pub async fn begin(&self) -> Result<(Url, String), OidcError> {
        let client = self.client(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random).set_pkce_challenge(challenge);
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let flow = Flow { state: state.secret().clone(), nonce: nonce.secret().clone(), verifier: verifier.secret().clone() };
        Ok((url, flow.encode()))
    }

    /// Finishes a sign-in: checks the returned state against the flow cookie, exchanges the code
    /// (with the PKCE verifier) and checks the ID token.
    pub async fn finish(&self, code: &str, state: &str, flow_cookie: Option<&str>) -> Result<Identity, OidcError> {
        let flow = flow_cookie.and_then(Flow::decode).ok_or(OidcError::State)?;
        if !super::constant_time_eq(&flow.state, state) {
            return Err(OidcError::State);
        }
        let client = self.client(false).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Refused(error_chain(&e)))?;
        let id_token = response.id_token().ok_or_else(|| OidcError::Token("the provider sent no ID token".into()))?;
        let nonce = Nonce::new(flow.nonce);
        let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            Err(first) => {
                // The provider may have rotated its keys since they were fetched: fetch once more.
                let client = self.client(true).await?;
                let verifier = client.id_token_verifier();
                let claims = id_token.claims(&verifier, &nonce).map_err(|_| OidcError::Token(first.to_string()))?.clone();
                claims
            }
        };
        let mut verified_email = verified(claims.email(), claims.email_verified());
        if verified_email.is_none() {
            // Many providers put the e-mail claim in the user info only (the ID token stays small).
            if let Ok(request) = client.user_info(response.access_token().clone(), Some(claims.subject().clone())) {
                let info: CoreUserInfoClaims = request.request_async(&self.http).await.map_err(|e| OidcError::Provider(error_chain(&e)))?;
                verified_email = verified(info.email(), info.email_verified());
            }
        }
        Ok(Identity { issuer: claims.issuer().as_str().to_owned(), subject: claims.subject().as_str().to_owned(), verified_email })
    }
}

/// The e-mail claim, lower-cased, if the provider says it is verified.
fn verified(email: Option<&openidconnect::EndUserEmail>, email_verified: Option<bool>) -> Option<String> {
    match (email, email_verified) {
        (Some(email), Some(true)) => Some(email.as_str().trim().to_lowercase()),
        _ => None,
    }
}

/// An error with its causes, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

pub use linkwork_app::accounts::sessions::Refusal;

/// The active account this identity signs in as (decided by
/// [`linkwork_app::accounts::sessions::single_sign_on_account`]).
pub async fn account_for(store: &dyn Store, identity: &Identity) -> Result<Result<User, Refusal>, linkwork_app::AppError> {
    linkwork_app::accounts::sessions::single_sign_on_account(store, &identity.issuer, &identity.subject, identity.verified_email.as_deref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(issuer: &str) -> OidcSettings {
        OidcSettings { issuer: issuer.into(), client_id: "linkwork".into(), client_secret: "s".into(), provider_name: "Test".into(), scopes: vec![] }
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(settings("https://idp.example.org").check("https://linkwork.example.org").is_ok());
        assert!(settings("http://127.0.0.1:4000").check("http://127.0.0.1:8080").is_ok());
        assert!(settings("http://localhost:4000").check("http://localhost:8080").is_ok());
        assert!(settings("http://[::1]:4000").check("http://localhost:8080").is_ok());
        let err = settings("http://idp.example.org").check("https://linkwork.example.org").unwrap_err();
        assert!(err.contains("must use https"), "{err}");
        assert!(settings("http://10.0.0.1").check("https://linkwork.example.org").is_err());
        assert!(settings("not a url").check("https://linkwork.example.org").is_err());
    }

    #[test]
    fn flow_cookie_round_trip() {
        let flow = Flow { state: "s1".into(), nonce: "n2".into(), verifier: "v3".into() };
        let back = Flow::decode(&flow.encode()).unwrap();
        assert_eq!((back.state.as_str(), back.nonce.as_str(), back.verifier.as_str()), ("s1", "n2", "v3"));
        assert!(Flow::decode("a.b").is_none());
        assert!(Flow::decode("a.b.c.d").is_none());
        assert!(Flow::decode("..").is_none());
    }
}
