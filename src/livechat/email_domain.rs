//! `Livechat_validate_offline_email`: Rocket.Chat refuses an offline message whose e-mail
//! domain has no mail server (its `dns.resolveMx`). Here one UDP question to a resolver, no
//! crate: an MX question, then an A question when the domain has no MX (mail then goes to the
//! domain's address, RFC 5321 §5.1). Only a resolver's definite answer refuses an address; a
//! resolver that is missing, silent or failing lets the message through, so a server without
//! DNS keeps its offline form working.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;

/// How long one question may wait for its answer.
const ANSWER_WAIT: Duration = Duration::from_secs(2);
const TYPE_A: u16 = 1;
const TYPE_MX: u16 = 15;
const NXDOMAIN: u8 = 3;

/// What the resolver said about a domain.
#[derive(Debug, PartialEq, Eq)]
pub enum DomainVerdict {
    /// It has an MX or an A record.
    Reachable,
    /// The resolver answered: no such domain, or neither record.
    NoMailServer,
    /// No resolver, no answer, or an answer we cannot read: not checked.
    Unknown,
}

/// The resolver to ask: the configured one, else the first `nameserver` of resolv.conf.
pub fn system_resolver() -> Option<SocketAddr> {
    let conf = std::fs::read_to_string("/etc/resolv.conf").ok()?;
    conf.lines()
        .filter_map(|line| line.trim().strip_prefix("nameserver"))
        .filter_map(|rest| rest.trim().parse::<std::net::IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .next()
}

/// Whether `domain` can receive mail, as `resolver` says.
pub async fn check_domain(resolver: SocketAddr, domain: &str) -> DomainVerdict {
    match ask(resolver, domain, TYPE_MX).await {
        Some(Answer::Records) => DomainVerdict::Reachable,
        Some(Answer::NoSuchDomain) => DomainVerdict::NoMailServer,
        Some(Answer::NoRecords) => match ask(resolver, domain, TYPE_A).await {
            Some(Answer::Records) => DomainVerdict::Reachable,
            Some(Answer::NoSuchDomain | Answer::NoRecords) => DomainVerdict::NoMailServer,
            None => DomainVerdict::Unknown,
        },
        None => DomainVerdict::Unknown,
    }
}

enum Answer {
    Records,
    NoRecords,
    NoSuchDomain,
}

async fn ask(resolver: SocketAddr, domain: &str, qtype: u16) -> Option<Answer> {
    let id: u16 = rand::random();
    let question = encode_question(id, domain, qtype)?;
    let local: SocketAddr = if resolver.is_ipv4() {
        "0.0.0.0:0".parse().ok()?
    } else {
        "[::]:0".parse().ok()?
    };
    let socket = UdpSocket::bind(local).await.ok()?;
    socket.connect(resolver).await.ok()?;
    socket.send(&question).await.ok()?;
    let mut buffer = [0u8; 1500];
    let deadline = tokio::time::Instant::now() + ANSWER_WAIT;
    loop {
        let read = tokio::time::timeout_at(deadline, socket.recv(&mut buffer))
            .await
            .ok()?
            .ok()?;
        // Anything that is not the answer to our question (wrong id, not a response) is
        // ignored, so a stray datagram cannot decide the check.
        if let Some(answer) = read_answer(&buffer[..read], id) {
            return Some(answer);
        }
    }
}

/// A standard query with recursion desired, one question of class IN; `None` for a name DNS
/// cannot carry (an empty or over-long label).
fn encode_question(id: u16, domain: &str, qtype: u16) -> Option<Vec<u8>> {
    let mut packet = Vec::with_capacity(32 + domain.len());
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    let domain = domain.trim_end_matches('.');
    if domain.is_empty() || domain.len() > 253 {
        return None;
    }
    for label in domain.split('.') {
        if label.is_empty() || label.len() > 63 {
            return None;
        }
        packet.push(label.len() as u8);
        packet.extend_from_slice(label.as_bytes());
    }
    packet.push(0);
    packet.extend_from_slice(&qtype.to_be_bytes());
    packet.extend_from_slice(&1u16.to_be_bytes());
    Some(packet)
}

/// Reads the header of a response to query `id`: its code and how many answers it holds.
fn read_answer(packet: &[u8], id: u16) -> Option<Answer> {
    if packet.len() < 12 || u16::from_be_bytes([packet[0], packet[1]]) != id {
        return None;
    }
    let is_response = packet[2] & 0x80 != 0;
    if !is_response {
        return None;
    }
    let answers = u16::from_be_bytes([packet[6], packet[7]]);
    match packet[3] & 0x0f {
        0 if answers > 0 => Some(Answer::Records),
        0 => Some(Answer::NoRecords),
        NXDOMAIN => Some(Answer::NoSuchDomain),
        // SERVFAIL, REFUSED…: the resolver could not tell; treated as no answer.
        _ => None,
    }
}
