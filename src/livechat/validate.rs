//! Field checks shared by the visitor endpoints: required strings, length limits, formats.
//! Each failure is an `invalid-params` error naming the field.

use crate::error::{ApiError, ApiResult};

/// Upper bounds on what a client may store, so one request cannot bloat the database.
pub mod limits {
    pub const TOKEN: usize = 256;
    pub const ID: usize = 64;
    pub const NAME: usize = 256;
    pub const EMAIL: usize = 254;
    pub const PHONE: usize = 64;
    pub const DEPARTMENT: usize = 256;
    pub const STATUS: usize = 32;
    pub const URL: usize = 2048;
    pub const TITLE: usize = 1024;
    pub const CUSTOM_FIELD_KEY: usize = 128;
    pub const CUSTOM_FIELD_VALUE: usize = 4096;
    pub const CUSTOM_FIELDS_PER_REQUEST: usize = 100;
    pub const OFFLINE_MESSAGE: usize = 10_000;
    pub const SURVEY_FEEDBACK: usize = 4096;
    pub const LOCATION_TEXT: usize = 256;
    /// A department's description and its queue / closing texts.
    pub const DEPARTMENT_TEXT: usize = 4096;
    /// Entries of a department's tag and forwarding lists.
    pub const DEPARTMENT_LIST: usize = 100;
    /// Client-defined fields stored on a department, and the length of each text among them.
    pub const DEPARTMENT_EXTRA_FIELDS: usize = 20;
    pub const DEPARTMENT_EXTRA_TEXT: usize = 1024;
    /// Agent links added, replaced or removed by one request.
    pub const DEPARTMENT_AGENTS_PER_REQUEST: usize = 1000;
}

/// A required, non-blank string of at most `max` characters.
pub fn required<'a>(field: &str, value: Option<&'a str>, max: usize) -> ApiResult<&'a str> {
    match value {
        None => Err(ApiError::invalid(format!(
            "must have required property '{field}'"
        ))),
        Some(v) if v.trim().is_empty() => {
            Err(ApiError::invalid(format!("'{field}' must not be empty")))
        }
        Some(v) => within(field, v, max),
    }
}

/// An optional string of at most `max` characters.
pub fn optional<'a>(field: &str, value: Option<&'a str>, max: usize) -> ApiResult<Option<&'a str>> {
    value.map(|v| within(field, v, max)).transpose()
}

pub fn within<'a>(field: &str, value: &'a str, max: usize) -> ApiResult<&'a str> {
    if value.chars().count() > max {
        return Err(ApiError::invalid(format!(
            "'{field}' must NOT have more than {max} characters"
        )));
    }
    Ok(value)
}

/// A plausible e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces.
/// (Deliverability is not checked: that needs DNS, which a chat server should not block on.)
pub fn is_email(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shapes() {
        assert!(is_email("visitor@rocket.chat"));
        assert!(!is_email("visitor@localhost"));
        assert!(!is_email("no at sign"));
        assert!(!is_email("a b@example.com"));
        assert!(!is_email("@example.com"));
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(within("name", "ééé", 3).is_ok());
        assert!(within("name", "éééé", 3).is_err());
        assert!(required("token", Some("  "), 10).is_err());
        assert!(required("token", None, 10).is_err());
    }
}
