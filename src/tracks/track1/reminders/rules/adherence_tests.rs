use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{adherence, classify_dose, AdherenceWindows, Dose, DoseOutcome as O};

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, d, h, 0, 0).unwrap()
}

fn dose(d: u32, h: u32, ack_after_minutes: Option<i64>) -> Dose {
    Dose { scheduled_for: at(d, h), acknowledged_at: ack_after_minutes.map(|m| at(d, h) + Duration::minutes(m)) }
}

#[test]
fn each_dose_is_on_time_late_missed_or_pending() {
    let w = AdherenceWindows::default();
    let now = at(20, 0);
    assert_eq!(classify_dose(&dose(1, 8, Some(-10)), now, &w), O::OnTime);
    assert_eq!(classify_dose(&dose(1, 8, Some(30)), now, &w), O::OnTime);
    assert_eq!(classify_dose(&dose(1, 8, Some(31)), now, &w), O::Late);
    assert_eq!(classify_dose(&dose(1, 8, Some(120)), now, &w), O::Late);
    assert_eq!(classify_dose(&dose(1, 8, Some(121)), now, &w), O::Missed);
    assert_eq!(classify_dose(&dose(1, 8, None), now, &w), O::Missed);
    assert_eq!(classify_dose(&dose(20, 0, None), now + Duration::minutes(119), &w), O::Pending);
}

#[test]
fn pdc_is_the_share_of_dosing_days_fully_taken() {
    // Two doses a day for 5 days; day 3 misses its evening dose; day 5's evening dose is pending.
    let mut doses = Vec::new();
    for d in 1..=5 {
        doses.push(dose(d, 8, Some(10)));
        let evening = match d {
            3 | 5 => None,
            2 => Some(60),
            _ => Some(5),
        };
        doses.push(dose(d, 20, evening));
    }
    let now = at(5, 21);
    let (outcomes, summary) = adherence(&doses, chrono_tz::UTC, now, &AdherenceWindows::default());
    assert_eq!(outcomes.len(), 10);
    assert_eq!((summary.on_time, summary.late, summary.missed, summary.pending), (7, 1, 1, 1));
    assert_eq!((summary.dosing_days, summary.days_covered), (4, 3));
    assert_eq!(summary.pdc, Some(0.75));
    assert_eq!(summary.adherent, Some(false));
}

#[test]
fn adherent_at_eighty_percent() {
    let doses: Vec<Dose> = (1..=5).map(|d| dose(d, 8, if d == 5 { None } else { Some(0) })).collect();
    let (_, summary) = adherence(&doses, chrono_tz::UTC, at(10, 0), &AdherenceWindows::default());
    assert_eq!(summary.pdc, Some(0.8));
    assert_eq!(summary.adherent, Some(true));
}

#[test]
fn days_are_the_patients_local_days() {
    // 23:00 UTC on 1 May is 09:00 on 2 May in Sydney: both doses fall on the same local day.
    let doses = [
        Dose { scheduled_for: at(1, 23), acknowledged_at: Some(at(1, 23)) },
        Dose { scheduled_for: at(2, 8), acknowledged_at: None },
    ];
    let (_, utc) = adherence(&doses, chrono_tz::UTC, at(10, 0), &AdherenceWindows::default());
    assert_eq!((utc.dosing_days, utc.days_covered), (2, 1));
    let (_, sydney) = adherence(&doses, chrono_tz::Australia::Sydney, at(10, 0), &AdherenceWindows::default());
    assert_eq!((sydney.dosing_days, sydney.days_covered), (1, 0));
}

#[test]
fn no_dosing_days_no_score() {
    let (_, summary) = adherence(&[], chrono_tz::UTC, at(10, 0), &AdherenceWindows::default());
    assert_eq!((summary.pdc, summary.adherent), (None, None));
}
