-- Track 2: chat. Conversations (the plan's conversations, with the running totals of their
-- messages, updated in the same transaction as each message insert) and messages (the plan's
-- messages; the embedded objects as jsonb), plus message translations, one row per
-- message and language so concurrent translations never overwrite each other.
-- UUIDs are native uuid, timestamps timestamptz, JSON jsonb.
create table conversations (
    conversation_id        uuid primary key not null,
    user_id                uuid not null,
    conversation_type      text not null check (conversation_type in ('chat', 'feedback', 'reminder_feedback')),
    title                  text,
    summary                text,
    status                 text not null check (status in ('active', 'archived', 'deleted')),
    context                jsonb,
    message_count          bigint not null default 0 check (message_count >= 0),
    total_tokens           bigint not null default 0 check (total_tokens >= 0),
    response_time_total_ms bigint not null default 0 check (response_time_total_ms >= 0),
    timed_replies          bigint not null default 0 check (timed_replies >= 0),
    started_at             timestamptz not null,
    last_message_at        timestamptz,
    last_activity_at       timestamptz not null,
    archived_at            timestamptz,
    created_at             timestamptz not null,
    updated_at             timestamptz not null
);
-- A user's list: newest activity first, by status.
create index conversations_user_activity_idx on conversations (user_id, status, last_activity_at desc);

create table messages (
    message_id        uuid primary key not null,
    conversation_id   uuid not null references conversations (conversation_id),
    user_id           uuid not null,
    role              text not null check (role in ('user', 'assistant', 'system')),
    content           text not null,
    content_type      text not null check (content_type in ('text', 'feedback', 'reminder_response')),
    original_language text,
    llm_metadata      jsonb,
    feedback_analysis jsonb,
    reply_to          uuid,
    context           jsonb,
    flag_reason       text,
    flagged_at        timestamptz,
    incomplete        boolean not null default false,
    sent_at           timestamptz not null,
    edit_history      jsonb not null,
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);
-- A conversation's messages in time order.
create index messages_conversation_time_idx on messages (conversation_id, sent_at, message_id);
-- The staff list of flagged messages, newest first.
create index messages_flagged_idx on messages (flagged_at desc) where flagged_at is not null;

create table message_translations (
    message_id uuid not null references messages (message_id),
    language   text not null,
    content    text not null,
    created_at timestamptz not null,
    primary key (message_id, language)
);
