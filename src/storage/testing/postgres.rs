//! Per-test PostgreSQL databases that are quick to make and to throw away.
//!
//! Each test database is a copy of a template migrated once (`CREATE DATABASE … TEMPLATE`
//! copies a few MB, no migrations to replay). Dropping is off the tests' path: on PostgreSQL 15
//! every `DROP DATABASE` waits on a ProcSignalBarrier that concurrent drops hold up for one
//! another (up to a minute each). A finished test only closes its database to connections (so
//! a test of a store that went away sees it go) and hands it to this process's janitor thread,
//! which drops databases one at a time, serialised across processes by an advisory lock.
//!
//! Nothing piles up across runs, however they end: every name carries its owner's lock key,
//! and the janitor's session holds those locks (the run's own, exclusive; its template's,
//! shared) as long as the process lives. At start the janitor drops every database whose lock
//! is free: those of finished, crashed or interrupted (Ctrl-C) runs and templates of
//! migration sets no live run uses. So at most the last few databases of a run outlive it,
//! until the next run.

use std::sync::{mpsc, OnceLock};

use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use crate::storage::{sql, StorageError, StoreResult};

/// Every database the harness makes is named `carechat_test_<kind>_<8 hex key>[_<suffix>]`.
const PREFIX: &str = "carechat_test_";
/// Advisory lock namespaces (first key of the two-key form); the second key is in the name.
/// A live run holds its run lock exclusively …
const RUN_LOCK: i32 = 0x6363_0001;
/// … and the lock of the template it copies, shared.
const TEMPLATE_LOCK: i32 = 0x6363_0002;
/// Cluster-wide steps taken one at a time: second key [`BUILDING`] or [`DROPPING`].
const CLUSTER_LOCK: i32 = 0x6363_0003;
const BUILDING: i32 = 0;
const DROPPING: i32 = 1;

/// This process's share of the cluster, set up by the first test that needs PostgreSQL.
struct Harness {
    run: i32,
    template: String,
    /// `CREATE DATABASE` options after `TEMPLATE` (see [`copy_strategy`]).
    strategy: &'static str,
    drops: mpsc::Sender<String>,
}

static HARNESS: OnceLock<Result<Harness, String>> = OnceLock::new();

/// A new, migrated database for one test; returns its name.
pub async fn create_database(admin_url: &str) -> StoreResult<String> {
    let harness =
        HARNESS.get_or_init(|| Harness::start(admin_url)).as_ref().map_err(|e| StorageError::Config(e.clone()))?;
    let suffix = Uuid::new_v4().simple().to_string();
    let database = format!("{}_{}", name("run", harness.run), &suffix[..12]);
    let mut admin = PgConnection::connect(admin_url).await?;
    let sql = format!("create database \"{database}\" template \"{}\"{}", harness.template, harness.strategy);
    execute(&mut admin, &sql).await?;
    admin.close().await?;
    Ok(database)
}

/// Ends a test's use of `database` now (no new connections, open ones terminated) and leaves
/// the drop to the janitor.
pub fn retire(admin_url: String, database: String) {
    let name = database.clone();
    // Drop cannot await: a thread with its own small runtime, joined, so the database is
    // closed when the test's value is gone.
    let _ = std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        runtime.block_on(async move {
            let Ok(mut admin) = PgConnection::connect(&admin_url).await else { return };
            let _ = execute(&mut admin, &format!("alter database \"{name}\" allow_connections false")).await;
            let _ = sqlx::query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1")
                .bind(&name)
                .execute(&mut admin)
                .await;
            let _ = admin.close().await;
        });
    })
    .join();
    if let Some(Ok(harness)) = HARNESS.get() {
        let _ = harness.drops.send(database);
    }
}

impl Harness {
    /// Starts the janitor and waits until the template exists.
    fn start(admin_url: &str) -> Result<Self, String> {
        let run = i32::from_ne_bytes(Uuid::new_v4().as_bytes()[..4].try_into().unwrap_or_default());
        let template = template_key();
        let (ready, started) = mpsc::sync_channel(1);
        let (drops, queue) = mpsc::channel();
        let admin_url = admin_url.to_owned();
        std::thread::Builder::new()
            .name("carechat-test-janitor".into())
            .spawn(move || janitor(&admin_url, run, template, &ready, &queue))
            .map_err(|e| format!("starting the test database janitor: {e}"))?;
        match started.recv() {
            Ok(Ok(strategy)) => Ok(Self { run, template: name("tpl", template), strategy, drops }),
            Ok(Err(e)) => Err(format!("preparing the PostgreSQL test template: {e}")),
            Err(_) => Err("the test database janitor ended".to_owned()),
        }
    }
}

/// The janitor thread: takes the locks, builds the template if needed, reports ready, sweeps
/// the leftovers of other runs, then drops this run's databases as tests retire them.
fn janitor(
    admin_url: &str,
    run: i32,
    template: i32,
    ready: &mpsc::SyncSender<StoreResult<&'static str>>,
    queue: &mpsc::Receiver<String>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready.send(Err(StorageError::Config(e.to_string())));
            return;
        }
    };
    let mut admin = match runtime.block_on(prepare(admin_url, run, template)) {
        Ok((admin, strategy)) => {
            let _ = ready.send(Ok(strategy));
            admin
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    if let Err(e) = runtime.block_on(sweep(&mut admin, run, template)) {
        eprintln!("carechat tests: sweeping old test databases failed: {e}");
    }
    while let Ok(database) = queue.recv() {
        if let Err(e) = runtime.block_on(drop_database(&mut admin, &database)) {
            eprintln!("carechat tests: dropping {database} failed (the next run retries): {e}");
        }
    }
}

/// The janitor's session, holding this run's locks, once the template exists; and the copy
/// strategy for this server.
async fn prepare(admin_url: &str, run: i32, template: i32) -> StoreResult<(PgConnection, &'static str)> {
    let mut admin = PgConnection::connect(admin_url).await?;
    let version: i32 =
        sqlx::query_scalar("select current_setting('server_version_num')::int").fetch_one(&mut admin).await?;
    lock(&mut admin, "pg_advisory_lock", RUN_LOCK, run).await?;
    lock(&mut admin, "pg_advisory_lock_shared", TEMPLATE_LOCK, template).await?;
    lock(&mut admin, "pg_advisory_lock", CLUSTER_LOCK, BUILDING).await?;
    build_template(&mut admin, admin_url, template).await?;
    lock(&mut admin, "pg_advisory_unlock", CLUSTER_LOCK, BUILDING).await?;
    Ok((admin, copy_strategy(version)))
}

/// `FILE_COPY` where the server has a choice (15+). Its default, `WAL_LOG`, writes every copy
/// (~9 MB, mostly catalogs) through shared buffers and the WAL, and the checkpoint each
/// `DROP DATABASE` makes must then flush all of it: the janitor fell behind (almost every
/// database of an API run still waiting at its end, against a handful with `FILE_COPY`).
fn copy_strategy(server_version_num: i32) -> &'static str {
    if server_version_num >= 150_000 {
        " strategy file_copy"
    } else {
        ""
    }
}

/// Migrates a staging database and renames it into place, so a build that is interrupted
/// never leaves a half-migrated template behind (only a staging database, dropped here next time).
async fn build_template(admin: &mut PgConnection, admin_url: &str, template: i32) -> StoreResult<()> {
    let (final_name, staging) = (name("tpl", template), name("stg", template));
    let exists: bool = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
        .bind(&final_name)
        .fetch_one(&mut *admin)
        .await?;
    if exists {
        return Ok(());
    }
    execute(admin, &format!("drop database if exists \"{staging}\" with (force)")).await?;
    execute(admin, &format!("create database \"{staging}\"")).await?;
    let mut url = url::Url::parse(admin_url).map_err(|e| StorageError::Config(e.to_string()))?;
    url.set_path(&staging);
    let pool = sql::connect_postgres(url.as_str(), super::pool()).await?;
    let migrated = sql::migrate_postgres(&pool).await;
    pool.close().await;
    migrated?;
    // A template nobody connects to (autovacuum included) can always be copied.
    execute(admin, &format!("alter database \"{staging}\" allow_connections false")).await?;
    execute(admin, &format!("alter database \"{staging}\" rename to \"{final_name}\"")).await
}

/// Drops the harness's databases whose owner is gone: runs that ended, and templates and
/// staging databases of other migration sets that no live run uses.
async fn sweep(admin: &mut PgConnection, run: i32, template: i32) -> StoreResult<()> {
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where starts_with(datname, $1) order by datname")
            .bind(PREFIX)
            .fetch_all(&mut *admin)
            .await?;
    for database in names {
        let owner = match owner_lock(&database) {
            // Our session holds these: a lock attempt would succeed on them too.
            Some((RUN_LOCK, key)) if key == run => continue,
            Some((TEMPLATE_LOCK, key)) if key == template => continue,
            Some(owner) => owner,
            None => continue,
        };
        let free: bool = sqlx::query_scalar("select pg_try_advisory_lock($1, $2)")
            .bind(owner.0)
            .bind(owner.1)
            .fetch_one(&mut *admin)
            .await?;
        if free {
            let dropped = drop_database(admin, &database).await;
            lock(admin, "pg_advisory_unlock", owner.0, owner.1).await?;
            dropped?;
        }
    }
    Ok(())
}

/// The lock whose holder keeps a harness database alive, read from its name.
fn owner_lock(database: &str) -> Option<(i32, i32)> {
    let rest = database.strip_prefix(PREFIX)?;
    let (kind, rest) = rest.split_once('_')?;
    let namespace = match kind {
        "run" => RUN_LOCK,
        "tpl" | "stg" => TEMPLATE_LOCK,
        _ => return None,
    };
    let hex = rest.get(..8)?;
    let key = u32::from_str_radix(hex, 16).ok()?;
    Some((namespace, i32::from_ne_bytes(key.to_ne_bytes())))
}

/// One drop at a time across the cluster (see the module comment).
async fn drop_database(admin: &mut PgConnection, database: &str) -> StoreResult<()> {
    lock(admin, "pg_advisory_lock", CLUSTER_LOCK, DROPPING).await?;
    let dropped = execute(admin, &format!("drop database if exists \"{database}\" with (force)")).await;
    lock(admin, "pg_advisory_unlock", CLUSTER_LOCK, DROPPING).await?;
    dropped
}

/// The template's key: a digest of the embedded migrations, so a changed migration set gets
/// a template of its own.
fn template_key() -> i32 {
    let mut digest = Sha256::new();
    for migration in sql::POSTGRES_MIGRATIONS.iter() {
        digest.update(migration.version.to_le_bytes());
        digest.update(&migration.checksum);
    }
    let hash = digest.finalize();
    i32::from_le_bytes([hash[0], hash[1], hash[2], hash[3]])
}

/// `{key:x}` writes a negative key as its two's complement, as [`owner_lock`] reads it.
fn name(kind: &str, key: i32) -> String {
    format!("{PREFIX}{kind}_{key:08x}")
}

async fn lock(admin: &mut PgConnection, function: &str, namespace: i32, key: i32) -> StoreResult<()> {
    sqlx::query(&format!("select {function}($1, $2)")).bind(namespace).bind(key).execute(&mut *admin).await?;
    Ok(())
}

async fn execute(admin: &mut PgConnection, sql: &str) -> StoreResult<()> {
    sqlx::query(sql).execute(&mut *admin).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_their_owner_lock() {
        let key = -5;
        assert_eq!(owner_lock(&name("tpl", key)), Some((TEMPLATE_LOCK, key)));
        assert_eq!(owner_lock(&name("stg", key)), Some((TEMPLATE_LOCK, key)));
        assert_eq!(owner_lock(&format!("{}_0123456789ab", name("run", 7))), Some((RUN_LOCK, 7)));
        assert_eq!(owner_lock("carechat_test_other_00000001"), None);
        assert_eq!(owner_lock("t_0123"), None);
    }

    #[test]
    fn copies_by_file_where_the_server_can_choose() {
        assert_eq!(copy_strategy(150_018), " strategy file_copy");
        assert_eq!(copy_strategy(140_011), "");
    }
}
