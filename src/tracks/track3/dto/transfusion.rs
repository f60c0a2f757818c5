//! Crossmatch, issue, return, transfusion, reaction and recall bodies.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::tracks::track3::domain::{
    allocation::CrossmatchResult,
    donation::DonationType,
    reactions::{ReactionType, Severity, TransfusionReaction},
    recall::{DonorRecall, DueRecall, RecallStatus},
};

/// A crossmatch result for a reserved unit.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CrossmatchRequest {
    /// `compatible` keeps the reservation; `incompatible` puts the unit back in stock and
    /// never offers it to this request again.
    pub result: CrossmatchResult,
    /// Detail: method, antibody found (1–1000 characters).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, example = "IAT crossmatch, no agglutination")]
    pub note: Option<String>,
}

/// Units to issue, all or none.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssueRequest {
    /// Reserved units of the request: 1–20 ids (a repeated id counts once).
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub unit_ids: Vec<Uuid>,
    /// Who collects them from the blood bank (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Nurse Ingabire, Maternity")]
    pub collected_by: String,
}

/// An issued unit brought back unused.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReturnRequest {
    /// When it came back (default now; between its issue and now: 422 otherwise).
    pub returned_at: Option<DateTime<Utc>>,
    /// It was kept in a validated transport container: a unit out longer than the return
    /// window is then quarantined for assessment instead of discarded.
    #[serde(default)]
    pub stored_in_validated_container: bool,
}

/// A transfusion to confirm.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransfusionRequest {
    /// Who administered the unit (1–200 characters).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Nurse Ingabire")]
    pub administered_by: String,
    /// When it was given (default now; between its issue and now: 422 otherwise).
    pub transfused_at: Option<DateTime<Utc>>,
}

/// A transfusion reaction to report.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReactionRequest {
    /// The unit given (issued or transfused: 409 `unit_not_issued` otherwise).
    pub unit_id: Uuid,
    /// Kind of reaction.
    pub reaction_type: ReactionType,
    /// Severity.
    pub severity: Severity,
    /// When it began (after the unit's collection, not in the future: 422 otherwise).
    pub occurred_at: DateTime<Utc>,
    /// What happened (1–2000 characters).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, example = "Fever 38.9 °C and rigors 40 minutes into the unit")]
    pub description: String,
}

/// A reported reaction.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionResponse {
    /// Id.
    pub reaction_id: Uuid,
    /// The unit given.
    pub unit_id: Uuid,
    /// The request it was issued for.
    pub request_id: Option<Uuid>,
    /// The unit's donation.
    pub donation_id: Uuid,
    /// The unit's donor.
    pub donor_id: Uuid,
    /// Kind.
    pub reaction_type: ReactionType,
    /// Severity.
    pub severity: Severity,
    /// When it began.
    pub occurred_at: DateTime<Utc>,
    /// What happened.
    pub description: String,
    /// Who reported it.
    pub reported_by: Option<Uuid>,
    /// When.
    pub reported_at: DateTime<Utc>,
}

impl From<TransfusionReaction> for ReactionResponse {
    fn from(r: TransfusionReaction) -> Self {
        Self {
            reaction_id: r.id,
            unit_id: r.unit_id.0,
            request_id: r.request_id.map(|x| x.0),
            donation_id: r.donation_id.0,
            donor_id: r.donor_id.0,
            reaction_type: r.reaction_type,
            severity: r.severity,
            occurred_at: r.occurred_at,
            description: r.description,
            reported_by: r.reported_by,
            reported_at: r.reported_at,
        }
    }
}

/// Filters and paging of the reaction list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ReactionListQuery {
    /// Only reactions to this donor's units.
    pub donor_id: Option<Uuid>,
    /// Only reactions to this unit.
    pub unit_id: Option<Uuid>,
    /// Only reactions under this request.
    pub request_id: Option<Uuid>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of reactions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionPage {
    /// The reactions of this page, most recent first.
    pub items: Vec<ReactionResponse>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Reactions matching the filters across all pages.
    pub total: u64,
}

/// The due-recall question.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct RecallQuery {
    /// The day (default today, UTC): recalls due on or before it.
    pub on: Option<NaiveDate>,
    /// 1-based page number (default 1).
    #[validate(range(min = 1, max = 100000))]
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A donor recall.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecallResponse {
    /// Id.
    pub recall_id: Uuid,
    /// The donor.
    pub donor_id: Uuid,
    /// The donation it follows.
    pub donation_id: Uuid,
    /// That donation's type (the donor is recalled for the same).
    pub donation_type: DonationType,
    /// First day the donor may give it again.
    pub due_on: NaiveDate,
    /// `pending`, `superseded` (a later donation replaced it) or `done`.
    pub status: RecallStatus,
    /// When it was written (with the donation).
    pub created_at: DateTime<Utc>,
    /// When it was marked done.
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<DonorRecall> for RecallResponse {
    fn from(r: DonorRecall) -> Self {
        Self {
            recall_id: r.id,
            donor_id: r.donor_id.0,
            donation_id: r.donation_id.0,
            donation_type: r.donation_type,
            due_on: r.due_on,
            status: r.status,
            created_at: r.created_at,
            completed_at: r.completed_at,
        }
    }
}

/// A recall due, with the donor's contact details.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DueRecallResponse {
    /// The recall.
    #[serde(flatten)]
    pub recall: RecallResponse,
    /// The donor's name.
    pub donor_name: String,
    /// The donor's phone number.
    pub phone_number: Option<String>,
    /// The donor's email.
    pub email: Option<String>,
}

impl From<DueRecall> for DueRecallResponse {
    fn from(d: DueRecall) -> Self {
        Self { recall: d.recall.into(), donor_name: d.donor_name, phone_number: d.phone_number, email: d.email }
    }
}

/// A page of due recalls.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DueRecallPage {
    /// The day asked about.
    pub on: NaiveDate,
    /// The recalls of this page, earliest due first.
    pub items: Vec<DueRecallResponse>,
    /// This page's number.
    pub page: u32,
    /// Page size used.
    pub per_page: u32,
    /// Recalls due across all pages.
    pub total: u64,
}
