use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

/// The shortest and longest password accepted (long enough to resist guessing; bounded so a
/// huge one cannot tie up the hasher).
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Hashes a password with argon2id (the crate's defaults follow OWASP's recommended parameters).
pub fn hash_password(password: &str) -> Result<String, crate::AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| crate::AppError::Internal(format!("hashing failed: {e}")))?.to_string())
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok()).unwrap_or(false)
}

/// A hash of a password nobody knows, with the same parameters as real ones: checked instead
/// when there is no usable hash, so the answer takes as long as for a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&super::random_secret()).expect("argon2 hashes a random string"))
}

/// Checks `password` against a stored hash, doing the same argon2 work whether or not there is
/// one: no account, a deactivated one and one without a password (`!`) all cost one
/// verification, so the time taken does not tell which e-mail addresses exist.
pub fn verify_password_evenly(password: &str, stored: Option<&str>) -> bool {
    match stored.and_then(|phc| PasswordHash::new(phc).ok()) {
        Some(hash) => Argon2::default().verify_password(password.as_bytes(), &hash).is_ok(),
        None => {
            let hash = PasswordHash::new(dummy_hash()).expect("the dummy hash parses");
            let _ = Argon2::default().verify_password(password.as_bytes(), &hash);
            false
        }
    }
}

/// Why a new password is not accepted, in words for the person choosing it.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("Enter a password of at least {MIN_PASSWORD_CHARS} characters (a few words together are easy to remember)"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("Enter a password of at most {MAX_PASSWORD_CHARS} characters"));
    }
    Ok(())
}

/// Hashing and checking take tens of milliseconds of CPU: off the async workers.
pub async fn hash_password_blocking(password: String) -> Result<String, crate::AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| crate::AppError::Internal(format!("password hashing stopped: {e}")))?
        .map_err(|e| crate::AppError::Internal(e.to_string()))
}

pub async fn verify_password_evenly_blocking(password: String, stored: Option<String>) -> Result<bool, crate::AppError> {
    tokio::task::spawn_blocking(move || verify_password_evenly(&password, stored.as_deref()))
        .await
        .map_err(|e| crate::AppError::Internal(format!("password check stopped: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_and_verify() {
        let h = super::hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify_password("correct horse", &h));
        assert!(!super::verify_password("wrong", &h));
        assert!(!super::verify_password("x", "not a hash"));
    }

    #[test]
    fn even_verification_refuses_missing_and_unusable_hashes() {
        let h = super::hash_password("correct horse").unwrap();
        assert!(super::verify_password_evenly("correct horse", Some(&h)));
        assert!(!super::verify_password_evenly("correct horse", None));
        assert!(!super::verify_password_evenly("!", Some("!")));
    }

    #[test]
    fn new_passwords_have_a_length_range() {
        assert!(super::check_new_password("short").is_err());
        assert!(super::check_new_password("twelve chars").is_ok());
        assert!(super::check_new_password(&"x".repeat(257)).is_err());
    }
}
