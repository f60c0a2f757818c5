//! Track 3 store cases. The blood bank is relational, so its cases run on SQLite and
//! PostgreSQL only (`sql_conformance!`, the SQL-only form of the harness's `conformance!`).
//! Fixtures shared by the case files live here.

use carechat::{
    storage::{self, Backend},
    tracks::track3::{
        domain::{
            allocation::{donor_plan, AllocationPlan},
            donation::{plan_units, Donation, DonationId, DonationType, NewDonation},
            donor::{Contact, Donor, NewDonor, Sex},
            groups::{BloodGroup, Component},
            isbt::Din,
            recall::DonorRecall,
            requests::{BloodRequest, NewBloodRequest, Patient, Urgency},
            rules::BloodRules,
            units::{Actor, BloodUnit, UnitAction, UnitTransition},
        },
        store::Track3Stores,
    },
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

/// `sql_conformance!(build_fn, [case, ...])`: one test per case on SQLite and on PostgreSQL.
macro_rules! sql_conformance {
    ($build:ident, [$($case:ident),* $(,)?]) => {
        #[cfg(feature = "sqlite")]
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    sql_conformance!(@run $build, $case, carechat::storage::BackendKind::Sqlite);
                }
            )*
        }
        #[cfg(feature = "postgres")]
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    sql_conformance!(@run $build, $case, carechat::storage::BackendKind::Postgres);
                }
            )*
        }
    };
    (@run $build:ident, $case:ident, $kind:expr) => {
        let Some(test) = carechat::storage::testing::TestBackend::new($kind).await else { return };
        let stores = super::$build(&test.backend).await;
        super::$case(&stores).await;
    };
}
#[path = "track3_donors.rs"]
mod donors;
#[path = "track3_requests.rs"]
mod requests;
#[path = "track3_transfusion.rs"]
mod transfusion;
#[path = "track3_units.rs"]
mod units;

async fn build(backend: &Backend) -> Track3Stores {
    Track3Stores::build(backend).expect("a SQL backend")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn group(text: &str) -> BloodGroup {
    BloodGroup::parse(text).unwrap()
}

fn staff() -> Actor {
    Actor { user_id: Some(Uuid::now_v7()), request_id: Some("req-t3".into()) }
}

/// A registered (not yet stored) donor.
fn donor(name: &str, dob: NaiveDate, weight_kg: f64, blood_group: Option<&str>) -> Donor {
    let new = NewDonor {
        full_name: name.into(),
        national_id: Some(format!("ID-{name}")),
        date_of_birth: dob,
        sex: Sex::Female,
        weight_kg,
        blood_group: blood_group.map(group),
        abo_confirmed: false,
        contact: Contact::default(),
    };
    Donor::register(new, storage::now()).unwrap()
}

/// A donation of `donor` numbered `sequence`, collected at `collected_at`, with its units.
fn donation(donor: &Donor, sequence: u32, kind: DonationType, collected_at: DateTime<Utc>) -> NewDonation {
    let blood_group = donor.blood_group.unwrap_or_else(|| group("O-"));
    let d = Donation {
        id: DonationId(Uuid::now_v7()),
        donor_id: donor.id,
        donation_type: kind,
        din: Din::new("A9999", 2025, sequence).unwrap(),
        collected_at,
        volume_ml: 450,
        hemoglobin_gdl: 13.5,
        blood_group,
        recorded_by: Uuid::now_v7(),
        recorded_at: storage::now(),
    };
    let units = plan_units(&d, &kind.default_components(), &BloodRules::default());
    let recall = DonorRecall::after(&d, &BloodRules::default());
    let (donor_version, donor_group) = (donor.version, (blood_group, false));
    NewDonation { donation: d, units, donor_version, donor_group, actor: staff(), recall }
}

/// Stores a donor and a whole-blood donation collected `days_ago`; returns its units.
async fn donor_with_units(s: &Track3Stores, sequence: u32, blood_group: &str, days_ago: i64) -> Vec<BloodUnit> {
    let d = donor(&format!("Donor {sequence}"), day(1990, 1, 1), 70.0, Some(blood_group));
    s.donors.insert(&d).await.unwrap();
    let new = donation(&d, sequence, DonationType::WholeBlood, storage::now() - Duration::days(days_ago));
    s.donations.record(&new).await.unwrap();
    new.units
}

/// The transition of `action` on the unit as stored now.
async fn change(s: &Track3Stores, unit: &BloodUnit, action: UnitAction) -> UnitTransition {
    let current = s.units.find(unit.id).await.unwrap().unwrap();
    current.transition(action, None, &staff(), storage::now()).unwrap()
}

fn red_cells(units: &[BloodUnit]) -> BloodUnit {
    units.iter().find(|u| u.component == Component::RedCells).unwrap().clone()
}

/// A released (available) red-cell unit of a fresh `blood_group` donor, collected `days_ago`.
async fn available_red_cells(s: &Track3Stores, sequence: u32, blood_group: &str, days_ago: i64) -> BloodUnit {
    let unit = red_cells(&donor_with_units(s, sequence, blood_group, days_ago).await);
    s.units.transition(&change(s, &unit, UnitAction::Release).await).await.unwrap();
    s.units.find(unit.id).await.unwrap().unwrap()
}

/// A stored request for `units` red cells for a patient of `blood_group` (`None`: unknown).
async fn red_cell_request(s: &Track3Stores, blood_group: Option<&str>, units: u32, urgency: Urgency) -> BloodRequest {
    let new = NewBloodRequest {
        patient: Patient {
            user_id: None,
            name: "Patient".into(),
            mrn: format!("MRN-{}", Uuid::now_v7().simple()),
            sex: Some(Sex::Female),
            date_of_birth: Some(day(1960, 1, 1)),
        },
        blood_group: blood_group.map(group),
        component: Component::RedCells,
        units_requested: units,
        urgency,
        department: "Surgery".into(),
        clinician: "Dr. K".into(),
        needed_by: storage::now() + Duration::hours(2),
        indication: None,
    };
    let request = BloodRequest::create(new, Uuid::now_v7(), storage::now()).unwrap();
    s.requests.insert(&request).await.unwrap();
    request
}

/// The allocation plan of `request` now.
fn plan(request: &BloodRequest) -> AllocationPlan {
    let now = storage::now();
    let donors = donor_plan(request, &BloodRules::default(), now.date_naive());
    AllocationPlan::new(request, &donors, &staff(), now)
}
