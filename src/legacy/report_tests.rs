use super::*;

fn verified(collections: &[(&'static str, u64, u64)]) -> Report {
    let mut report = Report { mode: "verify".into(), ..Report::default() };
    report.tally("messages").verified = 2;
    for &(name, expected, found) in collections {
        report.collections.insert(name, CollectionCount { expected, found });
    }
    report
}

#[test]
fn equal_counts_are_no_difference() {
    let report = verified(&[("messages", 2, 2), ("users", 1, 1)]);
    assert!(!report.has_mismatches());
    assert!(report.summary().ends_with("target messages: expected 2 found 2\ntarget users: expected 1 found 1"));
}

#[test]
fn a_collection_holding_more_or_fewer_records_is_a_difference() {
    for (expected, found) in [(2, 3), (2, 1)] {
        let report = verified(&[("messages", expected, found), ("users", 1, 1)]);
        assert!(report.has_mismatches(), "{expected} vs {found}");
        assert!(report.summary().contains(&format!("target messages: expected {expected} found {found} DIFFERS")));
    }
}

#[test]
fn counts_are_reported_in_camel_case_and_only_when_verifying() {
    let json = serde_json::to_value(verified(&[("users", 40, 41)])).unwrap();
    assert_eq!(json["collections"]["users"], serde_json::json!({"expected": 40, "found": 41}));
    let written = serde_json::to_value(Report { mode: "write".into(), ..Report::default() }).unwrap();
    assert!(written.get("collections").is_none());
}
