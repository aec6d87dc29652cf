//! The console itself as the browser fetches it: `GET /` and its assets, with a strict
//! Content-Security-Policy, revalidation or long caching, and compression.

use super::*;

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

/// The module and stylesheet paths the page names.
fn asset_paths(html: &str) -> Vec<String> {
    html.split(['"', '\''])
        .filter(|part| part.starts_with("/console/"))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn the_page_names_its_assets_under_a_versioned_path_and_forbids_inline_script() {
    let app = TestApp::spawn().await;
    let response = fetch(&app, "/", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("text/html"));
    let csp = header(&response, "content-security-policy").to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "cache-control"), "no-cache");
    let html = response.text().await.unwrap();
    assert!(!html.contains("__ASSETS__"), "placeholder left in the page");
    assert!(!html.contains("<script>"), "an inline script: {html}");
    let assets = asset_paths(&html);
    assert!(
        assets.iter().any(|a| a.ends_with("/js/app.js")),
        "{assets:?}"
    );
    for path in assets {
        let response = fetch(&app, &path, &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let kind = header(&response, "content-type");
        if path.ends_with(".js") {
            assert!(kind.starts_with("text/javascript"), "{path}: {kind}");
        } else if path.ends_with(".css") {
            assert!(kind.starts_with("text/css"), "{path}: {kind}");
        }
    }
}

#[tokio::test]
async fn an_unchanged_page_or_module_is_not_sent_again() {
    let app = TestApp::spawn().await;
    for path in ["/", "/console/dev/js/app.js"] {
        let first = fetch(&app, path, &[]).await;
        let etag = header(&first, "etag").to_string();
        assert!(etag.starts_with('"'), "{path}: {etag}");
        let again = fetch(&app, path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        let other = fetch(&app, path, &[("if-none-match", "\"something-else\"")]).await;
        assert_eq!(other.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn assets_are_gzipped_for_browsers_that_accept_it() {
    let app = TestApp::spawn().await;
    let plain = fetch(&app, "/console/dev/js/desk.js", &[]).await;
    let plain_len = plain.bytes().await.unwrap().len();
    let zipped = fetch(
        &app,
        "/console/dev/js/desk.js",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(zipped.status(), StatusCode::OK);
    assert_eq!(header(&zipped, "content-encoding"), "gzip");
    let zipped_len = zipped.bytes().await.unwrap().len();
    assert!(
        zipped_len * 2 < plain_len,
        "{zipped_len} of {plain_len} bytes"
    );
}

#[tokio::test]
async fn only_console_files_are_served() {
    let app = TestApp::spawn().await;
    for path in [
        "/console/dev/nothing.js",
        "/console/dev/../Cargo.toml",
        "/console/dev/%2e%2e/Cargo.toml",
        "/console/dev/..%2fsrc%2fmain.rs",
        "/console/dev/index.html",
        "/console/dev/",
    ] {
        let response = fetch(&app, path, &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}
