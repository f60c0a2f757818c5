-- Legacy Track 2 (chat) PostgreSQL schema, as the old chat service left it: what
-- `carechat migrate-legacy --track2` reads. Plain relational tables, snake_case, no foreign
-- keys (so a message may point at a conversation that no longer exists).

create table if not exists users (
    user_id            uuid primary key,
    phone_number       text,
    email              text,
    full_name          text not null,
    password_hash      text,                 -- bcrypt ($2b$...)
    preferred_language text,
    preferred_provider text,                 -- gemini | groq
    context_retention  boolean,
    analytics_opt_in   boolean,
    is_active          boolean not null default true,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);

create table if not exists conversations (
    conversation_id uuid primary key,
    user_id         uuid,
    title           text,
    summary         text,
    status          text not null default 'active', -- active | archived | deleted
    started_at      timestamptz not null default now(),
    archived_at     timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

create table if not exists messages (
    message_id        uuid primary key,
    conversation_id   uuid,
    user_id           uuid,
    role              text not null,         -- user | assistant | system
    content           text not null,
    original_language text,
    provider          text,                  -- gemini | groq (assistant messages)
    model             text,
    prompt_tokens     integer,
    completion_tokens integer,
    total_tokens      integer,
    response_time_ms  integer,
    temperature       double precision,
    created_at        timestamptz not null default now()
);
create index if not exists messages_created_idx on messages (created_at, message_id);
