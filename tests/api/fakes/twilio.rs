//! A fake Twilio Messages API: `POST /2010-04-01/Accounts/{sid}/Messages.json` with basic auth,
//! scriptable answers (accept, refuse with a Twilio error such as 21211, 500), de-duplication by
//! `I-Twilio-Idempotency-Token` (a repeated token gets the first message back and sends
//! nothing new), and status callbacks signed like Twilio's (`X-Twilio-Signature`).

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha1::Sha1;

use super::recorder::{Answer, Recorded, RecordingServer};

/// The account the fake accepts.
pub const ACCOUNT_SID: &str = "AC00000000000000000000000000000001";
/// Its auth token (also signs the callbacks).
pub const AUTH_TOKEN: &str = "fake-twilio-auth-token";

/// What the fake does with the next send.
#[derive(Debug, Clone, Copy)]
pub enum TwilioReply {
    /// 201 with a queued message.
    Accept,
    /// 400 with Twilio error 21211 (invalid `To`).
    InvalidNumber,
    /// 500 with Twilio's error JSON.
    ServerError,
}

/// A message the fake accepted (once per idempotency token).
#[derive(Debug, Clone)]
pub struct SentSms {
    /// The message sid.
    pub sid: String,
    /// The request that created it.
    pub request: Recorded,
}

#[derive(Default)]
struct State {
    script: VecDeque<TwilioReply>,
    by_token: HashMap<String, Value>,
    sent: Vec<SentSms>,
}

/// A running fake Twilio.
#[derive(Clone)]
pub struct FakeTwilio {
    server: RecordingServer,
    state: Arc<Mutex<State>>,
}

impl FakeTwilio {
    /// Starts a fake that accepts every send unless scripted otherwise.
    pub async fn start() -> Self {
        let state: Arc<Mutex<State>> = Arc::default();
        let shared = state.clone();
        let server = RecordingServer::start(move |request| answer(&mut shared.lock().unwrap(), request)).await;
        Self { server, state }
    }

    /// Base URL for `[reminders.sms] base_url`.
    pub fn url(&self) -> &str {
        &self.server.url
    }

    /// Queues answers for the next sends, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = TwilioReply>) {
        self.state.lock().unwrap().script.extend(replies);
    }

    /// Every request received (re-sends included).
    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    /// The messages actually sent (one per idempotency token).
    pub fn sent(&self) -> Vec<SentSms> {
        self.state.lock().unwrap().sent.clone()
    }

    /// Posts a status callback for message `sid` (`queued`, `sent`, `delivered`, `undelivered`,
    /// `failed`) to the `StatusCallback` URL its send named, as Twilio does: form-encoded, signed.
    pub async fn send_status_callback(&self, sid: &str, status: &str) -> reqwest::Response {
        let sms = self.sent().into_iter().find(|m| m.sid == sid).expect("no such message");
        let url = sms.request.field("StatusCallback").expect("the send named no StatusCallback");
        let mut params = vec![
            ("AccountSid".to_owned(), ACCOUNT_SID.to_owned()),
            ("ApiVersion".to_owned(), "2010-04-01".to_owned()),
            ("From".to_owned(), sms.request.field("From").unwrap_or_default()),
            ("MessageSid".to_owned(), sid.to_owned()),
            ("MessageStatus".to_owned(), status.to_owned()),
            ("SmsSid".to_owned(), sid.to_owned()),
            ("SmsStatus".to_owned(), status.to_owned()),
            ("To".to_owned(), sms.request.field("To").unwrap_or_default()),
        ];
        if status == "undelivered" || status == "failed" {
            params.push(("ErrorCode".to_owned(), "30003".to_owned()));
        }
        reqwest::Client::new()
            .post(&url)
            .header("X-Twilio-Signature", sign(&url, &params))
            .form(&params)
            .send()
            .await
            .unwrap()
    }
}

/// Twilio's signature: HMAC-SHA1 over the URL and the sorted name+value pairs, base64.
pub fn sign(url: &str, params: &[(String, String)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let data: String = sorted.iter().fold(url.to_owned(), |acc, (k, v)| acc + k + v);
    let mut mac = Hmac::<Sha1>::new_from_slice(AUTH_TOKEN.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn error(status: u16, code: u32, message: &str) -> Answer {
    let more_info = format!("https://www.twilio.com/docs/errors/{code}");
    Answer { status, body: json!({"code": code, "message": message, "more_info": more_info, "status": status}) }
}

fn answer(state: &mut State, request: &Recorded) -> Answer {
    let path = format!("/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json");
    let auth = format!("Basic {}", STANDARD.encode(format!("{ACCOUNT_SID}:{AUTH_TOKEN}")));
    if request.method != "POST" || request.path != path {
        return error(404, 20404, "The requested resource was not found");
    }
    if request.header("authorization") != Some(auth.as_str()) {
        return error(401, 20003, "Authenticate");
    }
    let token = request.header("i-twilio-idempotency-token").unwrap_or_default().to_owned();
    if let Some(message) = state.by_token.get(&token).filter(|_| !token.is_empty()) {
        return Answer { status: 201, body: message.clone() };
    }
    match state.script.pop_front().unwrap_or(TwilioReply::Accept) {
        TwilioReply::InvalidNumber => {
            let to = request.field("To").unwrap_or_default();
            error(400, 21211, &format!("The 'To' number {to} is not a valid phone number."))
        }
        TwilioReply::ServerError => error(500, 20500, "Internal Server Error"),
        TwilioReply::Accept => {
            let sid = format!("SM{}", uuid::Uuid::new_v4().simple());
            let message = json!({
                "sid": sid, "account_sid": ACCOUNT_SID, "status": "queued",
                "to": request.field("To"), "from": request.field("From"), "body": request.field("Body"),
                "price": null, "price_unit": "USD", "error_code": null, "error_message": null,
                "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
            });
            state.by_token.insert(token, message.clone());
            state.sent.push(SentSms { sid, request: request.clone() });
            Answer { status: 201, body: message }
        }
    }
}
