//! `DeliveryStore` of `sql.rs`, as a macro instantiated once per pool type; names resolve in
//! `sql.rs`.

macro_rules! impl_delivery_store {
    ($db:ty, $lock:expr) => {
        impl SqlReminders<$db> {
            async fn deliveries_where(
                &self,
                condition: &str,
                bind: DateTime<Utc>,
                limit: u32,
            ) -> StoreResult<Vec<Delivery>> {
                let sql = format!(
                    "select {DELIVERY_COLUMNS} from reminder_deliveries where {condition} \
                     order by scheduled_for, delivery_id limit $2"
                );
                let rows: Vec<DeliveryRow> =
                    sqlx::query_as(&sql).bind(bind).bind(i64::from(limit)).fetch_all(&self.pool).await?;
                rows.into_iter().map(Delivery::try_from).collect()
            }
        }

        #[async_trait]
        impl DeliveryStore for SqlReminders<$db> {
            async fn claim(
                &self,
                now: DateTime<Utc>,
                owner: &str,
                lease_until: DateTime<Utc>,
                limit: u32,
            ) -> StoreResult<Vec<Delivery>> {
                let rows: Vec<DeliveryRow> = sqlx::query_as(&claim_sql($lock))
                    .bind(now)
                    .bind(owner)
                    .bind(lease_until)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(Delivery::try_from).collect()
            }

            async fn find(&self, id: DeliveryId) -> StoreResult<Option<Delivery>> {
                let sql = format!("select {DELIVERY_COLUMNS} from reminder_deliveries where delivery_id = $1");
                let row: Option<DeliveryRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                row.map(Delivery::try_from).transpose()
            }

            async fn find_by_message_id(&self, message_id: &str) -> StoreResult<Option<Delivery>> {
                let sql = format!(
                    "select {DELIVERY_COLUMNS} from reminder_deliveries where provider_message_id = $1 limit 1"
                );
                let row: Option<DeliveryRow> = sqlx::query_as(&sql).bind(message_id).fetch_optional(&self.pool).await?;
                row.map(Delivery::try_from).transpose()
            }

            async fn finish_attempt(&self, d: &Delivery, owner: &str, delta: &CounterDelta) -> StoreResult<()> {
                let st = State::of(d);
                let mut tx = self.pool.begin().await?;
                let done =
                    bind_state!(sqlx::query(&finish_sql()), st).bind(d.id.0).bind(owner).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::Conflict(format!("delivery {}: the lease was lost", d.id.0)));
                }
                Self::bump(&mut tx, d.reminder_id, delta).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn apply(
                &self,
                d: &Delivery,
                from: DeliveryStatus,
                event_key: Option<&str>,
                delta: &CounterDelta,
            ) -> StoreResult<bool> {
                let st = State::of(d);
                let mut tx = self.pool.begin().await?;
                if let Some(key) = event_key {
                    let fresh = sqlx::query(INSERT_EVENT)
                        .bind(key)
                        .bind(d.id.0)
                        .bind(name_of(&d.status))
                        .bind(d.updated_at)
                        .execute(&mut *tx)
                        .await?;
                    if fresh.rows_affected() == 0 {
                        return Ok(false);
                    }
                }
                let done = bind_state!(sqlx::query(&apply_sql()), st)
                    .bind(d.id.0)
                    .bind(name_of(&from))
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::Conflict(format!("delivery {} changed meanwhile", d.id.0)));
                }
                Self::bump(&mut tx, d.reminder_id, delta).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn insert_new(&self, deliveries: &[Delivery]) -> StoreResult<u64> {
                let mut tx = self.pool.begin().await?;
                let mut inserted = 0;
                for d in deliveries {
                    // Only what was really inserted counts as scheduled.
                    if Self::insert_deliveries(&mut tx, std::slice::from_ref(d)).await? == 1 {
                        sqlx::query(SCHEDULED_TOTAL).bind(d.reminder_id.0).bind(1_i64).execute(&mut *tx).await?;
                        inserted += 1;
                    }
                }
                tx.commit().await?;
                Ok(inserted)
            }

            async fn of_occurrence(&self, reminder: ReminderId, at: DateTime<Utc>) -> StoreResult<Vec<Delivery>> {
                let sql = format!(
                    "select {DELIVERY_COLUMNS} from reminder_deliveries where reminder_id = $1 \
                     and occurrence_at = $2 order by created_at, delivery_id"
                );
                let rows: Vec<DeliveryRow> =
                    sqlx::query_as(&sql).bind(reminder.0).bind(at).fetch_all(&self.pool).await?;
                rows.into_iter().map(Delivery::try_from).collect()
            }

            async fn unresolved(&self, before: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Delivery>> {
                self.deliveries_where(UNRESOLVED, before, limit).await
            }

            async fn list(&self, f: &DeliveryFilter, page: PageRequest) -> StoreResult<Page<Delivery>> {
                let reminder = f.reminder_id.map(|r| r.0);
                let user = f.user_id.map(|u| u.0);
                let count_sql = format!("select count(*) from reminder_deliveries{DELIVERY_FILTER}");
                let (total,): (i64,) = sqlx::query_as(&count_sql)
                    .bind(reminder)
                    .bind(user)
                    .bind(f.from)
                    .bind(f.to)
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit_offset(page);
                let sql = format!(
                    "select {DELIVERY_COLUMNS} from reminder_deliveries{DELIVERY_FILTER} \
                     order by scheduled_for desc, delivery_id desc limit $5 offset $6"
                );
                let rows: Vec<DeliveryRow> = sqlx::query_as(&sql)
                    .bind(reminder)
                    .bind(user)
                    .bind(f.from)
                    .bind(f.to)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(Delivery::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: count(total) })
            }
        }
    };
}
