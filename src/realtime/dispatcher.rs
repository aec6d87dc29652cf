//! Reads committed events from the outbox and hands them to the local hub. Woken by each
//! SQLite commit, or by PostgreSQL `NOTIFY` from any process sharing the database; a periodic
//! pass catches anything a lost notification or a late commit left behind.
//!
//! On PostgreSQL ids are taken at insert time, so a transaction may commit after one holding a
//! higher id: the cursor remembers ids it has delivered above its low-water mark and re-reads
//! from there, delivering late ids when they appear. Events of one room never arrive out of
//! order that way, because every transaction that writes a room's events holds the room's lock.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::postgres::PgListener;
use tokio::sync::Notify;

use super::hub::{Event, Hub};
use super::topic::Topic;
use crate::accounts::permission_table::Permissions;
use crate::http::{IpRateLimit, LimiterSettings};
use crate::livechat::Livechat;
use crate::store::streams::{INQUIRY_QUEUE, PERMISSIONS_CHANGED, SETTINGS_CHANGED};
use crate::store::{Store, StoredEvent, EVENTS_CHANNEL};

/// Events read per query.
const BATCH: i64 = 500;
/// A safety pass when no wake-up came.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// How long a missing id may still turn up (a transaction that has not committed yet).
const GAP_PATIENCE: Duration = Duration::from_secs(10);

/// Which event ids have been delivered.
struct Cursor {
    /// Every id at or below it is delivered or given up on.
    low: i64,
    delivered_above: BTreeSet<i64>,
    /// Ids not seen yet although higher ones were, with when the gap was noticed.
    gaps: BTreeMap<i64, Instant>,
    highest: i64,
}

impl Cursor {
    fn starting_after(id: i64) -> Cursor {
        Cursor {
            low: id,
            delivered_above: BTreeSet::new(),
            gaps: BTreeMap::new(),
            highest: id,
        }
    }

    /// Whether `id` is new; records it as delivered.
    fn accept(&mut self, id: i64, now: Instant) -> bool {
        if id <= self.low || !self.delivered_above.insert(id) {
            return false;
        }
        self.gaps.remove(&id);
        for missing in (self.highest + 1)..id {
            self.gaps.insert(missing, now);
        }
        self.highest = self.highest.max(id);
        true
    }

    /// Moves the low-water mark over delivered ids and gaps that waited long enough.
    fn advance(&mut self, now: Instant) {
        loop {
            let next = self.low + 1;
            if self.delivered_above.remove(&next) {
                self.low = next;
            } else if self
                .gaps
                .get(&next)
                .is_some_and(|since| now.duration_since(*since) > GAP_PATIENCE)
            {
                self.gaps.remove(&next);
                self.low = next;
            } else {
                break;
            }
        }
    }
}

/// What the dispatcher keeps up to date besides the hub.
pub struct Followers {
    /// Raised whenever the inquiry queue changed, so queue positions can be recomputed.
    pub queue_changed: Arc<Notify>,
    /// Reloaded whenever a permission changed (on this process or another).
    pub permissions: Permissions,
    /// Its settings reloaded whenever one changed (on this process or another)...
    pub livechat: Livechat,
    /// ...and the visitor API's limiter re-shaped by them (`API_Enable_Rate_Limiter*`).
    pub visitor_api_limit: IpRateLimit,
}

/// What the events just read changed besides what they publish.
#[derive(Default)]
struct Changed {
    permissions: bool,
    settings: bool,
}

impl Changed {
    fn add(&mut self, other: Changed) {
        self.permissions |= other.permissions;
        self.settings |= other.settings;
    }
}

/// Runs until the process ends.
pub async fn run(store: Store, hub: Arc<Hub>, followers: Followers) {
    let start = match store.read().await {
        Ok(mut conn) => conn.exec().last_event_id().await.unwrap_or(0),
        Err(_) => 0,
    };
    // A change committed between the app's first load and `start` has no event left to read.
    reload_permissions(&store, &followers.permissions).await;
    reload_settings(&followers).await;
    let mut cursor = Cursor::starting_after(start);
    let mut listener = listen(&store).await;
    let mut commits = store.commits();
    loop {
        let changed = deliver(&store, &hub, &mut cursor, &followers.queue_changed).await;
        if changed.permissions {
            reload_permissions(&store, &followers.permissions).await;
        }
        if changed.settings {
            reload_settings(&followers).await;
        }
        let wake = async {
            match listener.as_mut() {
                Some(listener) => {
                    if listener.recv().await.is_err() {
                        // The listener reconnects by itself; meanwhile poll.
                        tokio::time::sleep(POLL_EVERY).await;
                    }
                }
                None => commits.next().await,
            }
        };
        let _ = tokio::time::timeout(POLL_EVERY, wake).await;
    }
}

async fn reload_permissions(store: &Store, permissions: &Permissions) {
    if let Err(err) = permissions.reload(store).await {
        tracing::warn!(error = %err, "reloading the permission table failed");
    }
}

/// Settings are read where they apply, from the snapshot; the limiter holds its own shape.
async fn reload_settings(followers: &Followers) {
    if let Err(err) = followers.livechat.reload_settings().await {
        tracing::warn!(error = %err, "reloading the settings failed");
        return;
    }
    followers
        .visitor_api_limit
        .apply_settings(LimiterSettings::of(&followers.livechat.settings()));
}

async fn listen(store: &Store) -> Option<PgListener> {
    let pool = store.postgres_pool()?;
    match PgListener::connect_with(pool).await {
        Ok(mut listener) => match listener.listen(EVENTS_CHANNEL).await {
            Ok(()) => Some(listener),
            Err(err) => {
                tracing::warn!(error = %err, "LISTEN failed; realtime events are polled");
                None
            }
        },
        Err(err) => {
            tracing::warn!(error = %err, "LISTEN connection failed; realtime events are polled");
            None
        }
    }
}

/// Delivers what committed since the last pass: first any late commits among the ids still
/// missing below the highest one delivered, then everything new above it. New events are read
/// from the highest delivered id, not from the low-water mark: after a gap (a transaction that
/// rolled back, or has not committed yet) the events above it are already delivered, and
/// re-reading them from the mark would stall delivery behind them until the gap is given up.
/// Answers whether a permission or a setting changed.
async fn deliver(store: &Store, hub: &Hub, cursor: &mut Cursor, queue_changed: &Notify) -> Changed {
    let mut changed = Changed::default();
    if let Some(&last_gap) = cursor.gaps.keys().next_back() {
        let mut after = cursor.low;
        while let Some(events) = read(store, Page::Between(after, last_gap)).await {
            let full_batch = events.len() as i64 == BATCH;
            after = events.last().map_or(last_gap, |e| e.id);
            changed.add(accept_all(hub, cursor, events, queue_changed));
            if !full_batch {
                break;
            }
        }
    }
    loop {
        let after = cursor.highest;
        let Some(events) = read(store, Page::After(after)).await else {
            break;
        };
        let full_batch = events.len() as i64 == BATCH;
        changed.add(accept_all(hub, cursor, events, queue_changed));
        if !full_batch {
            break;
        }
    }
    cursor.advance(Instant::now());
    changed
}

/// Which events a read asks for.
enum Page {
    /// `after < id <= up_to`.
    Between(i64, i64),
    /// `id > after`.
    After(i64),
}

/// One page of events, or `None` (logged) when the database could not be read.
async fn read(store: &Store, page: Page) -> Option<Vec<StoredEvent>> {
    let events = match store.read().await {
        Ok(mut conn) => match page {
            Page::Between(after, up_to) => conn.exec().events_between(after, up_to, BATCH).await,
            Page::After(after) => conn.exec().events_after(after, BATCH).await,
        },
        Err(err) => Err(err),
    };
    match events {
        Ok(events) => Some(events),
        Err(err) => {
            tracing::warn!(error = %err, "reading realtime events failed");
            None
        }
    }
}

/// Publishes the new events; answers whether one was a permission or a settings change
/// (those are not published: no client subscribes to them).
fn accept_all(
    hub: &Hub,
    cursor: &mut Cursor,
    events: Vec<StoredEvent>,
    queue_changed: &Notify,
) -> Changed {
    let now = Instant::now();
    let mut changed = Changed::default();
    for event in events {
        if cursor.accept(event.id, now) {
            if event.collection == INQUIRY_QUEUE {
                queue_changed.notify_one();
            }
            if event.collection == PERMISSIONS_CHANGED {
                changed.permissions = true;
                continue;
            }
            if event.collection == SETTINGS_CHANGED {
                changed.settings = true;
                continue;
            }
            publish(hub, event);
        }
    }
    changed
}

fn publish(hub: &Hub, event: StoredEvent) {
    let topic = Topic {
        collection: event.collection,
        event_name: event.event_name,
        audience: event.audience,
    };
    hub.publish(&Event {
        topic: &topic,
        seq: Some(event.id),
        args: &event.args,
        skip: event
            .origin
            .as_deref()
            .and_then(|o| hub.local_connection(o)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_ids_are_delivered_once_and_the_mark_waits_for_them() {
        let now = Instant::now();
        let mut cursor = Cursor::starting_after(10);
        assert!(cursor.accept(11, now));
        assert!(cursor.accept(13, now)); // 12 not committed yet
        cursor.advance(now);
        assert_eq!(cursor.low, 11);
        assert!(!cursor.accept(13, now), "delivered once");
        assert!(cursor.accept(12, now), "the late one still arrives");
        cursor.advance(now);
        assert_eq!(cursor.low, 13);
    }

    #[test]
    fn a_gap_that_never_fills_is_given_up_after_a_while() {
        let then = Instant::now();
        let mut cursor = Cursor::starting_after(0);
        assert!(cursor.accept(2, then)); // 1 rolled back
        cursor.advance(then);
        assert_eq!(cursor.low, 0);
        cursor.advance(then + GAP_PATIENCE + Duration::from_secs(1));
        assert_eq!(cursor.low, 2);
    }
}
