//! A database of its own for each test, and servers started on a database prepared beforehand.

use livechat::{App, Config};
use serde_json::Value;
use tempfile::TempDir;

use super::TestApp;

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    _dir: TempDir,
    postgres: Option<(String, String)>, // (admin URL, database name)
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var("LIVECHAT_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!(
                    "livechat_test_{}",
                    livechat::ids::random_id().to_lowercase()
                );
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
                    .await
                    .expect("connect to LIVECHAT_TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let url = replace_database(&admin_url, &name);
                TestDatabase {
                    url,
                    _dir: dir,
                    postgres: Some((admin_url, name)),
                }
            }
            _ => {
                let url = format!("sqlite://{}", dir.path().join("livechat.db").display());
                TestDatabase {
                    url,
                    _dir: dir,
                    postgres: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs outside any runtime we could borrow, so use a short-lived one.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(mut conn) =
                        <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await
                    {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut conn)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The configuration tests start from: loopback, port 0, and the test's database.
pub fn test_config(database: &TestDatabase) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database_url: Some(database.url.clone()),
        db_max_connections: 4,
        ..Config::default()
    }
}

/// A server whose database already held settings and triggers when it started, as an
/// administrator would have stored them.
pub struct PreparedApp {
    pub app: TestApp,
    // Declared after `app` so the server stops before its database is dropped.
    _database: TestDatabase,
}

impl std::ops::Deref for PreparedApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// Starts a server on a database that already holds `settings` (id → JSON value).
pub async fn spawn_with_settings(settings: &[(&str, Value)]) -> PreparedApp {
    spawn_with_stored(settings, &[]).await
}

/// Starts a server on a database that already holds `settings` (id → JSON value) and
/// `triggers` (id, enabled, document).
pub async fn spawn_with_stored(
    settings: &[(&str, Value)],
    triggers: &[(&str, bool, Value)],
) -> PreparedApp {
    let database = TestDatabase::create().await;
    // A first start creates the schema; it stops at once.
    let first = App::build(test_config(&database))
        .await
        .expect("app builds");
    first.run_until(async {}).await.expect("first start stops");

    if database.is_postgres() {
        store::<sqlx::PgConnection>(&database.url, settings, triggers).await;
    } else {
        store::<sqlx::SqliteConnection>(&database.url, settings, triggers).await;
    }

    let url = database.url.clone();
    let app = TestApp::spawn_with(move |config| config.database_url = Some(url)).await;
    PreparedApp {
        app,
        _database: database,
    }
}

/// Inserts settings and triggers straight into the database at `url`.
async fn store<C>(url: &str, settings: &[(&str, Value)], triggers: &[(&str, bool, Value)])
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    for<'q> String: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> bool: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> i64: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
{
    let now = 1_700_000_000_000_i64;
    let mut conn = C::connect(url).await.expect("connect");
    for (id, value) in settings {
        sqlx::query("INSERT INTO settings (id, value, updated_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(value.to_string())
            .bind(now)
            .execute(&mut conn)
            .await
            .expect("insert setting");
    }
    for (id, enabled, doc) in triggers {
        sqlx::query("INSERT INTO triggers (id, enabled, doc) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(*enabled)
            .bind(doc.to_string())
            .execute(&mut conn)
            .await
            .expect("insert trigger");
    }
}
