//! Donor registration, group reconciliation and deferral periods.

use chrono::TimeZone;

use super::*;

fn g(text: &str) -> BloodGroup {
    BloodGroup::parse(text).unwrap()
}

fn new_donor(dob: NaiveDate) -> NewDonor {
    NewDonor {
        full_name: "Jean Bosco".into(),
        national_id: None,
        date_of_birth: dob,
        sex: Sex::Male,
        weight_kg: 70.0,
        blood_group: None,
        abo_confirmed: false,
        contact: Contact::default(),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn registration_checks_the_date_of_birth_and_confirmation() {
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap();
    assert!(Donor::register(new_donor(day(1990, 1, 1)), now).is_ok());
    assert_eq!(Donor::register(new_donor(day(2025, 6, 2)), now).unwrap_err().pointer, "/dateOfBirth");
    assert_eq!(Donor::register(new_donor(day(1899, 12, 31)), now).unwrap_err().pointer, "/dateOfBirth");
    let mut confirmed_without_group = new_donor(day(1990, 1, 1));
    confirmed_without_group.abo_confirmed = true;
    assert_eq!(Donor::register(confirmed_without_group, now).unwrap_err().pointer, "/aboConfirmed");
}

#[test]
fn a_second_concordant_typing_confirms_the_group() {
    assert_eq!(reconcile_group(None, false, None), Err(GroupConflict::Unknown));
    assert_eq!(reconcile_group(None, false, Some(g("A+"))), Ok((g("A+"), false)));
    assert_eq!(reconcile_group(Some(g("A+")), false, None), Ok((g("A+"), false)));
    assert_eq!(reconcile_group(Some(g("A+")), false, Some(g("A+"))), Ok((g("A+"), true)));
    assert_eq!(reconcile_group(Some(g("O-")), true, None), Ok((g("O-"), true)));
    assert_eq!(
        reconcile_group(Some(g("A+")), true, Some(g("B+"))),
        Err(GroupConflict::Mismatch { recorded: g("A+"), typed: g("B+") })
    );
}

#[test]
fn deferrals_are_active_from_their_start_until_the_day_before_their_end() {
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap();
    let temporary =
        Deferral::new(DonorId::generate(), DeferralReason::Illness, Some(day(2025, 6, 15)), None, Uuid::nil(), now);
    assert!(!temporary.is_active_on(day(2025, 5, 31)));
    assert!(temporary.is_active_on(day(2025, 6, 1)));
    assert!(temporary.is_active_on(day(2025, 6, 14)));
    assert!(!temporary.is_active_on(day(2025, 6, 15)));
    let permanent = Deferral::new(DonorId::generate(), DeferralReason::HighRiskBehaviour, None, None, Uuid::nil(), now);
    assert!(permanent.is_permanent() && permanent.is_active_on(day(2090, 1, 1)));
}

#[test]
fn reason_codes_round_trip() {
    for reason in DeferralReason::ALL {
        assert_eq!(DeferralReason::parse(reason.as_str()), Some(reason));
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
    }
    assert_eq!(Sex::parse("female"), Some(Sex::Female));
}
