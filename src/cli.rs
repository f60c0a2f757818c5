//! The command line: `serve` (default), `migrate`, `openapi`, `admin create`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// CareChat: the back end a clinic runs for its patients.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    /// Folder holding default.toml, <profile>.toml and local.toml.
    #[arg(long, global = true, default_value = "config", env = "CARECHAT_CONFIG_DIR")]
    pub config_dir: PathBuf,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP server (the default).
    Serve,
    /// Apply SQL migrations and create MongoDB indexes on every configured store, then exit.
    Migrate,
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
    /// Administrative tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Migrate the legacy Track 1 and Track 2 PostgreSQL databases into the configured stores.
    #[cfg(all(feature = "track1", feature = "track2", feature = "postgres"))]
    MigrateLegacy(MigrateLegacy),
}

/// Arguments of `migrate-legacy` (see docs/migration.md).
#[cfg(all(feature = "track1", feature = "track2", feature = "postgres"))]
#[derive(Debug, Args)]
pub struct MigrateLegacy {
    /// URL of the legacy Track 1 database (patients, feedback, reminders).
    #[arg(long, env = "CARECHAT_LEGACY_TRACK1_URL", hide_env_values = true)]
    pub track1: String,
    /// URL of the legacy Track 2 database (chat users, conversations, messages).
    #[arg(long, env = "CARECHAT_LEGACY_TRACK2_URL", hide_env_values = true)]
    pub track2: String,
    /// Report what would happen without writing anything.
    #[arg(long, conflicts_with = "verify")]
    pub dry_run: bool,
    /// Compare every migrated record with its legacy row; exit non-zero on any difference.
    #[arg(long)]
    pub verify: bool,
    /// Legacy rows read and written per batch.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch_size: u32,
    /// Country calling code for legacy phone numbers written without one (e.g. 250).
    #[arg(long, default_value = "1")]
    pub country_code: String,
    /// Write the report (counts per table and every conflict, orphan and dropped value) here, as JSON.
    #[arg(long)]
    pub conflicts: Option<PathBuf>,
    /// Test hook: stop with an error after this many batches, as a killed run would.
    #[arg(long, hide = true)]
    pub stop_after_batches: Option<u64>,
}

/// `admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an administrator account (to bootstrap a new deployment).
    Create(CreateAdmin),
}

/// Arguments of `admin create`.
#[derive(Debug, Args)]
pub struct CreateAdmin {
    /// Phone number in E.164, e.g. +15551234567 (used to log in).
    #[arg(long)]
    pub phone: String,
    /// Password (10–128 characters); prefer the CARECHAT_ADMIN_PASSWORD variable to keep it out of shell history.
    #[arg(long, env = "CARECHAT_ADMIN_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// Display name.
    #[arg(long, default_value = "Administrator")]
    pub name: String,
    /// Email (optional, also usable to log in).
    #[arg(long)]
    pub email: Option<String>,
}
