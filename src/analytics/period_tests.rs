use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::period::Period;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn utc_buckets_truncate_to_the_calendar() {
    let t = at("2026-11-26T13:47:21.345Z"); // a Thursday
    let z = Tz::UTC;
    assert_eq!(Period::Minute.bucket_start(t, z), at("2026-11-26T13:47:00Z"));
    assert_eq!(Period::Hour.bucket_start(t, z), at("2026-11-26T13:00:00Z"));
    assert_eq!(Period::Day.bucket_start(t, z), at("2026-11-26T00:00:00Z"));
    assert_eq!(Period::Week.bucket_start(t, z), at("2026-11-23T00:00:00Z"));
    assert_eq!(Period::Month.bucket_start(t, z), at("2026-11-01T00:00:00Z"));
}

#[test]
fn half_hour_zones_get_their_own_hours_and_days() {
    let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
    let t = at("2026-11-26T20:10:00Z"); // 01:40 on the 27th in Kolkata
    assert_eq!(Period::Hour.bucket_start(t, kolkata), at("2026-11-26T19:30:00Z"));
    assert_eq!(Period::Day.bucket_start(t, kolkata), at("2026-11-26T18:30:00Z"));
}

#[test]
fn days_follow_dst_changes() {
    let paris: Tz = "Europe/Paris".parse().unwrap();
    // 29 March 2026: clocks go from 02:00 to 03:00; the day starts at 23:00 UTC the day before.
    assert_eq!(Period::Day.bucket_start(at("2026-03-29T12:00:00Z"), paris), at("2026-03-28T23:00:00Z"));
    // The next day starts at 22:00 UTC (summer time).
    assert_eq!(Period::Day.bucket_start(at("2026-03-30T12:00:00Z"), paris), at("2026-03-29T22:00:00Z"));
    assert_eq!(Period::Month.bucket_start(at("2026-04-15T12:00:00Z"), paris), at("2026-03-31T22:00:00Z"));
}

#[test]
fn a_skipped_midnight_starts_the_day_when_clocks_jump() {
    // Santiago skips midnight at the start of summer time (6 September 2026: 00:00 → 01:00).
    let santiago: Tz = "America/Santiago".parse().unwrap();
    assert_eq!(Period::Day.bucket_start(at("2026-09-06T15:00:00Z"), santiago), at("2026-09-06T04:00:00Z"));
}

#[test]
fn names_round_trip() {
    for p in Period::ALL {
        assert_eq!(Period::parse(p.as_str()), Some(p));
    }
    assert_eq!(Period::parse("year"), None);
}
