-- Track 1: patient feedback. Questionnaire templates created or edited by staff (the seeded
-- defaults live in code), feedback sessions (the plan's feedback_sessions: scalar columns for
-- what the review queue and analytics filter, sort and group on; jsonb for the questionnaire
-- snapshot, the answers with their analyses, and the analytics), and the staff notifications
-- raised by escalated sessions.
-- UUIDs are native uuid, timestamps timestamptz, dates date, JSON jsonb.
create table questionnaire_templates (
    template_id  text primary key not null,
    session_type text not null check (session_type in ('post_visit', 'medication', 'service_quality', 'general')),
    department   text,
    template     jsonb not null,
    updated_at   timestamptz not null
);

create table feedback_sessions (
    session_id             uuid primary key not null,
    user_id                uuid not null,
    conversation_id        uuid,
    session_type           text not null check (session_type in ('post_visit', 'medication', 'service_quality', 'general')),
    department             text,
    visit_date             date,
    visit_type             text,
    template               jsonb not null,
    language               text not null,
    accessibility_features jsonb not null,
    responses              jsonb not null,
    overall_rating         double precision,
    overall_sentiment      text check (overall_sentiment in ('positive', 'negative', 'neutral')),
    sentiment_score        double precision,
    recommendation_score   integer check (recommendation_score between 0 and 10),
    completion_rate        double precision not null check (completion_rate between 0 and 100),
    analytics              jsonb not null,
    escalation_level       integer not null check (escalation_level between 0 and 3),
    urgency                text not null check (urgency in ('low', 'medium', 'high')),
    status                 text not null check (status in ('in_progress', 'completed', 'abandoned')),
    version                bigint not null check (version >= 0),
    review_status          text not null check (review_status in ('pending', 'reviewed', 'acted_upon')),
    assigned_to            text,
    review_notes           text,
    created_at             timestamptz not null,
    updated_at             timestamptz not null,
    submitted_at           timestamptz,
    reviewed_at            timestamptz
);
create index feedback_sessions_user_idx on feedback_sessions (user_id, created_at desc);
create index feedback_sessions_queue_idx on feedback_sessions (status, review_status, escalation_level desc, submitted_at);
create index feedback_sessions_department_idx on feedback_sessions (department, submitted_at);

create table staff_notifications (
    notification_id uuid primary key not null,
    kind            text not null,
    session_id      uuid not null references feedback_sessions (session_id),
    level           integer not null,
    created_at      timestamptz not null,
    consumed_at     timestamptz,
    constraint staff_notifications_session_kind_unique unique (session_id, kind)
);
create index staff_notifications_unconsumed_idx on staff_notifications (consumed_at, created_at);
