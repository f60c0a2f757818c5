//! Reading the legacy databases: one row type per legacy table, read in batches ordered by
//! primary key (keyset pagination, so a batch costs the same at the end of a table as at its
//! start and the order — hence every decision the tool takes — is the same on every run).

use chrono::{DateTime, Utc};
use sqlx::{postgres::PgRow, FromRow, PgPool};
use uuid::Uuid;

/// A legacy table the tool reads.
pub trait LegacyRow: for<'r> FromRow<'r, PgRow> + Send + Unpin {
    /// `table` as reported.
    const TABLE: &'static str;
    /// Select list and table, without a where clause.
    const SELECT: &'static str;
    /// Primary-key column.
    const KEY: &'static str;
    /// This row's primary key.
    fn key(&self) -> Uuid;
}

/// The next batch after `after` (exclusive), at most `limit` rows.
pub async fn batch<R: LegacyRow>(pool: &PgPool, after: Option<Uuid>, limit: u32) -> sqlx::Result<Vec<R>> {
    let sql = format!("{} where $1::uuid is null or {key} > $1 order by {key} limit $2", R::SELECT, key = R::KEY);
    sqlx::query_as::<_, R>(&sql).bind(after).bind(i64::from(limit)).fetch_all(pool).await
}

/// How many rows a legacy table holds.
pub async fn count(pool: &PgPool, table: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(pool).await
}

macro_rules! legacy_table {
    ($ty:ident, $table:literal, $key:ident, $columns:literal) => {
        impl LegacyRow for $ty {
            const TABLE: &'static str = $table;
            const SELECT: &'static str = concat!("select ", $columns, " from ", $table);
            const KEY: &'static str = stringify!($key);
            fn key(&self) -> Uuid {
                self.$key
            }
        }
    };
}

/// Track 1 `patients`.
#[derive(Debug, Clone, FromRow)]
#[allow(missing_docs)]
pub struct PatientRow {
    pub patient_id: Uuid,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub password_hash: Option<String>,
    pub timezone: Option<String>,
    pub language: Option<String>,
    pub conditions: Option<Vec<String>>,
    pub allergies: Option<Vec<String>>,
    pub medications: Option<Vec<String>>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
legacy_table!(
    PatientRow,
    "patients",
    patient_id,
    "patient_id, phone, email, first_name, last_name, password_hash, timezone, language, conditions, allergies, \
     medications, is_active, created_at, updated_at"
);

/// Track 2 `users`.
#[derive(Debug, Clone, FromRow)]
#[allow(missing_docs)]
pub struct ChatUserRow {
    pub user_id: Uuid,
    pub phone_number: Option<String>,
    pub email: Option<String>,
    pub full_name: String,
    pub password_hash: Option<String>,
    pub preferred_language: Option<String>,
    pub preferred_provider: Option<String>,
    pub context_retention: Option<bool>,
    pub analytics_opt_in: Option<bool>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
legacy_table!(
    ChatUserRow,
    "users",
    user_id,
    "user_id, phone_number, email, full_name, password_hash, preferred_language, preferred_provider, \
     context_retention, analytics_opt_in, is_active, created_at, updated_at"
);

/// Track 1 `feedback_sessions`.
#[derive(Debug, Clone, FromRow)]
#[allow(missing_docs)]
pub struct SessionRow {
    pub session_id: Uuid,
    pub patient_id: Option<Uuid>,
    pub session_type: String,
    pub department: Option<String>,
    pub visit_date: Option<String>,
    pub visit_type: Option<String>,
    pub status: String,
    pub review_status: Option<String>,
    pub assigned_to: Option<String>,
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}
legacy_table!(
    SessionRow,
    "feedback_sessions",
    session_id,
    "session_id, patient_id, session_type, department, visit_date, visit_type, status, review_status, \
     assigned_to, language, created_at, updated_at, submitted_at"
);

/// Track 1 `feedback_responses`.
#[derive(Debug, Clone, FromRow)]
#[allow(missing_docs)]
pub struct ResponseRow {
    pub response_id: Uuid,
    pub question_id: String,
    pub question: String,
    pub response_type: String,
    pub response_text: Option<String>,
    pub rating: Option<i32>,
    pub sentiment: Option<String>,
    pub answered_at: DateTime<Utc>,
}
legacy_table!(
    ResponseRow,
    "feedback_responses",
    response_id,
    "response_id, question_id, question, response_type, response_text, rating, sentiment, answered_at"
);

/// Track 1 `reminders`.
#[derive(Debug, Clone, FromRow)]
#[allow(missing_docs)]
pub struct ReminderRow {
    pub reminder_id: Uuid,
    pub patient_id: Option<Uuid>,
    pub title: String,
    pub message: String,
    pub reminder_type: String,
    pub category: Option<String>,
    pub schedule_type: String,
    pub start_date: Option<String>,
    pub end_date: Option<DateTime<Utc>>,
    pub scheduled_time: Option<DateTime<Utc>>,
    pub pattern: Option<String>,
    pub interval_n: Option<i32>,
    pub days_of_week: Option<Vec<i32>>,
    pub times: Option<Vec<String>>,
    pub timezone: Option<String>,
    pub methods: Option<Vec<String>>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
legacy_table!(
    ReminderRow,
    "reminders",
    reminder_id,
    "reminder_id, patient_id, title, message, reminder_type, category, schedule_type, start_date, end_date, \
     scheduled_time, pattern, interval_n, days_of_week, times, timezone, methods, status, created_at, \
     updated_at"
);

/// Track 1 `reminder_deliveries`.
#[derive(Debug, Clone, FromRow)]
#[allow(missing_docs)]
pub struct DeliveryRow {
    pub delivery_id: Uuid,
    pub reminder_id: Option<Uuid>,
    pub scheduled_for: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub method: String,
    pub status: String,
    pub provider_name: Option<String>,
    pub provider_message_id: Option<String>,
    pub error_message: Option<String>,
    pub retry_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
legacy_table!(
    DeliveryRow,
    "reminder_deliveries",
    delivery_id,
    "delivery_id, reminder_id, scheduled_for, sent_at, delivered_at, acknowledged_at, method, status, \
     provider_name, provider_message_id, error_message, retry_count, created_at, updated_at"
);

/// Track 2 `conversations`.
#[derive(Debug, Clone, FromRow)]
#[allow(missing_docs)]
pub struct ConversationRow {
    pub conversation_id: Uuid,
    pub user_id: Option<Uuid>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
legacy_table!(
    ConversationRow,
    "conversations",
    conversation_id,
    "conversation_id, user_id, title, summary, status, started_at, archived_at, created_at, updated_at"
);

/// Track 2 `messages`.
#[derive(Debug, Clone, FromRow)]
#[allow(missing_docs)]
pub struct MessageRow {
    pub message_id: Uuid,
    pub conversation_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub role: String,
    pub content: String,
    pub original_language: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub total_tokens: Option<i32>,
    pub response_time_ms: Option<i32>,
    pub temperature: Option<f64>,
    pub created_at: DateTime<Utc>,
}
legacy_table!(
    MessageRow,
    "messages",
    message_id,
    "message_id, conversation_id, user_id, role, content, original_language, provider, model, prompt_tokens, \
     completion_tokens, total_tokens, response_time_ms, temperature, created_at"
);
