//! Group commit for SQLite's hottest writes (a visitor's message).
//!
//! Why: SQLite has one writer, so the time a write holds it bounds the whole server's write
//! rate. Through sqlx, every statement is a round trip to the connection's worker thread and
//! back into the async runtime (~30 µs on this project's 2-core benchmark machine), and a
//! visitor message is a dozen statements plus a commit: the writer was held ~600 µs per
//! message, capping `POST livechat/message` near 1,500/s while SQLite itself was mostly idle.
//!
//! Here a write is a synchronous job. Callers queue their job, and whichever caller gets the
//! writer connection (the token that excludes every other write) runs every queued job (up
//! to [`MAX_BATCH`]) on a connection of its own, driven synchronously with rusqlite, in one
//! transaction, each job inside its own
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

use rusqlite::Connection;
use sqlx::SqlitePool;
use tokio::sync::oneshot;

use super::{BatchConn, CommitSignal};
use crate::error::{ApiError, ApiResult};

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
    pub async fn run<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&BatchConn<'_>) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
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
            let conn = match self.writer.acquire().await {
                Ok(conn) => conn,
                Err(err) => {
                    // Withdraw the job (a batch skips it once its caller stopped waiting)
                    // unless a batch answered it meanwhile.
                    answer.close();
                    return answer.try_recv().unwrap_or(Err(err.into()));
                }
            };
            // The previous holder's batch may have run (and committed) this job already.
            match answer.try_recv() {
                Ok(result) => return result,
                Err(oneshot::error::TryRecvError::Closed) => {
                    return Err(ApiError::Internal(anyhow::anyhow!(
                        "a batched write was dropped before it ran"
                    )))
                }
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            // Holding the sqlx writer connection is what excludes every other write: the
            // batch itself runs on this module's own connection to the same file.
            let outcome = {
                let jobs = self.take_batch();
                if jobs.is_empty() {
                    continue;
                }
                let db = self
                    .db
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                run_batch(&db, jobs)
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

/// Runs `jobs` in one transaction and answers each; whether the transaction committed.
fn run_batch(db: &Connection, mut jobs: Vec<Box<dyn Pending>>) -> bool {
    let conn = BatchConn(db);
    let result = (|| -> rusqlite::Result<()> {
        if !db.is_autocommit() {
            // Left open by a batch that panicked half-way: nothing in it was answered.
            db.execute_batch("ROLLBACK")?;
        }
        // Prepared once per connection: they run for every job.
        let run = |sql: &str| db.prepare_cached(sql)?.execute([]).map(drop);
        run("BEGIN IMMEDIATE")?;
        for job in &mut jobs {
            run("SAVEPOINT job")?;
            if !job.run(&conn) {
                run("ROLLBACK TO job")?;
            }
            run("RELEASE job")?;
        }
        run("COMMIT")
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
    fn run(&mut self, conn: &BatchConn<'_>) -> bool;
    /// Answers the caller: its result, unless the transaction failed (`Some(error)`).
    fn finish(self: Box<Self>, failed: Option<&str>);
}

struct Job<F, T> {
    work: Option<F>,
    result: Option<ApiResult<T>>,
    reply: oneshot::Sender<ApiResult<T>>,
}

impl<F, T> Pending for Job<F, T>
where
    F: FnOnce(&BatchConn<'_>) -> ApiResult<T> + Send,
    T: Send,
{
    fn abandoned(&self) -> bool {
        self.reply.is_closed()
    }

    fn run(&mut self, conn: &BatchConn<'_>) -> bool {
        let result = self.work.take().map(|work| work(conn));
        let keep = matches!(result, Some(Ok(_)));
        self.result = result;
        keep
    }

    fn finish(self: Box<Self>, failed: Option<&str>) {
        let result = match (self.result, failed) {
            // The job's own refusal stands even if the batch failed: it wrote nothing.
            (Some(Err(refused)), _) => Err(refused),
            (Some(Ok(value)), None) => Ok(value),
            (_, Some(error)) => Err(ApiError::Internal(anyhow::anyhow!(
                "write transaction failed: {error}"
            ))),
            (None, None) => Err(ApiError::Internal(anyhow::anyhow!("a write job never ran"))),
        };
        let _ = self.reply.send(result);
    }
}
