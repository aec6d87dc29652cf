//! Agents' files: `rooms.media` then `rooms.mediaConfirm`, or `rooms.upload` in one step,
//! in rooms they may write in.

use reqwest::Method;
use serde_json::json;

use super::{desk_with_upload_dir, fetch_file, file_form, rid_of, staff_upload, PNG};
use crate::helpers::{visitor_args, Ddp};

#[tokio::test]
async fn an_agent_sends_a_file_in_two_steps_and_the_visitor_gets_it() {
    let (desk, _dir) = desk_with_upload_dir().await;
    let (_, agent) = desk.agent("sender").await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let mut visitor = Ddp::connect(&desk.app).await;
    visitor
        .call("livechat:setUpConnection", json!([{ "token": token }]))
        .await;
    let ready = visitor
        .sub("stream-room-messages", visitor_args(&rid, &token))
        .await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    let form = file_form("report.pdf", "application/pdf", b"%PDF-1.4 tiny", &[]);
    let (status, body) = staff_upload(
        &desk.app,
        Some(&agent),
        &format!("/api/v1/rooms.media/{rid}"),
        form,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let file_id = body["file"]["_id"].as_str().unwrap().to_string();
    assert_eq!(
        body["file"]["url"],
        json!(format!("/file-upload/{file_id}/report.pdf"))
    );
    assert!(
        desk.app
            .history(&token, &rid, "")
            .await
            .iter()
            .all(|m| m.get("file").is_none()),
        "nothing is shown before the confirmation"
    );

    let (status, body) = desk
        .call(
            &agent,
            Method::POST,
            &format!("/api/v1/rooms.mediaConfirm/{rid}/{file_id}"),
            Some(json!({ "msg": "here it is", "description": "the report" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let message = &body["message"];
    assert_eq!(message["msg"], json!("here it is"));
    assert_eq!(message["u"]["username"], json!("sender"));
    assert_eq!(message["file"]["_id"], json!(file_id));
    assert_eq!(
        message["attachments"][0]["description"],
        json!("the report")
    );
    assert_eq!(message["attachments"][0].get("image_url"), None);

    // Other messages of the room (its start) may come first; the file's must come.
    let event = visitor
        .wait_for(|f| {
            f["collection"] == json!("stream-room-messages")
                && f["fields"]["args"][0]["file"]["_id"] == json!(file_id)
        })
        .await;
    assert_eq!(event["fields"]["args"][0]["msg"], json!("here it is"));
    let url = message["attachments"][0]["title_link"].as_str().unwrap();
    let query = format!("rc_token={token}&rc_rid={rid}&rc_room_type=l");
    let (status, headers, bytes) = fetch_file(&desk.app, url, &query, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, b"%PDF-1.4 tiny");
    assert_eq!(headers["content-type"], "application/pdf");

    let (status, body) = desk
        .call(
            &agent,
            Method::POST,
            &format!("/api/v1/rooms.mediaConfirm/{rid}/not-a-file"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn rooms_upload_sends_in_one_step_and_only_for_those_who_may_write() {
    let (desk, _dir) = desk_with_upload_dir().await;
    let (_, agent) = desk.agent("server").await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let (_, bystander) = desk.agent("bystander").await;
    let path = format!("rooms.upload/{rid}");
    let path = format!("/api/v1/{path}");
    let form = || file_form("pic.png", "image/png", PNG, &[("msg", "a picture")]);

    let (status, _) = staff_upload(&desk.app, None, &path, form()).await;
    assert_eq!(status, 401, "no login");
    let (status, body) = staff_upload(&desk.app, Some(&bystander), &path, form()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errorType"], json!("error-not-allowed"));

    let (status, body) = staff_upload(&desk.app, Some(&agent), &path, form()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"]["msg"], json!("a picture"));
    assert_eq!(
        body["message"]["attachments"][0]["image_type"],
        json!("image/png")
    );
    let history = desk.app.history(&token, &rid, "").await;
    assert_eq!(history[0]["_id"], body["message"]["_id"]);

    let media_path = format!("/api/v1/rooms.media/{rid}");
    let svg = file_form("x.svg", "image/svg+xml", b"<svg/>", &[]);
    let (status, body) = staff_upload(&desk.app, Some(&agent), &media_path, svg).await;
    assert_eq!(status, 400, "the type lists bind agents too: {body}");
    desk.app.close_room(&token, &rid).await;
    let (status, body) = staff_upload(&desk.app, Some(&agent), &path, form()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errorType"], json!("room-closed"));
}
