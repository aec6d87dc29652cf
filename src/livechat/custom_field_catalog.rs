//! The custom field definitions as staff read them (`GET livechat/custom-fields`): the console's
//! edit form offers every defined field, not only the keys a visitor already has.

use serde_json::Value;

use super::room_search::Page;
use super::validate::{self, limits};
use super::Livechat;
use crate::error::ApiResult;
use crate::model::CustomFieldDefinition;

impl Livechat {
    /// The definitions whose id or label contains `text` (case-insensitively), by id.
    pub async fn list_custom_fields(
        &self,
        text: Option<&str>,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Value>> {
        let text = validate::optional("text", text, limits::NAME)?.filter(|t| !t.is_empty());
        let needle = text.map(str::to_lowercase);
        // Definitions are a short admin-kept list: few enough to filter here.
        let definitions = self.store().read().await?.exec().custom_fields().await?;
        let matching: Vec<&CustomFieldDefinition> = definitions
            .iter()
            .filter(|d| match &needle {
                None => true,
                Some(needle) => {
                    d.id.to_lowercase().contains(needle) || d.label.to_lowercase().contains(needle)
                }
            })
            .collect();
        let total = matching.len() as i64;
        let items = matching
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(0))
            .take(usize::try_from(count).unwrap_or(0))
            .map(rocket_chat_shape)
            .collect::<ApiResult<Vec<Value>>>()?;
        Ok(Page { items, total })
    }

    /// One definition by id, `None` when there is none.
    pub async fn custom_field(&self, id: &str) -> ApiResult<Option<Value>> {
        validate::required("_id", Some(id), limits::CUSTOM_FIELD_KEY)?;
        let definition = self.store().read().await?.exec().custom_field(id).await?;
        definition.as_ref().map(rocket_chat_shape).transpose()
    }
}

/// Rocket.Chat's `ILivechatCustomField`.
fn rocket_chat_shape(definition: &CustomFieldDefinition) -> ApiResult<Value> {
    Ok(serde_json::to_value(definition)?)
}
