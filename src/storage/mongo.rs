//! MongoDB plumbing: client, database and index helpers.

use bson::{doc, Document};
use futures_util::TryStreamExt;
use mongodb::{options::IndexOptions, Client, Collection, Database, IndexModel};
use serde::de::DeserializeOwned;

use super::StoreResult;
use crate::gateway::identity::domain::{Page, PageRequest};

/// Database used when the URL names none: the plan's unified database.
pub const DEFAULT_DATABASE: &str = "carechat_unified";

/// Connects to the deployment named by `url` and returns its database (the URL path, or
/// [`DEFAULT_DATABASE`]). The driver connects lazily; [`ping`] proves the server is there.
pub async fn connect(url: &str) -> StoreResult<Database> {
    let client = Client::with_uri_str(url).await?;
    let name = client.default_database().map_or_else(|| DEFAULT_DATABASE.to_owned(), |db| db.name().to_owned());
    Ok(client.database(&name))
}

/// Round-trips a `ping` command.
pub async fn ping(db: &Database) -> StoreResult<()> {
    db.run_command(doc! { "ping": 1 }).await?;
    Ok(())
}

/// The `page` of the documents of `collection` matching `filter` in `sort` order, with how many
/// match across all pages.
pub async fn find_page<D>(
    collection: &Collection<D>,
    filter: Document,
    sort: Document,
    page: PageRequest,
) -> StoreResult<Page<D>>
where
    D: DeserializeOwned + Unpin + Send + Sync,
{
    let total = collection.count_documents(filter.clone()).await?;
    let Some(limit) = page_limit(page) else { return Ok(Page { items: Vec::new(), total }) };
    let items = collection.find(filter).sort(sort).skip(page.offset()).limit(limit).await?.try_collect().await?;
    Ok(Page { items, total })
}

/// MongoDB's `limit` for `page`: none for a page of 0 items, because a limit of 0 means "no
/// limit" to MongoDB.
pub fn page_limit(page: PageRequest) -> Option<i64> {
    (page.per_page > 0).then(|| i64::from(page.per_page))
}

/// A named index on `keys`, unique when asked.
pub fn index(name: &str, keys: Document, unique: bool) -> IndexModel {
    let options = IndexOptions::builder().name(name.to_owned()).unique(unique).build();
    IndexModel::builder().keys(keys).options(options).build()
}

/// A unique index that only applies to documents where `field` is a string, so that many
/// documents may lack the field (the plan's "unique when present").
pub fn unique_when_present(name: &str, field: &str) -> IndexModel {
    let options = IndexOptions::builder()
        .name(name.to_owned())
        .unique(true)
        .partial_filter_expression(doc! { field: { "$type": "string" } })
        .build();
    IndexModel::builder().keys(doc! { field: 1 }).options(options).build()
}

/// Escapes a user-typed string for use inside a `$regex`.
pub fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Free JSON metadata made storable: BSON has no unsigned 64-bit integer, so integers above
/// `i64::MAX` become doubles (the nearest value) instead of failing the write.
pub fn bson_safe_json(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_u64() && n.as_i64().is_none() => {
            n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
        }
        Value::Array(items) => Value::Array(items.iter().map(bson_safe_json).collect()),
        Value::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), bson_safe_json(v))).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_i64_become_doubles_everything_else_stays() {
        let value = serde_json::json!({"big": u64::MAX, "n": -3, "list": [1.5, {"deep": u64::MAX}], "s": "x"});
        let safe = bson_safe_json(&value);
        assert_eq!(safe["big"], serde_json::json!(u64::MAX as f64));
        assert_eq!(safe["list"][1]["deep"], serde_json::json!(u64::MAX as f64));
        assert_eq!(
            (safe["n"].clone(), safe["list"][0].clone(), safe["s"].clone()),
            (value["n"].clone(), value["list"][0].clone(), value["s"].clone())
        );
        assert!(bson::to_bson(&safe).is_ok() && bson::to_bson(&value).is_err());
    }

    #[test]
    fn regex_escape_neutralises_metacharacters() {
        assert_eq!(regex_escape("a.b*(c)"), r"a\.b\*\(c\)");
        assert_eq!(regex_escape("+1555"), r"\+1555");
    }

    #[test]
    fn partial_unique_index_targets_strings_only() {
        let model = unique_when_present("users_email_unique", "email");
        let options = model.options.unwrap_or_default();
        assert_eq!(options.unique, Some(true));
        assert_eq!(options.partial_filter_expression, Some(doc! { "email": { "$type": "string" } }));
    }
}
