use serde::{Deserialize, Serialize};

use super::CustomData;
use crate::time::Timestamp;

/// A website visitor (`rocketchat_livechat_visitor`), identified by the token its browser made up.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Visitor {
    #[serde(rename = "_id")]
    pub id: String,
    pub username: String,
    pub token: String,
    pub status: String,
    pub ts: Timestamp,
    #[serde(rename = "_updatedAt")]
    pub updated_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visitor_emails: Option<Vec<EmailAddress>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Vec<PhoneNumber>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livechat_data: Option<CustomData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_chat: Option<LastChat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl Visitor {
    pub fn email(&self) -> Option<&str> {
        self.visitor_emails
            .as_ref()
            .and_then(|emails| emails.first())
            .map(|e| e.address.as_str())
    }

    pub fn phone_number(&self) -> Option<&str> {
        self.phone
            .as_ref()
            .and_then(|phones| phones.first())
            .map(|p| p.phone_number.as_str())
    }

    /// The name shown for the visitor: its name, else its `guest-N` username.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.username)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EmailAddress {
    pub address: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PhoneNumber {
    #[serde(rename = "phoneNumber")]
    pub phone_number: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LastChat {
    #[serde(rename = "_id")]
    pub id: String,
    pub ts: Timestamp,
}
