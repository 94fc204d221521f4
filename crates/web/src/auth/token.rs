use crate::{AppState, WebError};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use linkwork_domain::access::Actor;
use linkwork_app::store::AuditActor;

/// A JSON API client, identified by `Authorization: Bearer <token>`. Revoked and expired tokens
/// are refused (401).
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub token_id: String,
    pub actor: Actor,
}

impl ApiClient {
    pub fn audit(&self) -> AuditActor {
        AuditActor { user_id: None, token_id: Some(self.token_id.clone()), org_id: Some(self.actor.org_id.clone()) }
    }
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = crate::api::ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(WebError::Unauthenticated)?;
        let record = linkwork_app::accounts::sessions::api_client(&*state.store, token).await.map_err(WebError::from)?.ok_or(WebError::Unauthenticated)?;
        Ok(ApiClient { token_id: record.id, actor: Actor { org_id: record.org_id, role: record.role } })
    }
}
