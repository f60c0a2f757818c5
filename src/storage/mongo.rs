//! MongoDB plumbing: client, database and index helpers.

use bson::{doc, Document};
use mongodb::{options::IndexOptions, Client, Database, IndexModel};

use super::StoreResult;

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

#[cfg(test)]
mod tests {
    use super::*;

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
