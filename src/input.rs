//! Deserialization helpers for request bodies, shared by the HTTP layer and the services'
//! input types.

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// `deserialize_with` for a nested object field. serde's derived structs also accept a JSON
/// array of their fields' values in order; a client sending `[token, status]` where an object
/// belongs is confused or probing, so only objects are accepted.
pub fn object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None => Ok(None),
        Some(value @ serde_json::Value::Object(_)) => serde_json::from_value(value)
            .map(Some)
            .map_err(D::Error::custom),
        Some(_) => Err(D::Error::custom("expected a JSON object")),
    }
}

/// `deserialize_with` for a list of objects (see [`object`]).
pub fn objects<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::de::Error;
    match Option::<Vec<serde_json::Value>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(items) => items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::Object(_) => {
                    serde_json::from_value(item).map_err(D::Error::custom)
                }
                _ => Err(D::Error::custom("expected a list of JSON objects")),
            })
            .collect::<Result<Vec<T>, _>>()
            .map(Some),
    }
}
