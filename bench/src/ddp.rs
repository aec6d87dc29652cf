//! A lean DDP client for tens of thousands of sockets: small buffers, a chosen source address
//! (one 127.0.0.x per block of connections, so ephemeral ports never run out), and the frames
//! Rocket.Chat's clients send.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::{bail, Context};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

pub type Socket = WebSocketStream<TcpStream>;

const WAIT: Duration = Duration::from_secs(30);

/// The loopback source address for the `n`th connection: 10,000 connections per address.
pub fn source_for(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + (n / 10_000) as u8 % 250))
}

/// A WebSocket to `/websocket` (the client side keeps small buffers, so the load generator's
/// own memory does not limit how many it holds).
pub async fn open_socket(server: SocketAddr, source: IpAddr) -> anyhow::Result<Socket> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    let stream = socket.connect(server).await?;
    stream.set_nodelay(true)?;
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let url = format!("ws://{server}/websocket");
    let (ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config)).await?;
    Ok(ws)
}

/// A DDP session: the greeting read, `connect` sent and answered.
pub async fn connect(server: SocketAddr, source: IpAddr) -> anyhow::Result<Socket> {
    let mut ws = open_socket(server, source).await?;
    send(
        &mut ws,
        json!({ "msg": "connect", "version": "1", "support": ["1", "pre2", "pre1"] }),
    )
    .await?;
    wait_for(&mut ws, |f| f["msg"] == "connected").await?;
    Ok(ws)
}

pub async fn send(ws: &mut Socket, frame: Value) -> anyhow::Result<()> {
    ws.send(Message::Text(frame.to_string().into())).await?;
    Ok(())
}

/// Reads frames (answering pings) until one matches.
pub async fn wait_for(ws: &mut Socket, wanted: impl Fn(&Value) -> bool) -> anyhow::Result<Value> {
    loop {
        let next = tokio::time::timeout(WAIT, ws.next())
            .await
            .context("no DDP frame within 30 s")?;
        match next {
            Some(Ok(Message::Text(text))) => {
                let frame: Value = serde_json::from_str(text.as_str())?;
                if frame["msg"] == "ping" {
                    send(ws, json!({ "msg": "pong" })).await?;
                } else if wanted(&frame) {
                    return Ok(frame);
                }
            }
            Some(Ok(_)) => {}
            Some(Err(err)) => return Err(err.into()),
            None => bail!("the server closed the socket"),
        }
    }
}

pub async fn call(ws: &mut Socket, id: &str, method: &str, params: Value) -> anyhow::Result<Value> {
    send(
        ws,
        json!({ "msg": "method", "id": id, "method": method, "params": params }),
    )
    .await?;
    let result = wait_for(ws, |f| f["msg"] == "result" && f["id"] == id).await?;
    if result.get("error").is_some() {
        bail!("{method}: {result}");
    }
    Ok(result)
}

/// Subscribes; an error unless the server answers `ready`.
pub async fn sub(ws: &mut Socket, id: &str, name: &str, params: Value) -> anyhow::Result<()> {
    send(
        ws,
        json!({ "msg": "sub", "id": id, "name": name, "params": params }),
    )
    .await?;
    let answer = wait_for(ws, |f| {
        (f["msg"] == "ready" && f["subs"][0] == id) || (f["msg"] == "nosub" && f["id"] == id)
    })
    .await?;
    if answer["msg"] != "ready" {
        bail!("subscription {name} refused: {answer}");
    }
    Ok(())
}

/// A visitor's socket subscribed to its room's messages, as the widget does it.
pub async fn visitor(
    server: SocketAddr,
    source: IpAddr,
    token: &str,
    rid: &str,
) -> anyhow::Result<Socket> {
    let mut ws = connect(server, source).await?;
    call(
        &mut ws,
        "1",
        "livechat:setUpConnection",
        json!([{ "token": token }]),
    )
    .await?;
    let args = json!([rid, { "useCollection": false, "args": [{ "token": token, "visitorToken": token }] }]);
    sub(&mut ws, "2", "stream-room-messages", args).await?;
    Ok(ws)
}

/// An agent's socket, logged in with the password digest, subscribed to each of `rooms`.
pub async fn agent(
    server: SocketAddr,
    source: IpAddr,
    username: &str,
    password: &str,
    rooms: &[String],
) -> anyhow::Result<Socket> {
    use sha2::{Digest, Sha256};
    let mut ws = connect(server, source).await?;
    let digest: String = Sha256::digest(password.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let login = json!([{ "user": { "username": username }, "password": { "digest": digest, "algorithm": "sha-256" } }]);
    call(&mut ws, "login", "login", login).await?;
    for (i, rid) in rooms.iter().enumerate() {
        let args = json!([rid, { "useCollection": false, "args": [null] }]);
        sub(&mut ws, &format!("s{i}"), "stream-room-messages", args).await?;
    }
    Ok(ws)
}

/// Reads every frame until the socket closes, answering pings and handing text to `on_text`.
pub async fn listen(mut ws: Socket, mut on_text: impl FnMut(&str)) {
    while let Some(Ok(message)) = ws.next().await {
        if let Message::Text(text) = message {
            let text = text.as_str();
            if text.starts_with(r#"{"msg":"ping""#) {
                if ws
                    .send(Message::Text(r#"{"msg":"pong"}"#.into()))
                    .await
                    .is_err()
                {
                    return;
                }
            } else {
                on_text(text);
            }
        }
    }
}
