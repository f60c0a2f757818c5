//! The trait implementations of `sql.rs`, as a macro instantiated once per pool type; names
//! resolve in `sql.rs`.

macro_rules! impl_track1_stores {
    ($db:ty, $dialect:expr) => {
        impl SqlFeedback<$db> {
            /// `NotFound` when the session does not exist, else `Conflict` (it was not in the
            /// state a conditional update expected).
            async fn missed(&self, id: SessionId, what: &str) -> StorageError {
                let found: Result<(i64,), _> = sqlx::query_as(COUNT_SESSION).bind(id.0).fetch_one(&self.pool).await;
                match found {
                    Ok((0,)) => StorageError::NotFound,
                    Ok(_) => StorageError::Conflict(format!("feedback session {}: {what}", id.0)),
                    Err(e) => e.into(),
                }
            }

            fn bind_state<'q>(
                query: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
                st: &'q State<'q>,
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
                query
                    .bind(&st.responses)
                    .bind(st.overall_rating)
                    .bind(st.overall_sentiment)
                    .bind(st.sentiment_score)
                    .bind(st.recommendation_score)
                    .bind(&st.analytics)
                    .bind(st.escalation_level)
                    .bind(st.urgency)
                    .bind(st.updated_at)
                    .bind(st.status)
                    .bind(st.submitted_at)
                    .bind(st.completion_rate)
                    .bind(st.version)
            }
        }

        #[async_trait]
        impl SessionStore for SqlFeedback<$db> {
            async fn insert(&self, s: &FeedbackSession) -> StoreResult<()> {
                let st = State::of(s);
                Self::bind_state(sqlx::query(INSERT_SESSION), &st)
                    .bind(s.id.0)
                    .bind(s.user_id.0)
                    .bind(s.conversation_id)
                    .bind(s.session_type.as_str())
                    .bind(&s.department)
                    .bind(s.visit_date)
                    .bind(&s.visit_type)
                    .bind(Json(&s.template))
                    .bind(&s.language)
                    .bind(Json(&s.accessibility_features))
                    .bind(s.created_at)
                    .bind(s.review.status.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find(&self, id: SessionId) -> StoreResult<Option<FeedbackSession>> {
                let sql = format!("select {SESSION_COLUMNS} from feedback_sessions where session_id = $1");
                let row: Option<SessionRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
                row.map(FeedbackSession::try_from).transpose()
            }

            async fn save_progress(&self, s: &FeedbackSession) -> StoreResult<()> {
                let st = State::of(s);
                let done = Self::bind_state(sqlx::query(SAVE_STATE), &st)
                    .bind(s.version - 1)
                    .bind(s.id.0)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(self.missed(s.id, "submitted or changed meanwhile").await);
                }
                Ok(())
            }

            async fn submit(&self, s: &FeedbackSession, notice: Option<&StaffNotification>) -> StoreResult<()> {
                let st = State::of(s);
                let mut tx = self.pool.begin().await?;
                let done = Self::bind_state(sqlx::query(SAVE_STATE), &st)
                    .bind(s.version - 1)
                    .bind(s.id.0)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    drop(tx);
                    return Err(self.missed(s.id, "submitted or changed meanwhile").await);
                }
                if let Some(n) = notice {
                    sqlx::query(INSERT_NOTICE)
                        .bind(n.id)
                        .bind(&n.kind)
                        .bind(n.session_id.0)
                        .bind(i32::from(n.level))
                        .bind(n.created_at)
                        .bind(n.consumed_at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn save_review(&self, s: &FeedbackSession, from: ReviewStatus) -> StoreResult<()> {
                let done = sqlx::query(SAVE_REVIEW)
                    .bind(s.id.0)
                    .bind(s.review.status.as_str())
                    .bind(&s.review.assigned_to)
                    .bind(&s.review.notes)
                    .bind(s.review.reviewed_at)
                    .bind(s.updated_at)
                    .bind(from.as_str())
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(self.missed(s.id, "its review status changed").await);
                }
                Ok(())
            }

            async fn list_by_user(&self, user: UserId, page: PageRequest) -> StoreResult<Page<FeedbackSession>> {
                let (count,): (i64,) = sqlx::query_as("select count(*) from feedback_sessions where user_id = $1")
                    .bind(user.0)
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit(page);
                let sql = format!(
                    "select {SESSION_COLUMNS} from feedback_sessions where user_id = $1 \
                     order by created_at desc, session_id desc limit $2 offset $3"
                );
                let rows: Vec<SessionRow> =
                    sqlx::query_as(&sql).bind(user.0).bind(limit).bind(offset).fetch_all(&self.pool).await?;
                rows_to_page(rows, count)
            }

            async fn review_queue(&self, f: &QueueFilter, page: PageRequest) -> StoreResult<Page<FeedbackSession>> {
                let review = f.review_status.map(ReviewStatus::as_str);
                let urgency = f.urgency.map(urgency_name);
                let count_sql = format!("select count(*) from feedback_sessions{QUEUE_FILTER}");
                let (count,): (i64,) = sqlx::query_as(&count_sql)
                    .bind(&f.department)
                    .bind(review)
                    .bind(urgency)
                    .bind(f.from)
                    .bind(f.to)
                    .fetch_one(&self.pool)
                    .await?;
                let (limit, offset) = limit(page);
                let sql = format!(
                    "select {SESSION_COLUMNS} from feedback_sessions{QUEUE_FILTER} \
                     order by escalation_level desc, submitted_at, session_id limit $6 offset $7"
                );
                let rows: Vec<SessionRow> = sqlx::query_as(&sql)
                    .bind(&f.department)
                    .bind(review)
                    .bind(urgency)
                    .bind(f.from)
                    .bind(f.to)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                rows_to_page(rows, count)
            }

            async fn analytics(&self, q: &AnalyticsQuery) -> StoreResult<Vec<GroupCounts>> {
                let span: Span = if $dialect.needs_span() {
                    sqlx::query_as(SPAN_SQL).bind(q.from).bind(q.to).fetch_one(&self.pool).await?
                } else {
                    (None, None)
                };
                let rows: Vec<CountRow> = sqlx::query_as(&counts_sql($dialect, q, span))
                    .bind(q.from)
                    .bind(q.to)
                    .fetch_all(&self.pool)
                    .await?;
                let topics: Vec<TopicRow> = sqlx::query_as(&topics_sql($dialect, q, span))
                    .bind(q.from)
                    .bind(q.to)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(merge(rows, topics))
            }

            async fn notifications(&self, session: SessionId) -> StoreResult<Vec<StaffNotification>> {
                let rows: Vec<NoticeRow> = sqlx::query_as(SELECT_NOTICES).bind(session.0).fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }
        }

        #[async_trait]
        impl TemplateStore for SqlFeedback<$db> {
            async fn insert(&self, t: &QuestionnaireTemplate, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(INSERT_TEMPLATE)
                    .bind(&t.id)
                    .bind(t.session_type.as_str())
                    .bind(&t.department)
                    .bind(Json(t))
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn save(&self, t: &QuestionnaireTemplate, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(SAVE_TEMPLATE)
                    .bind(&t.id)
                    .bind(t.session_type.as_str())
                    .bind(&t.department)
                    .bind(Json(t))
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn find(&self, id: &str) -> StoreResult<Option<QuestionnaireTemplate>> {
                let row: Option<(Json<QuestionnaireTemplate>,)> =
                    sqlx::query_as("select template from questionnaire_templates where template_id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(t,)| t.0))
            }

            async fn list(&self) -> StoreResult<Vec<QuestionnaireTemplate>> {
                let rows: Vec<(Json<QuestionnaireTemplate>,)> =
                    sqlx::query_as("select template from questionnaire_templates order by template_id")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(t,)| t.0).collect())
            }
        }
    };
}
