//! Editing the custom field definitions (`livechat:saveCustomField`, `livechat:removeCustomField`
//! and Rocket.Chat 7's `livechat/custom-fields.save` / `.delete`). Definitions live in the
//! database, so every reader (registration, `room.saveInfo`, `livechat/config`) sees an edit
//! with the next request.

use regex::RegexBuilder;
use serde::Deserialize;

use super::validate::{self, limits};
use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::model::{CustomFieldDefinition, CustomFieldScope};

/// A regular expression is only a pattern, a select's options a short list.
const REGEXP_LIMIT: usize = 1024;
const OPTIONS_LIMIT: usize = 4096;

/// `customFieldData` as Rocket.Chat's admin form sends it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomFieldData {
    pub field: String,
    pub label: String,
    pub scope: String,
    pub visibility: String,
    #[serde(default)]
    pub regexp: String,
    #[serde(default)]
    pub searchable: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(rename = "type", default)]
    pub field_type: Option<String>,
    #[serde(default)]
    pub default_value: String,
    #[serde(default)]
    pub options: String,
    #[serde(default)]
    pub public: bool,
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn invalid_name() -> ApiError {
    ApiError::meteor(
        "error-invalid-custom-field-name",
        "Invalid custom field name. Use only letters, numbers, hyphens and underscores.",
    )
}

/// Checks everything that does not need the database; the definition to store under `id`.
fn definition(id: &str, data: CustomFieldData) -> ApiResult<CustomFieldDefinition> {
    validate::within("label", &data.label, limits::NAME)?;
    validate::within("regexp", &data.regexp, REGEXP_LIMIT)?;
    validate::within(
        "defaultValue",
        &data.default_value,
        limits::CUSTOM_FIELD_VALUE,
    )?;
    validate::within("options", &data.options, OPTIONS_LIMIT)?;
    let scope = match data.scope.as_str() {
        "visitor" => CustomFieldScope::Visitor,
        "room" => CustomFieldScope::Room,
        _ => {
            return Err(ApiError::meteor(
                "error-invalid-custom-field-scope",
                "Scope must be visitor or room",
            ))
        }
    };
    // Rocket.Chat's form only offers these two; anything else would reach the widget as is.
    let visibility = match data.visibility.as_str() {
        "visible" | "hidden" => data.visibility,
        _ => {
            return Err(ApiError::meteor(
                "error-invalid-custom-field-visibility",
                "Visibility must be visible or hidden",
            ))
        }
    };
    let field_type = data.field_type.unwrap_or_else(|| "input".into());
    if field_type != "input" && field_type != "select" {
        return Err(ApiError::meteor(
            "error-invalid-custom-field-type",
            "Type must be input or select",
        ));
    }
    // Ours: a pattern that does not compile would silently check nothing.
    if !data.regexp.is_empty()
        && RegexBuilder::new(&data.regexp)
            .size_limit(1 << 20)
            .build()
            .is_err()
    {
        return Err(ApiError::meteor(
            "error-invalid-custom-field-regexp",
            "Invalid regular expression",
        ));
    }
    Ok(CustomFieldDefinition {
        id: id.to_string(),
        label: data.label,
        scope,
        visibility,
        regexp: data.regexp,
        required: data.required,
        searchable: data.searchable,
        field_type,
        default_value: data.default_value,
        options: data.options,
        public: data.public,
    })
}

impl Livechat {
    /// Creates the field `data.field` (no `id`), or replaces the definition `id` (whose key
    /// stays: values already stored under it keep their meaning).
    pub async fn save_custom_field(
        &self,
        id: Option<&str>,
        data: CustomFieldData,
    ) -> ApiResult<CustomFieldDefinition> {
        if !is_field_name(&data.field) || data.field.len() > limits::CUSTOM_FIELD_KEY {
            return Err(invalid_name());
        }
        if let Some(id) = id {
            if id.len() > limits::CUSTOM_FIELD_KEY {
                return Err(invalid_name());
            }
        }
        let key = id.unwrap_or(&data.field).to_string();
        let field = definition(&key, data)?;
        let mut tx = self.store().begin().await?;
        let existing = tx.exec().custom_field(&key).await?;
        match (id, existing) {
            (Some(_), None) => {
                return Err(ApiError::meteor(
                    "error-invalid-custom-field",
                    "Custom Field Not found",
                ))
            }
            (None, Some(_)) => {
                return Err(ApiError::meteor(
                    "error-custom-field-name-already-exists",
                    "Custom field name already exists",
                ))
            }
            _ => {}
        }
        tx.exec().save_custom_field(&field).await?;
        tx.commit().await?;
        Ok(field)
    }

    /// Removes the definition `id`; values visitors and rooms hold under it stay.
    pub async fn remove_custom_field(&self, id: &str) -> ApiResult<()> {
        validate::required("_id", Some(id), limits::CUSTOM_FIELD_KEY)?;
        let mut tx = self.store().begin().await?;
        if !tx.exec().remove_custom_field(id).await? {
            return Err(ApiError::meteor(
                "error-invalid-custom-field",
                "Custom field not found",
            ));
        }
        Ok(tx.commit().await?)
    }
}
