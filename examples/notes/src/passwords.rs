//! Password hashes: argon2id with the `argon2` crate's default parameters (RFC 9106's second
//! recommendation: 19 MiB, 2 passes), a random salt each, stored as a PHC string
//! (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). Hashing takes tens of milliseconds of CPU,
//! so it runs on tokio's blocking threads, not on the threads that serve requests.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::AppError;

/// The PHC string of `password`, with a new salt.
pub(crate) async fn hash(password: String) -> Result<String, AppError> {
    blocking(move || hash_now(&password)).await?
}

/// Whether `password` is the one `hash` was made from; with no hash (an unknown user),
/// checks a dummy one so that the answer takes as long, and says no.
pub(crate) async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    blocking(move || match hash {
        Some(hash) => verify_now(&password, &hash),
        None => {
            let _ = verify_now(&password, dummy_hash());
            Ok(false)
        }
    })
    .await?
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Hashing(e.to_string()))
}

fn verify_now(password: &str, hash: &str) -> Result<bool, AppError> {
    let parsed = PasswordHash::new(hash).map_err(|e| AppError::Hashing(e.to_string()))?;
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(AppError::Hashing(e.to_string())),
    }
}

/// A hash of nothing anyone types, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("not a password: no account has it").unwrap_or_default())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Hashing(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hashes_that_verify() {
        let hash = hash_now("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        assert!(verify_now("correct horse battery staple", &hash).unwrap());
        assert!(!verify_now("Correct horse battery staple", &hash).unwrap());
        assert_ne!(hash, hash_now("correct horse battery staple").unwrap(), "a salt each");
    }
}
