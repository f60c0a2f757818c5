//! A real (small) SMTP server on 127.0.0.1:0 that stores what it receives: EHLO/HELO, AUTH
//! PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT, plain text only (the client is told
//! `tls = "none"`). Recipients can be scripted to be refused for good (550) or for now (451).
//! Also builds signed SendGrid-style email event webhooks.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

/// One message the sink accepted.
#[derive(Debug, Clone, Default)]
pub struct ReceivedMail {
    /// `MAIL FROM` address.
    pub mail_from: String,
    /// `RCPT TO` addresses.
    pub rcpt_to: Vec<String>,
    /// The message as sent after DATA (headers and body, dot-unstuffed, CRLF lines).
    pub data: String,
    /// (user, password) of the session's AUTH, if any.
    pub auth: Option<(String, String)>,
}

impl ReceivedMail {
    /// A header's value (name case-insensitive, folded lines joined).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ").replace("\r\n\t", " ");
        head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The body (after the blank line).
    pub fn body(&self) -> String {
        self.data.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default()
    }
}

/// What the sink answers to the next `RCPT TO`.
#[derive(Debug, Clone, Copy)]
pub enum SmtpReply {
    /// 250.
    Accept,
    /// 550 5.1.1: no such mailbox.
    RejectRecipient,
    /// 451 4.3.0: try again later.
    TryLater,
}

#[derive(Default)]
struct State {
    script: VecDeque<SmtpReply>,
    mails: Vec<ReceivedMail>,
}

/// A running sink.
#[derive(Clone)]
pub struct SmtpSink {
    /// Its port on 127.0.0.1.
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpSink {
    /// Starts the sink.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sink = Self { port: listener.local_addr().unwrap().port(), state: Arc::default() };
        let served = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(served.clone().session(socket));
            }
        });
        sink
    }

    /// Queues answers for the next recipients, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = SmtpReply>) {
        self.state.lock().unwrap().script.extend(replies);
    }

    /// The messages received so far.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.state.lock().unwrap().mails.clone()
    }

    async fn session(self, socket: TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let (mut mail, mut auth) = (ReceivedMail::default(), None);
        let mut answer = "220 sink.test ESMTP fake".to_owned();
        loop {
            if write.write_all(format!("{answer}\r\n").as_bytes()).await.is_err() || answer.starts_with("221") {
                return;
            }
            let Ok(Some(line)) = lines.next_line().await else { return };
            let upper = line.to_ascii_uppercase();
            answer = if upper.starts_with("EHLO") {
                "250-sink.test\r\n250-AUTH PLAIN\r\n250 8BITMIME".to_owned()
            } else if ["HELO", "RSET", "NOOP"].iter().any(|c| upper.starts_with(c)) {
                mail = ReceivedMail::default();
                "250 OK".to_owned()
            } else if upper.starts_with("AUTH PLAIN") {
                // "\0user\0password", base64.
                let decoded = line.split_whitespace().nth(2).and_then(|b| STANDARD.decode(b).ok()).unwrap_or_default();
                let decoded = String::from_utf8(decoded).unwrap_or_default();
                let mut parts = decoded.split('\0').skip(1).map(str::to_owned);
                auth = Some((parts.next().unwrap_or_default(), parts.next().unwrap_or_default()));
                "235 2.7.0 Authentication successful".to_owned()
            } else if upper.starts_with("MAIL FROM:") {
                mail = ReceivedMail { mail_from: address(&line), auth: auth.clone(), ..ReceivedMail::default() };
                "250 2.1.0 OK".to_owned()
            } else if upper.starts_with("RCPT TO:") {
                self.recipient(&mut mail, &line)
            } else if upper == "DATA" {
                let _ = write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await;
                mail.data = read_data(&mut lines).await;
                let mut state = self.state.lock().unwrap();
                state.mails.push(std::mem::take(&mut mail));
                format!("250 2.0.0 Ok: queued as Q{}", state.mails.len())
            } else if upper.starts_with("QUIT") {
                "221 2.0.0 Bye".to_owned()
            } else {
                "502 5.5.2 Command not recognized".to_owned()
            };
        }
    }

    fn recipient(&self, mail: &mut ReceivedMail, line: &str) -> String {
        match self.state.lock().unwrap().script.pop_front().unwrap_or(SmtpReply::Accept) {
            SmtpReply::Accept => {
                mail.rcpt_to.push(address(line));
                "250 2.1.5 OK".to_owned()
            }
            SmtpReply::RejectRecipient => "550 5.1.1 No such user here".to_owned(),
            SmtpReply::TryLater => "451 4.3.0 Mailbox temporarily unavailable".to_owned(),
        }
    }
}

/// The DATA lines up to the lone dot, dot-unstuffed, CRLF-terminated.
async fn read_data(lines: &mut tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>) -> String {
    let mut data = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        if line == "." {
            break;
        }
        data.push_str(if line.starts_with("..") { &line[1..] } else { &line });
        data.push_str("\r\n");
    }
    data
}

/// `<a@b>` out of `MAIL FROM:<a@b> SIZE=…`.
fn address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].to_owned()
}

/// Headers and body of a SendGrid-style event webhook signed with `secret` at `timestamp`:
/// `X-Event-Webhook-Timestamp`, and `X-Event-Webhook-Signature` = base64(HMAC-SHA256(secret,
/// timestamp + body)).
pub fn signed_email_events(secret: &str, timestamp: i64, events: &Value) -> (Vec<(&'static str, String)>, Vec<u8>) {
    let body = serde_json::to_vec(events).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(timestamp.to_string().as_bytes());
    mac.update(&body);
    let signature = STANDARD.encode(mac.finalize().into_bytes());
    let headers = vec![("X-Event-Webhook-Timestamp", timestamp.to_string()), ("X-Event-Webhook-Signature", signature)];
    (headers, body)
}
