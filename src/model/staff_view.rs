//! What staff may see of visitor documents. A visitor token is a credential (every visitor call
//! proves ownership with it), so no payload meant for agents, managers or administrators carries
//! one: rooms (`v.token`), messages (`token`, `navigation.token`), inquiries (`v.token`,
//! `lastMessage.token`), visitor records and sessions (`token`), typing extras (`token`,
//! `visitorToken`). Stripping every key of those names, at any depth, covers all of them and any
//! field added later; visitors' own payloads are never passed through here.

use serde::Serialize;
use serde_json::Value;

/// The keys under which documents carry a visitor token.
const TOKEN_KEYS: [&str; 2] = ["token", "visitorToken"];

/// Removes every visitor-token field from `value`, at any depth.
pub fn strip_visitor_tokens(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for key in TOKEN_KEYS {
                fields.remove(key);
            }
            fields.values_mut().for_each(strip_visitor_tokens);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_visitor_tokens),
        _ => {}
    }
}

/// `document` as staff see it: serialized, without visitor tokens.
pub fn staff_view<T: Serialize + ?Sized>(document: &T) -> serde_json::Result<Value> {
    let mut value = serde_json::to_value(document)?;
    strip_visitor_tokens(&mut value);
    Ok(value)
}

/// Whether serialized JSON may hold a visitor-token key (`"token"` or `"visitorToken"`): a
/// cheap test that spares parsing the many payloads that hold none.
pub fn may_carry_visitor_token(json: &str) -> bool {
    json.contains("oken\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_keys_go_at_any_depth_and_nothing_else_does() {
        let mut doc = json!({
            "_id": "R", "v": { "_id": "V", "token": "T", "username": "guest-1" },
            "lastMessage": { "msg": "my token is here", "token": "T",
                             "navigation": { "page": {}, "token": "T" } },
            "args": [{ "visitorToken": "T", "token": "T" }],
        });
        let text = doc.to_string();
        assert!(may_carry_visitor_token(&text));
        strip_visitor_tokens(&mut doc);
        assert!(!doc.to_string().contains("\"T\""), "{doc}");
        assert_eq!(doc["lastMessage"]["msg"], json!("my token is here"));
        assert_eq!(doc["v"]["username"], json!("guest-1"));
        assert!(!may_carry_visitor_token(&doc.to_string()));
    }
}
