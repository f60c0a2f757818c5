//! `ReminderStore` and `InboxStore` of `sql.rs`, as a macro instantiated once per pool type;
//! names resolve in `sql.rs`.

macro_rules! impl_reminder_stores {
    ($db:ty, $lock:expr) => {
        impl SqlReminders<$db> {
            fn bind_reminder<'q>(
                query: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
                r: &'q Reminder,
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
                query
                    .bind(r.id.0)
                    .bind(r.user_id.0)
                    .bind(&r.title)
                    .bind(&r.message)
                    .bind(name_of(&r.reminder_type))
                    .bind(&r.category)
                    .bind(&r.schedule.timezone)
                    .bind(Json(&r.schedule))
                    .bind(Json(&r.delivery))
                    .bind(Json(&r.smart_features))
                    .bind(name_of(&r.status))
                    .bind(r.next_occurrence_at)
                    .bind(r.version)
                    .bind(r.created_at)
                    .bind(r.updated_at)
                    .bind(r.created_by.0)
                    .bind(r.last_modified_by.0)
            }

            async fn insert_deliveries(
                tx: &mut sqlx::Transaction<'_, $db>,
                deliveries: &[Delivery],
            ) -> StoreResult<u64> {
                let mut inserted = 0;
                for d in deliveries {
                    let st = State::of(d);
                    let done = bind_state!(sqlx::query(INSERT_DELIVERY), st)
                        .bind(d.id.0)
                        .bind(d.reminder_id.0)
                        .bind(d.user_id.0)
                        .bind(&d.idempotency_key)
                        .bind(name_of(&d.kind))
                        .bind(&d.recipient)
                        .bind(d.occurrence_at)
                        .bind(d.scheduled_for)
                        .bind(d.method.as_str())
                        .bind(i32::try_from(d.max_retries).unwrap_or(i32::MAX))
                        .bind(Json(&d.context))
                        .bind(d.created_at)
                        .execute(&mut **tx)
                        .await?;
                    inserted += done.rows_affected();
                }
                Ok(inserted)
            }

            async fn bump(tx: &mut sqlx::Transaction<'_, $db>, id: ReminderId, delta: &CounterDelta) -> StoreResult<()> {
                if *delta == CounterDelta::default() {
                    return Ok(());
                }
                let (streak, at) = streak_of(delta);
                sqlx::query(BUMP_COUNTERS)
                    .bind(id.0)
                    .bind(delta.sent)
                    .bind(delta.delivered)
                    .bind(delta.acknowledged)
                    .bind(delta.response_secs)
                    .bind(delta.missed)
                    .bind(streak)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        }

        #[async_trait]
        impl ReminderStore for SqlReminders<$db> {
            async fn insert(&self, r: &Reminder) -> StoreResult<()> {
                Self::bind_reminder(sqlx::query(INSERT_REMINDER), r).execute(&self.pool).await?;
                Ok(())
            }

            async fn find(&self, id: ReminderId) -> StoreResult<Option<Reminder>> {
                let sql = format!("select {REMINDER_COLUMNS} from reminders where reminder_id = $1");
                let row: Option<ReminderRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                row.map(Reminder::try_from).transpose()
            }

            async fn update(&self, r: &Reminder) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let done =
                    Self::bind_reminder(sqlx::query(UPDATE_REMINDER), r).bind(r.version - 1).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    drop(tx);
                    return Err(match ReminderStore::find(self, r.id).await? {
                        Some(_) => StorageError::Conflict(format!("reminder {} changed meanwhile", r.id.0)),
                        None => StorageError::NotFound,
                    });
                }
                if !r.status.is_open() {
                    sqlx::query(CANCEL_PENDING).bind(r.id.0).bind(r.updated_at).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn list(&self, f: &ReminderFilter, page: PageRequest) -> StoreResult<Page<Reminder>> {
                let status = f.status.map(|s| name_of(&s));
                let kind = f.reminder_type.map(|t| name_of(&t));
                let user = f.user_id.map(|u| u.0);
                let (total,): (i64,) = sqlx::query_as(&format!("select count(*) from reminders{REMINDER_FILTER}"))
                    .bind(user)
                    .bind(&status)
                    .bind(&kind)
                    .bind(&f.category)
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit_offset(page);
                let sql = format!(
                    "select {REMINDER_COLUMNS} from reminders{REMINDER_FILTER} \
                     order by created_at desc, reminder_id desc limit $5 offset $6"
                );
                let rows: Vec<ReminderRow> = sqlx::query_as(&sql)
                    .bind(user)
                    .bind(&status)
                    .bind(&kind)
                    .bind(&f.category)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(Reminder::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: count(total) })
            }

            async fn due(&self, until: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Reminder>> {
                let sql = format!(
                    "select {REMINDER_COLUMNS} from reminders where status = 'active' \
                     and next_occurrence_at <= $1 order by next_occurrence_at, reminder_id limit $2"
                );
                let rows: Vec<ReminderRow> =
                    sqlx::query_as(&sql).bind(until).bind(i64::from(limit)).fetch_all(&self.pool).await?;
                rows.into_iter().map(Reminder::try_from).collect()
            }

            async fn advance(
                &self,
                id: ReminderId,
                from: DateTime<Utc>,
                to: Option<DateTime<Utc>>,
                deliveries: &[Delivery],
                delta: &CounterDelta,
            ) -> StoreResult<u64> {
                let mut tx = self.pool.begin().await?;
                let inserted = Self::insert_deliveries(&mut tx, deliveries).await?;
                let moved = sqlx::query(ADVANCE)
                    .bind(id.0)
                    .bind(from)
                    .bind(to)
                    .bind(i64::try_from(inserted).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await?;
                if moved.rows_affected() == 0 {
                    // Rolled back on drop: the other instance materialised this occurrence.
                    return Err(StorageError::Conflict(format!("reminder {} advanced meanwhile", id.0)));
                }
                Self::bump(&mut tx, id, delta).await?;
                tx.commit().await?;
                Ok(inserted)
            }
        }

        #[async_trait]
        impl InboxStore for SqlReminders<$db> {
            async fn put(&self, item: &InboxItem) -> StoreResult<bool> {
                let done = sqlx::query(
                    "insert into reminder_inbox (item_id, user_id, delivery_id, reminder_id, title, message, \
                     created_at, read_at) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (delivery_id) do nothing",
                )
                .bind(item.id)
                .bind(item.user_id.0)
                .bind(item.delivery_id.0)
                .bind(item.reminder_id.0)
                .bind(&item.title)
                .bind(&item.message)
                .bind(item.created_at)
                .bind(item.read_at)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn list(&self, user: UserId, page: PageRequest) -> StoreResult<Page<InboxItem>> {
                let (total,): (i64,) = sqlx::query_as("select count(*) from reminder_inbox where user_id = $1")
                    .bind(user.0)
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit_offset(page);
                let sql = format!(
                    "select {INBOX_COLUMNS} from reminder_inbox where user_id = $1 \
                     order by created_at desc, item_id desc limit $2 offset $3"
                );
                let rows: Vec<InboxRow> =
                    sqlx::query_as(&sql).bind(user.0).bind(limit).bind(offset).fetch_all(&self.pool).await?;
                Ok(Page { items: rows.into_iter().map(Into::into).collect(), total: count(total) })
            }

            async fn since(&self, user: UserId, after: DateTime<Utc>, limit: u32) -> StoreResult<Vec<InboxItem>> {
                let sql = format!(
                    "select {INBOX_COLUMNS} from reminder_inbox where user_id = $1 and created_at > $2 \
                     order by created_at, item_id limit $3"
                );
                let rows: Vec<InboxRow> =
                    sqlx::query_as(&sql).bind(user.0).bind(after).bind(i64::from(limit)).fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }
        }
    };
}
