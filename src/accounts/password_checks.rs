//! Where every argon2 computation runs: a small fixed set of dedicated threads, at most one
//! computation each, each reusing its own argon2 memory through a burst and returning it to the
//! operating system once idle.
//!
//! argon2 is deliberately slow and fills 19 MiB per computation. Run on tokio's blocking pool,
//! a burst of logins grew that pool to hundreds of threads, each computing at once and each
//! leaving its 19 MiB in its own allocator arena: 128 parallel wrong-password logins took the
//! server from 14 MiB to 4.5 GiB, held for good. Here at most `threads` computations run at
//! once, so CPU and memory are bounded by `threads` × one computation, and that memory goes
//! back to the operating system when the burst is over; a request that finds
//! them all busy waits for its turn at most `wait`, then is refused with Rocket.Chat's
//! too-many-requests error (its client tries again a moment later).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

use super::secrets::{self, Argon2Memory, Password};
use crate::error::{ApiError, ApiResult};

/// Seconds a client refused for lack of a free thread is told to wait.
const RETRY_AFTER_SECS: u64 = 1;

/// How long a thread keeps its argon2 memory after a check, for the next one of a burst.
const KEEP_MEMORY_FOR: Duration = Duration::from_millis(250);

type Job = Box<dyn FnOnce(&mut Argon2Memory) + Send>;

/// The password-check threads; cheap to clone. The threads end when the last clone is dropped.
#[derive(Clone)]
pub struct PasswordChecks {
    /// One permit per thread: holding one guarantees a thread is free for the job.
    free: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    wait: Duration,
}

impl PasswordChecks {
    /// Starts `threads` (at least one) password-check threads; a check waits at most `wait`
    /// for one of them.
    pub fn start(threads: usize, wait: Duration) -> PasswordChecks {
        let threads = threads.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-check-{n}"))
                .spawn(move || work(&queue));
            if let Err(err) = spawned {
                tracing::error!(error = %err, "starting a password-check thread failed");
            }
        }
        PasswordChecks {
            free: Arc::new(Semaphore::new(threads)),
            jobs,
            wait,
        }
    }

    /// Whether `password` matches `stored_hash`.
    pub async fn verify(&self, password: Password, stored_hash: String) -> ApiResult<bool> {
        self.run(move |memory| secrets::verify_password(memory, &password, &stored_hash))
            .await
    }

    /// The argon2id hash to store for `password`.
    pub async fn hash(&self, password: Password) -> ApiResult<String> {
        self.run(move |memory| secrets::hash_password(memory, &password))
            .await?
            .map_err(ApiError::Internal)
    }

    /// Runs `compute` on a free password-check thread, waiting at most `wait` for one.
    async fn run<T: Send + 'static>(
        &self,
        compute: impl FnOnce(&mut Argon2Memory) -> T + Send + 'static,
    ) -> ApiResult<T> {
        let permit = tokio::time::timeout(self.wait, self.free.clone().acquire_owned())
            .await
            .map_err(|_| {
                tracing::debug!("every password-check thread is busy: refusing");
                ApiError::TooManyRequests {
                    retry_after_secs: RETRY_AFTER_SECS,
                }
            })?
            .map_err(|err| ApiError::Internal(err.into()))?;
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = answer.send(compute(memory));
            release(permit);
        });
        self.jobs
            .send(job)
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("the password-check threads ended")))?;
        answered
            .await
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("a password check failed")))
    }
}

/// The thread is free again once its job is done, whether or not anyone still awaits the
/// answer (a client that went away does not free a thread that is still computing).
fn release(permit: OwnedSemaphorePermit) {
    drop(permit);
}

/// One password-check thread: takes jobs until the checks are dropped, reusing its memory
/// while more are queued and giving it back once there are none.
fn work(queue: &Mutex<mpsc::Receiver<Job>>) {
    let mut memory = Argon2Memory::default();
    loop {
        let Some(job) = next_job(queue, &mut memory) else {
            return;
        };
        // A panic inside argon2 must not cost the server one of its few threads.
        if catch_unwind(AssertUnwindSafe(|| job(&mut memory))).is_err() {
            tracing::error!("a password check panicked");
            memory = Argon2Memory::default();
        }
    }
}

/// The next job, `None` once the checks are dropped. A thread that just finished keeps its
/// memory for a job that follows within `KEEP_MEMORY_FOR` (a burst); otherwise it gives the
/// memory back before waiting. (A thread that finds the queue held by another knows that one
/// is waiting for the next job itself.)
fn next_job(queue: &Mutex<mpsc::Receiver<Job>>, memory: &mut Argon2Memory) -> Option<Job> {
    if let Ok(jobs) = queue.try_lock() {
        return match jobs.recv_timeout(KEEP_MEMORY_FOR) {
            Ok(job) => Some(job),
            Err(mpsc::RecvTimeoutError::Disconnected) => None,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                memory.release();
                jobs.recv().ok()
            }
        };
    }
    memory.release();
    let jobs = queue.lock().ok()?;
    jobs.recv().ok()
}
