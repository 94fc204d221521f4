//! Whether the service can answer, for load balancers and monitoring (`/healthz`): no person, no
//! access check.

use crate::AppError;
use linkwork_store::Store;

/// The database's backend name ("sqlite", "postgres") when it answers.
pub async fn database(store: &dyn Store) -> Result<&'static str, AppError> {
    store.ping().await?;
    Ok(store.backend())
}
