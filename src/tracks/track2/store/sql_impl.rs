//! The trait implementations of `sql.rs`, as a macro instantiated once per pool type; names
//! resolve in `sql.rs`.

macro_rules! impl_track2_stores {
    ($db:ty) => {
        impl SqlChat<$db> {
            /// The messages selected by `tail` (`where ... order by ... limit $n offset $m`, bound
            /// to the conversation id when given, then the window), with their translations.
            async fn select_messages(
                &self,
                tail: &str,
                conversation: Option<Uuid>,
                window: Option<(i64, i64)>,
            ) -> StoreResult<Vec<Message>> {
                let rows_sql = format!("select {MESSAGE_COLUMNS} from messages{tail}");
                let ids_sql = format!(
                    "select message_id, language, content from message_translations \
                     where message_id in (select message_id from messages{tail})"
                );
                let mut rows = sqlx::query_as::<_, MessageRow>(&rows_sql);
                let mut translations = sqlx::query_as::<_, TranslationRow>(&ids_sql);
                if let Some(id) = conversation {
                    rows = rows.bind(id);
                    translations = translations.bind(id);
                }
                if let Some((limit, offset)) = window {
                    rows = rows.bind(limit).bind(offset);
                    translations = translations.bind(limit).bind(offset);
                }
                let rows = rows.fetch_all(&self.pool).await?;
                let translations = translations.fetch_all(&self.pool).await?;
                messages_of(rows, translations)
            }

            /// `NotFound` when the message does not exist, else `Conflict`.
            async fn missed(&self, id: MessageId) -> StorageError {
                let found: Result<(i64,), _> = sqlx::query_as("select count(*) from messages where message_id = $1")
                    .bind(id.0)
                    .fetch_one(&self.pool)
                    .await;
                match found {
                    Ok((0,)) => StorageError::NotFound,
                    Ok(_) => StorageError::Conflict(format!("message {} changed meanwhile", id.0)),
                    Err(e) => e.into(),
                }
            }
        }

        #[async_trait]
        impl ConversationStore for SqlChat<$db> {
            async fn insert(&self, c: &Conversation) -> StoreResult<()> {
                sqlx::query(INSERT_CONVERSATION)
                    .bind(c.id.0)
                    .bind(c.user_id.0)
                    .bind(c.conversation_type.as_str())
                    .bind(&c.title)
                    .bind(&c.summary)
                    .bind(c.status.as_str())
                    .bind(c.context.as_ref().map(Json))
                    .bind(c.counters.message_count)
                    .bind(c.counters.total_tokens)
                    .bind(c.counters.response_time_total_ms)
                    .bind(c.counters.timed_replies)
                    .bind(c.started_at)
                    .bind(c.last_message_at)
                    .bind(c.archived_at)
                    .bind(c.created_at)
                    .bind(c.updated_at)
                    .bind(c.last_activity_at())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find(&self, id: ConversationId) -> StoreResult<Option<Conversation>> {
                let sql = format!("select {CONVERSATION_COLUMNS} from conversations where conversation_id = $1");
                let row: Option<ConversationRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                row.map(Conversation::try_from).transpose()
            }

            async fn list(&self, f: &ConversationFilter, page: PageRequest) -> StoreResult<Page<Conversation>> {
                let (status, kind) = list_binds(f);
                let count_sql = format!("select count(*) from conversations{LIST_FILTER}");
                let (count,): (i64,) =
                    sqlx::query_as(&count_sql).bind(f.user_id.0).bind(status).bind(kind).fetch_one(&self.pool).await?;
                let (limit, offset) = limit(page);
                let sql = format!(
                    "select {CONVERSATION_COLUMNS} from conversations{LIST_FILTER} \
                     order by last_activity_at desc, conversation_id desc limit $4 offset $5"
                );
                let rows: Vec<ConversationRow> = sqlx::query_as(&sql)
                    .bind(f.user_id.0)
                    .bind(status)
                    .bind(kind)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                let items = rows.into_iter().map(Conversation::try_from).collect::<StoreResult<_>>()?;
                Ok(Page { items, total: total(count) })
            }

            async fn update(&self, id: ConversationId, p: &ConversationPatch, now: DateTime<Utc>) -> StoreResult<()> {
                let archived = p.archived_at(now);
                let done = sqlx::query(PATCH_CONVERSATION)
                    .bind(id.0)
                    .bind(&p.title)
                    .bind(&p.summary)
                    .bind(p.status.map(ConversationStatus::as_str))
                    .bind(p.context.as_ref().map(Json))
                    .bind(archived.is_some())
                    .bind(archived.flatten())
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Ok(())
            }
        }

        #[async_trait]
        impl MessageStore for SqlChat<$db> {
            async fn append(&self, m: &Message) -> StoreResult<()> {
                let delta = Counters::delta_of(m);
                let mut tx = self.pool.begin().await?;
                // The counter update comes first: it locks the conversation row (PostgreSQL)
                // or takes the write lock (SQLite) before anything else is written.
                let counted = sqlx::query(COUNT_MESSAGE)
                    .bind(m.conversation_id.0)
                    .bind(delta.total_tokens)
                    .bind(delta.response_time_total_ms)
                    .bind(delta.timed_replies)
                    .bind(m.timestamp)
                    .execute(&mut *tx)
                    .await?;
                if counted.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                sqlx::query(INSERT_MESSAGE)
                    .bind(m.id.0)
                    .bind(m.conversation_id.0)
                    .bind(m.user_id.0)
                    .bind(m.role.as_str())
                    .bind(&m.content)
                    .bind(m.content_type.as_str())
                    .bind(&m.original_language)
                    .bind(m.llm_metadata.as_ref().map(Json))
                    .bind(m.feedback_analysis.as_ref().map(Json))
                    .bind(m.reply_to.map(|r| r.0))
                    .bind(m.context.as_ref().map(Json))
                    .bind(m.flag.as_ref().map(|f| f.reason.as_str()))
                    .bind(m.flag.as_ref().map(|f| f.flagged_at))
                    .bind(m.incomplete)
                    .bind(m.timestamp)
                    .bind(Json(&m.edit_history))
                    .bind(m.created_at)
                    .bind(m.updated_at)
                    .execute(&mut *tx)
                    .await?;
                for (language, text) in &m.translated_content {
                    sqlx::query(SAVE_TRANSLATION)
                        .bind(m.id.0)
                        .bind(language)
                        .bind(text)
                        .bind(m.created_at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn find(&self, id: MessageId) -> StoreResult<Option<Message>> {
                let tail = " where message_id = $1";
                let sql = format!("select {MESSAGE_COLUMNS} from messages{tail}");
                let row: Option<MessageRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let translations: Vec<TranslationRow> = sqlx::query_as(
                    "select message_id, language, content from message_translations where message_id = $1",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(messages_of(vec![row], translations)?.pop())
            }

            async fn list(&self, conversation: ConversationId, page: PageRequest) -> StoreResult<Page<Message>> {
                let (count,): (i64,) = sqlx::query_as("select count(*) from messages where conversation_id = $1")
                    .bind(conversation.0)
                    .fetch_one(&self.pool)
                    .await?;
                let tail = format!(" where conversation_id = $1{CONVERSATION_ORDER} limit $2 offset $3");
                let items = self.select_messages(&tail, Some(conversation.0), Some(limit(page))).await?;
                Ok(Page { items, total: total(count) })
            }

            async fn recent(&self, conversation: ConversationId, count: u32) -> StoreResult<Vec<Message>> {
                let tail = " where conversation_id = $1 order by sent_at desc, message_id desc limit $2 offset $3";
                let mut items = self.select_messages(tail, Some(conversation.0), Some((i64::from(count), 0))).await?;
                items.reverse();
                Ok(items)
            }

            async fn edit(&self, before: &Message, after: &Message) -> StoreResult<()> {
                let done = sqlx::query(EDIT_MESSAGE)
                    .bind(before.id.0)
                    .bind(&after.content)
                    .bind(Json(&after.edit_history))
                    .bind(after.updated_at)
                    .bind(&before.content)
                    .bind(before.updated_at)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(self.missed(before.id).await);
                }
                Ok(())
            }

            async fn set_translation(
                &self,
                id: MessageId,
                language: &str,
                text: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                if matches!(self.missed(id).await, StorageError::NotFound) {
                    return Err(StorageError::NotFound);
                }
                sqlx::query(SAVE_TRANSLATION)
                    .bind(id.0)
                    .bind(language)
                    .bind(text)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_analysis(&self, id: MessageId, analysis: &MessageAnalysis) -> StoreResult<()> {
                let done = sqlx::query("update messages set feedback_analysis = $2 where message_id = $1")
                    .bind(id.0)
                    .bind(Json(analysis))
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Ok(())
            }

            async fn flagged(&self, page: PageRequest) -> StoreResult<Page<Message>> {
                let (count,): (i64,) = sqlx::query_as("select count(*) from messages where flagged_at is not null")
                    .fetch_one(&self.pool)
                    .await?;
                let tail = format!(" where flagged_at is not null{FLAGGED_ORDER} limit $1 offset $2");
                let items = self.select_messages(&tail, None, Some(limit(page))).await?;
                Ok(Page { items, total: total(count) })
            }
        }
    };
}
