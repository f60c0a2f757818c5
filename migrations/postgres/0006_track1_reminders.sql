-- Track 1: reminders and their delivery (the plan's reminders and reminder_deliveries), the
-- patients' in-app inbox, provider events already applied (so duplicates are ignored) and the
-- escalations raised once per streak of missed reminders.
-- Scalar columns for what the engine and the lists filter and sort on; jsonb for the schedule,
-- delivery settings, smart features and provider/user-response details. Analytics counters are
-- columns so the engine bumps them atomically with the delivery change that causes them.
-- UUIDs are native uuid, timestamps timestamptz, JSON jsonb.
create table reminders (
    reminder_id          uuid primary key not null,
    user_id              uuid not null,
    title                text not null,
    message              text not null,
    reminder_type        text not null check (reminder_type in ('medication', 'appointment', 'followup', 'custom')),
    category             text,
    timezone             text not null,
    schedule             jsonb not null,
    delivery             jsonb not null,
    smart_features       jsonb not null,
    status               text not null check (status in ('active', 'paused', 'completed', 'cancelled')),
    next_occurrence_at   timestamptz,
    total_scheduled      bigint not null default 0,
    total_sent           bigint not null default 0,
    total_delivered      bigint not null default 0,
    total_acknowledged   bigint not null default 0,
    total_missed         bigint not null default 0,
    response_secs_sum    bigint not null default 0,
    missed_consecutive   bigint not null default 0,
    streak_started_at    timestamptz,
    last_missed_at       timestamptz,
    version              bigint not null check (version >= 0),
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    created_by           uuid not null,
    last_modified_by     uuid not null
);
create index reminders_user_idx on reminders (user_id, created_at desc);
create index reminders_due_idx on reminders (status, next_occurrence_at);

create table reminder_deliveries (
    delivery_id          uuid primary key not null,
    reminder_id          uuid not null references reminders (reminder_id),
    user_id              uuid not null,
    idempotency_key      text not null,
    kind                 text not null check (kind in ('scheduled', 'repeat', 'fallback', 'escalation')),
    recipient            text,
    occurrence_at        timestamptz not null,
    scheduled_for        timestamptz not null,
    method               text not null check (method in ('sms', 'email', 'push', 'in_app')),
    status               text not null check (status in ('pending', 'sending', 'sent', 'delivered', 'failed', 'acknowledged', 'missed', 'cancelled', 'skipped')),
    due_at               timestamptz,
    lease_owner          text,
    lease_until          timestamptz,
    sent_at              timestamptz,
    delivered_at         timestamptz,
    acknowledged_at      timestamptz,
    missed_at            timestamptz,
    provider_name        text,
    provider_message_id  text,
    provider             jsonb,
    user_response        jsonb,
    retry_count          integer not null check (retry_count >= 0),
    max_retries          integer not null check (max_retries >= 0),
    next_retry_at        timestamptz,
    final_attempt        boolean not null,
    context              jsonb not null,
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    constraint reminder_deliveries_idempotency_unique unique (idempotency_key)
);
create index reminder_deliveries_due_idx on reminder_deliveries (due_at) where due_at is not null;
create index reminder_deliveries_reminder_idx on reminder_deliveries (reminder_id, occurrence_at);
create index reminder_deliveries_user_idx on reminder_deliveries (user_id, scheduled_for);
create index reminder_deliveries_unanswered_idx on reminder_deliveries (sent_at) where missed_at is null and acknowledged_at is null and sent_at is not null;
create index reminder_deliveries_message_idx on reminder_deliveries (provider_message_id);

create table reminder_inbox (
    item_id      uuid primary key not null,
    user_id      uuid not null,
    delivery_id  uuid not null references reminder_deliveries (delivery_id),
    reminder_id  uuid not null,
    title        text not null,
    message      text not null,
    created_at   timestamptz not null,
    read_at      timestamptz,
    constraint reminder_inbox_delivery_unique unique (delivery_id)
);
create index reminder_inbox_user_idx on reminder_inbox (user_id, created_at desc);

create table reminder_delivery_events (
    event_key    text primary key not null,
    delivery_id  uuid not null,
    status       text not null,
    received_at  timestamptz not null
);
