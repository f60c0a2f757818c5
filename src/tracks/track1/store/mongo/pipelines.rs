//! The analytics aggregation pipelines over `feedback_sessions`, built by pure functions, and
//! the decoding of their output into [`GroupCounts`].

use std::collections::BTreeMap;

use bson::{doc, Bson, DateTime as BsonDate, Document};

use crate::tracks::track1::analytics::{AnalyticsQuery, GroupBy, GroupCounts};

fn window(q: &AnalyticsQuery) -> Document {
    let mut created = Document::new();
    if let Some(from) = q.from {
        created.insert("$gte", BsonDate::from_chrono(from));
    }
    if let Some(to) = q.to {
        created.insert("$lt", BsonDate::from_chrono(to));
    }
    if created.is_empty() {
        doc! {}
    } else {
        doc! { "createdAt": created }
    }
}

/// `_id` of a group: the key and the first day of the period in the query's zone, `YYYY-MM-DD`.
fn group_id(q: &AnalyticsQuery) -> Document {
    let key = match q.group_by {
        GroupBy::Department => "$department",
        GroupBy::SessionType => "$sessionType",
    };
    let zone = q.time_zone.name();
    let start = doc! { "$dateTrunc": {
        "date": "$createdAt", "unit": q.period.as_str(), "timezone": zone, "startOfWeek": "monday",
    } };
    let bucket = doc! { "$dateToString": { "format": "%Y-%m-%d", "date": start, "timezone": zone } };
    doc! { "key": { "$ifNull": [key, Bson::Null] }, "bucket": bucket }
}

fn done() -> Bson {
    Bson::Document(doc! { "$eq": ["$status", "completed"] })
}

fn count_if(condition: Bson) -> Document {
    doc! { "$sum": { "$cond": [{ "$and": [done(), condition] }, 1, 0] } }
}

fn scored(min: i32, max: i32) -> Bson {
    Bson::Document(doc! { "$and": [
        { "$isNumber": "$recommendationScore" },
        { "$gte": ["$recommendationScore", min] },
        { "$lte": ["$recommendationScore", max] },
    ] })
}

fn sentiment(name: &str) -> Bson {
    Bson::Document(doc! { "$eq": ["$overallSentiment", name] })
}

/// Counts and sums per group and period.
pub(super) fn counts_pipeline(q: &AnalyticsQuery) -> Vec<Document> {
    let group = doc! {
        "_id": group_id(q),
        "sessions": { "$sum": 1 },
        "completed": count_if(Bson::Boolean(true)),
        "promoters": count_if(scored(9, 10)),
        "passives": count_if(scored(7, 8)),
        "detractors": count_if(scored(0, 6)),
        "rated": count_if(Bson::Document(doc! { "$isNumber": "$overallRating" })),
        "ratingSum": { "$sum": { "$cond": [done(), { "$ifNull": ["$overallRating", 0.0] }, 0.0] } },
        "completionSum": { "$sum": { "$cond": [done(), "$analytics.completionRate", 0.0] } },
        "positive": count_if(sentiment("positive")),
        "negative": count_if(sentiment("negative")),
        "neutral": count_if(sentiment("neutral")),
    };
    vec![doc! { "$match": window(q) }, doc! { "$group": group }, doc! { "$sort": { "_id.key": 1, "_id.bucket": 1 } }]
}

/// Topic mentions in submitted sessions per group and period.
pub(super) fn topics_pipeline(q: &AnalyticsQuery) -> Vec<Document> {
    let mut filter = window(q);
    filter.insert("status", "completed");
    let mut id = group_id(q);
    id.insert("topic", "$responses.topics");
    vec![
        doc! { "$match": filter },
        doc! { "$unwind": "$responses" },
        doc! { "$unwind": "$responses.topics" },
        doc! { "$group": { "_id": id, "mentions": { "$sum": 1 } } },
    ]
}

fn number(d: &Document, field: &str) -> f64 {
    match d.get(field) {
        Some(Bson::Int32(n)) => f64::from(*n),
        Some(Bson::Int64(n)) => *n as f64,
        Some(Bson::Double(x)) => *x,
        _ => 0.0,
    }
}

fn count(d: &Document, field: &str) -> u64 {
    match d.get(field) {
        Some(Bson::Int32(n)) => u64::try_from(*n).unwrap_or_default(),
        Some(Bson::Int64(n)) => u64::try_from(*n).unwrap_or_default(),
        _ => 0,
    }
}

fn id_of(d: &Document) -> (Option<String>, String, Option<String>) {
    let id = d.get_document("_id").cloned().unwrap_or_default();
    let text = |f: &str| id.get_str(f).ok().map(str::to_owned);
    (text("key"), text("bucket").unwrap_or_default(), text("topic"))
}

/// The groups of the two pipelines' output, ordered by key then period.
pub(super) fn merge(counts: Vec<Document>, topics: Vec<Document>) -> Vec<GroupCounts> {
    let mut groups: BTreeMap<(Option<String>, String), GroupCounts> = BTreeMap::new();
    for d in counts {
        let (key, bucket, _) = id_of(&d);
        let g = GroupCounts {
            key: key.clone(),
            period_start: bucket.clone(),
            sessions: count(&d, "sessions"),
            completed: count(&d, "completed"),
            promoters: count(&d, "promoters"),
            passives: count(&d, "passives"),
            detractors: count(&d, "detractors"),
            rated: count(&d, "rated"),
            rating_sum: number(&d, "ratingSum"),
            completion_sum: number(&d, "completionSum"),
            positive: count(&d, "positive"),
            negative: count(&d, "negative"),
            neutral: count(&d, "neutral"),
            topics: Vec::new(),
        };
        groups.insert((key, bucket), g);
    }
    for d in topics {
        if let (key, bucket, Some(topic)) = id_of(&d) {
            if let Some(g) = groups.get_mut(&(key, bucket)) {
                g.topics.push((topic, count(&d, "mentions")));
            }
        }
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::tracks::track1::analytics::Period;

    fn query(from: bool) -> AnalyticsQuery {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        AnalyticsQuery {
            group_by: GroupBy::Department,
            period: Period::Week,
            from: from.then_some(at),
            to: None,
            time_zone: chrono_tz::Europe::Paris,
        }
    }

    #[test]
    fn counts_pipeline_matches_groups_by_local_week_and_sorts() {
        let p = counts_pipeline(&query(true));
        assert_eq!(p.len(), 3);
        let at = BsonDate::from_chrono(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap());
        assert_eq!(p[0], doc! { "$match": { "createdAt": { "$gte": at } } });
        let group = p[1].get_document("$group").unwrap();
        let trunc = group.get_document("_id").unwrap().get_document("bucket").unwrap();
        let to_string = trunc.get_document("$dateToString").unwrap();
        assert_eq!(to_string.get_str("timezone").unwrap(), "Europe/Paris", "the day is named in local time too");
        assert_eq!(
            to_string.get_document("date").unwrap(),
            &doc! { "$dateTrunc": {
                "date": "$createdAt", "unit": "week", "timezone": "Europe/Paris", "startOfWeek": "monday"
            } }
        );
        assert_eq!(group.get_document("sessions").unwrap(), &doc! { "$sum": 1 });
        let detractors = doc! { "$sum": { "$cond": [{ "$and": [done(), scored(0, 6)] }, 1, 0] } };
        assert_eq!(group.get_document("detractors").unwrap(), &detractors);
        assert_eq!(p[2], doc! { "$sort": { "_id.key": 1, "_id.bucket": 1 } });
        assert_eq!(counts_pipeline(&query(false))[0], doc! { "$match": {} });
    }

    #[test]
    fn topics_pipeline_unwinds_answers_and_topics_of_submitted_sessions() {
        let mut q = query(false);
        q.group_by = GroupBy::SessionType;
        let p = topics_pipeline(&q);
        assert_eq!(p[0], doc! { "$match": { "status": "completed" } });
        assert_eq!(p[1], doc! { "$unwind": "$responses" });
        assert_eq!(p[2], doc! { "$unwind": "$responses.topics" });
        let id = p[3].get_document("$group").unwrap().get_document("_id").unwrap();
        assert_eq!(id.get_document("key").unwrap(), &doc! { "$ifNull": ["$sessionType", Bson::Null] });
        assert_eq!(id.get_str("topic").unwrap(), "$responses.topics");
    }

    #[test]
    fn output_documents_merge_into_groups() {
        let counts = vec![
            doc! { "_id": { "key": "b", "bucket": "2026-11-02" }, "sessions": 3, "completed": 2_i64, "promoters": 1,
            "ratingSum": 7.5, "completionSum": 150, "positive": 1 },
            doc! { "_id": { "key": Bson::Null, "bucket": "2026-11-02" }, "sessions": 1 },
        ];
        let topics = vec![
            doc! { "_id": { "key": "b", "bucket": "2026-11-02", "topic": "billing" }, "mentions": 2 },
            doc! { "_id": { "key": "c", "bucket": "2026-11-02", "topic": "billing" }, "mentions": 2 },
        ];
        let groups = merge(counts, topics);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].key, None);
        let b = &groups[1];
        assert_eq!((b.sessions, b.completed, b.promoters, b.rating_sum, b.completion_sum), (3, 2, 1, 7.5, 150.0));
        assert_eq!(b.topics, vec![("billing".to_owned(), 2)]);
    }
}
