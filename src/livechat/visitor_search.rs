//! What agents read about visitors (reference §3.4, §3.7, seeds 000 and 002): one visitor,
//! the visitor search, and the visitors on the site now (the realtime-visitors view).

use serde_json::{json, Map, Value};

use super::access::sees_all_departments;
use super::room_search::Page;
use super::sort::{SortKey, Sorting};
use super::validate::{self, limits};
use super::Livechat;
use crate::error::{ApiError, ApiResult};
use crate::model::{User, Visitor, VisitorSession};
use crate::store::{Direction, PRESENT_STATUSES};

const VISITOR_SORTING: Sorting = Sorting {
    keys: &[
        SortKey::column("ts", "ts"),
        SortKey::column("_updatedAt", "updated_at"),
        SortKey::optional("lastChat.ts", "last_chat_ts"),
        SortKey::column("username", "username_lower"),
        SortKey::optional("name", "name_lower"),
    ],
    default: &[("ts", Direction::Desc)],
    tiebreak: "id",
};

/// Newest activity first: a session's `_updatedAt` moves with every page view and status change.
const PRESENT_SORTING: Sorting = Sorting {
    keys: &[SortKey::column("_updatedAt", "updated_at")],
    default: &[("_updatedAt", Direction::Desc)],
    tiebreak: "id",
};

/// The fields of a visitor that `visitors.search` returns.
const SEARCH_PROJECTION: [&str; 7] = [
    "_id",
    "username",
    "name",
    "phone",
    "livechatData",
    "visitorEmails",
    "lastChat",
];

impl Livechat {
    /// `GET livechat/visitors.info?visitorId=`. A visitor `user` may not see (another
    /// department's) is `visitor-not-found`, like one that does not exist.
    pub async fn visitor_info(&self, user: &User, visitor_id: &str) -> ApiResult<Visitor> {
        validate::required("visitorId", Some(visitor_id), limits::ID)?;
        let mut conn = self.store().read().await?;
        let not_found = || ApiError::Code("visitor-not-found");
        let visitor = conn
            .exec()
            .visitor_by_id(visitor_id)
            .await?
            .ok_or_else(not_found)?;
        if sees_all_departments(self.permissions(), user) || visitor.department.is_none() {
            return Ok(visitor);
        }
        let mut exec = conn.exec();
        let visible = exec
            .agent_departments(&user.id)
            .await?
            .iter()
            .any(|d| visitor.department.as_ref() == Some(d))
            || exec
                .open_rooms_served_by(&user.id, None)
                .await?
                .iter()
                .any(|room| room.v.id == visitor.id);
        if visible {
            Ok(visitor)
        } else {
            Err(not_found())
        }
    }

    /// The agent whose view of visitors is narrowed to its departments; `None` for those who
    /// see every visitor.
    fn narrowed_to<'a>(&self, user: &'a User) -> Option<&'a str> {
        (!sees_all_departments(self.permissions(), user)).then_some(user.id.as_str())
    }

    /// `GET livechat/visitors.search`: visitors whose e-mail or phone is exactly `term`, or
    /// whose name or username contains it (any case); all visitors without a term (seed 002
    /// documents `term` as optional).
    pub async fn search_visitors(
        &self,
        user: &User,
        term: Option<&str>,
        sort: Option<&str>,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<Value>> {
        let term = validate::optional("term", term, limits::NAME)?
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let order = VISITOR_SORTING.order_by(sort)?;
        let (visitors, total) = self
            .store()
            .read()
            .await?
            .exec()
            .search_visitors(self.narrowed_to(user), term, &order, offset, count)
            .await?;
        let items = visitors
            .iter()
            .map(project_for_search)
            .collect::<ApiResult<Vec<Value>>>()?;
        Ok(Page { items, total })
    }

    /// `GET livechat/visitors.online`: the sessions of visitors on the site now, newest
    /// activity first; `status` narrows to `online` or `away`, `visitor_id` to one visitor.
    pub async fn present_visitors(
        &self,
        user: &User,
        visitor_id: Option<&str>,
        status: Option<&str>,
        sort: Option<&str>,
        offset: i64,
        count: i64,
    ) -> ApiResult<Page<VisitorSession>> {
        let status = status.filter(|s| !s.is_empty());
        if let Some(status) = status {
            if !PRESENT_STATUSES.contains(&status) {
                return Err(ApiError::invalid(format!(
                    "'status' must be one of {}",
                    PRESENT_STATUSES.join(", ")
                )));
            }
        }
        let order = PRESENT_SORTING.order_by(sort)?;
        let (items, total) = self
            .store()
            .read()
            .await?
            .exec()
            .present_sessions(
                self.narrowed_to(user),
                visitor_id,
                status,
                &order,
                offset,
                count,
            )
            .await?;
        Ok(Page { items, total })
    }
}

fn project_for_search(visitor: &Visitor) -> ApiResult<Value> {
    let Value::Object(mut fields) = serde_json::to_value(visitor)? else {
        return Ok(Value::Object(Map::new()));
    };
    fields.retain(|key, _| SEARCH_PROJECTION.contains(&key.as_str()));
    Ok(Value::Object(fields))
}

impl Livechat {
    /// `GET livechat/visitors.autocomplete?selector={"term", "exceptions"?, "conditions"?}`:
    /// up to 10 visitors whose name contains `term` (any case), none of `exceptions`, by
    /// name, as `{_id, name, username, custom_name: "<username> - <name>"}`. `conditions`
    /// (a MongoDB query in Rocket.Chat) must be an object and is not applied. A plain agent
    /// gets only the visitors it may see, as with `visitors.search`.
    pub async fn autocomplete_visitors(
        &self,
        user: &User,
        selector: &str,
    ) -> ApiResult<Vec<Value>> {
        let bad = || {
            ApiError::invalid("'selector' must be a JSON object {term, exceptions?, conditions?}")
        };
        let selector: Value = serde_json::from_str(selector).map_err(|_| bad())?;
        let selector = selector.as_object().ok_or_else(bad)?;
        let term = match selector.get("term") {
            None | Some(Value::Null) => "",
            Some(Value::String(term)) => term.as_str(),
            Some(_) => return Err(ApiError::invalid("'selector.term' must be a string")),
        };
        validate::within("selector.term", term, limits::NAME)?;
        let exceptions: Vec<String> = match selector.get("exceptions") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ids)) if ids.len() <= 100 => ids
                .iter()
                .map(|id| id.as_str().map(str::to_string))
                .collect::<Option<_>>()
                .ok_or_else(|| ApiError::invalid("'selector.exceptions' must hold strings"))?,
            Some(_) => {
                return Err(ApiError::invalid(
                    "'selector.exceptions' must be an array of at most 100 ids",
                ))
            }
        };
        if !matches!(
            selector.get("conditions"),
            None | Some(Value::Null | Value::Object(_))
        ) {
            return Err(ApiError::invalid("'selector.conditions' must be an object"));
        }
        let visitors = self
            .store()
            .read()
            .await?
            .exec()
            .autocomplete_visitors(self.narrowed_to(user), term.trim(), &exceptions, 10)
            .await?;
        Ok(visitors
            .into_iter()
            .map(|v| {
                let name = v.name.clone().unwrap_or_default();
                json!({
                    "_id": v.id,
                    "name": v.name,
                    "username": v.username,
                    "custom_name": format!("{} - {}", v.username, name),
                })
            })
            .collect())
    }
}
