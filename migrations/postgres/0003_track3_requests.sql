-- Track 3, phase 2: blood requests and their allocations (one row per unit a request got, with
-- its crossmatch, issue, return and transfusion), transfusion reactions linked to units,
-- donations and donors, and the donor recall outbox. A unit is held by at most one request:
-- the partial unique index on request_allocations (unit_id) where the allocation still holds
-- it backs up the conditional updates of the allocation code.
-- UUIDs are native, timestamps timestamptz, dates date.
create table blood_requests (
    request_id            uuid primary key,
    patient_user_id       uuid,
    patient_name          text not null check (length(patient_name) between 1 and 200),
    patient_mrn           text not null check (length(patient_mrn) between 1 and 64),
    patient_sex           text check (patient_sex in ('female', 'male')),
    patient_date_of_birth date,
    abo                   text check (abo in ('O', 'A', 'B', 'AB')),
    rh_positive           boolean,
    component             text not null check (component in ('whole_blood', 'red_cells', 'plasma', 'platelets', 'cryoprecipitate')),
    units_requested       integer not null check (units_requested between 1 and 20),
    urgency               text not null check (urgency in ('routine', 'urgent', 'emergency')),
    department            text not null check (length(department) between 1 and 100),
    clinician             text not null check (length(clinician) between 1 and 200),
    needed_by             timestamptz not null,
    indication            text check (length(indication) between 1 and 1000),
    status                text not null check (status in ('open', 'partially_allocated', 'fully_allocated', 'issued', 'completed', 'cancelled')),
    cancel_reason         text check (length(cancel_reason) between 1 and 1000),
    created_by            uuid not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    constraint blood_requests_group_check check ((abo is null) = (rh_positive is null)),
    constraint blood_requests_unknown_group_check check (abo is not null or urgency = 'emergency'),
    constraint blood_requests_cancel_check check ((status = 'cancelled') = (cancel_reason is not null))
);
create index blood_requests_status_idx on blood_requests (status, needed_by);
create index blood_requests_mrn_idx on blood_requests (patient_mrn);

create table request_allocations (
    allocation_id     uuid primary key,
    request_id        uuid not null references blood_requests (request_id),
    unit_id           uuid not null references units (unit_id),
    state             text not null check (state in ('reserved', 'released', 'issued', 'returned', 'transfused')),
    reserved_at       timestamptz not null,
    reserved_by       uuid,
    crossmatch_result text check (crossmatch_result in ('compatible', 'incompatible')),
    crossmatched_at   timestamptz,
    crossmatched_by   uuid,
    crossmatch_note   text check (length(crossmatch_note) <= 1000),
    released_at       timestamptz,
    release_reason    text check (length(release_reason) between 1 and 100),
    issued_at         timestamptz,
    issued_by         uuid,
    collected_by      text check (length(collected_by) between 1 and 200),
    emergency_release boolean not null default false,
    returned_at       timestamptz,
    return_outcome    text check (return_outcome in ('restocked', 'quarantined', 'discarded')),
    transfused_at     timestamptz,
    administered_by   text check (length(administered_by) between 1 and 200),
    confirmed_by      uuid,
    constraint request_allocations_crossmatch_check check ((crossmatch_result is null) = (crossmatched_at is null)),
    constraint request_allocations_released_check check ((state = 'released') = (released_at is not null)),
    constraint request_allocations_issued_check
        check ((state in ('issued', 'returned', 'transfused')) = (issued_at is not null)),
    constraint request_allocations_returned_check check ((state = 'returned') = (returned_at is not null)),
    constraint request_allocations_transfused_check check ((state = 'transfused') = (transfused_at is not null)),
    constraint request_allocations_emergency_check check (not emergency_release or issued_at is not null)
);
create unique index request_allocations_holding_unit_key on request_allocations (unit_id)
    where state in ('reserved', 'issued');
create index request_allocations_request_idx on request_allocations (request_id, reserved_at);

create table transfusion_reactions (
    reaction_id   uuid primary key,
    unit_id       uuid not null references units (unit_id),
    request_id    uuid references blood_requests (request_id),
    donation_id   uuid not null references donations (donation_id),
    donor_id      uuid not null references donors (donor_id),
    reaction_type text not null check (reaction_type in ('febrile_non_haemolytic', 'allergic', 'anaphylactic', 'acute_haemolytic',
        'delayed_haemolytic', 'trali', 'taco', 'septic', 'hypotensive', 'other')),
    severity      text not null check (severity in ('mild', 'moderate', 'severe', 'life_threatening', 'fatal')),
    occurred_at   timestamptz not null,
    description   text not null check (length(description) between 1 and 2000),
    reported_by   uuid,
    reported_at   timestamptz not null
);
create index transfusion_reactions_donor_idx on transfusion_reactions (donor_id, occurred_at);
create index transfusion_reactions_unit_idx on transfusion_reactions (unit_id);
create index transfusion_reactions_request_idx on transfusion_reactions (request_id);

create table donor_recalls (
    recall_id     uuid primary key,
    donor_id      uuid not null references donors (donor_id),
    donation_id   uuid not null references donations (donation_id),
    donation_type text not null check (donation_type in ('whole_blood', 'double_red_cells', 'plasma', 'platelets')),
    due_on        date not null,
    status        text not null check (status in ('pending', 'superseded', 'done')),
    created_at    timestamptz not null,
    completed_at  timestamptz,
    constraint donor_recalls_donation_key unique (donation_id),
    constraint donor_recalls_done_check check ((status = 'done') = (completed_at is not null))
);
create unique index donor_recalls_pending_donor_key on donor_recalls (donor_id) where status = 'pending';
create index donor_recalls_due_idx on donor_recalls (status, due_on);
