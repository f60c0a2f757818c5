-- Track 3: the blood bank. Donors and their deferrals, donations, the units they yield with
-- their lifecycle audit trail (unit_events), screening results per donation, temperature
-- excursions, and the counter behind donation identification numbers. Units carry a nullable
-- reserved_for_request for the blood requests of the next migration.
-- UUIDs are 16-byte BLOBs, timestamps RFC 3339 TEXT, dates YYYY-MM-DD TEXT.
create table donors (
    donor_id         blob primary key not null,
    full_name        text not null check (length(full_name) between 1 and 200),
    national_id      text check (length(national_id) between 1 and 64),
    date_of_birth    text not null,
    sex              text not null check (sex in ('female', 'male')),
    weight_kg        real not null check (weight_kg > 0 and weight_kg <= 400),
    abo              text check (abo in ('O', 'A', 'B', 'AB')),
    rh_positive      boolean,
    abo_confirmed    boolean not null default 0,
    phone_number     text,
    email            text,
    address          text check (length(address) <= 500),
    last_donation_at text,
    version          bigint not null default 0 check (version >= 0),
    created_at       text not null,
    updated_at       text not null,
    constraint donors_group_check check ((abo is null) = (rh_positive is null)),
    constraint donors_confirmed_check check (abo is not null or not abo_confirmed)
);
create index donors_created_at_idx on donors (created_at desc);
create index donors_group_idx on donors (abo, rh_positive);

create table deferrals (
    deferral_id blob primary key not null,
    donor_id    blob not null references donors (donor_id),
    reason      text not null check (reason in ('low_hemoglobin', 'low_weight', 'recent_travel', 'tattoo_or_piercing', 'recent_surgery',
        'medication', 'pregnancy', 'illness', 'transfusion', 'high_risk_behaviour', 'reactive_screening',
        'donor_reaction', 'other')),
    starts_on   text not null,
    ends_on     text,
    note        text check (length(note) <= 1000),
    recorded_by blob not null,
    recorded_at text not null,
    constraint deferrals_period_check check (ends_on is null or ends_on > starts_on)
);
create index deferrals_donor_idx on deferrals (donor_id, starts_on);

create table din_sequences (
    facility   text not null check (length(facility) = 5),
    din_year   integer not null check (din_year between 0 and 99),
    last_value integer not null check (last_value between 1 and 999999),
    primary key (facility, din_year)
);

create table donations (
    donation_id    blob primary key not null,
    donor_id       blob not null references donors (donor_id),
    donation_type  text not null check (donation_type in ('whole_blood', 'double_red_cells', 'plasma', 'platelets')),
    din            text not null check (length(din) = 13),
    collected_at   text not null,
    volume_ml      integer not null check (volume_ml between 50 and 1000),
    hemoglobin_gdl real not null check (hemoglobin_gdl > 0 and hemoglobin_gdl <= 25),
    abo            text not null check (abo in ('O', 'A', 'B', 'AB')),
    rh_positive    boolean not null,
    recorded_by    blob not null,
    recorded_at    text not null,
    constraint donations_din_key unique (din)
);
create index donations_donor_idx on donations (donor_id, collected_at desc);

create table units (
    unit_id              blob primary key not null,
    donation_id          blob not null references donations (donation_id),
    donor_id             blob not null references donors (donor_id),
    din                  text not null check (length(din) = 13),
    product_code         text not null check (length(product_code) = 8),
    unit_number          text not null,
    component            text not null check (component in ('whole_blood', 'red_cells', 'plasma', 'platelets', 'cryoprecipitate')),
    abo                  text not null check (abo in ('O', 'A', 'B', 'AB')),
    rh_positive          boolean not null,
    collected_at         text not null,
    expires_at           text not null,
    status               text not null check (status in ('quarantined', 'available', 'reserved', 'issued', 'transfused', 'expired', 'discarded')),
    status_changed_at    text not null,
    quarantine_reason    text check (quarantine_reason in ('awaiting_screening', 'temperature_excursion')),
    discard_reason       text check (discard_reason in ('positive_screening', 'temperature_excursion', 'expired', 'damaged_bag', 'clotted',
        'haemolysed', 'lipaemic', 'wrong_volume', 'labelling_error', 'returned_out_of_time', 'other')),
    reserved_for_request blob,
    constraint units_unit_number_key unique (unit_number),
    constraint units_din_product_code_key unique (din, product_code),
    constraint units_expiry_check check (expires_at > collected_at),
    constraint units_quarantined_has_reason_check check ((status = 'quarantined') = (quarantine_reason is not null)),
    constraint units_discarded_has_reason_check check ((status = 'discarded') = (discard_reason is not null)),
    constraint units_request_check
        check (reserved_for_request is null or status in ('reserved', 'issued', 'transfused'))
);
create index units_status_expires_idx on units (status, expires_at);
create index units_stock_idx on units (component, abo, rh_positive, status);
create index units_donation_idx on units (donation_id);

create table screening_results (
    result_id   blob primary key not null,
    donation_id blob not null references donations (donation_id),
    test        text not null check (test in ('hiv', 'hbv', 'hcv', 'syphilis', 'htlv')),
    result      text not null check (result in ('negative', 'positive', 'indeterminate')),
    recorded_by blob not null,
    recorded_at text not null
);
create index screening_results_donation_idx on screening_results (donation_id, recorded_at);

create table temperature_excursions (
    excursion_id  blob primary key not null,
    location      text check (length(location) between 1 and 100),
    temperature_c real not null check (temperature_c between -100 and 100),
    started_at    text not null,
    ended_at      text,
    note          text check (length(note) <= 1000),
    recorded_by   blob not null,
    recorded_at   text not null,
    constraint temperature_excursions_period_check check (ended_at is null or ended_at >= started_at)
);

create table unit_events (
    event_id        blob primary key not null,
    unit_id         blob not null references units (unit_id),
    action          text not null check (action in ('collect', 'release', 'quarantine', 'reserve', 'unreserve', 'issue', 'return',
        'transfuse', 'expire', 'discard')),
    from_status     text check (from_status in ('quarantined', 'available', 'reserved', 'issued', 'transfused', 'expired', 'discarded')),
    to_status       text not null check (to_status in ('quarantined', 'available', 'reserved', 'issued', 'transfused', 'expired', 'discarded')),
    reason          text,
    note            text check (length(note) <= 1000),
    actor_id        blob,
    http_request_id text,
    excursion_id    blob references temperature_excursions (excursion_id),
    occurred_at     text not null,
    constraint unit_events_collect_check check ((action = 'collect') = (from_status is null))
);
create index unit_events_unit_idx on unit_events (unit_id, occurred_at);
