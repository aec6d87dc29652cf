//! A TCP proxy between the server and its PostgreSQL server that can take the database away:
//! `cut` drops every open connection and refuses new ones, as a restarting or failing-over
//! database does; `restore` lets connections through again. The real PostgreSQL server keeps
//! running for the other tests that share it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct OutageProxy {
    pub address: SocketAddr,
    up: Arc<AtomicBool>,
    /// Bumped by `cut`: every piped connection ends when it changes.
    generation: watch::Sender<u64>,
    accept: tokio::task::JoinHandle<()>,
}

impl OutageProxy {
    /// Forwards a port on 127.0.0.1 to `upstream` (`host:port`).
    pub async fn start(upstream: String) -> OutageProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let (generation, _) = watch::channel(0u64);
        let accept = tokio::spawn({
            let up = up.clone();
            let generation = generation.clone();
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    if !up.load(Ordering::SeqCst) {
                        drop(client); // refused: the database is "down"
                        continue;
                    }
                    let mut cut = generation.subscribe();
                    let upstream = upstream.clone();
                    tokio::spawn(async move {
                        let Ok(mut server) = TcpStream::connect(&upstream).await else {
                            return;
                        };
                        let mut client = client;
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut.changed() => {}
                        }
                    });
                }
            }
        });
        OutageProxy {
            address,
            up,
            generation,
            accept,
        }
    }

    /// The database goes away: open connections break, new ones are refused.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    /// The database is back.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    /// `url` with its `host:port` replaced by the proxy's.
    pub fn rewrite(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").expect("a URL");
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let user = authority
            .rsplit_once('@')
            .map(|(user, _)| format!("{user}@"));
        format!(
            "{scheme}://{}{}/{path}",
            user.unwrap_or_default(),
            self.address
        )
    }
}

/// The `host:port` of a database URL.
pub fn url_authority(url: &str) -> String {
    let rest = url.split_once("://").expect("a URL").1;
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_string()
}

impl Drop for OutageProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}
