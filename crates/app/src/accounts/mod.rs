//! Accounts: passwords (argon2, checked evenly so timing does not tell whether an account
//! exists), the sign-in lockout kept in the database, single-use links to set a password, and
//! the secrets behind sessions and API tokens (only their hashes are stored), signing in
//! ([`sessions`]) and administering accounts and tokens ([`admin`]).

pub mod admin;
pub mod links;
pub mod lockout;
pub mod sessions;
mod password;

pub use password::{check_new_password, hash_password, hash_password_blocking, verify_password, verify_password_evenly_blocking};

use sha2::{Digest, Sha256};

/// A random secret for a cookie, token or CSRF value: 32 bytes, URL-safe base64.
pub fn random_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Only hashes of session cookies and API tokens are stored, so a copy of the database does not
/// let anyone sign in. SHA-256 is enough: the secrets are 256 random bits, not passwords.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub use links::when as format_when;

/// After a password is set outside the web (the command line): lifts the sign-in lockout.
pub async fn clear_lockout(store: &dyn crate::store::Store, email: &str) -> Result<(), crate::store::StoreError> {
    lockout::password_changed(store, email).await
}

/// A new random API token, to be shown once; only its hash is stored.
pub fn new_api_token() -> String {
    format!("lw_{}", random_secret())
}

/// The hash stored for a session cookie's value (tests make sessions through the store).
pub fn hash_session_secret(secret: &str) -> String {
    hash_secret(secret)
}

/// The hash stored for an API token.
pub fn hash_api_token(token: &str) -> String {
    hash_secret(token)
}
