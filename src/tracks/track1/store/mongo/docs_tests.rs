use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::{
    storage,
    tracks::track1::{
        domain::NewSession,
        feedback::{
            analyzer::Urgency,
            session::{default_templates, AnswerValue},
        },
    },
};

fn session() -> FeedbackSession {
    let new = NewSession {
        user_id: UserId::generate(),
        session_type: SessionType::PostVisit,
        department: Some("Cardiology".into()),
        conversation_id: Some(uuid::Uuid::now_v7()),
        visit_date: NaiveDate::from_ymd_opt(2026, 11, 2),
        visit_type: Some("consultation".into()),
        language: "fr".into(),
        accessibility_features: vec!["large_text".into()],
    };
    let now = storage::now();
    let mut s = FeedbackSession::start(new, default_templates().remove(0), now);
    let answer = |id: &str, v: AnswerValue| SessionResponse::new(&s.template, "fr", id.into(), &v, None, now);
    let answers = vec![
        answer("overall", AnswerValue::Rating(4)),
        answer("recommend", AnswerValue::Rating(9)),
        answer("explained_clearly", AnswerValue::Boolean(true)),
    ];
    s.record(answers, now + Duration::seconds(40));
    s
}

#[test]
fn sessions_round_trip_through_their_document() {
    let mut s = session();
    s.submit(s.updated_at + Duration::seconds(5)).unwrap();
    s.review(ReviewStatus::Reviewed, Some("Dr N".into()), Some("ok".into()), s.updated_at).unwrap();
    let doc = SessionDoc::of(&s).unwrap();
    let as_bson = bson::to_document(&doc).unwrap();
    assert_eq!(as_bson.get_str("status").unwrap(), "completed");
    assert_eq!(as_bson.get_str("visitDate").unwrap(), "2026-11-02");
    assert_eq!(as_bson.get_document("analytics").unwrap().get_i32("escalationLevel").unwrap(), 0);
    let back: SessionDoc = bson::from_document(as_bson).unwrap();
    assert_eq!(FeedbackSession::try_from(back).unwrap(), s);
}

#[test]
fn corrupt_enums_are_reported() {
    let mut doc = SessionDoc::of(&session()).unwrap();
    doc.review_status = "lost".into();
    assert!(matches!(FeedbackSession::try_from(doc), Err(StorageError::Corrupt(_))));
}

#[test]
fn queue_filter_combines_every_criterion() {
    let from = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let to = from + Duration::days(7);
    let filter = QueueFilter {
        department: Some("a.b".into()),
        review_status: Some(ReviewStatus::Pending),
        urgency: Some(Urgency::High),
        from: Some(from),
        to: Some(to),
    };
    assert_eq!(
        queue_filter(&filter),
        doc! {
            "status": "completed",
            "department": { "$regex": "^a\\.b$", "$options": "i" },
            "reviewStatus": "pending",
            "urgency": "high",
            "submittedAt": { "$gte": BsonDate::from_chrono(from), "$lt": BsonDate::from_chrono(to) },
        }
    );
    assert_eq!(queue_filter(&QueueFilter::default()), doc! { "status": "completed" });
    assert_eq!(queue_sort(), doc! { "analytics.escalationLevel": -1, "submittedAt": 1, "sessionId": 1 });
}

#[test]
fn updates_are_conditional_and_set_only_their_fields() {
    let s = session();
    assert_eq!(s.version, 1);
    assert_eq!(
        in_progress(&s),
        doc! { "sessionId": BsonUuid::from(s.id.0), "status": "in_progress", "version": 0_i64 }
    );
    let update = state_update(&s).unwrap();
    let set = update.get_document("$set").unwrap();
    assert_eq!(set.get_array("responses").unwrap().len(), 3);
    assert!(set.get("reviewStatus").is_none());
    let review = review_update(&s);
    assert_eq!(review.get_document("$set").unwrap().get("assignedTo"), Some(&Bson::Null));
    assert_eq!(
        in_review_status(s.id, ReviewStatus::Pending),
        doc! { "sessionId": BsonUuid::from(s.id.0), "reviewStatus": "pending" }
    );
}

#[test]
fn templates_round_trip_and_notifications_map() {
    let t = default_templates().remove(1);
    let d = template_doc(&t, storage::now()).unwrap();
    assert_eq!(d.get_str("templateId").unwrap(), t.id);
    assert_eq!(template_of(d).unwrap(), t);
    let n = session().escalation_notice(storage::now());
    assert!(n.is_none());
    let notice = StaffNotification {
        id: uuid::Uuid::now_v7(),
        kind: "feedback_escalation".into(),
        session_id: SessionId::generate(),
        level: 3,
        created_at: storage::now(),
        consumed_at: None,
    };
    assert_eq!(StaffNotification::from(NoticeDoc::from(&notice)), notice);
}

#[test]
fn a_submit_pushes_its_notification_in_the_same_update() {
    let s = session();
    let notice = StaffNotification {
        id: uuid::Uuid::now_v7(),
        kind: "feedback_escalation".into(),
        session_id: s.id,
        level: 2,
        created_at: storage::now(),
        consumed_at: None,
    };
    let update = submit_update(&s, Some(&notice)).unwrap();
    assert_eq!(update.get_document("$set").unwrap(), state_update(&s).unwrap().get_document("$set").unwrap());
    let pushed = update.get_document("$push").unwrap().get("staffNotifications").unwrap().clone();
    assert_eq!(StaffNotification::from(bson::from_bson::<NoticeDoc>(pushed).unwrap()), notice);
    assert!(submit_update(&s, None).unwrap().get("$push").is_none(), "no notification, nothing pushed");
}
