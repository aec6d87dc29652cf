//! The outbox courier of kind `"mail"`: one SMTP attempt per try, retried on a widening
//! schedule for a day.

use std::time::Duration;

use futures::future::BoxFuture;
use serde_json::Value;

use super::smtp::Mailer;
use super::{Mail, KIND};
use crate::livechat::Livechat;
use crate::outbox::{Courier, Undelivered};

/// The longest one attempt may take (connect, TLS, authentication, the mail itself).
pub const ATTEMPT_LIMIT: Duration = Duration::from_secs(60);

/// Waits after the 1st, 2nd... failed attempt; then hourly.
const RETRY_SCHEDULE: [u64; 6] = [10, 30, 60, 5 * 60, 15 * 60, 30 * 60];
const HOURLY: u64 = 60 * 60;
/// Mail still undelivered this long after its first attempt is given up (then listed as
/// failed for administrators, who may queue it again).
const GIVE_UP_AFTER: u64 = 24 * 60 * 60;

pub struct MailCourier {
    mailer: Mailer,
}

impl MailCourier {
    pub fn new(livechat: Livechat) -> MailCourier {
        MailCourier {
            mailer: Mailer::new(livechat),
        }
    }
}

impl Courier for MailCourier {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn deliver<'a>(&'a self, payload: &'a Value) -> BoxFuture<'a, Result<(), Undelivered>> {
        Box::pin(async move {
            let mail: Mail = serde_json::from_value(payload.clone())
                .map_err(|err| Undelivered::permanent(format!("unreadable mail: {err}")))?;
            match tokio::time::timeout(ATTEMPT_LIMIT, self.mailer.send(&mail)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(Undelivered::retry("the mail server did not answer in time")),
            }
        })
    }

    fn attempt_limit(&self) -> Duration {
        ATTEMPT_LIMIT
    }

    fn retry_delay(&self, attempts: u32) -> Option<Duration> {
        retry_delay(attempts)
    }
}

/// The wait after `attempts` failed attempts, or `None` once a day has gone by.
fn retry_delay(attempts: u32) -> Option<Duration> {
    let delay_after = |n: u32| -> u64 {
        RETRY_SCHEDULE
            .get(n.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(HOURLY)
    };
    let waited: u64 = (1..attempts).map(delay_after).sum();
    let next = delay_after(attempts);
    (waited + next <= GIVE_UP_AFTER).then(|| Duration::from_secs(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_widen_then_stop_after_a_day() {
        assert_eq!(retry_delay(1), Some(Duration::from_secs(10)));
        assert_eq!(retry_delay(2), Some(Duration::from_secs(30)));
        assert_eq!(retry_delay(7), Some(Duration::from_secs(3600)));
        let attempts = (1..100).take_while(|n| retry_delay(*n).is_some()).count();
        let total: u64 = (1..=attempts as u32)
            .map(|n| retry_delay(n).unwrap().as_secs())
            .sum();
        assert!(total <= GIVE_UP_AFTER && total > GIVE_UP_AFTER - HOURLY);
    }
}
