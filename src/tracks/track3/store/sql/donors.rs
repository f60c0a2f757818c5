//! [`DonorStore`] in shared SQL. The `eligible` filter is the SQL form of the eligibility
//! rules' date bounds (age, weight, active deferrals, donation intervals), checked against
//! `assess` by the conformance suite.

use async_trait::async_trait;

use super::{like_pattern, limit, total, DeferralRow, DonorRow, SqlBloodBank, DEFERRAL_COLUMNS, DONOR_COLUMNS};
use crate::{
    gateway::identity::domain::{Email, Page, PageRequest},
    storage::{StorageError, StoreResult},
    tracks::track3::{
        domain::{
            donation::DonationType,
            donor::{Deferral, Donor, DonorId},
            groups::Abo,
        },
        store::{DonorFilter, DonorStore},
    },
};

const INSERT_DONOR: &str = "insert into donors (donor_id, full_name, national_id, date_of_birth, sex, weight_kg, abo, \
    rh_positive, abo_confirmed, phone_number, email, address, last_donation_at, version, created_at, updated_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
const UPDATE_DONOR: &str = "update donors set full_name = $2, national_id = $3, weight_kg = $4, phone_number = $5, \
    email = $6, address = $7, updated_at = $8 where donor_id = $1";
const INSERT_DEFERRAL: &str = "insert into deferrals (deferral_id, donor_id, reason, starts_on, ends_on, note, \
    recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)";
const BUMP_VERSION: &str = "update donors set version = version + 1, updated_at = $2 where donor_id = $1";

/// `$1` search pattern, `$2` ABO, `$3` Rh, `$4` eligible; `$5`–`$12` the eligibility bounds.
const DONOR_FILTER: &str = " where ($1 is null or lower(full_name) like $1 escape '\\' \
    or coalesce(phone_number, '') like $1 escape '\\' or lower(coalesce(national_id, '')) like $1 escape '\\') \
    and ($2 is null or abo = $2) and ($3 is null or rh_positive = $3) \
    and ($4 is null or (date_of_birth <= $5 and date_of_birth > $6 and weight_kg >= $7 \
        and not exists (select 1 from deferrals f where f.donor_id = donors.donor_id \
            and f.starts_on <= $8 and (f.ends_on is null or f.ends_on > $8)) \
        and not exists (select 1 from donations d where d.donor_id = donors.donor_id and ( \
            (d.donation_type = 'whole_blood' and d.collected_at >= $9) \
            or (d.donation_type = 'double_red_cells' and d.collected_at >= $10) \
            or (d.donation_type = 'plasma' and d.collected_at >= $11) \
            or (d.donation_type = 'platelets' and d.collected_at >= $12)))) = $4)";

fn too_recent_since(filter: &DonorFilter, kind: DonationType) -> chrono::DateTime<chrono::Utc> {
    let found = filter.bounds.too_recent_since.iter().find(|(t, _)| *t == kind);
    found.map_or(chrono::DateTime::<chrono::Utc>::MIN_UTC, |(_, since)| *since)
}

macro_rules! bind_donor_filter {
    ($query:expr, $filter:expr, $pattern:expr) => {
        $query
            .bind($pattern)
            .bind($filter.abo.map(Abo::as_str))
            .bind($filter.rh_positive)
            .bind($filter.eligible)
            .bind($filter.bounds.born_on_or_before)
            .bind($filter.bounds.born_after)
            .bind($filter.bounds.min_weight_kg)
            .bind($filter.bounds.on)
            .bind(too_recent_since($filter, DonationType::WholeBlood))
            .bind(too_recent_since($filter, DonationType::DoubleRedCells))
            .bind(too_recent_since($filter, DonationType::Plasma))
            .bind(too_recent_since($filter, DonationType::Platelets))
    };
}

macro_rules! impl_donor_store {
    ($db:ty) => {
        #[async_trait]
        impl DonorStore for SqlBloodBank<$db> {
            async fn insert(&self, donor: &Donor) -> StoreResult<()> {
                sqlx::query(INSERT_DONOR)
                    .bind(donor.id.0)
                    .bind(&donor.full_name)
                    .bind(&donor.national_id)
                    .bind(donor.date_of_birth)
                    .bind(donor.sex.as_str())
                    .bind(donor.weight_kg)
                    .bind(donor.blood_group.map(|g| g.abo.as_str()))
                    .bind(donor.blood_group.map(|g| g.rh_positive))
                    .bind(donor.abo_confirmed)
                    .bind(donor.contact.phone.as_ref().map(|p| p.as_str()))
                    .bind(donor.contact.email.as_ref().map(Email::as_str))
                    .bind(&donor.contact.address)
                    .bind(donor.last_donation_at)
                    .bind(donor.version)
                    .bind(donor.created_at)
                    .bind(donor.updated_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find(&self, id: DonorId) -> StoreResult<Option<Donor>> {
                let sql = format!("select {DONOR_COLUMNS} from donors where donor_id = $1");
                let row: Option<DonorRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                row.map(Donor::try_from).transpose()
            }

            async fn update(&self, donor: &Donor) -> StoreResult<()> {
                let done = sqlx::query(UPDATE_DONOR)
                    .bind(donor.id.0)
                    .bind(&donor.full_name)
                    .bind(&donor.national_id)
                    .bind(donor.weight_kg)
                    .bind(donor.contact.phone.as_ref().map(|p| p.as_str()))
                    .bind(donor.contact.email.as_ref().map(Email::as_str))
                    .bind(&donor.contact.address)
                    .bind(donor.updated_at)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Ok(())
            }

            async fn list(&self, filter: &DonorFilter, page: PageRequest) -> StoreResult<Page<Donor>> {
                let pattern = like_pattern(filter.search.as_deref());
                let count_sql = format!("select count(*) from donors{DONOR_FILTER}");
                let (count,): (i64,) =
                    bind_donor_filter!(sqlx::query_as(&count_sql), filter, &pattern).fetch_one(&self.pool).await?;
                let (limit, offset) = limit(page);
                let page_sql = format!(
                    "select {DONOR_COLUMNS} from donors{DONOR_FILTER} \
                     order by created_at desc, donor_id desc limit $13 offset $14"
                );
                let rows: Vec<DonorRow> = bind_donor_filter!(sqlx::query_as(&page_sql), filter, &pattern)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(Donor::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: total(count) })
            }

            async fn add_deferral(&self, deferral: &Deferral) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let bumped = sqlx::query(BUMP_VERSION)
                    .bind(deferral.donor_id.0)
                    .bind(deferral.recorded_at)
                    .execute(&mut *tx)
                    .await?;
                if bumped.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                sqlx::query(INSERT_DEFERRAL)
                    .bind(deferral.id.0)
                    .bind(deferral.donor_id.0)
                    .bind(deferral.reason.as_str())
                    .bind(deferral.starts_on)
                    .bind(deferral.until)
                    .bind(&deferral.note)
                    .bind(deferral.recorded_by)
                    .bind(deferral.recorded_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn deferrals(&self, donor: DonorId) -> StoreResult<Vec<Deferral>> {
                let sql = format!(
                    "select {DEFERRAL_COLUMNS} from deferrals where donor_id = $1 \
                     order by recorded_at desc, deferral_id desc"
                );
                let rows: Vec<DeferralRow> = sqlx::query_as(&sql).bind(donor.0).fetch_all(&self.pool).await?;
                rows.into_iter().map(Deferral::try_from).collect()
            }
        }
    };
}

#[cfg(feature = "sqlite")]
impl_donor_store!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
impl_donor_store!(sqlx::Postgres);
