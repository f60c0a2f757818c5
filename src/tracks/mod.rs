//! The tracks, each behind its Cargo feature. This is the only file that names the track
//! features: a track switched off is not compiled, routed or documented.

#[cfg(feature = "track1")]
pub mod track1;
#[cfg(feature = "track2")]
pub mod track2;
#[cfg(feature = "track3")]
pub mod track3;

use crate::storage::Stores;

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

/// State of the enabled tracks, built once at start-up and shared by every worker.
#[derive(Clone)]
pub struct Tracks {
    #[cfg(feature = "track1")]
    track1: actix_web::web::Data<track1::Track1>,
    #[cfg(feature = "track3")]
    track3: actix_web::web::Data<track3::Track3>,
}

impl Tracks {
    /// Builds each enabled track's state on its store; fails when a store's backend does not
    /// suit its track.
    pub fn init(stores: &Stores, settings: &crate::config::Settings) -> anyhow::Result<Self> {
        let _ = (stores, settings);
        Ok(Self {
            #[cfg(feature = "track1")]
            track1: actix_web::web::Data::new(
                track1::Track1::init(stores.get(crate::storage::StoreName::Track1))
                    .map_err(|e| anyhow::anyhow!("storage.track1: {e}"))?,
            ),
            #[cfg(feature = "track3")]
            track3: actix_web::web::Data::new(track3::Track3::init(
                stores.get(crate::storage::StoreName::Track3),
                &settings.blood,
            )?),
        })
    }

    /// Creates each enabled track's MongoDB indexes (SQL schemas come from the migrations).
    pub async fn ensure_indexes(stores: &Stores) -> crate::storage::StoreResult<()> {
        #[cfg(feature = "track1")]
        track1::Track1::ensure_indexes(stores.get(crate::storage::StoreName::Track1)).await?;
        let _ = stores;
        Ok(())
    }

    /// Registers each track's state as application data.
    pub fn register(&self, cfg: &mut actix_web::web::ServiceConfig) {
        #[cfg(feature = "track1")]
        cfg.app_data(self.track1.clone());
        #[cfg(feature = "track3")]
        cfg.app_data(self.track3.clone());
        let _ = cfg;
    }
}
