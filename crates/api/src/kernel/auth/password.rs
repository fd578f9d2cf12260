use crate::kernel::error::ApiError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{self, Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Duration;
use tokio::sync::Semaphore;

/// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
fn baseline() -> Params {
    Params::new(19 * 1024, 2, 1, None).unwrap_or_default()
}

thread_local! {
    /// The argon2 working memory of this thread, kept between runs. argon2 would otherwise
    /// allocate and free 19 MiB per run, and the allocator hands such blocks back to the
    /// system only while its (self-raising) mmap threshold lets it: under a login storm the
    /// process grew to several times the bound of [`HashingLimiter`] and stayed there.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// The PHC string of `password` under `params`, computed in this thread's kept memory.
fn compute<'a>(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: Salt<'a>,
    output_len: usize,
) -> password_hash::Result<PasswordHash<'a>> {
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf)?;
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let output = Output::init_with(output_len, |out| {
        MEMORY.with(|memory| {
            let mut memory = memory.borrow_mut();
            if memory.len() < blocks {
                memory.resize(blocks, Block::default());
            }
            argon2.hash_password_into_with_memory(password, salt_bytes, out, &mut memory[..blocks])
        })?;
        Ok(())
    })?;
    Ok(PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt),
        hash: Some(output),
    })
}

pub fn hash(password: &str) -> Result<String, password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let hashed = compute(
        Algorithm::Argon2id,
        Version::V0x13,
        baseline(),
        password.as_bytes(),
        salt.as_salt(),
        Params::DEFAULT_OUTPUT_LEN,
    )?;
    Ok(hashed.to_string())
}

/// Whether `password` hashes to `stored` under the algorithm, version and parameters the
/// stored string names (older hashes keep verifying when the baseline changes).
fn matches(password: &str, stored: &PasswordHash<'_>) -> password_hash::Result<bool> {
    let (Some(expected), Some(salt)) = (stored.hash, stored.salt) else {
        return Ok(false);
    };
    let algorithm = Algorithm::try_from(stored.algorithm)?;
    let version = stored
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let params = Params::try_from(stored)?;
    let computed = compute(
        algorithm,
        version,
        params,
        password.as_bytes(),
        salt,
        expected.len(),
    )?;
    // `Output` compares in constant time.
    Ok(computed.hash == Some(expected))
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
    matches(password, &parsed).unwrap_or(false) && real
}

/// Bounds how many password hashes and verifications run at once. Each argon2id run holds
/// ~19 MiB and a core, so unbounded parallel logins exhausted memory without going faster;
/// requests beyond the bound queue, and one that waits longer than `wait` gets a 503 with
/// `Retry-After` instead of holding its connection open.
///
/// The work runs on `concurrency` threads of its own, not on the shared blocking pool: the
/// allocator keeps a freed 19 MiB block in the arena of the thread that freed it, so hashing
/// spread over the pool's many threads left one block behind per thread (150 parallel logins
/// grew the process from 96 MB to 930 MB and it stayed there). On a fixed few threads each
/// reuses its own block.
pub struct HashingLimiter {
    permits: Semaphore,
    wait: Duration,
    workers: Mutex<mpsc::Sender<Job>>,
}

type Job = Box<dyn FnOnce() + Send>;

impl HashingLimiter {
    pub fn new(concurrency: usize, wait: Duration) -> Self {
        let concurrency = concurrency.max(1);
        let (send, receive) = mpsc::channel::<Job>();
        let receive = Arc::new(Mutex::new(receive));
        for n in 0..concurrency {
            let receive = receive.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("kefu-hashing-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match receive.lock() {
                            Ok(receive) => receive.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            // A panicking job loses its answer (the caller gets a 500), not
                            // the thread.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            // The limiter is gone.
                            Err(_) => break,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        HashingLimiter {
            permits: Semaphore::new(concurrency),
            wait,
            workers: Mutex::new(send),
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
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // The requester may have gone (client disconnected): nothing to tell then.
            let _ = done.send(work());
        });
        let sent = match self.workers.lock() {
            Ok(workers) => workers.send(job),
            Err(poisoned) => poisoned.into_inner().send(job),
        };
        if sent.is_err() {
            return Err(ApiError::internal("the password hashing threads are gone"));
        }
        let out = result
            .await
            .map_err(|_| ApiError::internal("a password hashing thread died"));
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

    /// Hashes made here and by the argon2 crate's own API (and with other parameters, as an
    /// older baseline would have) verify both ways: the kept memory changes nothing.
    #[test]
    fn hashes_agree_with_the_reference_implementation() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash("Secret-pass-2").unwrap();
        let reference = Argon2::default();
        assert!(
            reference
                .verify_password(b"Secret-pass-2", &PasswordHash::new(&ours).unwrap())
                .is_ok()
        );
        let salt = SaltString::generate(&mut OsRng);
        let older = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(8 * 1024, 3, 2, Some(24)).unwrap(),
        )
        .hash_password(b"Secret-pass-3", &salt)
        .unwrap()
        .to_string();
        assert!(verify("Secret-pass-3", Some(&older)));
        assert!(!verify("Secret-pass-4", Some(&older)));
        // The larger run above left more memory behind; a smaller baseline run still works.
        assert!(verify("Secret-pass-2", Some(&ours)));
    }
}
