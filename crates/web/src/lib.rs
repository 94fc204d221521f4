//! Linkwork's web shell: the browser UI (server-rendered HTML in the NHS.UK design system) and the
//! JSON API (described by OpenAPI at `/api/openapi.json`), both thin layers over
//! [`casework`] use cases, the storage traits and the domain core.
//!
//! Layout: `auth/` (who is asking: sessions, CSRF, bearer tokens, passwords), `forms.rs` (reading
//! and checking submitted fields), `casework.rs` (the use cases both UIs share, with the access
//! rules applied), `pages/` (HTML routes, one file per area), `api/` (JSON routes), `views.rs` (the
//! askama templates' data), `error.rs` (the one error type of this layer).

pub mod api;
mod assets;
mod auth;
mod boundary;
mod contact_details;
mod error;
pub mod fhir;
pub mod notifier;
mod once;
pub mod oruk;
pub(crate) mod pages;
pub use pages::privacy::subject_access_document;
mod routes;
mod views;

pub use routes::Route;

use axum::extract::MatchedPath;
use axum::http::{header, HeaderValue, Request};
use axum::Router;
use linkwork_app::store::Store;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::WebError;

/// Settings of the web shell.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (only sent over HTTPS, and to http://localhost by browsers).
    pub secure_cookies: bool,
    /// The address people and systems reach the server at (`--public-url`), e.g.
    /// `https://linkwork.example.org`: the links in password e-mails, the OpenID Connect redirect,
    /// and the base of FHIR `Location`/`Link` headers and Bundle `fullUrl`s. Never taken from a
    /// request's `Host` header, which the client chooses.
    pub public_url: String,
    /// E-mail is delivered (SMTP is configured): password links are then e-mailed to the person
    /// rather than shown to the administrator.
    pub email_enabled: bool,
    /// Sign-in through an OpenID Connect provider (NHS CIS2), besides passwords.
    pub oidc: Option<OidcSettings>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`; see
    /// `auth::ClientAddress`). Empty: the connection's own address is the client's.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: true, public_url: "http://localhost:8080".into(), email_enabled: false, oidc: None, trusted_proxies: Vec::new() }
    }
}

impl WebConfig {
    /// Checks what can be checked before serving (the OpenID Connect URLs).
    pub fn check(&self) -> anyhow::Result<()> {
        if let Some(oidc) = &self.oidc {
            oidc.check(&self.public_url).map_err(anyhow::Error::msg)?;
        }
        Ok(())
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<WebConfig>,
    /// The OpenID Connect relying party, when configured.
    pub oidc: Option<Arc<auth::Oidc>>,
    /// The dashboard's figures, kept while the data they were computed from is current.
    pub dashboards: Arc<linkwork_app::dashboard::DashboardCache>,
}

/// The whole application: pages, API, assets, with security headers and request tracing that
/// records the route pattern only (never a path with ids or a query string with search terms).
pub fn app(store: Arc<dyn Store>, config: WebConfig) -> Router {
    let oidc = config.oidc.clone().map(|settings| Arc::new(auth::Oidc::new(settings, &config.public_url)));
    let state = AppState { store, config: Arc::new(config), oidc, dashboards: Arc::new(linkwork_app::dashboard::DashboardCache::new(linkwork_app::dashboard::DEFAULT_CAPACITY)) };
    all_routes()
        .into_router()
        // A form is saved once, however often it is posted (reloads, double clicks).
        .layer(axum::middleware::from_fn_with_state(state.clone(), once::once_per_form))
        .with_state(state.clone())
        // Text with NUL or other control characters is refused before any handler runs.
        .layer(axum::middleware::from_fn(boundary::join_date_parts_in_query))
        .layer(axum::middleware::from_fn(boundary::refuse_control_characters))
        // Error pages keep the signed-in user's menu (outside the layers above, which may refuse).
        .layer(axum::middleware::from_fn_with_state(state, pages::signed_in_error_pages))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let route = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("unmatched");
                tracing::info_span!("request", method = %request.method(), route)
            }),
        )
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// Every route of the application, as built: the pages, the JSON API, FHIR, Open Referral UK and
/// the assets.
fn all_routes() -> routes::Routes {
    routes::Routes::new()
        .merge(pages::routes())
        .nest("/api", api::routes())
        .nest("/fhir", fhir::routes())
        .nest("/oruk", oruk::routes())
        .get("/oruk/", oruk::meta)
        .merge(assets::routes())
}

/// The (method, path) of every route the server answers, in the order they were added. The
/// access-matrix test walks this list.
pub fn route_table() -> Vec<Route> {
    all_routes().table().to_vec()
}

/// How long the requests in flight at a stop signal may take to finish before the server stops
/// anyway (well under systemd's default 90 s before it sends SIGKILL).
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Serves the application on `listener` until Ctrl-C or SIGTERM (see [`serve_until`]).
pub async fn serve(listener: tokio::net::TcpListener, store: Arc<dyn Store>, config: WebConfig) -> anyhow::Result<()> {
    serve_until(listener, store, config, shutdown_signal()).await
}

/// Serves the application on `listener` until `stop` resolves; then it takes no new connections,
/// lets the requests in flight finish (for up to [`SHUTDOWN_GRACE`]) and returns. A request is
/// answered only after its transaction has committed, so one that finishes is kept, and one that
/// is cut off was never acknowledged.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
    config: WebConfig,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    config.check()?;
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let signal = async move {
        stop.await;
        tracing::info!("stopping: no new connections; finishing the requests in flight");
        let _ = stopping.send(true);
    };
    let server = axum::serve(listener, app(store, config).into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(signal);
    let grace = async move {
        if stopped.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = std::future::IntoFuture::into_future(server) => result?,
        () = grace => tracing::warn!(grace_seconds = SHUTDOWN_GRACE.as_secs(), "requests still running after the grace period were cut off"),
    }
    Ok(())
}

/// A future that resolves on Ctrl-C (SIGINT) or SIGTERM, what service managers (systemd, Docker,
/// Kubernetes) send to stop a server. The signal handlers are installed when this is called, not
/// when the future is first polled, so a signal that comes while the server is starting is kept.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let terminate = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (terminate, interrupt) {
                (Ok(mut terminate), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = terminate.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}


pub use auth::OidcSettings;
