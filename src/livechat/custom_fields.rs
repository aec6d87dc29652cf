//! Custom fields a visitor fills in (reference §2.17): values are checked against the field
//! definitions and stored on the visitor or on its open rooms, depending on the field's scope.

use regex::RegexBuilder;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::validate::{self, limits};
use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::model::{CustomData, CustomFieldDefinition, CustomFieldScope, Visitor};
use crate::time::Timestamp;

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CustomFieldInput {
    pub key: String,
    pub value: String,
    pub overwrite: bool,
}

pub(super) fn validate_inputs(fields: &[CustomFieldInput]) -> ApiResult<()> {
    if fields.len() > limits::CUSTOM_FIELDS_PER_REQUEST {
        return Err(ApiError::invalid(format!(
            "'customFields' must NOT have more than {} items",
            limits::CUSTOM_FIELDS_PER_REQUEST
        )));
    }
    for field in fields {
        validate::required("key", Some(&field.key), limits::CUSTOM_FIELD_KEY)?;
        validate::within("value", &field.value, limits::CUSTOM_FIELD_VALUE)?;
    }
    Ok(())
}

/// Sets `key` in `data` unless it holds a value and `overwrite` is false.
fn set_value(data: &mut Option<CustomData>, field: &CustomFieldInput) {
    let data = data.get_or_insert_with(CustomData::new);
    if field.overwrite || !data.contains_key(&field.key) {
        data.insert(field.key.clone(), Value::String(field.value.clone()));
    }
}

/// Registration applies visitor-scope fields only and ignores unknown keys (as Rocket.Chat does).
pub(super) fn apply_to_visitor(
    visitor: &mut Visitor,
    fields: &[CustomFieldInput],
    definitions: &[CustomFieldDefinition],
) {
    for field in fields {
        let is_visitor_field = definitions
            .iter()
            .any(|d| d.id == field.key && d.scope == CustomFieldScope::Visitor);
        if is_visitor_field {
            set_value(&mut visitor.livechat_data, field);
        }
    }
}

/// Checks a value against its definition's regular expression.
pub(super) fn check_value(definition: &CustomFieldDefinition, value: &str) -> ApiResult<()> {
    if definition.regexp.is_empty() {
        return Ok(());
    }
    match RegexBuilder::new(&definition.regexp)
        .size_limit(1 << 20)
        .build()
    {
        Ok(pattern) if pattern.is_match(value) => Ok(()),
        Ok(_) => Err(ApiError::meteor(
            "error-invalid-custom-field-value",
            format!("Invalid value for {} field", definition.id),
        )),
        Err(err) => {
            tracing::warn!(field = %definition.id, error = %err, "custom field has an invalid regexp; not checking it");
            Ok(())
        }
    }
}

impl Livechat {
    /// `POST livechat/custom.field` and `custom.fields`: every field is checked before any is
    /// stored, so a bad value changes nothing.
    pub async fn set_custom_fields(
        &self,
        token: &str,
        fields: &[CustomFieldInput],
    ) -> ApiResult<()> {
        validate::required("token", Some(token), limits::TOKEN)?;
        validate_inputs(fields)?;
        let mut tx = self.store().begin().await?;
        let Some(mut visitor) = tx.exec().visitor_for_update(token).await? else {
            return Err(ApiError::Code("invalid-token"));
        };
        let definitions = tx.exec().custom_fields().await?;
        let mut resolved = Vec::with_capacity(fields.len());
        for field in fields {
            let definition = definitions
                .iter()
                .find(|d| d.id == field.key)
                .ok_or(ApiError::Code("invalid-custom-field"))?;
            check_value(definition, &field.value)?;
            resolved.push((definition.scope, field));
        }

        let now = Timestamp::now();
        let mut open_room = tx.exec().open_room_of_token(token).await?;
        for (scope, field) in &resolved {
            match scope {
                CustomFieldScope::Visitor => set_value(&mut visitor.livechat_data, field),
                CustomFieldScope::Room => {
                    if let Some(room) = open_room.as_mut() {
                        set_value(&mut room.livechat_data, field);
                    }
                }
            }
        }
        visitor.updated_at = now;
        tx.exec().save_visitor(&visitor).await?;
        if let Some(mut room) = open_room {
            room.updated_at = now;
            tx.exec().save_room(&room).await?;
        }
        Ok(tx.commit().await?)
    }
}
