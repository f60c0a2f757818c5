-- Track 1: reminders and their delivery (the plan's reminders and reminder_deliveries), the
-- patients' in-app inbox, provider events already applied (so duplicates are ignored) and the
-- escalations raised once per streak of missed reminders.
-- Scalar columns for what the engine and the lists filter and sort on; JSON text for the schedule,
-- delivery settings, smart features and provider/user-response details. Analytics counters are
-- columns so the engine bumps them atomically with the delivery change that causes them.
-- UUIDs are 16-byte BLOBs, timestamps RFC 3339 TEXT (UTC), JSON TEXT, booleans 0/1.
create table reminders (
    reminder_id          blob primary key not null,
    user_id              blob not null,
    title                text not null,
    message              text not null,
    reminder_type        text not null check (reminder_type in ('medication', 'appointment', 'followup', 'custom')),
    category             text,
    timezone             text not null,
    schedule             text not null,
    delivery             text not null,
    smart_features       text not null,
    status               text not null check (status in ('active', 'paused', 'completed', 'cancelled')),
    next_occurrence_at   text,
    total_scheduled      integer not null default 0,
    total_sent           integer not null default 0,
    total_delivered      integer not null default 0,
    total_acknowledged   integer not null default 0,
    total_missed         integer not null default 0,
    response_secs_sum    integer not null default 0,
    missed_consecutive   integer not null default 0,
    streak_started_at    text,
    last_missed_at       text,
    version              integer not null check (version >= 0),
    created_at           text not null,
    updated_at           text not null,
    created_by           blob not null,
    last_modified_by     blob not null
);
create index reminders_user_idx on reminders (user_id, created_at desc);
create index reminders_due_idx on reminders (status, next_occurrence_at);

create table reminder_deliveries (
    delivery_id          blob primary key not null,
    reminder_id          blob not null references reminders (reminder_id),
    user_id              blob not null,
    idempotency_key      text not null,
    kind                 text not null check (kind in ('scheduled', 'repeat', 'fallback', 'escalation')),
    recipient            text,
    occurrence_at        text not null,
    scheduled_for        text not null,
    method               text not null check (method in ('sms', 'email', 'push', 'in_app')),
    status               text not null check (status in ('pending', 'sending', 'sent', 'delivered', 'failed', 'acknowledged', 'missed', 'cancelled', 'skipped')),
    due_at               text,
    lease_owner          text,
    lease_until          text,
    sent_at              text,
    delivered_at         text,
    acknowledged_at      text,
    missed_at            text,
    provider_name        text,
    provider_message_id  text,
    provider             text,
    user_response        text,
    retry_count          integer not null check (retry_count >= 0),
    max_retries          integer not null check (max_retries >= 0),
    next_retry_at        text,
    final_attempt        integer not null,
    context              text not null,
    created_at           text not null,
    updated_at           text not null,
    constraint reminder_deliveries_idempotency_unique unique (idempotency_key)
);
create index reminder_deliveries_due_idx on reminder_deliveries (due_at) where due_at is not null;
create index reminder_deliveries_reminder_idx on reminder_deliveries (reminder_id, occurrence_at);
create index reminder_deliveries_user_idx on reminder_deliveries (user_id, scheduled_for);
create index reminder_deliveries_unanswered_idx on reminder_deliveries (sent_at) where missed_at is null and acknowledged_at is null and sent_at is not null;
create index reminder_deliveries_message_idx on reminder_deliveries (provider_message_id);

create table reminder_inbox (
    item_id      blob primary key not null,
    user_id      blob not null,
    delivery_id  blob not null references reminder_deliveries (delivery_id),
    reminder_id  blob not null,
    title        text not null,
    message      text not null,
    created_at   text not null,
    read_at      text,
    constraint reminder_inbox_delivery_unique unique (delivery_id)
);
create index reminder_inbox_user_idx on reminder_inbox (user_id, created_at desc);

create table reminder_delivery_events (
    event_key    text primary key not null,
    delivery_id  blob not null,
    status       text not null,
    received_at  text not null
);
