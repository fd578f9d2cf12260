use crate::kernel::error::ApiError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored PHC string. With no stored hash (unknown user, service
/// account) it still spends the same work on a dummy hash, so response time does not reveal
/// which usernames exist.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("kefu-dummy-password").ok());
    let (phc, real) = match stored {
        Some(phc) => (Some(phc), true),
        None => (dummy.as_deref(), false),
    };
    let Some(parsed) = phc.and_then(|p| PasswordHash::new(p).ok()) else {
        return false;
    };
    let ok = hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && real
}

/// Bounds how many password hashes and verifications run at once. Each argon2id run holds
/// ~19 MiB and a core, so unbounded parallel logins exhausted memory without going faster;
/// requests beyond the bound queue, and one that waits longer than `wait` gets a 503 with
/// `Retry-After` instead of holding its connection open.
pub struct HashingLimiter {
    permits: Semaphore,
    wait: Duration,
}

impl HashingLimiter {
    pub fn new(concurrency: usize, wait: Duration) -> Self {
        HashingLimiter {
            permits: Semaphore::new(concurrency.max(1)),
            wait,
        }
    }

    /// Runs `work` (a hash or a verification) on the blocking pool once a slot is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = match tokio::time::timeout(self.wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => permit,
            // The semaphore is never closed; treat it as an internal fault if it were.
            Ok(Err(closed)) => return Err(ApiError::internal(closed)),
            Err(_) => {
                return Err(ApiError::Overloaded {
                    what: "password hashing",
                    retry_after_secs: self.wait.as_secs().clamp(1, 60),
                });
            }
        };
        let out = actix_web::web::block(work)
            .await
            .map_err(ApiError::internal);
        // Held until the work is done, not merely started.
        drop(permit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[actix_web::test]
    async fn the_limiter_runs_at_most_its_bound_at_once() {
        let limiter = Arc::new(HashingLimiter::new(2, Duration::from_secs(30)));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let (limiter, running, peak) = (limiter.clone(), running.clone(), peak.clone());
                actix_web::rt::spawn(async move {
                    limiter
                        .run(move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            peak.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(50));
                            running.fetch_sub(1, Ordering::SeqCst);
                            i
                        })
                        .await
                })
            })
            .collect();
        let mut done = Vec::new();
        for task in tasks {
            done.push(task.await.unwrap().unwrap());
        }
        done.sort_unstable();
        assert_eq!(done, (0..8).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }

    #[actix_web::test]
    async fn a_request_that_waits_too_long_is_refused_with_retry_after() {
        let limiter = Arc::new(HashingLimiter::new(1, Duration::from_millis(100)));
        let busy = limiter.clone();
        let holder = actix_web::rt::spawn(async move {
            busy.run(|| std::thread::sleep(Duration::from_millis(600)))
                .await
        });
        // Let the holder take the only slot.
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        match limiter.run(|| 1).await {
            Err(ApiError::Overloaded {
                retry_after_secs, ..
            }) => assert_eq!(retry_after_secs, 1),
            other => panic!("expected Overloaded, got {other:?}"),
        }
        holder.await.unwrap().unwrap();
        // The slot is free again.
        assert_eq!(limiter.run(|| 2).await.unwrap(), 2);
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("Secret-pass-1").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("Secret-pass-1", Some(&h)));
        assert!(!verify("secret-pass-1", Some(&h)));
        assert!(!verify("kefu-dummy-password", None));
        assert!(!verify("x", Some("not a phc string")));
    }
}
