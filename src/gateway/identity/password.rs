//! Password policy and argon2id hashing. Hashing is CPU-heavy, so callers run it on the
//! blocking pool (`web::block`).

use std::sync::OnceLock;

use argon2::{
    password_hash::{rand_core::OsRng, SaltString},
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
};

/// Minimum password length (characters), after NIST SP 800-63B's advice for length over rules.
pub const MIN_LENGTH: usize = 10;
/// Maximum password length, to bound hashing cost.
pub const MAX_LENGTH: usize = 128;

/// Passwords too common to accept whatever their length.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "0123456789",
    "password123",
    "password12",
    "passw0rd123",
    "qwertyuiop",
    "1q2w3e4r5t",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "administrator",
    "changeme123",
    "qwerty1234",
    "abcdefghij",
    "1111111111",
    "0000000000",
    "carechat123",
];

/// Checks a new password against the policy; the message says what to change.
pub fn check_policy(password: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err("must have at least 10 characters");
    }
    if length > MAX_LENGTH {
        return Err("must have at most 128 characters");
    }
    let lowered = password.to_lowercase();
    if COMMON.contains(&lowered.as_str()) {
        return Err("is too common; choose a less predictable password");
    }
    Ok(())
}

/// Hashes with argon2id (OWASP parameters: 19 MiB, 2 passes) and a random salt.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Whether `password` matches the stored hash: an argon2 PHC string, or a bcrypt hash
/// (`$2a$`/`$2b$`/`$2y$`) carried over from the legacy databases. An unparsable hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    if is_legacy(phc) {
        return bcrypt::verify(password, phc).unwrap_or(false);
    }
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Whether a stored hash is a legacy bcrypt hash, to be replaced by argon2id at the next
/// successful login.
pub fn is_legacy(stored: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"].iter().any(|prefix| stored.starts_with(prefix))
}

/// Spends the same time as a real check when the account does not exist, so response times
/// do not reveal which phone numbers are registered.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    if let Some(phc) = DUMMY.get_or_init(|| hash("dummy password for timing").ok()) {
        let _ = verify(password, phc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_the_right_password() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse battery!", &phc));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn legacy_bcrypt_hashes_verify_and_are_flagged() {
        let legacy = bcrypt::hash("legacy secret 1", 4).unwrap();
        assert!(is_legacy(&legacy));
        assert!(verify("legacy secret 1", &legacy));
        assert!(!verify("legacy secret 2", &legacy));
        assert!(!is_legacy(&hash("x").unwrap()));
        assert!(!verify("x", "$2b$not-a-hash"));
    }

    #[test]
    fn policy_rejects_short_long_and_common_passwords() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("Password123").is_err());
        assert!(check_policy(&"x".repeat(129)).is_err());
        assert!(check_policy("tulip-river-42").is_ok());
    }
}
