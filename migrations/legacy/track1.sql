-- Legacy Track 1 (feedback and reminders) PostgreSQL schema, as the clinic's old service left
-- it: what `carechat migrate-legacy --track1` reads. Plain relational tables, snake_case, no
-- foreign keys (the old service never declared them, which is how orphans came to exist).
-- Phones are free text in local formats; some dates are free text (visit_date, start_date).

create table if not exists patients (
    patient_id    uuid primary key,
    phone         text,
    email         text,
    first_name    text not null,
    last_name     text,
    password_hash text,                      -- bcrypt ($2b$...)
    timezone      text,                      -- IANA name, e.g. Africa/Kigali
    language      text,                      -- e.g. en, fr, rw
    conditions    text[],
    allergies     text[],
    medications   text[],
    is_active     boolean not null default true,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create table if not exists feedback_sessions (
    session_id           uuid primary key,
    patient_id           uuid,
    session_type         text not null,      -- post_visit | medication | service_quality | general
    department           text,
    visit_date           text,               -- free text, normally YYYY-MM-DD
    visit_type           text,
    overall_rating       integer,
    recommendation_score integer,
    status               text not null,      -- in_progress | completed | abandoned
    review_status        text,               -- pending | reviewed | acted_upon
    assigned_to          text,
    language             text,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    submitted_at         timestamptz
);

create table if not exists feedback_responses (
    response_id   uuid primary key,
    session_id    uuid,
    question_id   text not null,
    question      text not null,
    response_type text not null,             -- text | rating | choice | boolean
    response_text text,
    rating        integer,
    sentiment     text,
    answered_at   timestamptz not null default now()
);

create table if not exists reminders (
    reminder_id    uuid primary key,
    patient_id     uuid,
    title          text not null,
    message        text not null,
    reminder_type  text not null,            -- medication | appointment | followup | custom
    category       text,
    schedule_type  text not null,            -- one_time | recurring
    start_date     text,                     -- free text, normally RFC 3339
    end_date       timestamptz,
    scheduled_time timestamptz,
    pattern        text,                     -- daily | weekly | monthly
    interval_n     integer,
    days_of_week   integer[],
    times          text[],                   -- HH:MM
    timezone       text,
    methods        text[],                   -- sms | email | push | in_app
    status         text not null,            -- active | paused | completed | cancelled
    created_by     uuid,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);

create table if not exists reminder_deliveries (
    delivery_id      uuid primary key,
    reminder_id      uuid,
    scheduled_for    timestamptz not null,
    sent_at          timestamptz,
    delivered_at     timestamptz,
    acknowledged_at  timestamptz,
    method           text not null,
    status           text not null,          -- pending | sent | delivered | failed | acknowledged
    provider_name    text,
    provider_message_id text,
    error_message    text,
    retry_count      integer not null default 0,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
