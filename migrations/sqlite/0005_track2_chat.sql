-- Track 2: chat. Conversations (the plan's conversations, with the running totals of their
-- messages, updated in the same transaction as each message insert) and messages (the plan's
-- messages; the embedded objects as JSON TEXT), plus message translations, one row per
-- message and language so concurrent translations never overwrite each other.
-- UUIDs are 16-byte BLOBs, timestamps RFC 3339 TEXT (UTC, so TEXT sorts in time order).
create table conversations (
    conversation_id        blob primary key not null,
    user_id                blob not null,
    conversation_type      text not null check (conversation_type in ('chat', 'feedback', 'reminder_feedback')),
    title                  text,
    summary                text,
    status                 text not null check (status in ('active', 'archived', 'deleted')),
    context                text,
    message_count          integer not null default 0 check (message_count >= 0),
    total_tokens           integer not null default 0 check (total_tokens >= 0),
    response_time_total_ms integer not null default 0 check (response_time_total_ms >= 0),
    timed_replies          integer not null default 0 check (timed_replies >= 0),
    started_at             text not null,
    last_message_at        text,
    last_activity_at       text not null,
    archived_at            text,
    created_at             text not null,
    updated_at             text not null
);
-- A user's list: newest activity first, by status.
create index conversations_user_activity_idx on conversations (user_id, status, last_activity_at desc);

create table messages (
    message_id        blob primary key not null,
    conversation_id   blob not null references conversations (conversation_id),
    user_id           blob not null,
    role              text not null check (role in ('user', 'assistant', 'system')),
    content           text not null,
    content_type      text not null check (content_type in ('text', 'feedback', 'reminder_response')),
    original_language text,
    llm_metadata      text,
    feedback_analysis text,
    reply_to          blob,
    context           text,
    flag_reason       text,
    flagged_at        text,
    incomplete        boolean not null default false,
    sent_at           text not null,
    edit_history      text not null,
    created_at        text not null,
    updated_at        text not null
);
-- A conversation's messages in time order.
create index messages_conversation_time_idx on messages (conversation_id, sent_at, message_id);
-- The staff list of flagged messages, newest first.
create index messages_flagged_idx on messages (flagged_at desc) where flagged_at is not null;

create table message_translations (
    message_id blob not null references messages (message_id),
    language   text not null,
    content    text not null,
    created_at text not null,
    primary key (message_id, language)
);
