-- Identity: users (the plan's `users` collection), their login history, refresh tokens and
-- the audit trail. UUIDs are 16-byte BLOBs, timestamps RFC 3339 TEXT, JSON as TEXT.
create table users (
    user_id            blob primary key not null,
    user_type          text not null check (user_type in ('patient', 'user')),
    role               text not null check (role in ('patient', 'user', 'staff', 'lab', 'admin')),
    track_origin       text not null check (track_origin in ('track1', 'track2')),
    full_name          text not null,
    phone_number       text not null,
    email              text,
    preferred_language text not null default 'en',
    password_hash      text not null,
    profile            text not null default '{}',
    is_active          boolean not null default 1,
    is_verified        boolean not null default 0,
    last_login         text,
    created_at         text not null,
    updated_at         text not null,
    migrated_from      text,
    constraint users_phone_number_key unique (phone_number),
    constraint users_email_key unique (email)
);
create index users_created_at_idx on users (created_at desc);
create index users_role_idx on users (role);

create table login_events (
    id          integer primary key autoincrement,
    user_id     blob not null references users (user_id) on delete cascade,
    occurred_at text not null,
    ip_address  text,
    user_agent  text
);
create index login_events_user_idx on login_events (user_id, occurred_at desc);

create table refresh_tokens (
    token_id   blob primary key not null,
    family_id  blob not null,
    user_id    blob not null references users (user_id) on delete cascade,
    token_hash text not null unique,
    issued_at  text not null,
    expires_at text not null,
    used_at    text,
    revoked_at text
);
create index refresh_tokens_family_idx on refresh_tokens (family_id);
create index refresh_tokens_user_idx on refresh_tokens (user_id);

create table audit_events (
    event_id        blob primary key not null,
    actor_id        blob not null,
    actor_role      text not null,
    action          text not null,
    subject_user_id blob,
    resource        text not null,
    occurred_at     text not null,
    request_id      text
);
create index audit_events_subject_idx on audit_events (subject_user_id, occurred_at desc);
create index audit_events_actor_idx on audit_events (actor_id, occurred_at desc);
