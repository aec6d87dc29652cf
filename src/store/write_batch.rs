//! Group commit for SQLite's writes.
//!
//! Why: SQLite has one writer, so the time a write holds it bounds the whole server's write
//! rate. Through sqlx, every statement is a round trip to the connection's worker thread and
//! back into the async runtime (~30 µs on this project's 2-core benchmark machine), and a
//! visitor message is a dozen statements plus a commit: the writer was held ~600 µs per
//! message, capping `POST livechat/message` near 1,500/s while SQLite itself was mostly idle.
//!
//! Here a write is a job: a unit of work ([`super::Store::write`]) over [`Exec`]. Callers queue
//! their job, and whichever caller gets the writer connection (the token that excludes every
//! other write) runs every queued job (up to [`MAX_BATCH`]) on a connection of its own, driven
//! synchronously with rusqlite ([`Exec::Batch`]: each query is done at its first poll, so a
//! job's future completes at its first poll too), in one transaction, each job inside its own
//! savepoint, then commits once and answers them all. A job that fails rolls back to its
//! savepoint and leaves the others in place. Nothing is answered before the commit returns, so
//! an acknowledged write is as durable as with a commit per request; under load the commit's
//! cost is shared by the batch, and with no load a batch is one job.
//!
//! Jobs whose caller has gone away (a dropped request) are skipped, not written. No await
//! happens between taking a batch and answering it, so a caller cancelled while it waits
//! never leaves a transaction half done or another caller's job unanswered.

use std::collections::VecDeque;
use std::sync::Mutex;

use std::task::{Context, Poll, Waker};

use futures::future::BoxFuture;
use rusqlite::Connection;
use sqlx::SqlitePool;
use tokio::sync::oneshot;

use super::error::StoreError;
use super::{CommitSignal, Exec};

/// The most jobs one transaction takes: bounds how long one caller runs others' work (a
/// message job is ~30 µs of SQLite time).
const MAX_BATCH: usize = 128;

pub struct WriteBatcher {
    /// sqlx's single writer connection: held while a batch runs, so that batches and `Tx`
    /// writes never overlap (they would otherwise wait on SQLite's file lock).
    writer: SqlitePool,
    /// The batches' connection; only the holder of `writer` locks it.
    db: Mutex<Connection>,
    queue: Mutex<VecDeque<Box<dyn Pending>>>,
    /// Woken after each commit, like `Tx::commit` does, for the realtime dispatcher.
    committed: CommitSignal,
}

impl WriteBatcher {
    pub fn new(writer: SqlitePool, db: Connection, committed: CommitSignal) -> WriteBatcher {
        WriteBatcher {
            writer,
            db: Mutex::new(db),
            queue: Mutex::new(VecDeque::new()),
            committed,
        }
    }

    /// Runs `work` in a write transaction shared with other queued jobs; its result once the
    /// transaction committed. `work` returning an error rolls back its own statements only.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut Exec<'_>) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, mut answer) = oneshot::channel();
        // Queued before waiting for the writer, so that whoever holds it next takes this job
        // into its batch.
        self.queue().push_back(Box::new(Job {
            work: Some(work),
            result: None,
            reply,
        }));
        loop {
            // A caller waits for its answer and for the writer at once: whoever holds the
            // writer runs every queued job, so most callers are answered without ever taking
            // it. (Queueing for the writer only to find the job done made each batch's callers
            // pass the writer on one after the other, a serial chain of wake-ups that left the
            // CPU idle while jobs waited.)
            let acquired = tokio::select! {
                biased;
                result = &mut answer => return result.unwrap_or_else(|_| Err(dropped())),
                acquired = self.writer.acquire() => acquired,
            };
            let conn = match acquired {
                Ok(conn) => conn,
                Err(err) => {
                    // Withdraw the job (a batch skips it once its caller stopped waiting)
                    // unless a batch answered it meanwhile.
                    answer.close();
                    return answer
                        .try_recv()
                        .unwrap_or_else(|_| Err(StoreError::from(err).into()));
                }
            };
            // A batch may have answered this job while the writer was being handed over.
            match answer.try_recv() {
                Ok(result) => return result,
                Err(oneshot::error::TryRecvError::Closed) => return Err(dropped()),
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            // Holding the sqlx writer connection is what excludes every other write: the
            // batch itself runs on this module's own connection to the same file.
            let outcome = {
                let jobs = self.take_batch();
                if jobs.is_empty() {
                    continue;
                }
                let mut db = self
                    .db
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                run_batch_off_the_reactor(|| run_batch(&mut db, jobs))
            };
            drop(conn);
            if outcome {
                self.committed.committed();
            }
        }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, VecDeque<Box<dyn Pending>>> {
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next jobs to run, in arrival order, without those nobody waits for any more.
    fn take_batch(&self) -> Vec<Box<dyn Pending>> {
        let mut queue = self.queue();
        let count = queue.len().min(MAX_BATCH);
        queue
            .drain(..count)
            .filter(|job| !job.abandoned())
            .collect()
    }
}

/// Runs `batch` (synchronous SQLite work, a few milliseconds under load) on this thread. On a
/// multi-threaded runtime, the thread's other tasks move to another worker meanwhile, so that
/// requests are not parked behind the batch; a current-thread runtime (tests) just runs it.
fn run_batch_off_the_reactor<R>(batch: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(batch),
        _ => batch(),
    }
}

/// Runs `jobs` in one transaction and answers each; whether the transaction committed.
fn run_batch(db: &mut Connection, mut jobs: Vec<Box<dyn Pending>>) -> bool {
    let result = (|| -> rusqlite::Result<()> {
        if !db.is_autocommit() {
            // Left open by a batch that panicked half-way: nothing in it was answered.
            db.execute_batch("ROLLBACK")?;
        }
        run_sql(db, "BEGIN IMMEDIATE")?;
        for job in &mut jobs {
            run_sql(db, "SAVEPOINT job")?;
            if !job.run(&mut Exec::Batch(&mut *db)) {
                run_sql(db, "ROLLBACK TO job")?;
            }
            run_sql(db, "RELEASE job")?;
        }
        run_sql(db, "COMMIT")
    })();
    match result {
        Ok(()) => {
            for job in jobs {
                job.finish(None);
            }
            true
        }
        Err(err) => {
            if !db.is_autocommit() {
                let _ = db.execute_batch("ROLLBACK");
            }
            tracing::error!(error = %err, jobs = jobs.len(), "batched write transaction failed");
            fail_all(jobs, &err.to_string())
        }
    }
}

/// One of the batch's own statements, prepared once per connection: they run for every job.
fn run_sql(db: &Connection, sql: &str) -> rusqlite::Result<()> {
    db.prepare_cached(sql)?.execute([]).map(drop)
}

/// The batch that took a job went away without answering it (it panicked).
fn dropped<E: From<StoreError>>() -> E {
    StoreError::internal("a batched write was dropped before it ran").into()
}

fn fail_all(jobs: Vec<Box<dyn Pending>>, error: &str) -> bool {
    for job in jobs {
        job.finish(Some(error));
    }
    false
}

/// A queued job, whatever its result type.
trait Pending: Send {
    /// Its caller stopped waiting: do not write it.
    fn abandoned(&self) -> bool;
    /// Runs its statements; whether to keep them.
    fn run(&mut self, exec: &mut Exec<'_>) -> bool;
    /// Answers the caller: its result, unless the transaction failed (`Some(error)`).
    fn finish(self: Box<Self>, failed: Option<&str>);
}

struct Job<F, T, E> {
    work: Option<F>,
    result: Option<Result<T, E>>,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<F, T, E> Pending for Job<F, T, E>
where
    F: for<'c> FnOnce(&'c mut Exec<'_>) -> BoxFuture<'c, Result<T, E>> + Send,
    T: Send,
    E: From<StoreError> + Send,
{
    fn abandoned(&self) -> bool {
        self.reply.is_closed()
    }

    fn run(&mut self, exec: &mut Exec<'_>) -> bool {
        let result = self.work.take().map(|work| run_at_once(work(exec)));
        let keep = matches!(result, Some(Ok(_)));
        self.result = result;
        keep
    }

    fn finish(self: Box<Self>, failed: Option<&str>) {
        let result = match (self.result, failed) {
            // The job's own refusal stands even if the batch failed: it wrote nothing.
            (Some(Err(refused)), _) => Err(refused),
            (Some(Ok(value)), None) => Ok(value),
            (_, Some(error)) => {
                Err(StoreError::internal(format!("write transaction failed: {error}")).into())
            }
            (None, None) => Err(StoreError::internal("a write job never ran").into()),
        };
        let _ = self.reply.send(result);
    }
}

/// A job's result from one poll of its future. Every query on [`Exec::Batch`] is done when
/// first polled, so a job that awaits only those completes at once; one that awaits anything
/// else (a lock, a timer, the network) would hold SQLite's writer while it waits, and fails
/// instead, its statements rolled back.
fn run_at_once<T, E: From<StoreError>>(mut work: BoxFuture<'_, Result<T, E>>) -> Result<T, E> {
    match work.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => {
            tracing::error!("a batched write awaited something other than its queries");
            Err(
                StoreError::internal("a batched write awaited something other than its queries")
                    .into(),
            )
        }
    }
}
