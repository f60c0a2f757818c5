//! [`DonationStore`] in shared SQL: the DIN counter is an upsert that returns the new value
//! (atomic on both engines), and recording a donation is one transaction guarded by the
//! donor's version, which also writes the donor's recall (superseding the pending one: the
//! eligibility rules make a new donation always the donor's latest).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    limit, total, units::insert_event, DonationRow, ScreeningRow, SqlBloodBank, DONATION_COLUMNS, SCREENING_COLUMNS,
};
use crate::{
    gateway::identity::domain::{Page, PageRequest},
    storage::{StorageError, StoreResult},
    tracks::track3::{
        domain::{
            donation::{Donation, DonationId, DonationType, NewDonation},
            donor::DonorId,
            eligibility::PastDonation,
            screening::ScreeningRecord,
            units::BloodUnit,
        },
        store::DonationStore,
    },
};

const NEXT_SEQUENCE: &str = "insert into din_sequences (facility, din_year, last_value) values ($1, $2, 1) \
    on conflict (facility, din_year) do update set last_value = din_sequences.last_value + 1 returning last_value";
const CLAIM_DONOR: &str = "update donors set version = version + 1, abo = $3, rh_positive = $4, abo_confirmed = $5, \
    last_donation_at = case when last_donation_at is null or last_donation_at < $6 then $6 else last_donation_at end, \
    updated_at = $7 where donor_id = $1 and version = $2";
const DONOR_EXISTS: &str = "select count(*) from donors where donor_id = $1";
const INSERT_DONATION: &str = "insert into donations (donation_id, donor_id, donation_type, din, collected_at, \
    volume_ml, hemoglobin_gdl, abo, rh_positive, recorded_by, recorded_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
const INSERT_UNIT: &str =
    "insert into units (unit_id, donation_id, donor_id, din, product_code, unit_number, component, \
    abo, rh_positive, collected_at, expires_at, status, status_changed_at, quarantine_reason, discard_reason, \
    reserved_for_request) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

const SUPERSEDE_RECALLS: &str =
    "update donor_recalls set status = 'superseded' where donor_id = $1 and status = 'pending'";
const INSERT_RECALL: &str = "insert into donor_recalls (recall_id, donor_id, donation_id, donation_type, due_on, \
    status, created_at, completed_at) values ($1, $2, $3, $4, $5, $6, $7, $8)";

fn volume(ml: u32) -> i32 {
    i32::try_from(ml).unwrap_or(i32::MAX)
}

macro_rules! impl_donation_store {
    ($db:ty) => {
        impl SqlBloodBank<$db> {
            async fn claim_donor(tx: &mut sqlx::Transaction<'_, $db>, new: &NewDonation) -> StoreResult<()> {
                let (group, confirmed) = new.donor_group;
                let donation = &new.donation;
                let claimed = sqlx::query(CLAIM_DONOR)
                    .bind(donation.donor_id.0)
                    .bind(new.donor_version)
                    .bind(group.abo.as_str())
                    .bind(group.rh_positive)
                    .bind(confirmed)
                    .bind(donation.collected_at)
                    .bind(donation.recorded_at)
                    .execute(&mut **tx)
                    .await?;
                if claimed.rows_affected() == 1 {
                    return Ok(());
                }
                let (exists,): (i64,) =
                    sqlx::query_as(DONOR_EXISTS).bind(donation.donor_id.0).fetch_one(&mut **tx).await?;
                Err(if exists == 0 {
                    StorageError::NotFound
                } else {
                    StorageError::Conflict("donor_version: the donor changed since eligibility was assessed".into())
                })
            }

            async fn insert_unit(tx: &mut sqlx::Transaction<'_, $db>, unit: &BloodUnit) -> StoreResult<()> {
                sqlx::query(INSERT_UNIT)
                    .bind(unit.id.0)
                    .bind(unit.donation_id.0)
                    .bind(unit.donor_id.0)
                    .bind(unit.din.as_str())
                    .bind(&unit.product_code)
                    .bind(&unit.unit_number)
                    .bind(unit.component.as_str())
                    .bind(unit.blood_group.abo.as_str())
                    .bind(unit.blood_group.rh_positive)
                    .bind(unit.collected_at)
                    .bind(unit.expires_at)
                    .bind(unit.status.as_str())
                    .bind(unit.status_changed_at)
                    .bind(unit.quarantine_reason.map(|r| r.as_str()))
                    .bind(unit.discard_reason.map(|r| r.as_str()))
                    .bind(unit.reserved_for_request)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        }

        #[async_trait]
        impl DonationStore for SqlBloodBank<$db> {
            async fn next_din_sequence(&self, facility: &str, year: i32) -> StoreResult<u32> {
                let (value,): (i32,) = sqlx::query_as(NEXT_SEQUENCE)
                    .bind(facility)
                    .bind(year.rem_euclid(100))
                    .fetch_one(&self.pool)
                    .await?;
                u32::try_from(value).map_err(|_| StorageError::Corrupt(format!("DIN sequence {value}")))
            }

            async fn record(&self, new: &NewDonation) -> StoreResult<()> {
                let d: &Donation = &new.donation;
                let mut tx = self.pool.begin().await?;
                Self::claim_donor(&mut tx, new).await?;
                sqlx::query(INSERT_DONATION)
                    .bind(d.id.0)
                    .bind(d.donor_id.0)
                    .bind(d.donation_type.as_str())
                    .bind(d.din.as_str())
                    .bind(d.collected_at)
                    .bind(volume(d.volume_ml))
                    .bind(d.hemoglobin_gdl)
                    .bind(d.blood_group.abo.as_str())
                    .bind(d.blood_group.rh_positive)
                    .bind(d.recorded_by)
                    .bind(d.recorded_at)
                    .execute(&mut *tx)
                    .await?;
                for unit in &new.units {
                    Self::insert_unit(&mut tx, unit).await?;
                    insert_event!(&mut *tx, &unit.collection_event(&new.actor));
                }
                let r = &new.recall;
                sqlx::query(SUPERSEDE_RECALLS).bind(r.donor_id.0).execute(&mut *tx).await?;
                sqlx::query(INSERT_RECALL)
                    .bind(r.id)
                    .bind(r.donor_id.0)
                    .bind(r.donation_id.0)
                    .bind(r.donation_type.as_str())
                    .bind(r.due_on)
                    .bind(r.status.as_str())
                    .bind(r.created_at)
                    .bind(r.completed_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find(&self, id: DonationId) -> StoreResult<Option<Donation>> {
                let sql = format!("select {DONATION_COLUMNS} from donations where donation_id = $1");
                let row: Option<DonationRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                row.map(Donation::try_from).transpose()
            }

            async fn recent(&self, donor: DonorId, since: DateTime<Utc>) -> StoreResult<Vec<PastDonation>> {
                let sql =
                    "select donation_type, collected_at from donations where donor_id = $1 and collected_at >= $2";
                let rows: Vec<(String, DateTime<Utc>)> =
                    sqlx::query_as(sql).bind(donor.0).bind(since).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(kind, collected_at)| {
                        let donation_type = DonationType::parse(&kind)
                            .ok_or_else(|| StorageError::Corrupt(format!("donation type `{kind}`")))?;
                        Ok(PastDonation { donation_type, collected_at })
                    })
                    .collect()
            }

            async fn list_for_donor(&self, donor: DonorId, page: PageRequest) -> StoreResult<Page<Donation>> {
                let (count,): (i64,) = sqlx::query_as("select count(*) from donations where donor_id = $1")
                    .bind(donor.0)
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit(page);
                let sql = format!(
                    "select {DONATION_COLUMNS} from donations where donor_id = $1 \
                     order by collected_at desc, donation_id desc limit $2 offset $3"
                );
                let rows: Vec<DonationRow> =
                    sqlx::query_as(&sql).bind(donor.0).bind(limit).bind(offset).fetch_all(&self.pool).await?;
                let items = rows.into_iter().map(Donation::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: total(count) })
            }

            async fn screening(&self, donation: DonationId) -> StoreResult<Vec<ScreeningRecord>> {
                let sql = format!(
                    "select {SCREENING_COLUMNS} from screening_results where donation_id = $1 \
                     order by recorded_at, result_id"
                );
                let rows: Vec<ScreeningRow> = sqlx::query_as(&sql).bind(donation.0).fetch_all(&self.pool).await?;
                rows.into_iter().map(ScreeningRecord::try_from).collect()
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_donation_store!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_donation_store!(sqlx::Postgres);
