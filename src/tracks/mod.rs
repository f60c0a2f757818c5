//! The tracks, each behind its Cargo feature. This is the only file that names the track
//! features: a track switched off is not compiled, routed or documented.

#[cfg(feature = "track1")]
pub mod track1;
#[cfg(feature = "track2")]
pub mod track2;
#[cfg(feature = "track3")]
pub mod track3;

/// Mounts every enabled track's scope under `/api/v1`.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    #[cfg(feature = "track1")]
    cfg.configure(track1::configure);
    #[cfg(feature = "track2")]
    cfg.configure(track2::configure);
    #[cfg(feature = "track3")]
    cfg.configure(track3::configure);
    let _ = cfg;
}
