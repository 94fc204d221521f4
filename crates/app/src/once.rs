//! Every form saved once (the web shell's `once` middleware): a form's one-time key is claimed
//! before the form is applied, and afterwards either records where the form led or is freed so a
//! corrected form can be sent. Only the key's hash is stored.

use crate::accounts::hash_secret;
use crate::store::{FormClaim, Store};
use crate::AppError;

/// Claims a form's one-time key: new, still being saved, or done (with where it led).
pub async fn claim(store: &dyn Store, key: &str) -> Result<FormClaim, AppError> {
    Ok(store.claim_form(&hash_secret(key), time::OffsetDateTime::now_utc()).await?)
}

/// Records that the form was saved and led to `location` ("" for a page shown in place).
pub async fn finish(store: &dyn Store, key: &str, location: &str) -> Result<(), AppError> {
    Ok(store.finish_form(&hash_secret(key), location).await?)
}

/// Frees the key: nothing was saved, so the form may be sent again.
pub async fn release(store: &dyn Store, key: &str) -> Result<(), AppError> {
    Ok(store.release_form(&hash_secret(key)).await?)
}
