//! The MongoDB documents and commands of analytics, as pure functions (unit-tested without a
//! server): a raw event is one `system_analytics` document in the plan's shape; a roll-up row
//! is one `system_analytics_rollups` document keyed by its `_id` (metric, period, bucket and
//! dimensions, always built in the same field order so equal keys are equal documents),
//! holding the plan's `value` (the sum) with `count`, `min` and `max`.

use bson::{doc, spec::BinarySubtype, Binary, Bson, Document};
use chrono::{DateTime, Utc};

use crate::{
    analytics::{
        domain::{category_name, type_name, EventDimensions, MetricEvent},
        rollup::{RollupDelta, RollupKey, SeriesPoint, SeriesQuery, Stats},
    },
    storage::{StorageError, StoreResult},
};

/// A UUID as BSON binary subtype 4.
pub fn uuid(id: uuid::Uuid) -> Bson {
    Bson::Binary(Binary { subtype: BinarySubtype::Uuid, bytes: id.as_bytes().to_vec() })
}

fn date(at: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_chrono(at)
}

fn dimensions(d: &EventDimensions) -> Document {
    doc! {
        "trackOrigin": &d.track_origin,
        "userSegment": &d.user_segment,
        "department": &d.department,
        "timeOfDay": &d.time_of_day,
        "dayOfWeek": &d.day_of_week,
    }
}

/// The raw `system_analytics` document of an event (no `aggregationPeriod`: it is raw).
pub fn event_doc(e: &MetricEvent, now: DateTime<Utc>) -> Document {
    let info = e.metric.info();
    let m = &e.metadata;
    let mut metadata = doc! { "source": &m.source, "version": &m.version };
    for (key, id) in [("userId", m.user_id), ("sessionId", m.session_id), ("conversationId", m.conversation_id)] {
        if let Some(id) = id {
            metadata.insert(key, uuid(id));
        }
    }
    doc! {
        "_id": uuid(e.id),
        "analyticsId": uuid(e.id),
        "metricName": e.metric.as_str(),
        "metricType": type_name(info.metric_type),
        "category": category_name(info.category),
        "value": e.value,
        "dimensions": dimensions(&e.dimensions),
        "timestamp": date(e.timestamp),
        "metadata": metadata,
        "createdAt": date(now),
    }
}

/// The `_id` of a roll-up row.
pub fn rollup_id(k: &RollupKey) -> Document {
    doc! {
        "metricName": k.metric_name,
        "aggregationPeriod": k.period.as_str(),
        "timestamp": date(k.bucket_start),
        "dimensions": dimensions(&k.dimensions),
    }
}

/// The upsert adding an increment to its roll-up row: `(filter, update)`.
pub fn rollup_upsert(r: &RollupDelta, now: DateTime<Utc>) -> (Document, Document) {
    let k = &r.key;
    let s = r.stats;
    let update = doc! {
        "$inc": { "count": s.count, "value": s.sum },
        "$min": { "min": s.min },
        "$max": { "max": s.max },
        "$set": { "updatedAt": date(now) },
        "$setOnInsert": {
            "metricName": k.metric_name,
            "metricType": r.metric_type,
            "category": r.category,
            "aggregationPeriod": k.period.as_str(),
            "timestamp": date(k.bucket_start),
            "dimensions": dimensions(&k.dimensions),
            "createdAt": date(now),
        },
    };
    (doc! { "_id": rollup_id(k) }, update)
}

/// The pipeline summing the matching roll-up rows per bucket, oldest first.
pub fn series_pipeline(q: &SeriesQuery) -> Vec<Document> {
    let mut matched = doc! {
        "metricName": q.metric.as_str(),
        "aggregationPeriod": q.period.as_str(),
        "timestamp": { "$gte": date(q.from), "$lt": date(q.to) },
    };
    let filters = [
        ("dimensions.trackOrigin", &q.track_origin),
        ("dimensions.department", &q.department),
        ("dimensions.userSegment", &q.user_segment),
        ("dimensions.timeOfDay", &q.time_of_day),
        ("dimensions.dayOfWeek", &q.day_of_week),
    ];
    for (field, value) in filters {
        if let Some(value) = value {
            matched.insert(field, value.as_str());
        }
    }
    vec![
        doc! { "$match": matched },
        doc! { "$group": {
            "_id": "$timestamp",
            "count": { "$sum": "$count" },
            "sum": { "$sum": "$value" },
            "min": { "$min": "$min" },
            "max": { "$max": "$max" },
        } },
        doc! { "$sort": { "_id": 1 } },
    ]
}

/// A point from a document the series pipeline produced.
pub fn point_of(d: &Document) -> StoreResult<SeriesPoint> {
    let bucket = d.get_datetime("_id").map_err(|e| StorageError::Corrupt(format!("series bucket: {e}")))?;
    Ok(SeriesPoint {
        bucket_start: bucket.to_chrono(),
        stats: Stats {
            count: integer(d, "count")?,
            sum: number(d, "sum")?,
            min: number(d, "min")?,
            max: number(d, "max")?,
        },
    })
}

/// A number of any BSON numeric type (`$sum` answers Int32, Int64 or Double by its inputs).
fn number(d: &Document, key: &str) -> StoreResult<f64> {
    #[allow(clippy::cast_precision_loss)]
    match d.get(key) {
        Some(Bson::Double(v)) => Ok(*v),
        Some(Bson::Int32(v)) => Ok(f64::from(*v)),
        Some(Bson::Int64(v)) => Ok(*v as f64),
        other => Err(StorageError::Corrupt(format!("series `{key}` is not a number: {other:?}"))),
    }
}

fn integer(d: &Document, key: &str) -> StoreResult<i64> {
    match d.get(key) {
        Some(Bson::Int32(v)) => Ok(i64::from(*v)),
        Some(Bson::Int64(v)) => Ok(*v),
        other => Err(StorageError::Corrupt(format!("series `{key}` is not an integer: {other:?}"))),
    }
}
