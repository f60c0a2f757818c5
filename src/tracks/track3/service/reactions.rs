//! Transfusion reaction reports and the donor recall outbox.

use chrono::NaiveDate;
use uuid::Uuid;

use super::Track3;
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{self, StorageError},
    tracks::track3::{
        domain::{
            reactions::{NewReaction, TransfusionReaction},
            recall::{DonorRecall, DueRecall},
            units::{Actor, UnitId},
        },
        error::Track3Error,
        store::ReactionFilter,
    },
};

type Result<T> = std::result::Result<T, Track3Error>;

/// Reports a reaction to a unit issued to a patient.
pub async fn report(t3: &Track3, unit: UnitId, new: NewReaction, actor: &Actor) -> Result<TransfusionReaction> {
    let found = t3.stores.units.find(unit).await?.ok_or(Track3Error::UnitNotFound(unit.0))?;
    let reaction = TransfusionReaction::report(&found, new, actor.user_id, storage::now())?;
    t3.stores.reactions.insert(&reaction).await?;
    Ok(reaction)
}

/// A page of reactions, most recent first.
pub async fn list(t3: &Track3, filter: ReactionFilter, page: PageRequest) -> Result<Page<TransfusionReaction>> {
    Ok(t3.stores.reactions.list(&filter, page).await?)
}

/// Recalls due on or before `on` (default today) of donors not deferred that day.
pub async fn due_recalls(
    t3: &Track3,
    on: Option<NaiveDate>,
    page: PageRequest,
) -> Result<(NaiveDate, Page<DueRecall>)> {
    let on = on.unwrap_or_else(|| storage::now().date_naive());
    Ok((on, t3.stores.recalls.due(on, page).await?))
}

/// Marks a pending recall done (the donor was contacted).
pub async fn complete_recall(t3: &Track3, id: Uuid) -> Result<DonorRecall> {
    t3.stores.recalls.complete(id, storage::now()).await.map_err(|e| match e {
        StorageError::NotFound => Track3Error::RecallNotFound(id),
        StorageError::Conflict(what) => {
            Track3Error::RequestState(what.trim_start_matches("recall_status: ").to_owned())
        }
        other => other.into(),
    })
}
