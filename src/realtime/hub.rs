//! The local fan-out: which connections of this process subscribe to which stream event, and
//! handing each of them a frame without ever waiting. A connection whose queue is full is
//! told to close (a slow consumer), so one stuck client never delays the others.
//!
//! Stored events carry their outbox id as `seq`, increasing within a room. A subscriber that
//! asks to catch up from a `seq` is held while its missed events are replayed from the outbox:
//! live events arriving meanwhile wait in its hold and are released after the replay, each
//! exactly once and in order.
//!
//! Each subscriber has a view (the room's visitor, or staff with the departments it may see):
//! an event is rendered once per view, never once per subscriber (see `views`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, Notify};

use super::frames::Frame;
use super::topic::Topic;
use super::views::{Rendering, View};

/// Identifies one WebSocket connection within this process.
pub type ConnId = u64;

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
                self.overflow();
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    fn overflow(&self) {
        self.overflowed.notify_one();
    }
}

/// An event on its way to subscribers.
pub struct Event<'a> {
    pub topic: &'a Topic,
    /// The outbox id of a stored event; `None` for ephemeral ones (queue positions).
    pub seq: Option<i64>,
    /// The `args` array, already serialized (the same for every subscriber).
    pub args: &'a str,
    /// The connection that caused it, which does not hear it back.
    pub skip: Option<ConnId>,
}

enum Delivery {
    /// Replaying missed events; live ones wait here.
    CatchingUp(Vec<(Option<i64>, Frame)>),
    /// Receiving live events; stored ones at or below `replayed_to` were sent by the replay.
    /// (The dispatcher itself never delivers an event twice.)
    Live { replayed_to: i64 },
}

struct Subscriber {
    outbox: Outbox,
    delivery: Delivery,
    view: View,
}

impl Subscriber {
    fn deliver(&mut self, seq: Option<i64>, frame: &Frame) {
        match &mut self.delivery {
            Delivery::Live { replayed_to } => {
                if seq.is_some_and(|seq| seq <= *replayed_to) {
                    return;
                }
                self.outbox.offer(frame.clone());
            }
            Delivery::CatchingUp(held) => {
                // A replay holds no more live frames than the queue itself would.
                if held.len() >= self.outbox.frames.max_capacity() {
                    self.outbox.overflow();
                } else {
                    held.push((seq, frame.clone()));
                }
            }
        }
    }
}

pub struct Hub {
    /// Tells this process's events apart from other processes' (typing origins).
    node: u64,
    next_conn: AtomicU64,
    topics: Mutex<HashMap<Topic, HashMap<ConnId, Subscriber>>>,
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub {
            node: rand::random(),
            next_conn: AtomicU64::new(0),
            topics: Mutex::default(),
        })
    }

    pub fn next_conn_id(&self) -> ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Adds a live subscriber.
    pub fn subscribe(&self, topic: Topic, conn: ConnId, outbox: Outbox, view: View) {
        self.add(topic, conn, outbox, view, Delivery::Live { replayed_to: 0 });
    }

    /// Adds a subscriber that is about to replay what it missed: live events are held until
    /// `finish_catch_up`.
    pub fn subscribe_catching_up(&self, topic: Topic, conn: ConnId, outbox: Outbox, view: View) {
        self.add(topic, conn, outbox, view, Delivery::CatchingUp(Vec::new()));
    }

    fn add(&self, topic: Topic, conn: ConnId, outbox: Outbox, view: View, delivery: Delivery) {
        let subscriber = Subscriber {
            outbox,
            delivery,
            view,
        };
        self.lock()
            .entry(topic)
            .or_default()
            .insert(conn, subscriber);
    }

    /// The origin of an event caused by connection `conn` of this process (`<node>/<conn>`).
    pub fn origin(&self, conn: ConnId) -> String {
        format!("{}/{conn}", self.node)
    }

    /// The connection of this process an event's origin names, if it is one of ours.
    pub fn local_connection(&self, origin: &str) -> Option<ConnId> {
        let (node, conn) = origin.split_once('/')?;
        (node.parse::<u64>().ok()? == self.node).then(|| conn.parse().ok())?
    }

    /// Ends a replay that sent every stored event up to `replayed_to`: releases the held live
    /// events that come after it, then delivers live.
    pub fn finish_catch_up(&self, topic: &Topic, conn: ConnId, replayed_to: i64) {
        let mut topics = self.lock();
        let Some(subscriber) = topics.get_mut(topic).and_then(|s| s.get_mut(&conn)) else {
            return;
        };
        let held = match std::mem::replace(&mut subscriber.delivery, Delivery::Live { replayed_to })
        {
            Delivery::CatchingUp(held) => held,
            Delivery::Live { .. } => Vec::new(),
        };
        for (seq, frame) in held {
            subscriber.deliver(seq, &frame);
        }
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

    /// The event names of `collection` that connections of this process listen to.
    pub fn event_names(&self, collection: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .lock()
            .keys()
            .filter(|topic| topic.collection == collection)
            .map(|topic| topic.event_name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Sends the `changed` frame of an event to every subscriber of its topic, as its view
    /// renders it.
    pub fn publish(&self, event: &Event<'_>) {
        let mut topics = self.lock();
        let Some(subscribers) = topics.get_mut(event.topic) else {
            return;
        };
        let mut rendering = Rendering::new(event.topic, event.seq, event.args);
        for (conn, subscriber) in subscribers.iter_mut() {
            if Some(*conn) == event.skip {
                continue;
            }
            if let Some(frame) = rendering.frame_for(&subscriber.view) {
                subscriber.deliver(event.seq, &frame);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Topic, HashMap<ConnId, Subscriber>>> {
        match self.topics.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(frames: &mut mpsc::Receiver<Frame>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(frame) = frames.try_recv() {
            out.push(frame.to_string());
        }
        out
    }

    #[test]
    fn events_held_during_a_replay_are_released_once_in_order() {
        let hub = Hub::new();
        let topic = Topic::new("stream-room-messages", "R1");
        let (outbox, mut frames, _) = Outbox::new(16);
        hub.subscribe_catching_up(topic.clone(), 1, outbox, View::Visitor);
        for seq in [5, 6, 7] {
            let args = format!("[{seq}]");
            hub.publish(&Event {
                topic: &topic,
                seq: Some(seq),
                args: &args,
                skip: None,
            });
        }
        assert!(drain(&mut frames).is_empty(), "held while catching up");
        // The replay read the outbox up to 6: only 7 is still to be sent.
        hub.finish_catch_up(&topic, 1, 6);
        let sent = drain(&mut frames);
        assert_eq!(sent.len(), 1);
        assert!(sent[0].contains(r#""args":[7]"#) && sent[0].ends_with(r#","seq":7}"#));
        // A live event the replay already sent (it committed just before the replay read).
        hub.publish(&Event {
            topic: &topic,
            seq: Some(6),
            args: "[6]",
            skip: None,
        });
        assert!(drain(&mut frames).is_empty(), "never twice");
    }
}
