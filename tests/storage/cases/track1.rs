//! Track 1 store cases: feedback sessions (answers, submit with its staff notification, review
//! steps, the review queue, a patient's list) and questionnaire templates.

use carechat::{
    gateway::identity::domain::{PageRequest, UserId},
    storage::{self, Backend, StorageError},
    tracks::track1::{
        analytics::{AnalyticsGroup, AnalyticsQuery, GroupBy, GroupCounts, Period},
        domain::{FeedbackSession, NewSession, QueueFilter, ReviewStatus, SessionId, SessionResponse, SessionStatus},
        feedback::{
            analyzer::{Sentiment, Urgency},
            session::{default_templates, AnswerValue, SessionType},
        },
        store::{ensure_indexes, Track1Stores},
    },
};
use chrono::{DateTime, Duration, NaiveDate, Utc};

async fn build(backend: &Backend) -> Track1Stores {
    ensure_indexes(backend).await.expect("indexes");
    Track1Stores::build(backend)
}

conformance!(
    build,
    [
        sessions_read_back_as_written,
        answers_are_saved_only_while_in_progress,
        submit_stores_its_notification_once,
        review_steps_are_conditional,
        review_queue_filters_orders_and_pages,
        patients_list_their_own_sessions_newest_first,
        templates_insert_save_find_and_list,
        analytics_group_by_department_week_and_type_month,
        analytics_periods_follow_the_clinic_time_zone,
    ]
);

fn new_session(user: UserId, department: &str, now: DateTime<Utc>) -> FeedbackSession {
    let new = NewSession {
        user_id: user,
        session_type: SessionType::PostVisit,
        department: Some(department.to_owned()),
        conversation_id: Some(uuid::Uuid::now_v7()),
        visit_date: NaiveDate::from_ymd_opt(2026, 11, 2),
        visit_type: Some("consultation".into()),
        language: "en".into(),
        accessibility_features: vec!["screen_reader".into()],
    };
    FeedbackSession::start(new, default_templates().remove(0), now)
}

fn answered(mut s: FeedbackSession, overall: u8, recommend: u8) -> FeedbackSession {
    let now = s.created_at + Duration::seconds(20);
    let r = |id: &str, n: u8| SessionResponse::new(&s.template, "en", id.into(), &AnswerValue::Rating(n), None, now);
    let responses = vec![r("overall", overall), r("recommend", recommend)];
    s.record(responses, now);
    s
}

/// Answers (saved as progress) and submits `s` in memory, ready for `SessionStore::submit`.
async fn submitted(stores: &Track1Stores, s: FeedbackSession, level: u8, at: DateTime<Utc>) -> FeedbackSession {
    let mut s = answered(s, 3, 8);
    stores.sessions.save_progress(&s).await.unwrap();
    s.submit(at).unwrap();
    s.assessment.analytics.escalation_level = level;
    s
}

async fn sessions_read_back_as_written(stores: &Track1Stores) {
    let s = answered(new_session(UserId::generate(), "cardiology", storage::now()), 4, 9);
    stores.sessions.insert(&s).await.unwrap();
    assert_eq!(stores.sessions.find(s.id).await.unwrap(), Some(s));
    assert_eq!(stores.sessions.find(SessionId::generate()).await.unwrap(), None);
}

async fn answers_are_saved_only_while_in_progress(stores: &Track1Stores) {
    let s = new_session(UserId::generate(), "cardiology", storage::now());
    stores.sessions.insert(&s).await.unwrap();
    let stale = answered(s.clone(), 1, 1);
    let s = answered(s, 2, 5);
    stores.sessions.save_progress(&s).await.unwrap();
    let lost = stores.sessions.save_progress(&stale).await;
    assert!(matches!(lost, Err(StorageError::Conflict(_))), "{lost:?}");
    assert_eq!(stores.sessions.find(s.id).await.unwrap().unwrap().responses.len(), 2);
    let mut done = s.clone();
    done.submit(storage::now()).unwrap();
    stores.sessions.submit(&done, None).await.unwrap();
    assert!(matches!(stores.sessions.save_progress(&s).await, Err(StorageError::Conflict(_))));
    let unknown = new_session(UserId::generate(), "x", storage::now());
    assert!(matches!(stores.sessions.save_progress(&unknown).await, Err(StorageError::NotFound)));
}

async fn submit_stores_its_notification_once(stores: &Track1Stores) {
    let s = new_session(UserId::generate(), "emergency", storage::now());
    stores.sessions.insert(&s).await.unwrap();
    let mut s = answered(s, 1, 0);
    stores.sessions.save_progress(&s).await.unwrap();
    s.submit(storage::now()).unwrap();
    s.assessment.analytics.escalation_level = 3;
    let notice = s.escalation_notice(storage::now()).unwrap();
    stores.sessions.submit(&s, Some(&notice)).await.unwrap();
    assert_eq!(stores.sessions.notifications(s.id).await.unwrap(), vec![notice.clone()]);
    let stored = stores.sessions.find(s.id).await.unwrap().unwrap();
    assert_eq!(stored.status, SessionStatus::Completed);
    assert_eq!(stored.escalation_level(), 3);
    let again = stores.sessions.submit(&s, Some(&notice)).await;
    assert!(matches!(again, Err(StorageError::Conflict(_))), "{again:?}");
    assert_eq!(stores.sessions.notifications(s.id).await.unwrap().len(), 1);
}

async fn review_steps_are_conditional(stores: &Track1Stores) {
    let s = new_session(UserId::generate(), "cardiology", storage::now());
    stores.sessions.insert(&s).await.unwrap();
    let mut s = submitted(stores, s, 1, storage::now()).await;
    stores.sessions.submit(&s, None).await.unwrap();
    let now = storage::now();
    s.review(ReviewStatus::Reviewed, Some("Nurse A".into()), Some("called back".into()), now).unwrap();
    stores.sessions.save_review(&s, ReviewStatus::Pending).await.unwrap();
    assert!(matches!(stores.sessions.save_review(&s, ReviewStatus::Pending).await, Err(StorageError::Conflict(_))));
    let stored = stores.sessions.find(s.id).await.unwrap().unwrap();
    assert_eq!(stored, s);
    let unknown = new_session(UserId::generate(), "x", now);
    assert!(matches!(stores.sessions.save_review(&unknown, ReviewStatus::Pending).await, Err(StorageError::NotFound)));
}

async fn review_queue_filters_orders_and_pages(stores: &Track1Stores) {
    let t0 = storage::now() - Duration::hours(10);
    let mut expected = Vec::new();
    for (i, (department, level)) in
        [("cardiology", 1), ("Cardiology", 3), ("oncology", 3), ("cardiology", 0)].iter().enumerate()
    {
        let s = new_session(UserId::generate(), department, t0);
        stores.sessions.insert(&s).await.unwrap();
        let s = submitted(stores, s, *level, t0 + Duration::hours(i as i64)).await;
        stores.sessions.submit(&s, None).await.unwrap();
        expected.push(s);
    }
    let open = new_session(UserId::generate(), "cardiology", t0);
    stores.sessions.insert(&open).await.unwrap();
    let all =
        stores.sessions.review_queue(&QueueFilter::default(), PageRequest { page: 1, per_page: 10 }).await.unwrap();
    let ids: Vec<SessionId> = all.items.iter().map(|s| s.id).collect();
    assert_eq!(ids, [expected[1].id, expected[2].id, expected[0].id, expected[3].id]);
    assert_eq!(all.total, 4);
    let cardio = QueueFilter { department: Some("CARDIOLOGY".into()), ..QueueFilter::default() };
    let page2 = stores.sessions.review_queue(&cardio, PageRequest { page: 2, per_page: 2 }).await.unwrap();
    assert_eq!((page2.total, page2.items.len()), (3, 1));
    assert_eq!(page2.items[0].id, expected[3].id);
    let window = QueueFilter {
        from: Some(t0 + Duration::hours(1)),
        to: Some(t0 + Duration::hours(3)),
        review_status: Some(ReviewStatus::Pending),
        urgency: Some(Urgency::Low),
        ..QueueFilter::default()
    };
    let found = stores.sessions.review_queue(&window, PageRequest { page: 1, per_page: 10 }).await.unwrap();
    let ids: Vec<SessionId> = found.items.iter().map(|s| s.id).collect();
    assert_eq!(ids, [expected[1].id, expected[2].id]);
    let high = QueueFilter { urgency: Some(Urgency::High), ..QueueFilter::default() };
    assert_eq!(stores.sessions.review_queue(&high, PageRequest { page: 1, per_page: 10 }).await.unwrap().total, 0);
}

async fn patients_list_their_own_sessions_newest_first(stores: &Track1Stores) {
    let me = UserId::generate();
    let t0 = storage::now();
    let older = new_session(me, "a", t0 - Duration::minutes(5));
    let newer = new_session(me, "b", t0);
    let other = new_session(UserId::generate(), "a", t0);
    for s in [&older, &newer, &other] {
        stores.sessions.insert(s).await.unwrap();
    }
    let page = stores.sessions.list_by_user(me, PageRequest { page: 1, per_page: 10 }).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items, vec![newer, older]);
}

async fn templates_insert_save_find_and_list(stores: &Track1Stores) {
    let mut t = default_templates().remove(2);
    t.id = "cardio-quality".into();
    t.department = Some("cardiology".into());
    stores.templates.insert(&t, storage::now()).await.unwrap();
    assert!(matches!(stores.templates.insert(&t, storage::now()).await, Err(StorageError::Conflict(_))));
    t.questions.truncate(2);
    stores.templates.save(&t, storage::now()).await.unwrap();
    let mut seed = default_templates().remove(0);
    seed.title.insert("es".into(), "¿Cómo fue su visita?".into());
    stores.templates.save(&seed, storage::now()).await.unwrap();
    assert_eq!(stores.templates.find("cardio-quality").await.unwrap(), Some(t.clone()));
    assert_eq!(stores.templates.find("nothing").await.unwrap(), None);
    assert_eq!(stores.templates.list().await.unwrap(), vec![t, seed]);
}

/// `(rating, recommendation, sentiment, completion rate, topics)` of a submitted session.
type Submitted = (f64, Option<u8>, Sentiment, f64, &'static [&'static str]);

struct Fixture {
    department: Option<&'static str>,
    days: i64,
    submitted: Option<Submitted>,
}

async fn store_fixture(stores: &Track1Stores, t0: DateTime<Utc>, f: &Fixture) {
    let mut s = new_session(UserId::generate(), "x", t0 + Duration::days(f.days));
    s.department = f.department.map(str::to_owned);
    stores.sessions.insert(&s).await.unwrap();
    let Some((rating, recommendation, sentiment, completion, topics)) = f.submitted else { return };
    let mut s = submitted(stores, s, 0, t0 + Duration::days(f.days) + Duration::minutes(5)).await;
    s.assessment.overall_rating = Some(rating);
    s.assessment.recommendation_score = recommendation;
    s.assessment.overall_sentiment = Some(sentiment);
    s.assessment.analytics.completion_rate = completion;
    s.responses[0].topics = topics.iter().map(|t| (*t).to_owned()).collect();
    stores.sessions.submit(&s, None).await.unwrap();
}

fn sorted(mut groups: Vec<GroupCounts>) -> Vec<GroupCounts> {
    for g in &mut groups {
        g.topics.sort();
    }
    groups
}

/// The same fixture gives these exact figures on every backend.
async fn analytics_group_by_department_week_and_type_month(stores: &Track1Stores) {
    use Sentiment::{Negative, Neutral, Positive};
    let t0 = DateTime::parse_from_rfc3339("2026-11-02T10:00:00Z").unwrap().with_timezone(&Utc);
    let fixtures = [
        Fixture {
            department: Some("cardiology"),
            days: 0,
            submitted: Some((4.0, Some(10), Positive, 100.0, &["waiting_time"])),
        },
        Fixture {
            department: Some("cardiology"),
            days: 1,
            submitted: Some((2.0, Some(3), Negative, 50.0, &["waiting_time", "billing"])),
        },
        Fixture { department: Some("cardiology"), days: 2, submitted: None },
        Fixture { department: Some("cardiology"), days: 7, submitted: Some((5.0, Some(8), Positive, 100.0, &[])) },
        Fixture { department: Some("oncology"), days: 0, submitted: Some((3.0, None, Neutral, 80.0, &[])) },
        Fixture { department: None, days: 6, submitted: None },
    ];
    for f in &fixtures {
        store_fixture(stores, t0, f).await;
    }
    let weekly = AnalyticsQuery {
        group_by: GroupBy::Department,
        period: Period::Week,
        from: None,
        to: None,
        time_zone: chrono_tz::UTC,
    };
    let week = |key: Option<&str>, start: &str| GroupCounts {
        key: key.map(str::to_owned),
        period_start: start.to_owned(),
        ..GroupCounts::default()
    };
    let expected = vec![
        GroupCounts { sessions: 1, ..week(None, "2026-11-02") },
        GroupCounts {
            sessions: 3,
            completed: 2,
            promoters: 1,
            detractors: 1,
            rated: 2,
            rating_sum: 6.0,
            completion_sum: 150.0,
            positive: 1,
            negative: 1,
            topics: vec![("billing".into(), 1), ("waiting_time".into(), 2)],
            ..week(Some("cardiology"), "2026-11-02")
        },
        GroupCounts {
            sessions: 1,
            completed: 1,
            passives: 1,
            rated: 1,
            rating_sum: 5.0,
            completion_sum: 100.0,
            positive: 1,
            ..week(Some("cardiology"), "2026-11-09")
        },
        GroupCounts {
            sessions: 1,
            completed: 1,
            rated: 1,
            rating_sum: 3.0,
            completion_sum: 80.0,
            neutral: 1,
            ..week(Some("oncology"), "2026-11-02")
        },
    ];
    assert_eq!(sorted(stores.sessions.analytics(&weekly).await.unwrap()), expected);

    let monthly = AnalyticsQuery {
        group_by: GroupBy::SessionType,
        period: Period::Month,
        from: Some(t0 + Duration::hours(1)),
        to: None,
        time_zone: chrono_tz::UTC,
    };
    let groups = stores.sessions.analytics(&monthly).await.unwrap();
    assert_eq!(groups.len(), 1);
    let g = AnalyticsGroup::from(groups[0].clone());
    assert_eq!((g.key.as_deref(), g.period_start.as_str()), (Some("post_visit"), "2026-11-01"));
    assert_eq!((g.sessions, g.completed, g.response_rate, g.average_rating), (4, 2, 50.0, Some(3.5)));
    assert_eq!((g.nps.promoters, g.nps.passives, g.nps.detractors, g.nps.score), (0, 1, 1, Some(-50.0)));
    assert!(g.thin_sample);

    let daily = AnalyticsQuery {
        group_by: GroupBy::Department,
        period: Period::Day,
        from: None,
        to: Some(t0 + Duration::days(1)),
        time_zone: chrono_tz::UTC,
    };
    let days: Vec<(Option<String>, String)> =
        stores.sessions.analytics(&daily).await.unwrap().into_iter().map(|g| (g.key, g.period_start)).collect();
    assert_eq!(
        days,
        [(Some("cardiology".into()), "2026-11-02".into()), (Some("oncology".into()), "2026-11-02".into())]
    );
}

/// Sessions just after local midnight in Paris fall on the local day, week and month, on both
/// sides of the end of summer time (UTC+2 until 2026-10-25 01:00Z, then UTC+1).
async fn analytics_periods_follow_the_clinic_time_zone(stores: &Track1Stores) {
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    // 00:30 local on Thu 1 October (CEST), Sun 25 October before the change (CEST) and Mon 2
    // November (CET): UTC calls them 30 September, 24 October and 1 November.
    for start in ["2026-09-30T22:30:00Z", "2026-10-24T22:30:00Z", "2026-11-01T23:30:00Z"] {
        let mut s = new_session(UserId::generate(), "x", at(start));
        s.department = Some("paris".into());
        stores.sessions.insert(&s).await.unwrap();
    }
    let buckets = |period, time_zone| async move {
        let q = AnalyticsQuery { group_by: GroupBy::Department, period, from: None, to: None, time_zone };
        let groups = stores.sessions.analytics(&q).await.unwrap();
        groups.into_iter().map(|g| (g.period_start, g.sessions)).collect::<Vec<_>>()
    };
    let paris = chrono_tz::Europe::Paris;
    let owned = |v: &[(&str, u64)]| v.iter().map(|(d, n)| ((*d).to_owned(), *n)).collect::<Vec<_>>();
    assert_eq!(buckets(Period::Day, paris).await, owned(&[("2026-10-01", 1), ("2026-10-25", 1), ("2026-11-02", 1)]));
    assert_eq!(buckets(Period::Week, paris).await, owned(&[("2026-09-28", 1), ("2026-10-19", 1), ("2026-11-02", 1)]));
    assert_eq!(buckets(Period::Month, paris).await, owned(&[("2026-10-01", 2), ("2026-11-01", 1)]));
    assert_eq!(
        buckets(Period::Month, chrono_tz::UTC).await,
        owned(&[("2026-09-01", 1), ("2026-10-01", 1), ("2026-11-01", 1)])
    );
}
