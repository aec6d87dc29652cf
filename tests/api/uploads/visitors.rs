//! `POST livechat/upload/:rid`: the visitor's file becomes its message, or is refused in
//! Rocket.Chat's shapes (401; `reason` with `error-type-not-allowed` / `error-size-not-allowed`).

use serde_json::json;

use super::{desk_with_upload_dir, file_form, rid_of, stored_files, visitor_upload, PNG};
use crate::helpers::{user_args, Ddp};

#[tokio::test]
async fn a_visitors_image_becomes_its_message_and_reaches_the_agent() {
    let (desk, dir) = desk_with_upload_dir().await;
    desk.agent("viewer").await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let mut agent_ws = Ddp::login(&desk.app, "viewer", "agent-password").await;
    let ready = agent_ws.sub("stream-room-messages", user_args(&rid)).await;
    assert_eq!(ready["msg"], json!("ready"), "{ready}");

    let form = file_form(
        "photo one.png",
        "image/png",
        PNG,
        &[("description", "the view")],
    );
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], json!(true));
    assert_eq!(body["rid"], json!(rid));
    assert_eq!(body["msg"], json!(""));
    assert_eq!(body["token"], json!(token));
    assert_eq!(body["groupable"], json!(false));
    let file_id = body["file"]["_id"].as_str().unwrap().to_string();
    assert!(file_id.len() >= 22, "ids are unguessable: {file_id}");
    assert_eq!(body["file"]["name"], json!("photo one.png"));
    assert_eq!(body["file"]["type"], json!("image/png"));
    assert_eq!(body["files"], json!([body["file"]]));
    let attachment = &body["attachments"][0];
    let url = format!("/file-upload/{file_id}/photo%20one.png");
    assert_eq!(attachment["title"], json!("photo one.png"));
    assert_eq!(attachment["type"], json!("file"));
    assert_eq!(attachment["description"], json!("the view"));
    assert_eq!(attachment["title_link"], json!(url));
    assert_eq!(attachment["title_link_download"], json!(true));
    assert_eq!(attachment["image_url"], json!(url));
    assert_eq!(attachment["image_type"], json!("image/png"));
    assert_eq!(attachment["image_size"], json!(PNG.len()));

    // Other messages of the room (its start) may come first; the file's must come.
    let event = agent_ws
        .wait_for(|f| {
            f["collection"] == json!("stream-room-messages")
                && f["fields"]["args"][0]["_id"] == body["_id"]
        })
        .await;
    let message = &event["fields"]["args"][0];
    assert_eq!(message["attachments"][0]["image_url"], json!(url));
    assert_eq!(message.get("token"), None, "staff never see visitor tokens");

    let history = desk.app.history(&token, &rid, "").await;
    assert_eq!(history[0]["file"]["_id"], json!(file_id));
    assert_eq!(
        desk.room_of(&token).await["lastMessage"]["_id"],
        body["_id"]
    );
    assert_eq!(stored_files(dir.path()), vec![file_id]);
}

#[tokio::test]
async fn uploads_need_the_visitors_token_and_its_open_room() {
    let (desk, dir) = desk_with_upload_dir().await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let (other_token, _) = desk.visitor_room().await;
    let form = || file_form("a.png", "image/png", PNG, &[]);

    let (status, body) = visitor_upload(&desk.app, None, &rid, form()).await;
    assert_eq!(status, 401, "no token: {body}");
    assert_eq!(body["success"], json!(false));
    let (status, _) = visitor_upload(&desk.app, Some("nobody-has-this"), &rid, form()).await;
    assert_eq!(status, 401, "unknown visitor");
    let (status, _) = visitor_upload(&desk.app, Some(&other_token), &rid, form()).await;
    assert_eq!(status, 401, "another visitor's room");
    let (status, _) = visitor_upload(&desk.app, Some(&token), "no-such-room", form()).await;
    assert_eq!(status, 401, "no such room");

    desk.app.close_room(&token, &rid).await;
    let (status, _) = visitor_upload(&desk.app, Some(&token), &rid, form()).await;
    assert_eq!(status, 401, "a closed room");
    assert!(stored_files(dir.path()).is_empty());
}

#[tokio::test]
async fn either_setting_turns_visitor_uploads_off() {
    let (desk, dir) = desk_with_upload_dir().await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let config = desk.app.get_success("config").await;
    assert_eq!(config["config"]["settings"]["fileUpload"], json!(true));

    for setting in ["Livechat_fileupload_enabled", "FileUpload_Enabled"] {
        desk.set(setting, json!(false)).await;
        let form = file_form("a.png", "image/png", PNG, &[]);
        let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
        assert_eq!(status, 400, "{setting}: {body}");
        assert_eq!(body["errorType"], json!("error-file-upload-disabled"));
        let config = desk.app.get_success("config").await;
        assert_eq!(config["config"]["settings"]["fileUpload"], json!(false));
        desk.set(setting, json!(true)).await;
    }
    let form = file_form("a.png", "image/png", PNG, &[]);
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 200, "on again: {body}");
    assert_eq!(stored_files(dir.path()).len(), 1);
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_refused_and_nothing_is_kept() {
    let (desk, dir) = desk_with_upload_dir().await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    // Numeric text, as Rocket.Chat's admin form sends it.
    desk.set("FileUpload_MaxFileSize", json!("1000")).await;

    let big = vec![7u8; 5000];
    let form = file_form("big.bin", "application/octet-stream", &big, &[]);
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["success"], json!(false));
    assert_eq!(body["reason"], json!("error-size-not-allowed"));
    assert_eq!(body["sizeAllowed"], json!("1000 B"));
    assert!(stored_files(dir.path()).is_empty());
    let just_fits = vec![7u8; 1000];
    let form = file_form("fits.bin", "application/octet-stream", &just_fits, &[]);
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 200, "{body}");

    // -1 lifts the limit; the JSON body limit (256 KiB) does not apply to uploads.
    desk.set("FileUpload_MaxFileSize", json!(-1)).await;
    let large = vec![1u8; 600 * 1024];
    let form = file_form("large.bin", "application/octet-stream", &large, &[]);
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["attachments"][0].get("image_url"), None);
    assert_eq!(stored_files(dir.path()).len(), 2);
}

#[tokio::test]
async fn types_follow_the_white_and_black_lists() {
    let (desk, dir) = desk_with_upload_dir().await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";

    let form = file_form("x.svg", "image/svg+xml", svg, &[]);
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 400, "SVG is black-listed by default: {body}");
    assert_eq!(body["reason"], json!("error-type-not-allowed"));

    desk.set("FileUpload_MediaTypeWhiteList", json!("image/*,audio/ogg"))
        .await;
    let form = file_form("doc.pdf", "application/pdf", b"%PDF-1.4", &[]);
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["reason"], json!("error-type-not-allowed"));
    let form = file_form("voice.ogg", "audio/ogg", b"OggS", &[]);
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["attachments"][0]["audio_type"], json!("audio/ogg"));
    assert_eq!(body["attachments"][0]["audio_size"], json!(4));
    let form = file_form("a.jpg", "image/jpeg", b"\xFF\xD8\xFF", &[]);
    let (status, body) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 200, "image/* admits JPEG: {body}");
    let form = file_form("x.svg", "image/svg+xml", svg, &[]);
    let (status, _) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
    assert_eq!(status, 400, "the black list wins over image/*");
    assert_eq!(stored_files(dir.path()).len(), 2);
}
