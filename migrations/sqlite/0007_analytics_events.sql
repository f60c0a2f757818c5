-- System analytics (the plan's system_analytics): raw metric events, kept for the configured
-- retention, and their roll-ups per minute/hour/day/week/month, kept for good. A roll-up row is
-- one bucket of one metric for one combination of dimensions; absent dimensions are ''.
-- UUIDs are 16-byte BLOBs, timestamps RFC 3339 TEXT (UTC), JSON TEXT.
create table analytics_events (
    analytics_id   blob primary key not null,
    metric_name    text not null,
    metric_type    text not null check (metric_type in ('counter', 'gauge', 'histogram', 'timer')),
    category       text not null,
    value          real not null,
    track_origin   text not null,
    department     text not null,
    user_segment   text not null,
    time_of_day    text not null,
    day_of_week    text not null,
    metadata       text not null,
    occurred_at    text not null,
    created_at     text not null
);
create index analytics_events_time_idx on analytics_events (occurred_at);

create table analytics_rollups (
    metric_name    text not null,
    period         text not null check (period in ('minute', 'hour', 'day', 'week', 'month')),
    bucket_start   text not null,
    track_origin   text not null,
    department     text not null,
    user_segment   text not null,
    time_of_day    text not null,
    day_of_week    text not null,
    metric_type    text not null,
    category       text not null,
    count          integer not null,
    sum            real not null,
    min            real not null,
    max            real not null,
    updated_at     text not null,
    primary key (metric_name, period, bucket_start, track_origin, department, user_segment, time_of_day, day_of_week)
);
