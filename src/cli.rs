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
