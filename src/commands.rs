//! What each subcommand does.

use anyhow::Context;

use crate::{
    app::{self, Application},
    cli::{AdminCommand, Cli, Command, CreateAdmin},
    config::Settings,
    gateway::{
        self,
        identity::{
            domain::{Email, PhoneNumber, Role},
            password,
            service::{self, NewAccount},
        },
    },
};

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Openapi) = cli.command {
        println!("{}", gateway::openapi().to_pretty_json()?);
        return Ok(());
    }
    let settings = Settings::load(&cli.config_dir)?;
    init_logging(&settings.log.level);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            app::prepare_storage(&settings).await?;
            log::info!("migrations applied and indexes created on every store");
            Ok(())
        }
        Command::Admin(AdminCommand::Create(args)) => create_admin(&settings, args).await,
        #[cfg(all(feature = "track1", feature = "track2", feature = "postgres"))]
        Command::MigrateLegacy(args) => migrate_legacy(&settings, args).await,
        Command::Openapi => Ok(()),
    }
}

fn init_logging(level: &str) {
    let env = env_logger::Env::default().default_filter_or(level);
    let _ = env_logger::Builder::from_env(env).try_init();
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let application = Application::build(settings.clone()).await?;
    app::log_urls(&settings, application.port());
    log::info!("ready in {} ms", started.elapsed().as_millis());
    application.run_until_stopped(app::shutdown_signal()).await?;
    log::info!("stopped");
    Ok(())
}

async fn create_admin(settings: &Settings, args: CreateAdmin) -> anyhow::Result<()> {
    let phone = PhoneNumber::parse(&args.phone).map_err(|m| anyhow::anyhow!("--phone {m}"))?;
    let email = args.email.as_deref().map(Email::parse).transpose().map_err(|m| anyhow::anyhow!("--email {m}"))?;
    password::check_policy(&args.password).map_err(|m| anyhow::anyhow!("--password {m}"))?;
    let stores = app::prepare_storage(settings).await?;
    let identity = app::identity(settings, &stores);
    let account = NewAccount {
        full_name: args.name,
        phone,
        email,
        password: args.password,
        preferred_language: "en".into(),
        role: Role::Admin,
    };
    let user = service::create_account(&identity, account).await.context("creating the administrator")?;
    println!("created administrator {} ({})", user.id, user.phone.as_str());
    Ok(())
}

#[cfg(all(feature = "track1", feature = "track2", feature = "postgres"))]
async fn migrate_legacy(settings: &Settings, args: crate::cli::MigrateLegacy) -> anyhow::Result<()> {
    use crate::legacy::{self, Mode, Options};
    let stores = app::prepare_storage(settings).await?;
    let connect = |url: String| async move { sqlx::PgPool::connect(&url).await };
    let track1 = connect(args.track1).await.context("connecting to the legacy Track 1 database")?;
    let track2 = connect(args.track2).await.context("connecting to the legacy Track 2 database")?;
    let mode = match (args.dry_run, args.verify) {
        (true, _) => Mode::DryRun,
        (_, true) => Mode::Verify,
        _ => Mode::Write,
    };
    let options = Options {
        batch_size: args.batch_size,
        country_code: args.country_code,
        stop_after_batches: args.stop_after_batches,
        ..Options::new(mode)
    };
    let started = std::time::Instant::now();
    let report = legacy::run(track1, track2, legacy::Targets::from_stores(&stores), options).await?;
    log::info!("migrate-legacy ({}) in {:.1} s\n{}", report.mode, started.elapsed().as_secs_f64(), report.summary());
    println!("{}", report.summary());
    if let Some(path) = args.conflicts {
        std::fs::write(&path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    anyhow::ensure!(report.balanced(), "some legacy rows are not accounted for");
    anyhow::ensure!(!report.has_mismatches(), "verification found differences (see the report)");
    Ok(())
}
