//! The official widget served at `/livechat` from a build directory laid out like
//! `@rocket.chat/livechat@1.13.3`'s `build/`: `index.html` next to its hashed scripts, which the
//! page loads as `livechat/<file>`, relative to itself.

use std::path::PathBuf;

use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{StatusCode, Url};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

const INDEX: &str = "<html><head></head><body><div id=app></div></body></html>";
const BUNDLE: &str = "window.bundleLoaded = true;";

/// A temporary build: `<tmp>/build/{index.html, bundle.31a95.js, i18n/}`, and a secret file
/// next to (outside) the build that no URL may reach.
struct Build {
    root: tempfile::TempDir,
}

impl Build {
    fn new() -> Build {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("build");
        std::fs::create_dir_all(dir.join("i18n")).unwrap();
        std::fs::write(dir.join("index.html"), INDEX).unwrap();
        std::fs::write(dir.join("bundle.31a95.js"), BUNDLE).unwrap();
        std::fs::write(dir.join("i18n").join("pt.json"), "{}").unwrap();
        std::fs::write(root.path().join("secret.txt"), "top secret").unwrap();
        Build { root }
    }

    fn dir(&self) -> PathBuf {
        self.root.path().join("build")
    }
}

async fn spawn(build: &Build) -> TestApp {
    let dir = build.dir();
    TestApp::spawn_with(move |c| c.widget_dir = Some(dir)).await
}

/// GETs `path` with extra headers; returns the status, the content type and the body text.
async fn fetch(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

fn page_for(server_url: &str) -> String {
    format!(
        "<html><head></head><body><script> SERVER_URL = '{server_url}'; </script><div id=app></div></body></html>"
    )
}

#[tokio::test]
async fn the_page_tells_the_widget_the_url_it_was_requested_at() {
    let build = Build::new();
    let app = spawn(&build).await;
    for path in ["/livechat", "/livechat?mode=popout"] {
        let (status, content_type, body) = fetch(&app, path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(content_type, "text/html; charset=utf-8");
        assert_eq!(body, page_for(&format!("http://{}", app.address)), "{path}");
    }
}

#[tokio::test]
async fn a_configured_site_url_wins_over_the_request() {
    let build = Build::new();
    let dir = build.dir();
    let app = TestApp::spawn_with(move |c| {
        c.widget_dir = Some(dir);
        c.site_url = Some("https://chat.example.com/".into());
    })
    .await;
    let (_, _, body) = fetch(&app, "/livechat", &[("host", "other.example")]).await;
    assert_eq!(body, page_for("https://chat.example.com"));
}

#[tokio::test]
async fn forwarded_headers_count_only_behind_a_trusted_proxy() {
    let build = Build::new();
    let forwarded = [
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "chat.example.com, proxy.internal"),
    ];

    let app = spawn(&build).await;
    let (_, _, body) = fetch(&app, "/livechat", &forwarded).await;
    assert_eq!(body, page_for(&format!("http://{}", app.address)));

    let dir = build.dir();
    let proxied = TestApp::spawn_with(move |c| {
        c.widget_dir = Some(dir);
        c.trust_proxy_headers = true;
    })
    .await;
    let (_, _, body) = fetch(&proxied, "/livechat", &forwarded).await;
    assert_eq!(body, page_for("https://chat.example.com"));
    let (status, _, body) = fetch(
        &proxied,
        "/livechat",
        &[("x-forwarded-proto", "javascript")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn a_host_that_could_break_out_of_the_script_is_refused() {
    let build = Build::new();
    let app = spawn(&build).await;
    for host in [
        "evil.example';alert(1);'",
        "x</script><script>alert(1)</script>",
        "a\"b",
    ] {
        let (status, _, body) = fetch(&app, "/livechat", &[("host", host)]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{host}: {body}");
        assert!(!body.contains("alert"), "{body}");
        let error: Value = serde_json::from_str(&body).expect("JSON error");
        assert_eq!(error["success"], false);
    }
}

#[tokio::test]
async fn the_scripts_load_from_where_the_page_points() {
    let build = Build::new();
    let app = spawn(&build).await;
    // The real index.html says <script src="livechat/bundle.<hash>.js">; resolve it as the
    // browser does, against the page's URL.
    let page = Url::parse(&app.url("/livechat")).unwrap();
    let script = page.join("livechat/bundle.31a95.js").unwrap();
    assert_eq!(script.path(), "/livechat/bundle.31a95.js");

    let (status, content_type, body) = fetch(&app, script.path(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(content_type.contains("javascript"), "{content_type}");
    assert_eq!(body, BUNDLE);

    let (status, content_type, body) = fetch(&app, "/livechat/i18n/pt.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    assert_eq!(body, "{}");
}

#[tokio::test]
async fn missing_files_and_directories_are_a_json_404() {
    let build = Build::new();
    let app = spawn(&build).await;
    for path in [
        "/livechat/bundle.00000.js",
        "/livechat/i18n",
        "/livechat/i18n/",
    ] {
        let (status, _, body) = fetch(&app, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        let error: Value = serde_json::from_str(&body).expect("JSON error");
        assert_eq!(error["success"], false, "{path}");
    }
}

#[tokio::test]
async fn nothing_outside_the_build_is_reachable() {
    let build = Build::new();
    let app = spawn(&build).await;
    // reqwest would resolve a literal "..", so encode it.
    for path in [
        "/livechat/..%2fsecret.txt",
        "/livechat/%2e%2e%2fsecret.txt",
        "/livechat/i18n/..%2f..%2fsecret.txt",
        "/livechat/%2fetc%2fpasswd",
    ] {
        let (status, _, body) = fetch(&app, path, &[]).await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{path}: {status}"
        );
        assert!(
            !body.contains("top secret") && !body.contains("root:"),
            "{path}"
        );
    }
    // And a literal "..", sent as is over a raw connection.
    let mut stream = tokio::net::TcpStream::connect(app.address).await.unwrap();
    let request =
        "GET /livechat/../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    assert!(!answer.contains("top secret"), "{answer}");
}

#[tokio::test]
async fn a_trailing_slash_leads_back_to_the_page() {
    let build = Build::new();
    let app = spawn(&build).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(app.url("/livechat/?mode=popout"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    let location = response.headers()[LOCATION].to_str().unwrap();
    let target = Url::parse(&app.url("/livechat/"))
        .unwrap()
        .join(location)
        .unwrap();
    assert_eq!(target.path(), "/livechat");
    assert_eq!(target.query(), Some("mode=popout"));
}

#[tokio::test]
async fn without_a_widget_dir_the_widget_is_a_readable_404() {
    let app = TestApp::spawn().await;
    for path in ["/livechat", "/livechat/bundle.31a95.js"] {
        let (status, content_type, body) = fetch(&app, path, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let error: Value = serde_json::from_str(&body).expect("JSON error");
        assert_eq!(error["success"], false);
        assert!(
            error["error"].as_str().unwrap().contains("--widget-dir"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_widget_dir_without_index_html_stops_the_start() {
    let build = Build::new();
    std::fs::remove_file(build.dir().join("index.html")).unwrap();
    let database = TestDatabase::create().await;
    let mut config = test_config(&database);
    config.widget_dir = Some(build.dir());
    let err = match livechat::App::build(config).await {
        Ok(_) => panic!("the server started without the widget's index.html"),
        Err(err) => format!("{err:#}"),
    };
    assert!(err.contains("index.html"), "{err}");
}
