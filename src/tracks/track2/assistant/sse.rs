//! Streamed answers: Server-Sent Events decoding and the one stream driver both network
//! providers use. A provider only says how to read one `data:` payload ([`ChunkReader`]).

use std::time::{Duration, Instant};

use futures_util::{stream, Stream, StreamExt};
use serde::de::DeserializeOwned;

use super::{http::transport, AssistantError, Completion, CompletionStream, ProviderName, StreamEvent};

/// What one provider's responses mean: a whole response and each stream chunk share a shape.
pub trait ChunkReader: Send + 'static {
    /// A response body or stream chunk.
    type Body: DeserializeOwned;

    /// Which provider this reads.
    const PROVIDER: ProviderName;

    /// Takes note of a body (usage, finish reason, model) and returns the text it adds.
    fn absorb(&mut self, body: Self::Body) -> String;

    /// Reads one `data:` payload: the text it adds (possibly none). `Ok(None)` marks the end
    /// of the stream (Groq's `[DONE]`).
    fn read(&mut self, data: &str) -> Result<Option<String>, AssistantError> {
        let body = serde_json::from_str(data)
            .map_err(|e| AssistantError::malformed(Self::PROVIDER, format!("unreadable stream chunk: {e}")))?;
        Ok(Some(self.absorb(body)))
    }

    /// The completion once the stream ended, given the whole text and the elapsed time.
    fn finish(self, content: String, response_time_ms: u64) -> Result<Completion, AssistantError>;
}

/// Splits a byte stream into SSE events and returns each event's joined `data:` lines.
#[derive(Debug, Default)]
pub struct SseDecoder {
    buffer: Vec<u8>,
}

impl SseDecoder {
    /// Appends received bytes. Carriage returns are dropped (line ends become `\n`; JSON
    /// payloads escape theirs), and bytes are decoded per complete event, so a character split
    /// across two chunks stays whole.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend(bytes.iter().filter(|b| **b != b'\r'));
    }

    /// The next complete event's data, if one has fully arrived. Events without data
    /// (comments, keep-alives) are skipped.
    pub fn next_event(&mut self) -> Option<String> {
        loop {
            let end = self.buffer.windows(2).position(|w| w == b"\n\n")?;
            let event: Vec<u8> = self.buffer.drain(..end + 2).collect();
            let event = String::from_utf8_lossy(&event);
            let data: Vec<&str> = event
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if !data.is_empty() {
                return Some(data.join("\n"));
            }
        }
    }

    /// What is left when the connection closes: a last event without its blank line.
    pub fn finish(&mut self) -> Option<String> {
        self.buffer.extend(b"\n\n");
        self.next_event()
    }
}

struct State<R> {
    provider: ProviderName,
    bytes: std::pin::Pin<Box<dyn Stream<Item = reqwest::Result<Vec<u8>>> + Send>>,
    decoder: SseDecoder,
    reader: Option<R>,
    content: String,
    idle: Duration,
    started: Instant,
    closed: bool,
}

/// The answer of a streaming response: deltas as they come, then [`StreamEvent::Done`]. Each
/// chunk must arrive within `idle`; `started` is when the request was sent.
pub fn completion_stream<R: ChunkReader>(
    provider: ProviderName,
    response: reqwest::Response,
    reader: R,
    idle: Duration,
    started: Instant,
) -> CompletionStream {
    let state = State {
        provider,
        bytes: Box::pin(response.bytes_stream().map(|chunk| chunk.map(|b| b.to_vec()))),
        decoder: SseDecoder::default(),
        reader: Some(reader),
        content: String::new(),
        idle,
        started,
        closed: false,
    };
    Box::pin(stream::unfold(state, |mut state| async move {
        let item = next_item(&mut state).await?;
        if item.is_err() {
            state.reader = None;
        }
        Some((item, state))
    }))
}

/// The next item, or `None` once the stream ended (after `Done` or an error).
async fn next_item<R: ChunkReader>(state: &mut State<R>) -> Option<Result<StreamEvent, AssistantError>> {
    loop {
        let reader = state.reader.as_mut()?;
        let data = match state.decoder.next_event() {
            Some(data) => Some(data),
            None if state.closed => state.decoder.finish(),
            None => {
                match tokio::time::timeout(state.idle, state.bytes.next()).await {
                    Err(_) => return Some(Err(AssistantError::Timeout { provider: state.provider })),
                    Ok(Some(Err(e))) => return Some(Err(transport(state.provider, &e))),
                    Ok(Some(Ok(bytes))) => state.decoder.push(&bytes),
                    Ok(None) => state.closed = true,
                }
                continue;
            }
        };
        match data.map(|d| reader.read(&d)) {
            Some(Err(e)) => return Some(Err(e)),
            Some(Ok(Some(delta))) if delta.is_empty() => {}
            Some(Ok(Some(delta))) => {
                state.content.push_str(&delta);
                return Some(Ok(StreamEvent::Delta(delta)));
            }
            // The end marker, or the connection closed with nothing left.
            Some(Ok(None)) | None => {
                let reader = state.reader.take()?;
                let elapsed = super::http::elapsed_ms(state.started);
                return Some(reader.finish(std::mem::take(&mut state.content), elapsed).map(StreamEvent::Done));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_events_split_across_chunks() {
        let mut decoder = SseDecoder::default();
        decoder.push(b"data: {\"a\":");
        assert_eq!(decoder.next_event(), None);
        decoder.push(b"1}\r\n\r\n: keep-alive\n\ndata: [DONE]\n\n");
        assert_eq!(decoder.next_event().as_deref(), Some("{\"a\":1}"));
        assert_eq!(decoder.next_event().as_deref(), Some("[DONE]"));
        assert_eq!(decoder.next_event(), None);
    }

    #[test]
    fn joins_multi_line_data_and_keeps_a_trailing_event() {
        let mut decoder = SseDecoder::default();
        decoder.push(b"event: x\ndata: one\ndata:two\n\ndata: last");
        assert_eq!(decoder.next_event().as_deref(), Some("one\ntwo"));
        assert_eq!(decoder.next_event(), None);
        assert_eq!(decoder.finish().as_deref(), Some("last"));
    }
}
