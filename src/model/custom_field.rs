use serde::{Deserialize, Serialize};

/// A custom field visitors may fill (`rocketchat_livechat_custom_field`); the id is the key.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldDefinition {
    #[serde(rename = "_id", alias = "id")]
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub scope: CustomFieldScope,
    #[serde(default = "visible")]
    pub visibility: String,
    /// A regular expression values must match; empty for none.
    #[serde(default)]
    pub regexp: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub searchable: bool,
    /// The widget's form control: `input` (a text box) or `select` (one of `options`).
    #[serde(rename = "type", default = "input")]
    pub field_type: String,
    #[serde(default)]
    pub default_value: String,
    /// The choices of a `select`, comma-separated as Rocket.Chat keeps them.
    #[serde(default)]
    pub options: String,
    /// Whether the widget's registration form offers the field (`livechat/config`).
    #[serde(default)]
    pub public: bool,
}

fn input() -> String {
    "input".into()
}

fn visible() -> String {
    "visible".into()
}

/// Whether a field's value belongs to the visitor or to each of its open rooms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomFieldScope {
    #[default]
    Visitor,
    Room,
}
