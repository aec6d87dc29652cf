//! Files go with their visitor (`DELETE livechat/visitor/:token`) and its rooms.

use serde_json::json;

use super::{
    desk_with_upload_dir, fetch_file, file_form, rid_of, staff_upload, stored_files,
    visitor_upload, PNG,
};

#[tokio::test]
async fn deleting_a_visitor_deletes_its_files_and_those_of_its_rooms() {
    let (desk, dir) = desk_with_upload_dir().await;
    let (_, agent) = desk.agent("keeper").await;
    let (token, room) = desk.visitor_room().await;
    let rid = rid_of(&room);
    let (other_token, other_room) = desk.visitor_room().await;
    let other_rid = rid_of(&other_room);
    let mut urls = Vec::new();
    for name in ["one.png", "two.png"] {
        let form = file_form(name, "image/png", PNG, &[]);
        let (status, sent) = visitor_upload(&desk.app, Some(&token), &rid, form).await;
        assert_eq!(status, 200, "{sent}");
        urls.push(
            sent["attachments"][0]["title_link"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let form = file_form("reply.png", "image/png", PNG, &[]);
    let (status, sent) = staff_upload(
        &desk.app,
        Some(&agent),
        &format!("/api/v1/rooms.upload/{rid}"),
        form,
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    urls.push(
        sent["message"]["attachments"][0]["title_link"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let form = file_form("kept.png", "image/png", PNG, &[]);
    let (_, kept) = visitor_upload(&desk.app, Some(&other_token), &other_rid, form).await;
    let kept_url = kept["attachments"][0]["title_link"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(stored_files(dir.path()).len(), 4);
    let admin = format!("rc_uid={}&rc_token={}", desk.admin.0, desk.admin.1);
    for url in &urls {
        assert_eq!(fetch_file(&desk.app, url, &admin, &[]).await.0, 200);
    }

    desk.app.close_room(&token, &rid).await;
    let (status, body) = desk.app.delete(&format!("visitor/{token}"), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], json!(true));

    for url in &urls {
        assert_eq!(
            fetch_file(&desk.app, url, &admin, &[]).await.0,
            404,
            "{url}"
        );
    }
    assert_eq!(fetch_file(&desk.app, &kept_url, &admin, &[]).await.0, 200);
    let left = stored_files(dir.path());
    assert_eq!(
        left.len(),
        1,
        "only the other visitor's file is left: {left:?}"
    );
    assert!(kept_url.contains(&left[0]));
}
