//! Data and request patterns that several areas of the suite share.

use livechat::model::{CustomFieldDefinition, CustomFieldScope, DepartmentSeed};
use livechat::Config;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::TestApp;

/// An enabled department, offered on the registration and the offline forms.
pub fn department(id: &str, name: &str) -> DepartmentSeed {
    DepartmentSeed {
        id: id.into(),
        name: name.into(),
        enabled: true,
        description: String::new(),
        show_on_registration: true,
        show_on_offline_form: true,
        email: String::new(),
    }
}

/// Three departments: `dep-support` "Support" (not offered on the offline form) and
/// `dep-sales` "Sales" enabled, and `dep-archive` "Archive" disabled. For `TestApp::spawn_with`.
pub fn seed_departments(config: &mut Config) {
    config.departments.extend([
        DepartmentSeed {
            show_on_offline_form: false,
            ..department("dep-support", "Support")
        },
        department("dep-sales", "Sales"),
        DepartmentSeed {
            enabled: false,
            ..department("dep-archive", "Archive")
        },
    ]);
}

/// A visible, optional custom field labelled with its id; an empty `regexp` accepts anything.
pub fn custom_field(id: &str, scope: CustomFieldScope, regexp: &str) -> CustomFieldDefinition {
    CustomFieldDefinition {
        id: id.into(),
        label: id.into(),
        scope,
        visibility: "visible".into(),
        regexp: regexp.into(),
        required: false,
        searchable: false,
        field_type: "input".into(),
        default_value: String::new(),
        options: String::new(),
        public: false,
    }
}

/// POSTs every `(path, body)` at once, each from its own task (so that a multi-threaded runtime
/// runs them in parallel), and returns the answers in order.
pub async fn post_concurrently(
    app: &TestApp,
    requests: Vec<(String, Option<Value>)>,
) -> Vec<(StatusCode, Value)> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(path, body)| {
            let mut request = app.client.post(app.url(&path));
            if let Some(body) = body {
                request = request.json(&body);
            }
            tokio::spawn(async move {
                let response = request.send().await.expect("sent");
                let status = response.status();
                let body: Value = response.json().await.expect("JSON answer");
                (status, body)
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in futures::future::join_all(tasks).await {
        answers.push(task.expect("task completed"));
    }
    answers
}

/// POSTs `{ token, status }` to `path`: `visitor.status` and `session.updateSessionStatus` take
/// the same body.
pub async fn post_status(
    app: &TestApp,
    path: &str,
    token: &str,
    status: &str,
) -> (StatusCode, Value) {
    app.post(path, json!({ "token": token, "status": status }))
        .await
}

/// The visitor of the seeds' registration example (name, email, phone and an `address` custom
/// field), for `token`.
pub fn seed_visitor(token: &str) -> Value {
    json!({
        "name": "Livechat Visitor",
        "email": "visitor@rocket.chat",
        "token": token,
        "phone": "55 51 5555-5555",
        "customFields": [{ "key": "address", "value": "Rocket.Chat street", "overwrite": true }]
    })
}

/// What `room.close` answers for the room `rid` that the visitor closed.
pub fn closed_by_visitor(rid: &str) -> Value {
    json!({ "rid": rid, "comment": "Closed by visitor", "success": true })
}
