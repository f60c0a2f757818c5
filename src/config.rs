//! Settings: `config/default.toml` (compiled in, so the binary runs anywhere) → the same file
//! on disk → `config/<profile>.toml` → `config/local.toml` → `CARECHAT_<SECTION>__<KEY>`
//! environment variables. Unknown keys and bad values fail start-up naming the key.

use std::{
    num::NonZeroU32,
    path::{Path, PathBuf},
};

use config::{Config, Environment, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::storage::{BackendKind, StoreName};

mod analytics;
mod chat;
mod reminders;
pub use analytics::AnalyticsSettings;
pub use chat::{ChatSettings, LocalSettings, ProviderChoice, ProviderSettings, RetrySettings};
pub use reminders::{EmailSettings, PushSettings, RemindersSettings, SmsSettings, SmtpTls, WebhookSettings};

/// The documented defaults, compiled in.
const DEFAULTS: &str = include_str!("../config/default.toml");
/// The JWT secret shipped for development; refused in other profiles.
pub const DEV_JWT_SECRET: &str = "dev-only-secret-change-me-in-production-0123456789";
/// Profiles in which the development secret is tolerated.
const DEV_PROFILES: [&str; 2] = ["development", "test"];
/// Sections an environment override may name.
const SECTIONS: [&str; 11] =
    ["server", "storage", "auth", "cors", "feedback", "blood", "clinic", "chat", "reminders", "analytics", "log"];

/// All settings.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `development`, `test` or `production` (any other name works like production).
    pub profile: String,
    /// HTTP server.
    pub server: ServerSettings,
    /// Store URLs and pools.
    pub storage: StorageSettings,
    /// Tokens and login throttling.
    pub auth: AuthSettings,
    /// Cross-origin access.
    pub cors: CorsSettings,
    /// Blood-bank rules (Track 3).
    pub blood: BloodSettings,
    /// The clinic itself.
    pub clinic: ClinicSettings,
    /// The feedback analyzer's clinic-specific data (Track 1).
    pub feedback: FeedbackSettings,
    /// The chat assistant (Track 2).
    pub chat: ChatSettings,
    /// Reminder delivery providers (Track 1).
    pub reminders: RemindersSettings,
    /// System analytics (recorder, retention).
    pub analytics: AnalyticsSettings,
    /// Logging.
    pub log: LogSettings,
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to bind.
    pub host: String,
    /// Port to bind (0 picks a free one).
    pub port: u16,
    /// Worker threads (0: one per core).
    pub workers: usize,
    /// Largest JSON body accepted.
    pub json_limit_bytes: usize,
    /// Seconds in-flight requests get to finish on shutdown.
    pub shutdown_timeout_secs: u64,
}

/// `[storage]`: one URL per store; the scheme picks the backend.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// Users, tokens, audit trail.
    pub identity: String,
    /// Feedback and reminders.
    pub track1: String,
    /// Conversations and messages.
    pub track2: String,
    /// Blood bank (SQLite or PostgreSQL).
    pub track3: String,
    /// System analytics.
    pub analytics: String,
    /// Connections per distinct SQL database.
    pub max_connections: u32,
    /// Seconds to wait for a connection.
    pub acquire_timeout_secs: u64,
}

/// `[auth]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// HMAC secret signing access tokens.
    pub jwt_secret: SecretString,
    /// `iss` claim.
    pub issuer: String,
    /// `aud` claim.
    pub audience: String,
    /// Access-token lifetime.
    pub access_token_ttl_secs: i64,
    /// Refresh-token lifetime.
    pub refresh_token_ttl_secs: i64,
    /// Login attempts a minute from one address.
    pub login_attempts_per_minute_per_ip: NonZeroU32,
    /// Login attempts a minute for one account.
    pub login_attempts_per_minute_per_account: NonZeroU32,
}

/// `[cors]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsSettings {
    /// Origins allowed to call the API from a browser; `*` allows any.
    pub allowed_origins: Vec<String>,
    /// How long browsers may cache a preflight answer.
    pub max_age_secs: usize,
}

/// `[blood]`: the blood bank's rules (read by Track 3 when it is built in).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BloodSettings {
    /// Youngest donor age in whole years.
    pub min_age_years: u32,
    /// Oldest donor age in whole years (inclusive).
    pub max_age_years: u32,
    /// Lightest donor weight in kg.
    pub min_weight_kg: f64,
    /// Lowest hemoglobin of a female donor, g/dL.
    pub min_hemoglobin_female_gdl: f64,
    /// Lowest hemoglobin of a male donor, g/dL.
    pub min_hemoglobin_male_gdl: f64,
    /// Screening tests required negative before release.
    pub required_tests: Vec<String>,
    /// ISBT 128 facility identification number.
    pub facility_code: String,
    /// Minutes an issued unit may be out and still be restocked.
    pub return_window_minutes: u32,
    /// Youngest age at which a woman of unknown group may receive RhD+ red cells in an emergency.
    pub emergency_rh_positive_female_min_age: u32,
    /// Minimum days between donations, by donation type.
    pub donation_interval_days: DonationIntervalDays,
    /// Shelf lives, by component.
    pub shelf_life_days: ShelfLifeDays,
    /// Minimum available units, by component and blood group.
    pub minimum_stock: MinimumStock,
}

/// `[blood.donation_interval_days]`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DonationIntervalDays {
    /// Whole blood.
    pub whole_blood: u32,
    /// Double red cells (apheresis).
    pub double_red_cells: u32,
    /// Plasma (apheresis).
    pub plasma: u32,
    /// Platelets (apheresis).
    pub platelets: u32,
}

/// `[blood.shelf_life_days]`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShelfLifeDays {
    /// Whole blood.
    pub whole_blood: u32,
    /// Red cells.
    pub red_cells: u32,
    /// Frozen plasma.
    pub plasma: u32,
    /// Platelets.
    pub platelets: u32,
    /// Cryoprecipitate.
    pub cryoprecipitate: u32,
}

/// `[blood.minimum_stock]`: per component, the minimum available units of each blood group
/// in the order O−, O+, A−, A+, B−, B+, AB−, AB+.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinimumStock {
    /// Whole blood.
    pub whole_blood: [u32; 8],
    /// Red cells.
    pub red_cells: [u32; 8],
    /// Frozen plasma.
    pub plasma: [u32; 8],
    /// Platelets.
    pub platelets: [u32; 8],
    /// Cryoprecipitate.
    pub cryoprecipitate: [u32; 8],
}

/// `[feedback]`: files of rows added to the offline analyzer's built-in data (empty: none).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSettings {
    /// Extra topic-taxonomy rows (the format of the built-in `taxonomy.tsv`).
    pub taxonomy_file: PathBuf,
    /// Extra red-flag rows (the format of the built-in `red_flags.tsv`).
    pub red_flags_file: PathBuf,
}

/// `[clinic]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicSettings {
    /// IANA time zone of the clinic: the days, weeks and months of its reports.
    #[serde(deserialize_with = "time_zone")]
    pub time_zone: chrono_tz::Tz,
}

fn time_zone<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<chrono_tz::Tz, D::Error> {
    let name = String::deserialize(deserializer)?;
    name.parse().map_err(|_| serde::de::Error::custom(format!("`{name}` is not an IANA time zone, e.g. Europe/Paris")))
}

/// `[log]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// env_logger filter (`RUST_LOG` wins when set).
    pub level: String,
}

/// A configuration problem, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The sources could not be read or merged into [`Settings`].
    #[error("configuration")]
    Load(#[from] config::ConfigError),
    /// A value is readable but not acceptable.
    #[error("configuration key `{key}`: {message}")]
    Invalid {
        /// The key, e.g. `storage.track3`.
        key: String,
        /// What is wrong.
        message: String,
    },
}

fn invalid(key: &str, message: impl Into<String>) -> SettingsError {
    SettingsError::Invalid { key: key.to_owned(), message: message.into() }
}

impl Settings {
    /// Loads from `config_dir` and the process environment, then validates.
    pub fn load(config_dir: &Path) -> Result<Self, SettingsError> {
        Self::load_from(config_dir, std::env::vars())
    }

    /// Loads with an explicit environment (tests pass their own).
    pub fn load_from(
        config_dir: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let env: Vec<(String, String)> = env.into_iter().filter(|(k, _)| k.starts_with("CARECHAT_")).collect();
        check_env_sections(&env)?;
        let profile = env
            .iter()
            .find(|(k, _)| k == "CARECHAT_PROFILE")
            .map_or_else(|| "development".to_owned(), |(_, v)| v.clone());
        let settings: Self = Config::builder()
            .add_source(File::from_str(DEFAULTS, FileFormat::Toml))
            .add_source(File::from(config_dir.join("default.toml")).required(false))
            .add_source(File::from(config_dir.join(format!("{profile}.toml"))).required(false))
            .add_source(File::from(config_dir.join("local.toml")).required(false))
            .add_source(
                Environment::with_prefix("CARECHAT")
                    .prefix_separator("_")
                    .separator("__")
                    .list_separator(",")
                    .with_list_parse_key("cors.allowed_origins")
                    .try_parsing(true)
                    .source(Some(env.into_iter().collect())),
            )
            .set_override("profile", profile)?
            .build()?
            .try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Store URLs by store name.
    pub fn store_urls(&self) -> Vec<(StoreName, String)> {
        let s = &self.storage;
        vec![
            (StoreName::Identity, s.identity.clone()),
            (StoreName::Track1, s.track1.clone()),
            (StoreName::Track2, s.track2.clone()),
            (StoreName::Track3, s.track3.clone()),
            (StoreName::Analytics, s.analytics.clone()),
        ]
    }

    fn validate(&self) -> Result<(), SettingsError> {
        for (store, url) in self.store_urls() {
            let key = format!("storage.{}", store.as_str());
            let kind = BackendKind::from_url(&url).map_err(|e| invalid(&key, e.to_string()))?;
            if store == StoreName::Track3 && kind == BackendKind::MongoDb {
                return Err(invalid(&key, "Track 3 (blood bank) is relational: use sqlite: or postgres://"));
            }
        }
        if self.storage.max_connections == 0 {
            return Err(invalid("storage.max_connections", "must be at least 1"));
        }
        let secret = self.auth.jwt_secret.expose_secret();
        if !DEV_PROFILES.contains(&self.profile.as_str()) {
            if secret == DEV_JWT_SECRET {
                return Err(invalid(
                    "auth.jwt_secret",
                    format!("the development default cannot be used in profile `{}`", self.profile),
                ));
            }
            if secret.len() < 32 {
                return Err(invalid("auth.jwt_secret", "must be at least 32 bytes long"));
            }
        }
        if self.auth.access_token_ttl_secs < 60 || self.auth.refresh_token_ttl_secs < self.auth.access_token_ttl_secs {
            return Err(invalid(
                "auth.access_token_ttl_secs",
                "must be at least 60 and not longer than auth.refresh_token_ttl_secs",
            ));
        }
        self.blood.validate()?;
        self.reminders.validate().map_err(|(key, message)| invalid(&key, message))?;
        self.chat.validate().map_err(|(key, message)| invalid(&key, message))?;
        self.analytics.validate().map_err(|(key, message)| invalid(&key, message))?;
        if self.server.json_limit_bytes < 1024 {
            return Err(invalid("server.json_limit_bytes", "must be at least 1024"));
        }
        Ok(())
    }
}

impl BloodSettings {
    fn validate(&self) -> Result<(), SettingsError> {
        if self.min_age_years >= self.max_age_years {
            return Err(invalid("blood.min_age_years", "must be below blood.max_age_years"));
        }
        let positive = [
            ("blood.min_weight_kg", self.min_weight_kg),
            ("blood.min_hemoglobin_female_gdl", self.min_hemoglobin_female_gdl),
            ("blood.min_hemoglobin_male_gdl", self.min_hemoglobin_male_gdl),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
            return Err(invalid(key, "must be a positive number"));
        }
        let shelf = self.shelf_life_days;
        if [shelf.whole_blood, shelf.red_cells, shelf.plasma, shelf.platelets, shelf.cryoprecipitate].contains(&0) {
            return Err(invalid("blood.shelf_life_days", "every shelf life must be at least 1 day"));
        }
        let code = self.facility_code.as_bytes();
        let code_ok = code.len() == 5 && code[0].is_ascii_uppercase() && code[1..].iter().all(u8::is_ascii_digit);
        if !code_ok {
            return Err(invalid("blood.facility_code", "must be an uppercase letter and 4 digits, e.g. A9999"));
        }
        Ok(())
    }
}

/// `CARECHAT_<SECTION>__<KEY>` with an unknown section would otherwise be ignored silently.
fn check_env_sections(env: &[(String, String)]) -> Result<(), SettingsError> {
    for (name, _) in env {
        if let Some((section, _)) = name.trim_start_matches("CARECHAT_").split_once("__") {
            if !SECTIONS.contains(&section.to_ascii_lowercase().as_str()) {
                return Err(invalid(
                    &section.to_ascii_lowercase(),
                    format!("unknown configuration section in `{name}`"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn load(vars: &[(&str, &str)]) -> Result<Settings, String> {
        let env = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        // As `main` prints it: the error and its causes.
        Settings::load_from(Path::new("/nonexistent"), env).map_err(|e| format!("{:#}", anyhow::Error::from(e)))
    }

    #[test]
    fn defaults_need_no_configuration() {
        let settings = load(&[]).unwrap();
        assert_eq!((settings.server.host.as_str(), settings.server.port), ("0.0.0.0", 3000));
        assert!(settings.storage.identity.starts_with("sqlite:"));
        assert_eq!(settings.profile, "development");
    }

    #[test]
    fn environment_overrides_name_section_and_key() {
        let settings = load(&[
            ("CARECHAT_SERVER__PORT", "8080"),
            ("CARECHAT_STORAGE__TRACK3", "postgres://u:p@127.0.0.1/blood"),
            ("CARECHAT_CORS__ALLOWED_ORIGINS", "https://a.example,https://b.example"),
            ("CARECHAT_TEST_MONGODB_URI", "mongodb://ignored"),
        ])
        .unwrap();
        assert_eq!(settings.server.port, 8080);
        assert_eq!(settings.storage.track3, "postgres://u:p@127.0.0.1/blood");
        assert_eq!(settings.cors.allowed_origins, ["https://a.example", "https://b.example"]);
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = load(&[("CARECHAT_SERVER__PORT", "eighty")]).unwrap_err();
        assert!(err.contains("server.port"), "{err}");
        let err = load(&[("CARECHAT_SERVER__PROT", "80")]).unwrap_err();
        assert!(err.contains("prot"), "{err}");
        let err = load(&[("CARECHAT_SERVR__PORT", "80")]).unwrap_err();
        assert!(err.contains("servr"), "{err}");
        let err = load(&[("CARECHAT_STORAGE__TRACK3", "mongodb://h/db")]).unwrap_err();
        assert!(err.contains("storage.track3"), "{err}");
        let err = load(&[("CARECHAT_STORAGE__IDENTITY", "mysql://h/db")]).unwrap_err();
        assert!(err.contains("storage.identity"), "{err}");
    }

    #[test]
    fn blood_rules_are_configurable_and_checked() {
        let settings = load(&[("CARECHAT_BLOOD__SHELF_LIFE_DAYS__PLATELETS", "7")]).unwrap();
        assert_eq!(settings.blood.shelf_life_days.platelets, 7);
        assert_eq!(settings.blood.donation_interval_days.whole_blood, 56);
        let err = load(&[("CARECHAT_BLOOD__FACILITY_CODE", "x1")]).unwrap_err();
        assert!(err.contains("blood.facility_code"), "{err}");
        let err = load(&[("CARECHAT_BLOOD__MIN_AGE_YEARS", "70")]).unwrap_err();
        assert!(err.contains("blood.min_age_years"), "{err}");
    }

    #[test]
    fn production_refuses_the_development_secret() {
        let err = load(&[("CARECHAT_PROFILE", "production")]).unwrap_err();
        assert!(err.contains("auth.jwt_secret"), "{err}");
        let ok = load(&[
            ("CARECHAT_PROFILE", "production"),
            ("CARECHAT_AUTH__JWT_SECRET", "a-real-secret-that-is-long-enough-000"),
        ]);
        assert!(ok.is_ok());
    }
}
