//! The real server binary as a child process: for tests of what only a process shows (a
//! `kill -9`, several servers sharing one database).

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The server binary, started on port 0 unless told otherwise; its address is read from its
/// start-up log line.
pub struct ServerProcess {
    /// `host:port` it listens on.
    pub address: String,
    child: Child,
    pub base: String,
    /// What it logged before listening, escape codes stripped.
    pub startup_log: Vec<String>,
}

impl ServerProcess {
    pub async fn start(database_url: &str) -> ServerProcess {
        ServerProcess::start_with(database_url, "127.0.0.1:0", &[]).await
    }

    /// Starts the binary listening on `bind` (a fixed port lets a restarted server be the
    /// same node), with `extra` flags after the usual ones.
    pub async fn start_with(database_url: &str, bind: &str, extra: &[&str]) -> ServerProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_livechat"))
            .args([
                "--bind",
                bind,
                "--database-url",
                database_url,
                "--rate-limit-per-minute",
                "0",
            ])
            .args(extra)
            .env("LIVECHAT_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start the server binary");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut startup_log = Vec::new();
        let address = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(address) = listening_address(&line) {
                    return address;
                }
                startup_log.push(strip_ansi(&line));
            }
            panic!("the server exited before listening");
        })
        .await
        .expect("the server starts within 30 s");
        // Keep draining the log so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        ServerProcess {
            child,
            base: format!("http://{address}/api/v1/livechat"),
            address,
            startup_log,
        }
    }

    /// SIGTERM, as an orchestrator stops a server, and waits until it has exited.
    pub async fn stop_gracefully(&mut self) {
        let pid = self.child.id().expect("the server is running").to_string();
        let sent = tokio::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("run kill");
        assert!(sent.success(), "SIGTERM the server");
        tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .expect("the server stops within 10 s of SIGTERM")
            .expect("reap the server");
    }

    pub async fn kill_hard(&mut self) {
        self.child.start_kill().expect("SIGKILL the server");
        self.child.wait().await.expect("reap the server");
    }
}

/// The address in the "livechat server listening address=…" line, escape codes stripped.
fn listening_address(line: &str) -> Option<String> {
    let plain: String = strip_ansi(line);
    if !plain.contains("listening") {
        return None;
    }
    let rest = &plain[plain.find("address=")? + "address=".len()..];
    Some(rest.split_whitespace().next()?.to_string())
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
