//! Presence from realtime connections. A visitor whose widget connection closes is offline
//! (online again when it reconnects); an agent whose last logged-in connection closes goes
//! offline after a grace period, and so stops receiving new chats, unless it came back.
//!
//! Connections are counted per process: with several processes behind a load balancer an
//! agent connected to two of them goes offline when either one's connections all close.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::accounts::Accounts;
use crate::livechat::Livechat;

pub struct Presence {
    livechat: Livechat,
    accounts: Accounts,
    grace: Duration,
    visitors: Mutex<HashMap<String, usize>>,
    /// Per user: open connections, and a generation that a reconnect bumps so a pending
    /// offline timer knows it is stale.
    users: Mutex<HashMap<String, (usize, u64)>>,
}

impl Presence {
    pub fn new(livechat: Livechat, accounts: Accounts, grace: Duration) -> Arc<Presence> {
        Arc::new(Presence {
            livechat,
            accounts,
            grace,
            visitors: Mutex::default(),
            users: Mutex::default(),
        })
    }

    pub async fn visitor_connected(&self, token: &str) {
        let first = {
            let mut visitors = lock(&self.visitors);
            let count = visitors.entry(token.to_string()).or_default();
            *count += 1;
            *count == 1
        };
        if first {
            self.set_visitor_status(token, "online").await;
        }
    }

    pub async fn visitor_disconnected(&self, token: &str) {
        let last = {
            let mut visitors = lock(&self.visitors);
            match visitors.get_mut(token) {
                Some(count) if *count > 1 => {
                    *count -= 1;
                    false
                }
                Some(_) => {
                    visitors.remove(token);
                    true
                }
                None => false,
            }
        };
        if last {
            self.set_visitor_status(token, "offline").await;
        }
    }

    async fn set_visitor_status(&self, token: &str, status: &str) {
        // A visitor that has not registered yet has nothing to mark.
        if let Err(err) = self.livechat.set_visitor_status(token, status).await {
            tracing::debug!(error = %err, status, "visitor presence not recorded");
        }
    }

    pub async fn user_connected(&self, id: &str) {
        let first = {
            let mut users = lock(&self.users);
            let (count, generation) = users.entry(id.to_string()).or_default();
            *count += 1;
            *generation += 1;
            *count == 1
        };
        if first {
            match self.accounts.set_connection_status(id, true).await {
                Ok(user) if user.takes_chats() => self.livechat.drain_queue_after_change().await,
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "recording a user online failed"),
            }
        }
    }

    /// Starts the grace period when the user's last connection closed.
    pub fn user_disconnected(self: &Arc<Self>, id: &str) {
        let generation = {
            let mut users = lock(&self.users);
            let Some((count, generation)) = users.get_mut(id) else {
                return;
            };
            *count = count.saturating_sub(1);
            if *count > 0 {
                return;
            }
            *generation
        };
        let presence = self.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            tokio::time::sleep(presence.grace).await;
            let still_gone = {
                let mut users = lock(&presence.users);
                match users.get(&id) {
                    Some((0, current)) if *current == generation => {
                        users.remove(&id);
                        true
                    }
                    _ => false,
                }
            };
            if still_gone {
                tracing::info!(user = %id, "last connection gone: offline");
                if let Err(err) = presence.accounts.set_connection_status(&id, false).await {
                    tracing::warn!(error = %err, "recording a user offline failed");
                }
            }
        });
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}
