//! The write-path equivalence guard (issue 15): a unit of work run in SQLite's group-commit
//! batch (`store/write_batch.rs`, on `Exec::Batch`) and the same unit run in an async
//! transaction must leave the same rows and the same outbox events. One scripted sequence
//! of writes runs through the real HTTP API on SQLite with group commit on, on SQLite with it
//! off, and on PostgreSQL when `LIVECHAT_TEST_DATABASE_URL` is set; the dumps of every table
//! the script touches must match once what legitimately differs is normalised (`normalize.rs`).

mod dump;
mod normalize;
mod script;

use dump::Backend;

/// Runs the script on a fresh SQLite database with group commit `on` and returns its dump.
async fn sqlite_run(group_commit: bool) -> dump::Dump {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("livechat.db").display());
    let app_url = url.clone();
    let scripted = script::open_desk(move |c| {
        c.database_url = Some(app_url);
        c.sqlite_group_commit = group_commit;
    })
    .await;
    script::run(&scripted.desk).await;
    dump::dump(Backend::Sqlite, &url).await
}

#[tokio::test]
async fn batched_and_unbatched_writes_leave_the_same_rows() {
    let batched = normalize::normalize(sqlite_run(true).await);
    let unbatched = normalize::normalize(sqlite_run(false).await);
    assert_covers(&batched);
    normalize::assert_same("SQLite group commit on", &batched, "off", &unbatched);

    if std::env::var("LIVECHAT_TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty()) {
        // The default test database is PostgreSQL here: the async path on the other backend.
        let scripted = script::open_desk(|_| {}).await;
        let app = &scripted.desk.app;
        assert!(app.is_postgres());
        script::run(&scripted.desk).await;
        let postgres = dump::dump(Backend::Postgres, &app.database.url).await;
        let postgres = normalize::normalize(postgres);
        normalize::assert_same("SQLite unbatched", &unbatched, "PostgreSQL", &postgres);
    }
}

/// Two empty dumps would agree too: the script must have reached every write it means to
/// compare, webhooks included.
fn assert_covers(dump: &normalize::Normalized) {
    let webhooks: Vec<&str> = normalize::rows(dump, "deliveries")
        .iter()
        .filter_map(|row| row["payload"]["type"].as_str())
        .collect();
    for wanted in [
        "LivechatSessionStart",
        "LivechatSessionQueued",
        "Message",
        "LeadCapture",
        "LivechatSessionTaken",
        "LivechatSession",
    ] {
        assert!(
            webhooks.contains(&wanted),
            "no {wanted} webhook: {webhooks:?}"
        );
    }
    let texts: Vec<&str> = normalize::rows(dump, "messages")
        .iter()
        .filter_map(|row| row["doc"]["msg"].as_str())
        .collect();
    for wanted in ["hello (edited)", "thanks!", "my screen", "hello?"] {
        assert!(texts.contains(&wanted), "no message {wanted:?}: {texts:?}");
    }
    assert!(
        !texts.contains(&"still there?"),
        "a closed room took a message"
    );
    let ada = normalize::rows(dump, "visitors")
        .iter()
        .find(|row| row["token"] == "equiv-token-ada")
        .expect("Ada");
    assert!(
        ada["doc"].to_string().contains("ada.work@example.com"),
        "lead capture did not reach the visitor: {ada}"
    );
    assert!(!normalize::rows(dump, "events").is_empty());
}
