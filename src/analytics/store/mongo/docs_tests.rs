use bson::{doc, Bson};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::docs::{event_doc, point_of, rollup_id, rollup_upsert, series_pipeline, uuid};
use crate::analytics::{
    domain::{Dimensions, EventContext, EventDimensions, Metric, MetricEvent, UserSegment},
    period::Period,
    rollup::{rollup, SeriesQuery, Stats},
};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn event() -> MetricEvent {
    let timestamp = at("2026-11-26T10:00:05Z");
    let dims = Dimensions::segment(UserSegment::Patient).department("cardiology");
    MetricEvent {
        id: Uuid::now_v7(),
        metric: Metric::NpsScore,
        value: 9.0,
        dimensions: EventDimensions::derive(Metric::NpsScore, dims, timestamp, Tz::UTC),
        timestamp,
        metadata: EventContext {
            user_id: Some(Uuid::nil()),
            source: "track1".into(),
            version: "0.1.0".into(),
            ..Default::default()
        },
    }
}

#[test]
fn a_raw_event_is_a_system_analytics_document_of_the_plan() {
    let e = event();
    let d = event_doc(&e, at("2026-11-26T10:00:06Z"));
    assert_eq!(d.get("_id"), Some(&uuid(e.id)));
    assert_eq!(d.get("analyticsId"), Some(&uuid(e.id)));
    assert_eq!(d.get_str("metricName").unwrap(), "nps_score");
    assert_eq!(d.get_str("metricType").unwrap(), "histogram");
    assert_eq!(d.get_str("category").unwrap(), "feedback_analytics");
    assert_eq!(d.get_f64("value").unwrap(), 9.0);
    assert_eq!(
        d.get_document("dimensions").unwrap(),
        &doc! { "trackOrigin": "track1", "userSegment": "patient", "department": "cardiology", "timeOfDay": "morning", "dayOfWeek": "thursday" }
    );
    assert_eq!(d.get_datetime("timestamp").unwrap().to_chrono(), e.timestamp);
    let metadata = d.get_document("metadata").unwrap();
    assert_eq!(metadata.get("userId"), Some(&uuid(Uuid::nil())));
    assert!(!metadata.contains_key("conversationId"));
    assert!(!d.contains_key("aggregationPeriod"));
}

#[test]
fn a_rollup_increment_is_an_atomic_upsert_keyed_by_its_row() {
    let deltas = rollup(&[event()], Tz::UTC);
    let hour = deltas.iter().find(|d| d.key.period == Period::Hour).unwrap();
    let (filter, update) = rollup_upsert(hour, at("2026-11-26T10:00:06Z"));
    assert_eq!(filter, doc! { "_id": rollup_id(&hour.key) });
    let id = filter.get_document("_id").unwrap();
    let keys: Vec<&str> = id.keys().map(String::as_str).collect();
    assert_eq!(keys, ["metricName", "aggregationPeriod", "timestamp", "dimensions"]);
    assert_eq!(id.get_datetime("timestamp").unwrap().to_chrono(), at("2026-11-26T10:00:00Z"));
    assert_eq!(update.get_document("$inc").unwrap(), &doc! { "count": 1_i64, "value": 9.0 });
    assert_eq!(update.get_document("$min").unwrap(), &doc! { "min": 9.0 });
    assert_eq!(update.get_document("$max").unwrap(), &doc! { "max": 9.0 });
    let on_insert = update.get_document("$setOnInsert").unwrap();
    assert_eq!(on_insert.get_str("aggregationPeriod").unwrap(), "hour");
    assert_eq!(on_insert.get_str("metricType").unwrap(), "histogram");
    assert_eq!(on_insert.get_document("dimensions").unwrap(), id.get_document("dimensions").unwrap());
}

#[test]
fn the_series_pipeline_matches_only_given_dimensions_and_sums_per_bucket() {
    let mut q = SeriesQuery {
        metric: Metric::NpsScore,
        period: Period::Day,
        from: at("2026-11-01T00:00:00Z"),
        to: at("2026-12-01T00:00:00Z"),
        track_origin: None,
        department: Some("cardiology".into()),
        user_segment: None,
        time_of_day: Some("morning".into()),
        day_of_week: None,
    };
    let pipeline = series_pipeline(&q);
    let from = bson::DateTime::from_chrono(q.from);
    let to = bson::DateTime::from_chrono(q.to);
    assert_eq!(
        pipeline,
        vec![
            doc! { "$match": {
                "metricName": "nps_score",
                "aggregationPeriod": "day",
                "timestamp": { "$gte": from, "$lt": to },
                "dimensions.department": "cardiology",
                "dimensions.timeOfDay": "morning",
            } },
            doc! { "$group": {
                "_id": "$timestamp",
                "count": { "$sum": "$count" },
                "sum": { "$sum": "$value" },
                "min": { "$min": "$min" },
                "max": { "$max": "$max" },
            } },
            doc! { "$sort": { "_id": 1 } },
        ]
    );
    q.department = None;
    q.time_of_day = None;
    let matched = series_pipeline(&q)[0].get_document("$match").unwrap().clone();
    assert_eq!(matched.keys().count(), 3);
}

#[test]
fn points_read_any_numeric_type_the_group_returns() {
    let bucket = bson::DateTime::from_chrono(at("2026-11-26T00:00:00Z"));
    let d = doc! { "_id": bucket, "count": 3_i32, "sum": Bson::Int64(27), "min": 8.0, "max": 10_i32 };
    let p = point_of(&d).unwrap();
    assert_eq!(p.bucket_start, at("2026-11-26T00:00:00Z"));
    assert_eq!(p.stats, Stats { count: 3, sum: 27.0, min: 8.0, max: 10.0 });
    assert!(point_of(&doc! { "_id": bucket, "count": "x", "sum": 1.0, "min": 1.0, "max": 1.0 }).is_err());
}
