//! A scriptable fake LLM provider: a tiny HTTP/1.1 server on 127.0.0.1:0 (one request per
//! connection) that answers each request with the next scripted [`Reply`], rendered in the
//! provider's wire format ([`Wire`]): JSON for plain calls, Server-Sent Events for streaming
//! ones. Every request is recorded.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// What the fake does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answers with this text (as JSON, or streamed in word chunks).
    Answer(String),
    /// An error status with the provider's error body; `retry_after` in seconds.
    Error { status: u16, message: String, retry_after: Option<u32> },
    /// Status 200 with a body (or a stream chunk) that is not valid JSON.
    Malformed,
    /// Accepts the request and never answers.
    Hang,
    /// Streams the first word of this text, then goes silent (plain calls: hangs).
    StreamThenHang(String),
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `POST`.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers, names lower case.
    pub headers: Vec<(String, String)>,
    /// The JSON body (`Null` when not JSON).
    pub body: Value,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A provider's wire format.
pub trait Wire: Send + Sync + 'static {
    /// Whether the request asks for a stream.
    fn is_stream(&self, request: &Recorded) -> bool;
    /// The status and message the real API answers a request it refuses (wrong path, key,
    /// model or body shape) with.
    fn check(&self, request: &Recorded) -> Result<(), (u16, String)>;
    /// A whole answer's JSON body.
    fn answer(&self, text: &str) -> Value;
    /// The SSE `data:` payloads streaming `pieces` (end marker included when the API has one).
    fn stream(&self, pieces: &[String]) -> Vec<String>;
    /// The API's error body.
    fn error(&self, status: u16, message: &str) -> Value;
}

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    requests: Vec<Recorded>,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeLlm {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    state: Arc<Mutex<State>>,
    default: Reply,
}

/// Delay between two streamed chunks, so clients really see a stream.
const CHUNK_DELAY: Duration = Duration::from_millis(5);

impl FakeLlm {
    /// Starts a fake answering `Reply::Answer(default_answer)` once the script is used up.
    pub async fn start(wire: impl Wire, default_answer: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let fake = Self { url, state: Arc::default(), default: Reply::Answer(default_answer.to_owned()) };
        let wire: Arc<dyn Wire> = Arc::new(wire);
        let served = fake.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(served.clone().serve(socket, wire.clone()));
            }
        });
        fake
    }

    /// Queues replies for the next requests, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) -> &Self {
        self.state.lock().unwrap().script.extend(replies);
        self
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// How many requests were received.
    pub fn count(&self) -> usize {
        self.state.lock().unwrap().requests.len()
    }

    async fn serve(self, mut socket: TcpStream, wire: Arc<dyn Wire>) {
        let Some(request) = read_request(&mut socket).await else { return };
        let reply = {
            let mut state = self.state.lock().unwrap();
            state.requests.push(request.clone());
            state.script.pop_front().unwrap_or_else(|| self.default.clone())
        };
        if let Err((status, message)) = wire.check(&request) {
            return respond_json(&mut socket, status, &wire.error(status, &message), None).await;
        }
        let stream = wire.is_stream(&request);
        match reply {
            Reply::Answer(text) if stream => {
                let pieces: Vec<String> = text.split_inclusive(' ').map(str::to_owned).collect();
                respond_sse(&mut socket, &wire.stream(&pieces), false).await;
            }
            Reply::Answer(text) => respond_json(&mut socket, 200, &wire.answer(&text), None).await,
            Reply::Error { status, message, retry_after } => {
                respond_json(&mut socket, status, &wire.error(status, &message), retry_after).await;
            }
            Reply::Malformed if stream => respond_sse(&mut socket, &["{\"candidates\": [".to_owned()], false).await,
            Reply::Malformed => respond_raw(&mut socket, 200, "application/json", "{\"choices\": [", None).await,
            Reply::StreamThenHang(text) if stream => {
                let first = text.split_inclusive(' ').next().unwrap_or_default().to_owned();
                let events = wire.stream(std::slice::from_ref(&first));
                // Up to the first event carrying text (Groq starts with an empty role chunk).
                let upto = events.iter().position(|e| e.contains(first.trim())).map_or(1, |i| i + 1);
                respond_sse(&mut socket, &events[..upto], true).await;
            }
            Reply::Hang | Reply::StreamThenHang(_) => tokio::time::sleep(Duration::from_secs(3600)).await,
        }
    }
}

async fn read_request(socket: &mut TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.lines();
    let mut request_line = lines.next()?.split(' ');
    let (method, path) = (request_line.next()?.to_owned(), request_line.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = serde_json::from_slice(&buffer[head_end..]).unwrap_or(Value::Null);
    Some(Recorded { method, path, headers, body })
}

async fn respond_json(socket: &mut TcpStream, status: u16, body: &Value, retry_after: Option<u32>) {
    respond_raw(socket, status, "application/json", &body.to_string(), retry_after).await;
}

async fn respond_raw(socket: &mut TcpStream, status: u16, content_type: &str, body: &str, retry_after: Option<u32>) {
    let retry = retry_after.map(|s| format!("retry-after: {s}\r\n")).unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status} Fake\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{retry}connection: close\r\n\r\n",
        body.len()
    );
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(body.as_bytes()).await;
    let _ = socket.shutdown().await;
}

/// Streams the payloads as SSE events (close-delimited body), then closes or hangs.
async fn respond_sse(socket: &mut TcpStream, events: &[String], then_hang: bool) {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for data in events {
        if socket.write_all(format!("data: {data}\r\n\r\n").as_bytes()).await.is_err() {
            return;
        }
        let _ = socket.flush().await;
        tokio::time::sleep(CHUNK_DELAY).await;
    }
    if then_hang {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    let _ = socket.shutdown().await;
}
