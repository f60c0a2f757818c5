//! Donor recall: an outbox of "this donor may give again from this day". Recording a donation
//! writes a pending [`DonorRecall`] due on the donor's next eligible day for the same kind of
//! donation (collection day + the type's minimum interval) and supersedes the donor's earlier
//! pending recall, in the donation's transaction. Staff list the recalls due on a day
//! (`GET /api/v1/blood/recalls/due`) and mark them done once the donor is contacted; a
//! reminders engine (Track 1's, when it exists) can consume the same outbox through
//! `track3::api::DonorRecalls` — Track 3 neither depends on it nor needs it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    donation::{Donation, DonationId, DonationType},
    donor::DonorId,
    rules::BloodRules,
};

/// Where a recall is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = DonorRecallStatus)]
pub enum RecallStatus {
    /// Waiting for its day and a contact.
    Pending,
    /// A later donation replaced it.
    Superseded,
    /// The donor was contacted.
    Done,
}

impl RecallStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Superseded => "superseded",
            Self::Done => "done",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Superseded, Self::Done].into_iter().find(|s| s.as_str() == text)
    }
}

/// A recall of a donor after one donation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DonorRecall {
    /// Id.
    pub id: Uuid,
    /// The donor.
    pub donor_id: DonorId,
    /// The donation it follows.
    pub donation_id: DonationId,
    /// That donation's type (the donor is recalled for the same).
    pub donation_type: DonationType,
    /// First day the donor may give it again.
    pub due_on: NaiveDate,
    /// Where it is.
    pub status: RecallStatus,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was marked done.
    pub completed_at: Option<DateTime<Utc>>,
}

impl DonorRecall {
    /// The pending recall `donation` leads to.
    pub fn after(donation: &Donation, rules: &BloodRules) -> Self {
        let days = rules.days_between(donation.donation_type, donation.donation_type);
        let day = donation.collected_at.date_naive();
        Self {
            id: Uuid::now_v7(),
            donor_id: donation.donor_id,
            donation_id: donation.id,
            donation_type: donation.donation_type,
            due_on: day.checked_add_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MAX),
            status: RecallStatus::Pending,
            created_at: donation.recorded_at,
            completed_at: None,
        }
    }
}

/// A recall due, with what staff need to contact the donor.
#[derive(Debug, Clone, PartialEq)]
pub struct DueRecall {
    /// The recall.
    pub recall: DonorRecall,
    /// Donor's name.
    pub donor_name: String,
    /// Donor's phone number.
    pub phone_number: Option<String>,
    /// Donor's email.
    pub email: Option<String>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::tracks::track3::domain::{groups::BloodGroup, isbt::Din};

    fn donation(kind: DonationType) -> Donation {
        let collected_at = Utc.with_ymd_and_hms(2025, 6, 1, 23, 30, 0).unwrap();
        Donation {
            id: DonationId(Uuid::now_v7()),
            donor_id: DonorId::generate(),
            donation_type: kind,
            din: Din::new("A9999", 2025, 8).unwrap(),
            collected_at,
            volume_ml: 450,
            hemoglobin_gdl: 14.0,
            blood_group: BloodGroup::parse("O+").unwrap(),
            recorded_by: Uuid::nil(),
            recorded_at: collected_at,
        }
    }

    #[test]
    fn a_recall_is_due_on_the_next_eligible_day_for_the_same_type() {
        let rules = BloodRules::default();
        let due = |kind| DonorRecall::after(&donation(kind), &rules).due_on;
        assert_eq!(due(DonationType::WholeBlood), NaiveDate::from_ymd_opt(2025, 7, 27).unwrap());
        assert_eq!(due(DonationType::Platelets), NaiveDate::from_ymd_opt(2025, 6, 8).unwrap());
        assert_eq!(due(DonationType::DoubleRedCells), NaiveDate::from_ymd_opt(2025, 9, 21).unwrap());
        let d = donation(DonationType::Plasma);
        let recall = DonorRecall::after(&d, &rules);
        assert_eq!((recall.donor_id, recall.donation_id, recall.status), (d.donor_id, d.id, RecallStatus::Pending));
        for s in [RecallStatus::Pending, RecallStatus::Superseded, RecallStatus::Done] {
            assert_eq!(RecallStatus::parse(s.as_str()), Some(s));
        }
    }
}
