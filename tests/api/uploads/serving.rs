//! `GET /file-upload/:id/:name`: only to those who may read the room, with headers that
//! keep browsers from running what was uploaded.

use reqwest::Method;
use serde_json::json;

use super::{desk_with_upload_dir, fetch_file, file_form, rid_of, visitor_upload, PNG};
use crate::helpers::served_by;

#[tokio::test]
async fn the_visitor_reads_its_file_and_no_other_visitor_or_stranger_does() {
    let (desk, _dir) = desk_with_upload_dir().await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let (other_token, other_room) = desk.visitor_room().await;
    let other_rid = rid_of(&other_room);
    let form = file_form("pic.png", "image/png", PNG, &[]);
    let (_, sent) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    let url = sent["attachments"][0]["title_link"]
        .as_str()
        .unwrap()
        .to_string();

    let query = format!("rc_token={token}&rc_rid={rid}&rc_room_type=l");
    let (status, headers, bytes) = fetch_file(&desk.app, &url, &query, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PNG);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["content-length"], PNG.len().to_string().as_str());
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "private");
    assert_eq!(
        headers["content-disposition"],
        "inline; filename*=UTF-8''pic.png"
    );
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    let cookie = format!("rc_token={token}; rc_rid={rid}; rc_room_type=l");
    let (status, _, bytes) = fetch_file(&desk.app, &url, "", &[("cookie", &cookie)]).await;
    assert_eq!(
        (status.as_u16(), bytes.as_slice()),
        (200, PNG),
        "cookies work too"
    );

    let stranger = format!("rc_token={other_token}&rc_rid={other_rid}&rc_room_type=l");
    let (status, _, _) = fetch_file(&desk.app, &url, &stranger, &[]).await;
    assert_eq!(status, 404, "another visitor, with its own room");
    let claims_room = format!("rc_token={other_token}&rc_rid={rid}&rc_room_type=l");
    let (status, _, _) = fetch_file(&desk.app, &url, &claims_room, &[]).await;
    assert_eq!(status, 404, "another visitor, naming this room");
    let (status, _, _) = fetch_file(&desk.app, &url, "", &[]).await;
    assert_eq!(status, 403, "no credentials at all");
    let missing = format!("/file-upload/{}/pic.png", "A".repeat(26));
    let (status, _, _) = fetch_file(&desk.app, &missing, &query, &[]).await;
    assert_eq!(
        status, 404,
        "no such file: the same answer as another's file"
    );
    let (status, _, _) = fetch_file(&desk.app, &missing, "", &[]).await;
    assert_eq!(status, 403, "strangers learn nothing about existence");
}

#[tokio::test]
async fn anything_but_a_safe_image_downloads_as_an_attachment() {
    let (desk, _dir) = desk_with_upload_dir().await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    // An administrator lifts the SVG ban: the file is still never shown inline.
    desk.set("FileUpload_MediaTypeBlackList", json!("")).await;
    let query = format!("rc_token={token}&rc_rid={rid}&rc_room_type=l");

    for (name, mime, bytes, served_type) in [
        ("x.svg", "image/svg+xml", &b"<svg/>"[..], "image/svg+xml"),
        (
            "page.html",
            "text/html",
            &b"<script>alert(1)</script>"[..],
            "text/html",
        ),
        (
            "notes é.txt",
            "text/plain; charset=utf-8",
            &b"hello"[..],
            "text/plain",
        ),
    ] {
        let form = file_form(name, mime, bytes, &[]);
        let (status, sent) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
        assert_eq!(status, 200, "{sent}");
        let url = sent["attachments"][0]["title_link"].as_str().unwrap();
        let (status, headers, body) = fetch_file(&desk.app, url, &query, &[]).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(body, bytes);
        assert_eq!(headers["content-type"], served_type, "{name}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename*=UTF-8''"),
            "{name}: {disposition}"
        );
    }
    let form = file_form("notes é.txt", "text/plain", b"x", &[]);
    let (_, sent) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    let url = sent["attachments"][0]["title_link"].as_str().unwrap();
    assert!(url.ends_with("/notes%20%C3%A9.txt"), "{url}");
    let (_, headers, _) = fetch_file(&desk.app, url, &query, &[]).await;
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename*=UTF-8''notes%20%C3%A9.txt"
    );
}

#[tokio::test]
async fn staff_read_the_files_of_rooms_they_may_read() {
    let (desk, _dir) = desk_with_upload_dir().await;
    let (serving_id, serving) = desk.agent("serving").await;
    let (token, room) = desk.visitor_room().await;
    assert_eq!(served_by(&room).as_deref(), Some(serving_id.as_str()));
    let rid = rid_of(&room);
    let (_, bystander) = desk.agent("bystander").await;
    let form = file_form("pic.png", "image/png", PNG, &[]);
    let (_, sent) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    let url = sent["attachments"][0]["title_link"]
        .as_str()
        .unwrap()
        .to_string();

    let by_headers = [
        ("X-User-Id", serving.0.as_str()),
        ("X-Auth-Token", serving.1.as_str()),
    ];
    let (status, _, bytes) = fetch_file(&desk.app, &url, "", &by_headers).await;
    assert_eq!((status.as_u16(), bytes.as_slice()), (200, PNG));
    let query = format!("rc_uid={}&rc_token={}", serving.0, serving.1);
    let (status, _, _) = fetch_file(&desk.app, &url, &query, &[]).await;
    assert_eq!(status, 200, "rc_uid and rc_token in the query");
    let cookie = format!("rc_uid={}; rc_token={}", serving.0, serving.1);
    let (status, _, _) = fetch_file(&desk.app, &url, "", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200, "rc_uid and rc_token cookies");
    // A widget on this origin left its own rc_token (path /, another chat's) beside the
    // console's: the login still reads the file.
    let (widget_token, widget_room) = desk.visitor_room().await;
    let both = format!(
        "rc_uid={}; rc_token={}; rc_token={widget_token}; rc_rid={}; rc_room_type=l",
        serving.0,
        serving.1,
        rid_of(&widget_room)
    );
    let (status, _, _) = fetch_file(&desk.app, &url, "", &[("cookie", &both)]).await;
    assert_eq!(
        status, 200,
        "the console's and the widget's cookies together"
    );
    let admin = format!("rc_uid={}&rc_token={}", desk.admin.0, desk.admin.1);
    let (status, _, _) = fetch_file(&desk.app, &url, &admin, &[]).await;
    assert_eq!(status, 200, "an administrator reads every room");

    // Another agent may not read a chat served by someone else, so not its files either.
    let (status, body) = desk
        .call(
            &bystander,
            Method::GET,
            &format!("/api/v1/livechat/room.join?roomId={rid}"),
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let other = format!("rc_uid={}&rc_token={}", bystander.0, bystander.1);
    let (status, _, _) = fetch_file(&desk.app, &url, &other, &[]).await;
    assert_eq!(status, 404);
    let forged = format!("rc_uid={}&rc_token=not-a-login", serving.0);
    let (status, _, _) = fetch_file(&desk.app, &url, &forged, &[]).await;
    assert_eq!(status, 404, "a wrong login token reads nothing");
}
