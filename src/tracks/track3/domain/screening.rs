//! Screening for transfusion-transmissible infections. Results belong to a donation (the
//! laboratory tests the donor's sample) and so to every unit made from it. A test may be
//! recorded more than once (an indeterminate result is retested): the latest result counts,
//! except that a positive result is never undone by a later one. Units leave quarantine only
//! when every required test is negative; one positive discards them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::donation::DonationId;

/// A required screening test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScreeningTest {
    /// HIV-1/2 antibodies and antigen.
    Hiv,
    /// Hepatitis B surface antigen.
    Hbv,
    /// Hepatitis C antibodies.
    Hcv,
    /// Treponema pallidum antibodies.
    Syphilis,
    /// HTLV-I/II antibodies.
    Htlv,
}

impl ScreeningTest {
    /// Every test.
    pub const ALL: [Self; 5] = [Self::Hiv, Self::Hbv, Self::Hcv, Self::Syphilis, Self::Htlv];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hiv => "hiv",
            Self::Hbv => "hbv",
            Self::Hcv => "hcv",
            Self::Syphilis => "syphilis",
            Self::Htlv => "htlv",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// Outcome of one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TestResult {
    /// Non-reactive.
    Negative,
    /// Reactive: the donation must not be used.
    Positive,
    /// Neither: retest before release.
    Indeterminate,
}

impl TestResult {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Negative => "negative",
            Self::Positive => "positive",
            Self::Indeterminate => "indeterminate",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Negative, Self::Positive, Self::Indeterminate].into_iter().find(|r| r.as_str() == text)
    }
}

/// One recorded result.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningRecord {
    /// Id of this record.
    pub id: Uuid,
    /// The donation whose sample was tested.
    pub donation_id: DonationId,
    /// Which test.
    pub test: ScreeningTest,
    /// Its result.
    pub result: TestResult,
    /// Who recorded it.
    pub recorded_by: Uuid,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// What a donation's results, taken together, allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScreeningStatus {
    /// Every required test is negative: the units may be released.
    Cleared,
    /// At least one test is positive: the units must be discarded.
    Reactive,
    /// Some required tests are missing or indeterminate.
    Pending,
}

/// The effective result of each test: the latest one, except that a positive stays.
pub fn effective_results(records: &[ScreeningRecord]) -> Vec<(ScreeningTest, TestResult)> {
    let mut sorted: Vec<&ScreeningRecord> = records.iter().collect();
    sorted.sort_by_key(|r| (r.recorded_at, r.id));
    let mut effective: Vec<(ScreeningTest, TestResult)> = Vec::new();
    for record in sorted {
        match effective.iter_mut().find(|(test, _)| *test == record.test) {
            Some((_, result)) if *result == TestResult::Positive => {}
            Some((_, result)) => *result = record.result,
            None => effective.push((record.test, record.result)),
        }
    }
    effective
}

/// Whether `records` clear, condemn or leave pending a donation, given the `required` tests,
/// and which required tests still lack a negative result.
pub fn evaluate(records: &[ScreeningRecord], required: &[ScreeningTest]) -> (ScreeningStatus, Vec<ScreeningTest>) {
    let effective = effective_results(records);
    if effective.iter().any(|(_, result)| *result == TestResult::Positive) {
        return (ScreeningStatus::Reactive, Vec::new());
    }
    let outstanding: Vec<ScreeningTest> =
        required.iter().copied().filter(|test| !effective.contains(&(*test, TestResult::Negative))).collect();
    if outstanding.is_empty() {
        (ScreeningStatus::Cleared, outstanding)
    } else {
        (ScreeningStatus::Pending, outstanding)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn record(test: ScreeningTest, result: TestResult, minute: i64) -> ScreeningRecord {
        ScreeningRecord {
            id: Uuid::now_v7(),
            donation_id: DonationId(Uuid::nil()),
            test,
            result,
            recorded_by: Uuid::nil(),
            recorded_at: DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minute),
        }
    }

    fn all_negative() -> Vec<ScreeningRecord> {
        ScreeningTest::ALL.iter().map(|t| record(*t, TestResult::Negative, 0)).collect()
    }

    #[test]
    fn all_required_negatives_clear_the_donation() {
        assert_eq!(evaluate(&all_negative(), &ScreeningTest::ALL), (ScreeningStatus::Cleared, vec![]));
    }

    #[test]
    fn missing_or_indeterminate_tests_keep_it_pending() {
        let mut records = all_negative();
        records.retain(|r| r.test != ScreeningTest::Htlv);
        records.push(record(ScreeningTest::Hcv, TestResult::Indeterminate, 1));
        let (status, outstanding) = evaluate(&records, &ScreeningTest::ALL);
        assert_eq!(status, ScreeningStatus::Pending);
        assert_eq!(outstanding, [ScreeningTest::Hcv, ScreeningTest::Htlv]);
        assert_eq!(evaluate(&[], &ScreeningTest::ALL).1.len(), 5);
    }

    #[test]
    fn a_retest_replaces_an_indeterminate_result() {
        let mut records = all_negative();
        records.push(record(ScreeningTest::Hcv, TestResult::Indeterminate, 1));
        records.push(record(ScreeningTest::Hcv, TestResult::Negative, 2));
        assert_eq!(evaluate(&records, &ScreeningTest::ALL).0, ScreeningStatus::Cleared);
    }

    #[test]
    fn a_positive_result_is_never_undone() {
        let mut records = all_negative();
        records.push(record(ScreeningTest::Hiv, TestResult::Positive, 1));
        records.push(record(ScreeningTest::Hiv, TestResult::Negative, 2));
        assert_eq!(evaluate(&records, &ScreeningTest::ALL).0, ScreeningStatus::Reactive);
        let only_positive = [record(ScreeningTest::Syphilis, TestResult::Positive, 0)];
        assert_eq!(evaluate(&only_positive, &ScreeningTest::ALL).0, ScreeningStatus::Reactive);
    }

    #[test]
    fn only_the_configured_tests_are_required() {
        let records = [record(ScreeningTest::Hiv, TestResult::Negative, 0)];
        assert_eq!(evaluate(&records, &[ScreeningTest::Hiv]).0, ScreeningStatus::Cleared);
        for test in ScreeningTest::ALL {
            assert_eq!(ScreeningTest::parse(test.as_str()), Some(test));
        }
    }
}
