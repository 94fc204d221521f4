use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashes a password with argon2id (the crate's defaults follow OWASP's recommended parameters).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?.to_string())
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok()).unwrap_or(false)
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
}
