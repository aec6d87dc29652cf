//! A real SMTP server for the mail tests: Python's `aiosmtpd` (Debian `python3-aiosmtpd`,
//! installed by `.ci/run`) writing each mail it accepts into a Maildir. A missing `aiosmtpd`
//! fails the test: mail must be tested against a server, not skipped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tempfile::TempDir;
use tokio::process::{Child, Command};

/// One `aiosmtpd` process on 127.0.0.1; stopped when dropped.
pub struct SmtpServer {
    pub port: u16,
    maildir: PathBuf,
    _dir: Option<TempDir>,
    child: Option<Child>,
}

/// A mail as received: the raw message, headers unfolded, bodies decoded from
/// quoted-printable.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub raw: String,
    pub decoded: String,
}

impl ReceivedMail {
    /// The first header `name` (case-insensitive), unfolded, encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\n\n").next().unwrap_or("");
        let unfolded = head
            .replace("\r\n", "\n")
            .replace("\n ", " ")
            .replace("\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| decode_encoded_words(value.trim()))
        })
    }
}

/// A port nobody listens on now (bound then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    /// A server on a free port with a fresh Maildir.
    pub async fn start() -> SmtpServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let maildir = dir.path().join("Maildir");
        let mut server = SmtpServer::not_started(free_port(), maildir);
        server._dir = Some(dir);
        server.run().await;
        server
    }

    /// A server for `port` and `maildir` that is not running yet (see [`SmtpServer::run`]):
    /// what the "mail server is down" tests point the desk at.
    pub fn not_started(port: u16, maildir: PathBuf) -> SmtpServer {
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("create the Maildir");
        }
        SmtpServer {
            port,
            maildir,
            _dir: None,
            child: None,
        }
    }

    /// A stopped server on a free port with its own Maildir (kept in a temp dir).
    pub fn down() -> SmtpServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut server = SmtpServer::not_started(free_port(), dir.path().join("Maildir"));
        server._dir = Some(dir);
        server
    }

    /// Starts `aiosmtpd` and waits until it accepts connections.
    pub async fn run(&mut self) {
        let child = Command::new("aiosmtpd")
            .args(["-n", "-l", &format!("127.0.0.1:{}", self.port), "-c"])
            .arg("aiosmtpd.handlers.Mailbox")
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("aiosmtpd must be installed (apt-get install -y python3-aiosmtpd)");
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("aiosmtpd exited at start: {status}");
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "aiosmtpd listens within 15 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    pub fn maildir(&self) -> &Path {
        &self.maildir
    }

    /// Every mail received so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> =
            std::fs::read_dir(self.maildir.join("new"))
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .map(|e| {
                            let modified = e.metadata().and_then(|m| m.modified()).unwrap();
                            (modified, e.path())
                        })
                        .collect()
                })
                .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .map(|(_, path)| {
                let raw = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
                ReceivedMail {
                    decoded: decode_quoted_printable(&raw),
                    raw,
                }
            })
            .collect()
    }

    /// Waits until at least `count` mails arrived (at most `seconds`); returns them all.
    pub async fn wait_for(&self, count: usize, seconds: u64) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {count} mail(s) within {seconds} s, got {}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Soft line breaks removed and `=XX` decoded (lettre sends long lines quoted-printable).
fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && bytes[i + 1..i + 3].iter().all(u8::is_ascii_hexdigit)
        {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 2047 `=?utf-8?b?…?=` words (how lettre sends a display name with `@` or non-ASCII)
/// decoded; adjacent encoded words joined.
fn decode_encoded_words(value: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let Some(end) = rest[start + 2..].find("?=").map(|e| start + 2 + e) else {
            break;
        };
        let word = &rest[start + 2..end];
        let mut parts = word.splitn(3, '?');
        let (_charset, encoding, text) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let decoded = if encoding.eq_ignore_ascii_case("b") {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        } else {
            decode_quoted_printable(&text.replace('_', " "))
        };
        let before = &rest[..start];
        // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
        if !before.trim().is_empty() || out.is_empty() {
            out.push_str(before);
        }
        out.push_str(&decoded);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}
