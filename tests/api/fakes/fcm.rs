//! A fake FCM HTTP v1 API: `POST /v1/projects/{project}/messages:send` with a Bearer token,
//! scriptable answers (accept, `UNREGISTERED`, `UNAVAILABLE`, `INTERNAL`) in Google's error
//! format, and device tokens it no longer knows (always `UNREGISTERED`).

use std::{
    collections::{HashSet, VecDeque},
    sync::{Arc, Mutex},
};

use serde_json::json;

use super::recorder::{Answer, Recorded, RecordingServer};

/// The project the fake serves.
pub const PROJECT_ID: &str = "carechat-test";
/// The access token it accepts.
pub const ACCESS_TOKEN: &str = "ya29.fake-access-token";

/// What the fake does with the next send.
#[derive(Debug, Clone, Copy)]
pub enum FcmReply {
    /// 200 with the message name.
    Accept,
    /// 404, the token is no longer registered.
    Unregistered,
    /// 503, try later.
    Unavailable,
    /// 500.
    Internal,
}

/// A running fake FCM.
#[derive(Clone)]
pub struct FakeFcm {
    server: RecordingServer,
    script: Arc<Mutex<VecDeque<FcmReply>>>,
    unregistered: Arc<Mutex<HashSet<String>>>,
}

impl FakeFcm {
    /// Starts a fake that accepts every send unless scripted otherwise.
    pub async fn start() -> Self {
        let script: Arc<Mutex<VecDeque<FcmReply>>> = Arc::default();
        let unregistered: Arc<Mutex<HashSet<String>>> = Arc::default();
        let (shared, gone) = (script.clone(), unregistered.clone());
        let server = RecordingServer::start(move |request| {
            let token = request.json()["message"]["token"].as_str().map(str::to_owned);
            if token.is_some_and(|t| gone.lock().unwrap().contains(&t)) {
                return answer(FcmReply::Unregistered, request);
            }
            let reply = shared.lock().unwrap().pop_front().unwrap_or(FcmReply::Accept);
            answer(reply, request)
        })
        .await;
        Self { server, script, unregistered }
    }

    /// Base URL for `[reminders.push] base_url`.
    pub fn url(&self) -> &str {
        &self.server.url
    }

    /// Queues answers for the next sends, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = FcmReply>) {
        self.script.lock().unwrap().extend(replies);
    }

    /// Answers every send to `token` with `UNREGISTERED` (the app was uninstalled there).
    pub fn unregister(&self, token: &str) {
        self.unregistered.lock().unwrap().insert(token.to_owned());
    }

    /// Every request received.
    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }
}

fn error(code: u16, status: &str, message: &str, error_code: Option<&str>) -> Answer {
    let details = error_code.map_or_else(Vec::new, |e| {
        vec![json!({"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": e})]
    });
    Answer {
        status: code,
        body: json!({"error": {"code": code, "message": message, "status": status, "details": details}}),
    }
}

fn answer(reply: FcmReply, request: &Recorded) -> Answer {
    if request.method != "POST" || request.path != format!("/v1/projects/{PROJECT_ID}/messages:send") {
        return error(404, "NOT_FOUND", "Requested entity was not found.", None);
    }
    if request.header("authorization") != Some(format!("Bearer {ACCESS_TOKEN}").as_str()) {
        return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", None);
    }
    let message = &request.json()["message"];
    if !message["token"].is_string() {
        return error(400, "INVALID_ARGUMENT", "Invalid value at 'message.token'", Some("INVALID_ARGUMENT"));
    }
    match reply {
        FcmReply::Accept => {
            let id = uuid::Uuid::new_v4().as_u128() % 10_u128.pow(16);
            Answer { status: 200, body: json!({"name": format!("projects/{PROJECT_ID}/messages/0:{id}")}) }
        }
        FcmReply::Unregistered => error(404, "NOT_FOUND", "Requested entity was not found.", Some("UNREGISTERED")),
        FcmReply::Unavailable => {
            error(503, "UNAVAILABLE", "The service is currently unavailable.", Some("UNAVAILABLE"))
        }
        FcmReply::Internal => error(500, "INTERNAL", "Internal error encountered.", Some("INTERNAL")),
    }
}
