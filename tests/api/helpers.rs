//! The real application on 127.0.0.1, a random port and a fresh database per test, plus the
//! few requests every test needs (register, log in, make an administrator).

use std::{collections::HashMap, path::Path};

use carechat::{
    app::{self, Application},
    config::Settings,
    gateway::identity::{
        domain::{PhoneNumber, Role},
        service::{self, NewAccount},
    },
    storage::{testing::TestBackend, BackendKind},
};
use reqwest::{header, redirect, Client, RequestBuilder, Response};
use serde_json::{json, Value};
use tokio::sync::oneshot;
use uuid::Uuid;

/// The password every helper-made account uses.
pub const PASSWORD: &str = "tulip-river-42";
/// The `User-Agent` the test client sends (and login history records).
pub const USER_AGENT: &str = "carechat-api-tests/1";

/// A running application and the databases behind it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// Client that does not follow redirects.
    pub client: Client,
    /// The settings the application was built from.
    pub settings: Settings,
    // Dropping the sender stops the server; the backends are dropped (deleted) after it.
    _shutdown: oneshot::Sender<()>,
    _backends: Vec<TestBackend>,
}

/// A `+1555…` number no other account of the test uses.
pub fn unique_phone() -> String {
    format!("+1555{:07}", Uuid::new_v4().as_u128() % 10_000_000)
}

impl TestApp {
    /// The application with the test profile, or `None` (the test is skipped) when the
    /// `TEST_BACKEND` server is not available.
    pub async fn spawn() -> Option<Self> {
        Self::spawn_with(&[]).await
    }

    /// [`TestApp::spawn`] with extra `CARECHAT_*` overrides.
    pub async fn spawn_with(overrides: &[(&str, &str)]) -> Option<Self> {
        let Some(main) = TestBackend::from_env().await else {
            eprintln!("skipped: the TEST_BACKEND server is not available");
            return None;
        };
        // Track 3 is relational: next to MongoDB it keeps a SQLite file of its own.
        let track3 = match main.backend.kind() {
            BackendKind::MongoDb => Some(TestBackend::new(BackendKind::Sqlite).await?),
            _ => None,
        };
        let track3_url = track3.as_ref().map_or(main.url.clone(), |b| b.url.clone());
        // Collected into a map, so an override replaces the default pair of the same key.
        let env: HashMap<String, String> = [
            ("CARECHAT_PROFILE", "test"),
            ("CARECHAT_SERVER__HOST", "127.0.0.1"),
            ("CARECHAT_SERVER__PORT", "0"),
            ("CARECHAT_SERVER__WORKERS", "1"),
            ("CARECHAT_STORAGE__IDENTITY", &main.url),
            ("CARECHAT_STORAGE__TRACK1", &main.url),
            ("CARECHAT_STORAGE__TRACK2", &main.url),
            ("CARECHAT_STORAGE__TRACK3", &track3_url),
            ("CARECHAT_STORAGE__ANALYTICS", &main.url),
        ]
        .iter()
        .chain(overrides)
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let settings = Settings::load_from(Path::new("config"), env).expect("test settings");
        let application = Application::build(settings.clone()).await.expect("building the application");
        let address = format!("http://127.0.0.1:{}", application.port());
        let (shutdown, stopped) = oneshot::channel::<()>();
        actix_web::rt::spawn(application.run_until_stopped(async {
            let _ = stopped.await;
        }));
        let client = Client::builder()
            .redirect(redirect::Policy::none())
            .user_agent(USER_AGENT)
            .build()
            .expect("an HTTP client");
        let backends = std::iter::once(main).chain(track3).collect();
        Some(Self { address, client, settings, _shutdown: shutdown, _backends: backends })
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A GET, with a bearer token when given.
    pub fn get(&self, path: &str, token: Option<&str>) -> RequestBuilder {
        bearer(self.client.get(self.url(path)), token)
    }

    /// A POST of a JSON body.
    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> RequestBuilder {
        bearer(self.client.post(self.url(path)), token).json(body)
    }

    /// A PATCH of a JSON body.
    pub fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> RequestBuilder {
        bearer(self.client.patch(self.url(path)), token).json(body)
    }

    /// Sends a request, failing the test on a transport error.
    pub async fn send(&self, request: RequestBuilder) -> Response {
        request.send().await.expect("the request reaches the server")
    }

    /// POST /auth/register with `body`.
    pub async fn register(&self, body: &Value) -> Response {
        self.send(self.post("/api/v1/auth/register", None, body)).await
    }

    /// POST /auth/login.
    pub async fn login(&self, identifier: &str, password: &str) -> Response {
        self.send(self.post("/api/v1/auth/login", None, &json!({"identifier": identifier, "password": password}))).await
    }

    /// POST /auth/refresh.
    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.send(self.post("/api/v1/auth/refresh", None, &json!({"refreshToken": refresh_token}))).await
    }

    /// Registers a fresh patient: `(access token, refresh token, user)`.
    pub async fn register_patient(&self) -> (String, String, Value) {
        let body = json!({"fullName": "Amina Uwase", "phoneNumber": unique_phone(), "password": PASSWORD});
        tokens(expect_json(self.register(&body).await, 201).await)
    }

    /// Logs in: `(access token, refresh token, user)`.
    pub async fn login_ok(&self, identifier: &str, password: &str) -> (String, String, Value) {
        tokens(expect_json(self.login(identifier, password).await, 200).await)
    }

    /// Creates an administrator the way `carechat admin create` does, then logs in over HTTP:
    /// `(access token, refresh token, user)`.
    pub async fn admin_session(&self) -> (String, String, Value) {
        let phone = unique_phone();
        let stores = app::prepare_storage(&self.settings).await.expect("the test stores");
        let identity = app::identity(&self.settings, &stores);
        let account = NewAccount {
            full_name: "Ada Admin".into(),
            phone: PhoneNumber::parse(&phone).expect("a valid phone number"),
            email: None,
            password: PASSWORD.into(),
            preferred_language: "en".into(),
            role: Role::Admin,
        };
        service::create_account(&identity, account).await.expect("creating an administrator");
        self.login_ok(&phone, PASSWORD).await
    }

    /// An administrator's access token.
    pub async fn admin_token(&self) -> String {
        self.admin_session().await.0
    }
}

fn bearer(request: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
}

fn tokens(body: Value) -> (String, String, Value) {
    let access = body["accessToken"].as_str().expect("an access token").to_owned();
    let refresh = body["refreshToken"].as_str().expect("a refresh token").to_owned();
    (access, refresh, body["user"].clone())
}

/// Asserts the status and returns the JSON body.
pub async fn expect_json(response: Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.expect("a readable body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("a JSON body ({e}): {text}"))
}

/// Asserts an RFC 9457 problem with this status and stable code; returns the document.
pub async fn expect_problem(response: Response, status: u16, code: &str) -> Value {
    let content_type = header_of(&response, header::CONTENT_TYPE.as_str()).unwrap_or_default();
    let body = expect_json(response, status).await;
    assert_eq!(content_type, "application/problem+json", "content type of {body}");
    assert_eq!(body["code"], code, "problem code of {body}");
    assert_eq!(body["status"], status, "problem status of {body}");
    assert_eq!(body["type"], format!("urn:carechat:problem:{code}"), "problem type of {body}");
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()), "problem title of {body}");
    body
}

/// The pointers of a validation problem's `errors`, in order.
pub fn pointers(problem: &Value) -> Vec<String> {
    let errors = problem["errors"].as_array().expect("a list of field errors");
    errors.iter().map(|e| e["pointer"].as_str().expect("a pointer").to_owned()).collect()
}

/// A response header as text.
pub fn header_of(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}
