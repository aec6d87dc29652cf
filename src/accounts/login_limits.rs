//! How many failed logins a client IP and an account name may have: the one limit both REST
//! (`POST login`) and DDP (`login`) go through.
//!
//! Each attempt takes one unit from its IP's budget (and a password attempt one from its
//! account name's budget) *before* the password is checked, so attempts still being checked
//! count and a burst of parallel guesses cannot slip past; a successful login gives its units
//! back. So only failures accumulate: a real user who logs in (or resumes with a token) many
//! times is never locked out, while guesses are, from one IP (`login_per_minute`) or from many
//! IPs at one account (`login_failures_per_account`). Once a budget is spent, every attempt
//! is refused, the right password included, until enough time has passed. Unknown account
//! names are counted like real ones, or the refusal would tell which accounts exist.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::{ApiError, ApiResult};

/// Longest account name kept as a key (longer names share the key of their first characters).
const MAX_KEY_CHARS: usize = 320;

/// The login budgets of client IPs and account names.
#[derive(Clone)]
pub struct LoginLimits {
    per_ip: Option<Buckets<IpAddr>>,
    per_account: Option<Buckets<String>>,
}

/// Units taken for one attempt, to give back if it succeeds.
#[must_use = "a successful login gives its units back"]
pub struct Attempt {
    ip: Option<IpAddr>,
    account: Option<String>,
}

impl LoginLimits {
    pub fn new(config: &Config) -> LoginLimits {
        let per_ip = (config.login_per_minute > 0)
            .then(|| Buckets::new(config.login_per_minute, Duration::from_secs(60)));
        let per_account = (config.login_failures_per_account > 0).then(|| {
            Buckets::new(
                config.login_failures_per_account,
                Duration::from_secs(config.login_failures_window_seconds.max(1)),
            )
        });
        LoginLimits {
            per_ip,
            per_account,
        }
    }

    /// Takes a unit from `ip`'s budget and, when logging in by name, from `account`'s; refuses
    /// (taking nothing) when either is spent.
    pub fn attempt(&self, ip: Option<IpAddr>, account: Option<&str>) -> ApiResult<Attempt> {
        let account = account.map(account_key);
        let ip_limit = self.per_ip.as_ref().zip(ip);
        let account_limit = self.per_account.as_ref().zip(account.clone());
        if let Some((buckets, ip)) = ip_limit {
            buckets.take(ip)?;
        }
        if let Some((buckets, account)) = account_limit {
            if let Err(refused) = buckets.take(account) {
                if let Some((buckets, ip)) = ip_limit {
                    buckets.give_back(&ip);
                }
                return Err(refused);
            }
        }
        Ok(Attempt { ip, account })
    }

    /// The attempt succeeded, or was never judged (the server was too busy to check it): its
    /// units go back.
    pub fn give_back(&self, attempt: Attempt) {
        if let (Some(buckets), Some(ip)) = (&self.per_ip, attempt.ip) {
            buckets.give_back(&ip);
        }
        if let (Some(buckets), Some(account)) = (&self.per_account, attempt.account) {
            buckets.give_back(&account);
        }
    }

    /// Forgets budgets that have refilled completely, bounding memory.
    pub fn forget_idle(&self) {
        if let Some(buckets) = &self.per_ip {
            buckets.forget_full();
        }
        if let Some(buckets) = &self.per_account {
            buckets.forget_full();
        }
    }
}

/// The key of an account name: case-insensitive, as logins are.
fn account_key(login: &str) -> String {
    login
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_KEY_CHARS)
        .collect()
}

/// Leaky buckets, one per key: `capacity` units at once, refilling at `capacity` per `period`.
#[derive(Clone)]
struct Buckets<K> {
    capacity: f64,
    refill_per_sec: f64,
    used: Arc<Mutex<HashMap<K, Used>>>,
}

/// Units in use at `at`.
#[derive(Clone, Copy)]
struct Used {
    units: f64,
    at: Instant,
}

impl<K: Hash + Eq> Buckets<K> {
    fn new(capacity: u32, period: Duration) -> Buckets<K> {
        let capacity = f64::from(capacity.max(1));
        Buckets {
            capacity,
            refill_per_sec: capacity / period.as_secs_f64(),
            used: Arc::default(),
        }
    }

    fn take(&self, key: K) -> ApiResult<()> {
        let now = Instant::now();
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = used.entry(key).or_insert(Used {
            units: 0.0,
            at: now,
        });
        let units = self.drained(*entry, now);
        if units + 1.0 > self.capacity {
            let wait = (units + 1.0 - self.capacity) / self.refill_per_sec;
            return Err(ApiError::TooManyRequests {
                retry_after_secs: (wait.ceil() as u64).max(1),
            });
        }
        *entry = Used {
            units: units + 1.0,
            at: now,
        };
        Ok(())
    }

    fn give_back(&self, key: &K) {
        let now = Instant::now();
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = used.get_mut(key) {
            let units = self.drained(*entry, now);
            *entry = Used {
                units: (units - 1.0).max(0.0),
                at: now,
            };
        }
    }

    fn forget_full(&self) {
        let now = Instant::now();
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        used.retain(|_, entry| self.drained(*entry, now) > 0.0);
        used.shrink_to_fit();
    }

    /// The units still in use once the time since `used.at` has drained some.
    fn drained(&self, used: Used, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(used.at).as_secs_f64();
        (used.units - elapsed * self.refill_per_sec).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_budget_refuses_until_it_refills_and_successes_give_back() {
        let buckets = Buckets::new(2, Duration::from_millis(200));
        buckets.take("a").unwrap();
        buckets.give_back(&"a"); // a success
        buckets.take("a").unwrap();
        buckets.take("a").unwrap();
        let Err(ApiError::TooManyRequests { retry_after_secs }) = buckets.take("a") else {
            panic!("a third failure in the period is refused");
        };
        assert_eq!(retry_after_secs, 1);
        buckets.take("b").unwrap();
        std::thread::sleep(Duration::from_millis(120)); // one unit refills every 100 ms
        buckets.take("a").unwrap();
        std::thread::sleep(Duration::from_millis(250));
        buckets.forget_full();
        assert!(buckets.used.lock().unwrap().is_empty());
    }

    #[test]
    fn account_names_are_case_insensitive() {
        assert_eq!(account_key(" Admin "), "admin");
    }
}
