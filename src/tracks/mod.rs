//! The tracks, each behind its Cargo feature. This is the only file that names the track
//! features: a track switched off is not compiled, routed or documented.

#[cfg(all(feature = "track1", feature = "track3"))]
pub mod donor_recall;
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
    #[cfg(feature = "track2")]
    track2: actix_web::web::Data<track2::Track2>,
    #[cfg(feature = "track3")]
    track3: actix_web::web::Data<track3::Track3>,
    #[cfg(all(feature = "track1", feature = "track3"))]
    donor_recall: std::sync::Arc<donor_recall::DonorRecallBridge>,
}

impl Tracks {
    /// Builds each enabled track's state on its store; fails when a store's backend does not
    /// suit its track.
    pub fn init(
        stores: &Stores,
        settings: &crate::config::Settings,
        analytics: &crate::analytics::Analytics,
    ) -> anyhow::Result<Self> {
        let _ = (stores, settings, analytics);
        #[cfg(feature = "track1")]
        let track1 = actix_web::web::Data::new(
            track1::Track1::init(stores.get(crate::storage::StoreName::Track1), settings, analytics.clone())
                .map_err(|e| anyhow::anyhow!("storage.track1: {e}"))?,
        );
        #[cfg(feature = "track3")]
        let track3 = actix_web::web::Data::new(track3::Track3::init(
            stores.get(crate::storage::StoreName::Track3),
            &settings.blood,
            analytics.clone(),
        )?);
        #[cfg(feature = "track2")]
        let track2 =
            track2::Track2::init(stores.get(crate::storage::StoreName::Track2), &settings.chat, analytics.clone())
                .map_err(|e| anyhow::anyhow!("track2: {e}"))?;
        // Feedback conversations are read by Track 1's analyzer (the clinic's taxonomy included).
        #[cfg(all(feature = "track1", feature = "track2"))]
        let track2 = track2.with_analyzer(std::sync::Arc::new(chat_feedback::Track1Analyzer(track1.analyzer.clone())));
        Ok(Self {
            #[cfg(all(feature = "track1", feature = "track3"))]
            donor_recall: std::sync::Arc::new(recall_bridge(stores, settings, &track1, &track3)?),
            #[cfg(feature = "track1")]
            track1,
            #[cfg(feature = "track2")]
            track2: actix_web::web::Data::new(track2),
            #[cfg(feature = "track3")]
            track3,
        })
    }

    /// Creates each enabled track's MongoDB indexes (SQL schemas come from the migrations).
    pub async fn ensure_indexes(stores: &Stores) -> crate::storage::StoreResult<()> {
        #[cfg(feature = "track1")]
        track1::Track1::ensure_indexes(stores.get(crate::storage::StoreName::Track1)).await?;
        #[cfg(feature = "track2")]
        track2::Track2::ensure_indexes(stores.get(crate::storage::StoreName::Track2)).await?;
        let _ = stores;
        Ok(())
    }

    /// Starts each enabled track's background work (Track 1's reminder engine); every job
    /// ends once `stop` turns true.
    pub fn start_background(&self, stop: tokio::sync::watch::Receiver<bool>) -> Vec<tokio::task::JoinHandle<()>> {
        #[cfg_attr(not(feature = "track1"), allow(unused_mut))] // only Track 1 has jobs today
        let mut jobs = Vec::new();
        #[cfg(feature = "track1")]
        jobs.extend(self.track1.reminders.start(stopped(stop.clone())));
        // Recalls ride on the reminder engine: off with it (as in tests, which step their own).
        #[cfg(all(feature = "track1", feature = "track3"))]
        if self.track1.reminders.settings.engine_enabled {
            let (bridge, stop) = (self.donor_recall.clone(), stopped(stop.clone()));
            jobs.push(tokio::spawn(async move { bridge.run(RECALL_PASS_EVERY, stop).await }));
        }
        let _ = stop;
        jobs
    }

    /// Registers each track's state as application data.
    pub fn register(&self, cfg: &mut actix_web::web::ServiceConfig) {
        #[cfg(feature = "track1")]
        cfg.app_data(self.track1.clone());
        #[cfg(feature = "track2")]
        cfg.app_data(self.track2.clone());
        #[cfg(feature = "track3")]
        cfg.app_data(self.track3.clone());
        let _ = cfg;
    }
}

/// How often due donor recalls are turned into reminders.
#[cfg(all(feature = "track1", feature = "track3"))]
const RECALL_PASS_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The donor-recall bridge over Track 3's recalls, the accounts and Track 1's reminders.
#[cfg(all(feature = "track1", feature = "track3"))]
fn recall_bridge(
    stores: &Stores,
    settings: &crate::config::Settings,
    track1: &track1::Track1,
    track3: &track3::Track3,
) -> anyhow::Result<donor_recall::DonorRecallBridge> {
    use track1::reminders::{channels::ProviderChannels, rules::DeliveryMethod};
    let configured = ProviderChannels::from_settings(&settings.reminders)?;
    let channels = [DeliveryMethod::Sms, DeliveryMethod::Email].into_iter().filter(|m| configured.get(*m).is_some());
    Ok(donor_recall::DonorRecallBridge::new(
        track3.stores.recalls.clone(),
        crate::gateway::identity::store::IdentityStores::build(stores.get(crate::storage::StoreName::Identity)).users,
        track1.reminders.stores.reminders.clone(),
        channels.collect(),
        settings.clinic.time_zone,
    ))
}

/// Resolves once `stop` turns true (or its sender is gone).
#[cfg(feature = "track1")]
async fn stopped(mut stop: tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// The bridge from Track 1's feedback analyzer to Track 2's [`track2::analysis::MessageAnalyzer`].
#[cfg(all(feature = "track1", feature = "track2"))]
mod chat_feedback {
    use std::sync::Arc;

    use async_trait::async_trait;

    use super::{
        track1::feedback::analyzer::{AnalysisInput, FeedbackAnalyzer, Urgency},
        track2::{analysis::MessageAnalyzer, domain::MessageAnalysis},
    };

    /// Track 1's analyzer reading chat messages.
    pub struct Track1Analyzer(pub Arc<dyn FeedbackAnalyzer>);

    #[async_trait]
    impl MessageAnalyzer for Track1Analyzer {
        async fn analyze(&self, text: &str, language: Option<&str>) -> Option<MessageAnalysis> {
            let input = AnalysisInput { text, language_hint: language, department_hint: None };
            match self.0.analyze(&input).await {
                Ok(a) => Some(MessageAnalysis {
                    rating: a.rating,
                    sentiment: a.sentiment.as_str().to_owned(),
                    sentiment_score: a.sentiment_score,
                    topics: a.topics,
                    urgency: match a.urgency {
                        Urgency::High => "high",
                        Urgency::Medium => "medium",
                        Urgency::Low => "low",
                    }
                    .to_owned(),
                    urgency_score: a.urgency_score,
                    action_required: a.action_required,
                    department: a.department,
                    category: a.category,
                }),
                Err(e) => {
                    log::warn!("chat message left without feedback analysis: {e}");
                    None
                }
            }
        }
    }
}
