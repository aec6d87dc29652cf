//! "Something committed" on SQLite, for every task that reads what commits bring (the realtime
//! dispatcher, the delivery outbox). A `watch` counter rather than a `Notify`: each waiter
//! keeps its own cursor, so a commit made while one of them was busy still wakes it next time,
//! and one waiter never takes the wake-up meant for another. (PostgreSQL wakes them with
//! `NOTIFY` instead, across processes.)

use tokio::sync::watch;

#[derive(Clone)]
pub struct CommitSignal(watch::Sender<u64>);

impl CommitSignal {
    pub fn new() -> CommitSignal {
        CommitSignal(watch::Sender::new(0))
    }

    /// Records one more commit and wakes every waiter.
    pub fn committed(&self) {
        self.0.send_modify(|count| *count = count.wrapping_add(1));
    }

    /// A waiter that sees commits made from now on.
    pub fn waiter(&self) -> CommitWaiter {
        CommitWaiter(self.0.subscribe())
    }
}

impl Default for CommitSignal {
    fn default() -> Self {
        CommitSignal::new()
    }
}

pub struct CommitWaiter(watch::Receiver<u64>);

impl CommitWaiter {
    /// Completes once a commit happened since the last call (at once if one already did).
    pub async fn next(&mut self) {
        if self.0.changed().await.is_err() {
            // The store is gone: nothing will ever commit again.
            std::future::pending::<()>().await;
        }
    }
}
