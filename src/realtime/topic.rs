//! What a subscription listens to, shared by the hub, the views and the subscriptions; it
//! depends on nothing else in `realtime/`.

/// What a subscription listens to: `collection` + `eventName`, and for per-user streams that
/// share one event name (`__my_messages__`), the user.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Topic {
    pub collection: String,
    pub event_name: String,
    pub audience: Option<String>,
}

impl Topic {
    pub fn new(collection: &str, event_name: &str) -> Topic {
        Topic {
            collection: collection.to_string(),
            event_name: event_name.to_string(),
            audience: None,
        }
    }
}
