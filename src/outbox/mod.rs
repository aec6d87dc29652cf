//! Everything that leaves the server (e-mail, webhooks) goes through the delivery outbox.
//!
//! A cause (a closed chat, an offline message) queues its delivery with
//! `exec.queue_delivery(...)` in its own transaction, so the delivery exists exactly when the
//! cause committed. The worker ([`worker::run`]) is woken by that commit (SQLite's commit
//! signal, PostgreSQL's `NOTIFY` from every process), claims due deliveries under a lease, hands
//! each to the [`Courier`] of its kind, and records the outcome: sent, tried again later at the
//! courier's pace, or given up (then listed for administrators by `GET livechat/outbox`).
//!
//! Guarantees: a request never waits for a mail server or a CRM; nothing queued is lost to a
//! crash (pending rows are there at restart); deliveries sharing an ordering key (a room's
//! webhooks) leave one at a time, in the order they were queued. Delivery is at least once: a
//! process killed after the far side accepted but before the outcome was written sends that
//! one again when the lease runs out.

pub mod safe_http;
pub mod webhook;
mod worker;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::Value;
use tokio::sync::Notify;

use crate::store::Store;

pub use worker::run;

/// Sends one kind of delivery.
pub trait Courier: Send + Sync + 'static {
    /// The `kind` its deliveries are queued with.
    fn kind(&self) -> &'static str;

    /// One attempt to deliver `payload`. Must give up by itself within [`Courier::attempt_limit`].
    fn deliver<'a>(&'a self, payload: &'a Value) -> BoxFuture<'a, Result<(), Undelivered>>;

    /// The longest one attempt may take; the claim on a delivery lasts a little longer, after
    /// which another process (or this one, after a restart) may try it again.
    fn attempt_limit(&self) -> Duration;

    /// How long to wait before the next attempt after `attempts` failed ones; `None` gives up.
    fn retry_delay(&self, attempts: u32) -> Option<Duration>;
}

/// Why an attempt did not deliver.
#[derive(Debug)]
pub struct Undelivered {
    /// Shown to administrators and logged: no secrets.
    pub reason: String,
    /// Retrying cannot help (for example no recipient is configured): give up at once.
    pub permanent: bool,
}

impl Undelivered {
    pub fn retry(reason: impl Into<String>) -> Undelivered {
        Undelivered {
            reason: reason.into(),
            permanent: false,
        }
    }

    pub fn permanent(reason: impl Into<String>) -> Undelivered {
        Undelivered {
            reason: reason.into(),
            permanent: true,
        }
    }
}

/// The couriers by kind, and a way to wake the worker (after an administrator's retry, or a
/// setting change that may let waiting deliveries through). Cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    couriers: HashMap<&'static str, Arc<dyn Courier>>,
    wake: Notify,
}

impl Outbox {
    pub fn new(store: Store, couriers: Vec<Arc<dyn Courier>>) -> Outbox {
        let couriers = couriers
            .into_iter()
            .map(|courier| (courier.kind(), courier))
            .collect();
        Outbox {
            inner: Arc::new(Inner {
                store,
                couriers,
                wake: Notify::new(),
            }),
        }
    }

    /// Makes the worker look for due deliveries now.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// The worker, until the process ends.
    pub fn spawn_worker(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(worker::run(self.clone()))
    }

    fn store(&self) -> &Store {
        &self.inner.store
    }

    fn courier(&self, kind: &str) -> Option<&Arc<dyn Courier>> {
        self.inner.couriers.get(kind)
    }

    fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.inner.couriers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }
}
