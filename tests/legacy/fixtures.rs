//! The two legacy databases, created fresh on the test PostgreSQL server from
//! migrations/legacy/*.sql and filled with ordinary rows plus every awkward case.

use carechat::{legacy::Report, storage::testing::POSTGRES_URL_VAR};
use sqlx::{postgres::PgPoolOptions, PgPool};
use uuid::Uuid;

pub const AMINA_PATIENT: Uuid = Uuid::from_u128(0x1001);
pub const JEAN_PATIENT: Uuid = Uuid::from_u128(0x1002);
pub const CLAIRE_PATIENT: Uuid = Uuid::from_u128(0x1003);
const INVALID_PATIENT: Uuid = Uuid::from_u128(0x1004);
const ERIC_PATIENT: Uuid = Uuid::from_u128(0x1005);
const ERIC_AGAIN: Uuid = Uuid::from_u128(0x1006);
const ZOE_PATIENT: Uuid = Uuid::from_u128(0x1007);
const AMINA_USER: Uuid = Uuid::from_u128(0x2001);
const JEAN_USER: Uuid = Uuid::from_u128(0x2002);
pub const CONFLICT_USER: Uuid = Uuid::from_u128(0x2003);
const TAKEN_USER: Uuid = Uuid::from_u128(0x2004);
const BAD_EMAIL_USER: Uuid = Uuid::from_u128(0x2005);
const NO_PHONE_USER: Uuid = Uuid::from_u128(0x2006);
const ORPHAN_SESSION: Uuid = Uuid::from_u128(0x3001);
const BAD_DATE_SESSION: Uuid = Uuid::from_u128(0x3002);
const ORPHAN_RESPONSE: Uuid = Uuid::from_u128(0x3101);
const ORPHANED_RESPONSE: Uuid = Uuid::from_u128(0x3102);
const ORPHAN_REMINDER: Uuid = Uuid::from_u128(0x4001);
const BAD_DATE_REMINDER: Uuid = Uuid::from_u128(0x4002);
const ORPHAN_DELIVERY: Uuid = Uuid::from_u128(0x4101);
const ORPHANED_DELIVERY: Uuid = Uuid::from_u128(0x4102);
const ORPHAN_CONVERSATION: Uuid = Uuid::from_u128(0x5001);
pub const AMINA_CONVERSATION: Uuid = Uuid::from_u128(0x5002);
const ORPHAN_MESSAGE: Uuid = Uuid::from_u128(0x6001);
const ORPHANED_MESSAGE: Uuid = Uuid::from_u128(0x6002);
const TAMPERED_MESSAGE: Uuid = Uuid::from_u128(0x6003);

/// Both legacy databases, dropped when the value is.
pub struct Legacy {
    pub track1: PgPool,
    pub track2: PgPool,
    admin_url: String,
    names: Vec<String>,
}

impl Drop for Legacy {
    fn drop(&mut self) {
        let (admin_url, names) = (self.admin_url.clone(), std::mem::take(&mut self.names));
        // Drop cannot await: a thread with its own runtime does the clean-up.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let admin = PgPoolOptions::new().max_connections(1).connect(&admin_url).await.unwrap();
                for name in names {
                    let _ =
                        sqlx::query(&format!("drop database if exists \"{name}\" with (force)")).execute(&admin).await;
                }
            });
        })
        .join();
    }
}

async fn database(schema: &str) -> Option<(PgPool, String, String)> {
    let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
        if std::env::var("CARECHAT_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("CARECHAT_REQUIRE_POSTGRES=1 but {POSTGRES_URL_VAR} is not set");
        }
        eprintln!("skipping: the legacy databases need PostgreSQL ({POSTGRES_URL_VAR})");
        return None;
    };
    let admin = PgPoolOptions::new().max_connections(1).connect(&admin_url).await.expect("the test PostgreSQL");
    let name = format!("legacy_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("create database \"{name}\"")).execute(&admin).await.unwrap();
    admin.close().await;
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&name);
    let pool = PgPoolOptions::new().max_connections(3).connect(url.as_str()).await.unwrap();
    let path = format!("{}/migrations/legacy/{schema}", env!("CARGO_MANIFEST_DIR"));
    sqlx::raw_sql(&std::fs::read_to_string(path).unwrap()).execute(&pool).await.unwrap();
    Some((pool, admin_url, name))
}

fn hash(password: &str) -> Option<String> {
    Some(bcrypt::hash(password, 4).unwrap())
}

impl Legacy {
    /// The URLs of the Track 1 and Track 2 databases.
    pub fn urls(&self) -> (String, String) {
        let url = |name: &str| {
            let mut url = url::Url::parse(&self.admin_url).unwrap();
            url.set_path(name);
            url.to_string()
        };
        (url(&self.names[0]), url(&self.names[1]))
    }

    pub async fn build() -> Option<Self> {
        let (track1, admin_url, first) = database("track1.sql").await?;
        let (track2, _, second) = database("track2.sql").await?;
        let legacy = Self { track1, track2, admin_url, names: vec![first, second] };
        legacy.people().await;
        legacy.feedback().await;
        legacy.reminders().await;
        legacy.chat().await;
        Some(legacy)
    }

    async fn patient(&self, id: Uuid, phone: Option<&str>, email: Option<&str>, first: &str, last: Option<&str>) {
        sqlx::query(
            "insert into patients (patient_id, phone, email, first_name, last_name, password_hash, timezone, language, \
             allergies, created_at) values ($1, $2, $3, $4, $5, $6, 'Africa/Kigali', 'rw', $7, \
             '2023-05-01 08:00:00.123456+02:00')",
        )
        .bind(id)
        .bind(phone)
        .bind(email)
        .bind(first)
        .bind(last)
        .bind(hash("patient-pw"))
        .bind(if first == "Amina" { Some(vec!["penicillin".to_owned()]) } else { None })
        .execute(&self.track1)
        .await
        .unwrap();
    }

    async fn user(&self, id: Uuid, phone: Option<&str>, email: Option<&str>, name: &str) {
        sqlx::query(
            "insert into users (user_id, phone_number, email, full_name, password_hash, preferred_language, \
             preferred_provider, context_retention) values ($1, $2, $3, $4, $5, null, 'groq', null)",
        )
        .bind(id)
        .bind(phone)
        .bind(email)
        .bind(name)
        .bind(hash("chat-pw"))
        .execute(&self.track2)
        .await
        .unwrap();
    }

    async fn people(&self) {
        self.patient(AMINA_PATIENT, Some("0788 123 456"), Some("Amina@Example.org"), "Amina", Some("Uwase")).await;
        self.patient(JEAN_PATIENT, Some("+250 788-000-222"), None, "Jean", Some("Bosco")).await;
        self.patient(CLAIRE_PATIENT, Some("+250788000333"), Some("claire@example.org"), "Claire", Some("M")).await;
        self.patient(INVALID_PATIENT, Some("n/a"), None, "Invalid", Some("Phone")).await;
        self.patient(ERIC_PATIENT, Some("0788 000 444"), None, "Eric", Some("K")).await;
        self.patient(ERIC_AGAIN, Some("(0788) 000.444"), None, "ERIC ", Some(" k")).await;
        self.patient(ZOE_PATIENT, Some("0788000555"), None, "Zoë Ñandú 😀", None).await;
        for i in 0..20u128 {
            let phone = format!("07881{i:05}");
            self.patient(Uuid::from_u128(0x1100 + i), Some(&phone), None, &format!("Patient {i}"), None).await;
        }
        self.user(AMINA_USER, Some("+250788123456"), Some("amina@EXAMPLE.org"), "A. Uwase").await;
        self.user(JEAN_USER, Some("00250788000222"), Some("jean@example.org"), "jean bosco").await;
        self.user(CONFLICT_USER, Some("0788000333"), Some("other@example.org"), "Someone Else").await;
        self.user(TAKEN_USER, Some("+250788555000"), Some("CLAIRE@example.org"), "Claire Namesake").await;
        self.user(BAD_EMAIL_USER, Some("+250788555001"), Some("not-an-email"), "No Email").await;
        self.user(NO_PHONE_USER, None, None, "No Phone").await;
        for i in 0..10u128 {
            let phone = format!("+2507882{i:05}");
            self.user(Uuid::from_u128(0x2100 + i), Some(&phone), None, &format!("Chatter {i}")).await;
        }
    }

    async fn session(&self, id: Uuid, patient: Uuid, visit_date: &str) {
        sqlx::query(
            "insert into feedback_sessions (session_id, patient_id, session_type, department, visit_date, status, \
             review_status, submitted_at, created_at) values ($1, $2, 'post_visit', 'cardiology', $3, 'completed', \
             'pending', '2024-01-02 10:00:00-05:00', '2024-01-02 09:30:00-05:00')",
        )
        .bind(id)
        .bind(patient)
        .bind(visit_date)
        .execute(&self.track1)
        .await
        .unwrap();
    }

    async fn response(&self, id: Uuid, session: Uuid, kind: &str, text: Option<&str>, rating: Option<i32>) {
        sqlx::query(
            "insert into feedback_responses (response_id, session_id, question_id, question, response_type, \
             response_text, rating) values ($1, $2, $3, 'How was it?', $4, $5, $6)",
        )
        .bind(id)
        .bind(session)
        .bind(format!("q-{kind}"))
        .bind(kind)
        .bind(text)
        .bind(rating)
        .execute(&self.track1)
        .await
        .unwrap();
    }

    async fn feedback(&self) {
        for i in 0..12u128 {
            let session = Uuid::from_u128(0x3200 + i);
            self.session(session, Uuid::from_u128(0x1100 + i), "2024-01-02").await;
            self.response(Uuid::from_u128(0x3300 + i), session, "rating", None, Some(4)).await;
            let long = "très bien — 良い ".repeat(400);
            self.response(Uuid::from_u128(0x3400 + i), session, "text", Some(&long), None).await;
        }
        self.session(ORPHAN_SESSION, Uuid::from_u128(0xdead), "2024-01-02").await;
        self.response(ORPHANED_RESPONSE, ORPHAN_SESSION, "text", Some("lost"), None).await;
        self.response(ORPHAN_RESPONSE, Uuid::from_u128(0xbeef), "text", None, None).await;
        self.session(BAD_DATE_SESSION, AMINA_PATIENT, "31/02/2024").await;
    }

    async fn reminder(&self, id: Uuid, patient: Uuid, start: Option<&str>) {
        sqlx::query(
            "insert into reminders (reminder_id, patient_id, title, message, reminder_type, schedule_type, start_date, \
             pattern, interval_n, times, timezone, methods, status) values ($1, $2, 'Metformin', 'Take 500 mg 💊', \
             'medication', 'recurring', $3, 'daily', 1, '{08:00,20:00}', null, '{in_app,sms}', 'active')",
        )
        .bind(id)
        .bind(patient)
        .bind(start)
        .execute(&self.track1)
        .await
        .unwrap();
    }

    async fn delivery(&self, id: Uuid, reminder: Uuid, status: &str) {
        sqlx::query(
            "insert into reminder_deliveries (delivery_id, reminder_id, scheduled_for, sent_at, method, status, \
             provider_name) values ($1, $2, '2024-02-01 08:00:00+02:00', '2024-02-01 08:00:01.5+02:00', 'sms', $3, \
             'twilio')",
        )
        .bind(id)
        .bind(reminder)
        .bind(status)
        .execute(&self.track1)
        .await
        .unwrap();
    }

    async fn reminders(&self) {
        for i in 0..8u128 {
            let reminder = Uuid::from_u128(0x4200 + i);
            self.reminder(reminder, Uuid::from_u128(0x1100 + i), Some("2024-01-01T00:00:00+02:00")).await;
            for (j, status) in ["delivered", "failed", "pending", "acknowledged"].into_iter().enumerate() {
                self.delivery(Uuid::from_u128(0x4300 + i * 8 + j as u128), reminder, status).await;
            }
        }
        self.reminder(ORPHAN_REMINDER, Uuid::from_u128(0xdead), None).await;
        self.delivery(ORPHANED_DELIVERY, ORPHAN_REMINDER, "sent").await;
        self.delivery(ORPHAN_DELIVERY, Uuid::from_u128(0xbeef), "sent").await;
        self.reminder(BAD_DATE_REMINDER, AMINA_PATIENT, Some("tomorrow")).await;
    }

    async fn conversation(&self, id: Uuid, user: Uuid) {
        sqlx::query("insert into conversations (conversation_id, user_id, title) values ($1, $2, $3)")
            .bind(id)
            .bind(user)
            .bind(format!("Conversation {}", id.as_u128() % 1000))
            .execute(&self.track2)
            .await
            .unwrap();
    }

    async fn message(&self, id: Uuid, conversation: Uuid, role: &str, content: &str, at: &str) {
        let assistant = role == "assistant";
        sqlx::query(
            "insert into messages (message_id, conversation_id, user_id, role, content, original_language, provider, \
             model, prompt_tokens, completion_tokens, total_tokens, response_time_ms, temperature, created_at) \
             values ($1, $2, null, $3, $4, $5, $6, $7, $8, $9, null, $10, $11, $12::timestamptz)",
        )
        .bind(id)
        .bind(conversation)
        .bind(role)
        .bind(content)
        .bind((!assistant).then_some("fr"))
        .bind(assistant.then_some("gemini"))
        .bind(assistant.then_some("gemini-2.0-flash"))
        .bind(assistant.then_some(12))
        .bind(assistant.then_some(30))
        .bind(assistant.then_some(850))
        .bind(assistant.then_some(0.7))
        .bind(at)
        .execute(&self.track2)
        .await
        .unwrap();
    }

    async fn chat(&self) {
        self.conversation(AMINA_CONVERSATION, AMINA_USER).await;
        self.message(
            TAMPERED_MESSAGE,
            AMINA_CONVERSATION,
            "user",
            "Bonjour, j'ai mal à la tête 🤕",
            "2024-03-10 09:15:00.123456+02:00",
        )
        .await;
        self.message(
            Uuid::from_u128(0x6004),
            AMINA_CONVERSATION,
            "assistant",
            &"Repos et eau. ".repeat(2000),
            "2024-03-10 09:15:02-08:00",
        )
        .await;
        for i in 0..10u128 {
            let conversation = Uuid::from_u128(0x5100 + i);
            self.conversation(conversation, Uuid::from_u128(0x2100 + i)).await;
            for j in 0..6u128 {
                let role = if j % 2 == 0 { "user" } else { "assistant" };
                let at = format!("2024-04-{:02} 10:{j:02}:00+05:30", i + 1);
                self.message(
                    Uuid::from_u128(0x6100 + i * 16 + j),
                    conversation,
                    role,
                    &format!("message {i}/{j}"),
                    &at,
                )
                .await;
            }
        }
        self.conversation(ORPHAN_CONVERSATION, Uuid::from_u128(0xdead)).await;
        self.message(ORPHANED_MESSAGE, ORPHAN_CONVERSATION, "user", "nobody reads this", "2024-01-01 00:00:00Z").await;
        self.message(ORPHAN_MESSAGE, Uuid::from_u128(0xbeef), "user", "", "2024-01-01 00:00:00Z").await;
    }

    /// Changes one legacy message after its migration (verification must notice).
    pub async fn tamper(&self) {
        sqlx::query("update messages set content = 'changed' where message_id = $1")
            .bind(TAMPERED_MESSAGE)
            .execute(&self.track2)
            .await
            .unwrap();
    }

    /// What every run must report about the awkward rows.
    pub fn assert_expected(&self, report: &Report) {
        let reported = |reason: &str| {
            let mut ids: Vec<Uuid> =
                report.findings.iter().filter(|f| f.reason == reason).map(|f| f.original_id).collect();
            ids.sort();
            ids
        };
        let mut orphans = vec![
            ORPHAN_SESSION,
            ORPHANED_RESPONSE,
            ORPHAN_RESPONSE,
            ORPHAN_REMINDER,
            ORPHANED_DELIVERY,
            ORPHAN_DELIVERY,
            ORPHAN_CONVERSATION,
            ORPHANED_MESSAGE,
            ORPHAN_MESSAGE,
        ];
        orphans.sort();
        assert_eq!(reported("orphan"), orphans, "{:#?}", report.findings);
        assert_eq!(reported("invalid_phone"), [INVALID_PATIENT, NO_PHONE_USER]);
        assert_eq!(reported("phone_conflict"), [CONFLICT_USER]);
        assert_eq!(reported("email_taken"), [TAKEN_USER]);
        assert_eq!(reported("bad_value"), [BAD_EMAIL_USER]);
        assert_eq!(reported("bad_date"), [BAD_DATE_SESSION, BAD_DATE_REMINDER]);
        let tally = |t: &str| report.tables.get(t).cloned().unwrap_or_default();
        assert_eq!((tally("patients").read, tally("patients").merged), (27, 1), "Eric twice in Track 1");
        assert_eq!((tally("users").read, tally("users").merged), (16, 2), "Amina and Jean");
        assert_eq!(tally("messages").read, 64);
        assert_eq!(tally("messages").migrated, 62);
        assert_eq!(tally("reminder_deliveries").migrated, 32);
        assert_eq!(tally("feedback_responses").migrated, 24);
    }
}
