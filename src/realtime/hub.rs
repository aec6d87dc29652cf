//! The local fan-out: which connections of this process subscribe to which stream event, and
//! handing each of them a frame without ever waiting. A connection whose queue is full is
//! told to close (a slow consumer), so one stuck client never delays the others.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, Notify};

/// Identifies one WebSocket connection within this process.
pub type ConnId = u64;

/// What a connection's writer receives: finished frames, shared between subscribers.
pub type Frame = Arc<str>;

/// A connection's side of the hub: its bounded frame queue and its "you are too slow" signal.
#[derive(Clone)]
pub struct Outbox {
    frames: mpsc::Sender<Frame>,
    overflowed: Arc<Notify>,
}

impl Outbox {
    pub fn new(capacity: usize) -> (Outbox, mpsc::Receiver<Frame>, Arc<Notify>) {
        let (frames, receiver) = mpsc::channel(capacity);
        let overflowed = Arc::new(Notify::new());
        let outbox = Outbox {
            frames,
            overflowed: overflowed.clone(),
        };
        (outbox, receiver, overflowed)
    }

    /// Queues a frame; `false` (and the overflow signal raised) when the queue is full.
    pub fn offer(&self, frame: Frame) -> bool {
        match self.frames.try_send(frame) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.overflowed.notify_one();
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }
}

/// `collection` + `eventName`: what a subscription listens to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Topic {
    pub collection: String,
    pub event_name: String,
}

#[derive(Default)]
pub struct Hub {
    next_conn: AtomicU64,
    topics: Mutex<HashMap<Topic, HashMap<ConnId, Outbox>>>,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub::default())
    }

    pub fn next_conn_id(&self) -> ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn subscribe(&self, topic: Topic, conn: ConnId, outbox: Outbox) {
        self.lock().entry(topic).or_default().insert(conn, outbox);
    }

    pub fn unsubscribe(&self, topic: &Topic, conn: ConnId) {
        let mut topics = self.lock();
        if let Some(subscribers) = topics.get_mut(topic) {
            subscribers.remove(&conn);
            if subscribers.is_empty() {
                topics.remove(topic);
            }
        }
    }

    /// Sends the `changed` frame of an event to every subscriber of its topic, except
    /// `skip` (the sender of a typing notification does not hear itself).
    pub fn publish(&self, topic: &Topic, args: &str, skip: Option<ConnId>) {
        let subscribers: Vec<Outbox> = match self.lock().get(topic) {
            Some(subscribers) => subscribers
                .iter()
                .filter(|(conn, _)| Some(**conn) != skip)
                .map(|(_, outbox)| outbox.clone())
                .collect(),
            None => return,
        };
        let frame: Frame = changed_frame(topic, args).into();
        for outbox in subscribers {
            outbox.offer(frame.clone());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Topic, HashMap<ConnId, Outbox>>> {
        match self.topics.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// `{"msg":"changed","collection":…,"id":"id","fields":{"eventName":…,"args":…}}`, with the
/// already-serialized `args` spliced in (it is the same for every subscriber).
fn changed_frame(topic: &Topic, args: &str) -> String {
    let collection = serde_json::Value::String(topic.collection.clone());
    let event_name = serde_json::Value::String(topic.event_name.clone());
    format!(
        r#"{{"msg":"changed","collection":{collection},"id":"id","fields":{{"eventName":{event_name},"args":{args}}}}}"#
    )
}
