//! Building and running the HTTP server: storage first (connect, migrate, indexes), then the
//! application state, then the listener; shutdown drains in-flight requests.

use std::{future::Future, net::TcpListener, sync::Arc, time::Duration};

use actix_cors::Cors;
use actix_web::{
    dev::Server,
    middleware::{from_fn, Logger},
    web, App, HttpServer,
};
use anyhow::Context;
use secrecy::ExposeSecret;
use utoipa::openapi::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    analytics::{self, Analytics, AnalyticsModule, AnalyticsState},
    config::{ClinicSettings, CorsSettings, Settings},
    gateway::{
        self,
        extract::{self, BodyLimit},
        fallback::{self, RouteTable},
        identity::{jwt::JwtKeys, rate_limit::LoginLimiter, store::IdentityStores, Identity},
        metrics::{self, Metrics},
        request_id,
    },
    storage::{self, PoolSettings, StoreName, Stores},
    tracks::Tracks,
};

/// Connects every store, applies SQL migrations and creates MongoDB indexes.
pub async fn prepare_storage(settings: &Settings) -> anyhow::Result<Stores> {
    let pool = PoolSettings {
        max_connections: settings.storage.max_connections,
        acquire_timeout: Duration::from_secs(settings.storage.acquire_timeout_secs),
    };
    let stores = Stores::connect(&settings.store_urls(), pool).await?;
    stores.migrate().await.context("applying migrations")?;
    gateway::identity::store::ensure_indexes(stores.get(StoreName::Identity)).await.context("identity indexes")?;
    Tracks::ensure_indexes(&stores).await.context("track indexes")?;
    crate::analytics::ensure_indexes(stores.get(StoreName::Analytics)).await.context("analytics indexes")?;
    Ok(stores)
}

/// Builds the identity service state from settings and its store.
pub fn identity(settings: &Settings, stores: &Stores) -> Identity {
    let auth = &settings.auth;
    Identity {
        stores: IdentityStores::build(stores.get(StoreName::Identity)),
        keys: JwtKeys::new(
            auth.jwt_secret.expose_secret().as_bytes(),
            &auth.issuer,
            &auth.audience,
            auth.access_token_ttl_secs,
        ),
        limiter: LoginLimiter::new(auth.login_attempts_per_minute_per_ip, auth.login_attempts_per_minute_per_account),
        refresh_ttl: chrono::Duration::seconds(auth.refresh_token_ttl_secs),
    }
}

/// Shared, per-process state cloned into every worker.
#[derive(Clone)]
struct AppState {
    identity: web::Data<Identity>,
    stores: web::Data<Stores>,
    tracks: Tracks,
    metrics: web::Data<Metrics>,
    route_table: web::Data<RouteTable>,
    doc: Arc<OpenApi>,
    body_limit: BodyLimit,
    cors: CorsSettings,
    clinic: web::Data<ClinicSettings>,
    analytics: web::Data<AnalyticsState>,
    recorder: web::Data<Analytics>,
}

/// A built server, bound and ready to run.
pub struct Application {
    server: Server,
    port: u16,
    tracks: Tracks,
    analytics_writer: analytics::writer::Writer,
}

impl Application {
    /// Prepares storage, binds `server.host:server.port` and builds the server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let stores = prepare_storage(&settings).await?;
        let metrics = Metrics::new()?;
        let analytics = AnalyticsModule::init(
            stores.get(StoreName::Analytics),
            &settings.analytics,
            settings.clinic.time_zone,
            Some(metrics.registry()),
        )?;
        let tracks = Tracks::init(&stores, &settings, &analytics.recorder)?;
        let background = tracks.clone();
        let doc = gateway::openapi();
        let state = AppState {
            identity: web::Data::new(identity(&settings, &stores)),
            tracks,
            stores: web::Data::new(stores),
            metrics: web::Data::new(metrics),
            route_table: web::Data::new(RouteTable::from_openapi(&doc, &[gateway::OPENAPI_PATH, "/docs"])),
            doc: Arc::new(doc),
            body_limit: BodyLimit(settings.server.json_limit_bytes),
            cors: settings.cors.clone(),
            clinic: web::Data::new(settings.clinic.clone()),
            analytics: web::Data::from(analytics.state),
            recorder: web::Data::new(analytics.recorder),
        };
        let address = (settings.server.host.as_str(), settings.server.port);
        let listener = TcpListener::bind(address).with_context(|| format!("binding {}:{}", address.0, address.1))?;
        let port = listener.local_addr()?.port();
        let workers = match settings.server.workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let server = HttpServer::new(move || app(state.clone()))
            .workers(workers)
            .disable_signals()
            // Streamed replies (Server-Sent Events) are many small writes: without this, Nagle's
            // algorithm holds each one until the client's delayed ACK (~40 ms).
            .tcp_nodelay(true)
            .shutdown_timeout(settings.server.shutdown_timeout_secs)
            .listen(listener)?
            .run();
        Ok(Self { server, port, tracks: background, analytics_writer: analytics.writer })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves, then stops accepting connections and lets in-flight
    /// requests finish (up to `server.shutdown_timeout_secs`).
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let jobs = self.tracks.start_background(stopping);
        let (stop_writer, writer_stopping) = tokio::sync::oneshot::channel::<()>();
        let writer = tokio::spawn(self.analytics_writer.run(async {
            let _ = writer_stopping.await;
        }));
        let handle = self.server.handle();
        let mut server = std::pin::pin!(self.server);
        let result = tokio::select! {
            result = &mut server => result,
            () = shutdown => {
                log::info!("shutting down: draining in-flight requests");
                // The server future processes the stop command, so keep polling it meanwhile.
                let ((), result) = tokio::join!(handle.stop(true), server);
                result
            }
        };
        // Background jobs finish their current step, then stop.
        let _ = stop.send(true);
        for job in jobs {
            let _ = job.await;
        }
        // Last, so the events of the requests and jobs above are written before the exit.
        let _ = stop_writer.send(());
        let _ = writer.await;
        result
    }
}

fn cors(settings: &CorsSettings) -> Cors {
    let mut cors = Cors::default()
        .allow_any_method()
        .allowed_headers(["authorization", "content-type", "x-request-id"])
        .expose_headers(["x-request-id", "retry-after"])
        .max_age(settings.max_age_secs);
    for origin in &settings.allowed_origins {
        cors = if origin == "*" { cors.allow_any_origin() } else { cors.allowed_origin(origin) };
    }
    cors
}

fn app(
    state: AppState,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, _) = App::new()
        .app_data(state.identity)
        .app_data(state.stores)
        .app_data(state.metrics)
        .app_data(state.route_table)
        .app_data(state.body_limit)
        .app_data(state.clinic)
        .app_data(state.analytics)
        .app_data(state.recorder)
        .app_data(extract::path_config())
        .configure(|cfg| state.tracks.register(cfg))
        .default_service(web::to(fallback::not_matched))
        .wrap(from_fn(metrics::record))
        .wrap(cors(&state.cors))
        .wrap(from_fn(request_id::assign))
        .wrap(Logger::new(r#"%{x-request-id}o %a "%r" %s %b %Dms"#))
        .into_utoipa_app()
        .configure(gateway::routes)
        .split_for_parts();
    app.service(web::redirect("/docs", gateway::DOCS_PATH))
        .service(SwaggerUi::new("/docs/{_:.*}").url(gateway::OPENAPI_PATH, (*state.doc).clone()))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            log::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                log::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Logs where to find the server and its documentation.
pub fn log_urls(settings: &Settings, port: u16) {
    let host = match settings.server.host.as_str() {
        "0.0.0.0" | "::" => "localhost",
        other => other,
    };
    log::info!("CareChat listening on http://{}:{port} (profile {})", settings.server.host, settings.profile);
    log::info!("Swagger UI:       http://{host}:{port}{}", gateway::DOCS_PATH);
    log::info!("OpenAPI document: http://{host}:{port}{}", gateway::OPENAPI_PATH);
    for (store, url) in settings.store_urls() {
        log::info!("store {:<9} {}", store.as_str(), storage::redact_url(&url));
    }
}
