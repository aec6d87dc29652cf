//! Files in an S3-compatible store: a real one (moto's server, started here on a free port),
//! shared by two servers on PostgreSQL, so that a file uploaded through one is served by the
//! other.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use livechat::{App, Config};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::ObjectStore;
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

use super::{fetch_file, file_form, rid_of, visitor_upload, PNG};
use crate::helpers::{test_config, Desk};

const BUCKET: &str = "livechat-files";

/// moto's S3 server on a free port, stopped when dropped.
struct Moto {
    endpoint: String,
    _child: Child,
}

impl Moto {
    /// Starts it and creates the bucket; fails the test if it cannot.
    async fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start moto's S3 server (pip install 'moto[server]')");
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(response) = client.put(format!("{endpoint}/{BUCKET}")).send().await {
                assert!(response.status().is_success(), "create the bucket");
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "moto's S3 server did not start within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Moto {
            endpoint,
            _child: child,
        }
    }

    fn configure(&self, config: &mut Config) {
        config.s3_bucket = Some(BUCKET.into());
        config.s3_endpoint = Some(self.endpoint.clone());
        config.s3_region = Some("us-east-1".into());
        config.s3_access_key_id = Some("testing".into());
        config.s3_secret_access_key = Some("testing".into());
        config.s3_path_style = true;
    }

    /// Whether the bucket holds `key`, as the store itself answers.
    async fn holds(&self, key: &str) -> bool {
        let store = AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .build()
            .unwrap();
        match store.head(&ObjectPath::from(key)).await {
            Ok(_) => true,
            Err(object_store::Error::NotFound { .. }) => false,
            Err(err) => panic!("asking the bucket for {key}: {err}"),
        }
    }
}

/// A second server on the same database and bucket.
async fn second_server(config: Config) -> (SocketAddr, oneshot::Sender<()>) {
    let app = App::build(config).await.expect("the second server builds");
    let address = app.address();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (address, stop)
}

#[tokio::test]
async fn files_live_in_the_bucket_and_every_server_serves_them() {
    let moto = Moto::start().await;
    let desk = Desk::open_with(|c| moto.configure(c)).await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    // On PostgreSQL a second server shares the database and the bucket; SQLite has one.
    let second = if desk.app.is_postgres() {
        let mut config = test_config(&desk.app.database);
        moto.configure(&mut config);
        Some(second_server(config).await)
    } else {
        None
    };
    let reader = |path: &str| match &second {
        Some((address, _)) => format!("http://{address}{path}"),
        None => desk.app.url(path),
    };

    let form = file_form("pic.png", "image/png", PNG, &[]);
    let (status, sent) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 200, "{sent}");
    let file_id = sent["file"]["_id"].as_str().unwrap().to_string();
    assert!(moto.holds(&file_id).await, "the bytes are in the bucket");
    let url = sent["attachments"][0]["title_link"].as_str().unwrap();
    let query = format!("?rc_token={token}&rc_rid={rid}&rc_room_type=l");
    let response = reqwest::get(reader(&format!("{url}{query}")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);

    // Larger than one part: sent as a multipart upload, read back whole.
    let large: Vec<u8> = (0..9 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let form = file_form("large.bin", "application/octet-stream", &large, &[]);
    let (status, sent) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 200, "{sent}");
    let large_url = sent["attachments"][0]["title_link"]
        .as_str()
        .unwrap()
        .to_string();
    let large_id = sent["file"]["_id"].as_str().unwrap().to_string();
    let response = reqwest::get(reader(&format!("{large_url}{query}")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().as_ref() == large.as_slice());

    desk.app.close_room(&token, &rid).await;
    let (status, body) = desk.app.delete(&format!("visitor/{token}"), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(!moto.holds(&file_id).await, "the object is gone");
    assert!(!moto.holds(&large_id).await);
    let admin = format!("rc_uid={}&rc_token={}", desk.admin.0, desk.admin.1);
    assert_eq!(fetch_file(&desk.app, url, &admin, &[]).await.0, 404);
}
