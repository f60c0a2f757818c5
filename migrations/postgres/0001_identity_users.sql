-- Identity: users (the plan's `users` collection), their login history, refresh tokens and
-- the audit trail.
create table users (
    user_id            uuid primary key,
    user_type          text not null check (user_type in ('patient', 'user')),
    role               text not null check (role in ('patient', 'user', 'staff', 'lab', 'admin')),
    track_origin       text not null check (track_origin in ('track1', 'track2')),
    full_name          text not null,
    phone_number       text not null,
    email              text,
    preferred_language text not null default 'en',
    password_hash      text not null,
    profile            jsonb not null default '{}',
    is_active          boolean not null default true,
    is_verified        boolean not null default false,
    last_login         timestamptz,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    migrated_from      jsonb,
    constraint users_phone_number_key unique (phone_number),
    constraint users_email_key unique (email)
);
create index users_created_at_idx on users (created_at desc);
create index users_role_idx on users (role);

create table login_events (
    id          bigint generated always as identity primary key,
    user_id     uuid not null references users (user_id) on delete cascade,
    occurred_at timestamptz not null,
    ip_address  text,
    user_agent  text
);
create index login_events_user_idx on login_events (user_id, occurred_at desc);

create table refresh_tokens (
    token_id   uuid primary key,
    family_id  uuid not null,
    user_id    uuid not null references users (user_id) on delete cascade,
    token_hash text not null unique,
    issued_at  timestamptz not null,
    expires_at timestamptz not null,
    used_at    timestamptz,
    revoked_at timestamptz
);
create index refresh_tokens_family_idx on refresh_tokens (family_id);
create index refresh_tokens_user_idx on refresh_tokens (user_id);

create table audit_events (
    event_id        uuid primary key,
    actor_id        uuid not null,
    actor_role      text not null,
    action          text not null,
    subject_user_id uuid,
    resource        text not null,
    occurred_at     timestamptz not null,
    request_id      text
);
create index audit_events_subject_idx on audit_events (subject_user_id, occurred_at desc);
create index audit_events_actor_idx on audit_events (actor_id, occurred_at desc);
