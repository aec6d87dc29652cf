//! What agents read about visitors (reference §3.4, §3.7, seeds 000 and 002): one visitor,
//! the visitor search, and the visitors on the site now (the realtime-visitors view).

use serde_json::{Map, Value};

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
