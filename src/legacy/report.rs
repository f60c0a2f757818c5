//! What a run did to every legacy row, and the conflict report: every row is counted once as
//! migrated, merged, already present (an earlier run wrote it) or reported; reported rows and
//! rows migrated with a change (no phone kept, no email kept, a bad date dropped) are listed
//! with their reason.

use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

/// Counts for one legacy table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    /// Rows read.
    pub read: u64,
    /// Rows written as new records (or that would be, in a dry run).
    pub migrated: u64,
    /// Persons folded into an account another legacy row created.
    pub merged: u64,
    /// Rows an earlier run already wrote (nothing changed).
    pub already_present: u64,
    /// Rows not migrated, each listed in `findings` with its reason.
    pub skipped: u64,
    /// Verification: records found equal to what their legacy row gives.
    pub verified: u64,
    /// Verification: records missing or different.
    pub mismatched: u64,
}

/// Verification's count of one target collection: the records the legacy rows give, and the
/// migration's records the store holds (see docs/migration.md for what each count takes in).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionCount {
    /// Records the legacy rows give.
    pub expected: u64,
    /// Records found in the target.
    pub found: u64,
}

/// What happened to a row that needs a person's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Not migrated.
    Skipped,
    /// Migrated as its own account, with a placeholder phone number.
    MigratedWithPlaceholderPhone,
    /// Migrated without its email (another account has it).
    MigratedWithoutEmail,
    /// Migrated with the offending field left empty.
    MigratedFieldDropped,
    /// Migrated with the offending field replaced by a documented default.
    MigratedFieldReplaced,
    /// Verification found the record missing or different.
    Mismatch,
}

/// One entry of the conflict report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Legacy table.
    pub table: &'static str,
    /// Primary key in that table.
    pub original_id: Uuid,
    /// Stable reason code: `phone_conflict`, `invalid_phone`, `email_taken`, `orphan`,
    /// `bad_date`, `bad_value`, `mismatch`.
    pub reason: &'static str,
    /// What the tool did.
    pub action: Action,
    /// Details for a person (the other account, the offending value).
    pub detail: String,
}

/// The whole report of a run.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// `write`, `dry-run` or `verify`.
    pub mode: String,
    /// Counts per legacy table.
    pub tables: BTreeMap<&'static str, Tally>,
    /// Verification only (left out otherwise): counts per target collection.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub collections: BTreeMap<&'static str, CollectionCount>,
    /// Rows that need a person's attention.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The tally of `table`.
    pub fn tally(&mut self, table: &'static str) -> &mut Tally {
        self.tables.entry(table).or_default()
    }

    /// Lists a finding; a skipped row also counts as skipped.
    pub fn find(
        &mut self,
        table: &'static str,
        original_id: Uuid,
        reason: &'static str,
        action: Action,
        detail: String,
    ) {
        if action == Action::Skipped {
            self.tally(table).skipped += 1;
        }
        if action == Action::Mismatch {
            self.tally(table).mismatched += 1;
        }
        self.findings.push(Finding { table, original_id, reason, action, detail });
    }

    /// Whether every row read is accounted for exactly once.
    pub fn balanced(&self) -> bool {
        self.tables.values().all(|t| t.read == t.migrated + t.merged + t.already_present + t.skipped)
    }

    /// Whether verification found any difference: a record missing or different, or a target
    /// collection holding more or fewer records than the legacy rows give.
    pub fn has_mismatches(&self) -> bool {
        self.tables.values().any(|t| t.mismatched > 0) || self.collections.values().any(|c| c.expected != c.found)
    }

    /// One line per legacy table, then (verification) one per target collection, for the log.
    pub fn summary(&self) -> String {
        let tables = self.tables.iter().map(|(table, t)| {
            format!(
                "{table}: read {} migrated {} merged {} already {} skipped {} verified {} mismatched {}",
                t.read, t.migrated, t.merged, t.already_present, t.skipped, t.verified, t.mismatched
            )
        });
        let collections = self.collections.iter().map(|(collection, c)| {
            let differs = if c.expected == c.found { "" } else { " DIFFERS" };
            format!("target {collection}: expected {} found {}{differs}", c.expected, c.found)
        });
        tables.chain(collections).collect::<Vec<_>>().join("\n")
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
