//! Net Promoter Score: % promoters (9–10) − % detractors (0–6) of the recommendation answers,
//! from −100 to 100, with the counts, and a thin-sample flag under [`THIN_SAMPLE`] responses.
//! Stores aggregate the counts; [`Nps::from_counts`] turns them into the same result on every
//! backend.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Fewer responses than this make a thin sample.
pub const THIN_SAMPLE: u64 = 30;

/// A recommendation answer, 0 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NpsScore(u8);

impl NpsScore {
    /// Accepts 0 to 10.
    pub fn new(score: i64) -> Option<Self> {
        u8::try_from(score).ok().filter(|s| *s <= 10).map(Self)
    }

    /// The score.
    pub fn value(self) -> u8 {
        self.0
    }

    /// Which group it falls in.
    pub fn category(self) -> NpsCategory {
        match self.0 {
            9..=10 => NpsCategory::Promoter,
            7..=8 => NpsCategory::Passive,
            _ => NpsCategory::Detractor,
        }
    }
}

/// NPS groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NpsCategory {
    /// 9 or 10.
    Promoter,
    /// 7 or 8.
    Passive,
    /// 0 to 6.
    Detractor,
}

/// An NPS result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Nps {
    /// Answers of 9 or 10.
    pub promoters: u64,
    /// Answers of 7 or 8.
    pub passives: u64,
    /// Answers of 0 to 6.
    pub detractors: u64,
    /// All answers.
    pub responses: u64,
    /// % promoters − % detractors, −100 to 100, one decimal; `None` without responses.
    pub score: Option<f64>,
    /// Fewer than 30 responses: read with care.
    pub thin_sample: bool,
}

impl Nps {
    /// From the three counts.
    pub fn from_counts(promoters: u64, passives: u64, detractors: u64) -> Self {
        let responses = promoters + passives + detractors;
        let score = (responses > 0).then(|| {
            let raw = (promoters as f64 - detractors as f64) * 100.0 / responses as f64;
            (raw * 10.0).round() / 10.0
        });
        Self { promoters, passives, detractors, responses, score, thin_sample: responses < THIN_SAMPLE }
    }

    /// From individual answers.
    pub fn from_scores(scores: impl IntoIterator<Item = NpsScore>) -> Self {
        let (mut promoters, mut passives, mut detractors) = (0, 0, 0);
        for score in scores {
            match score.category() {
                NpsCategory::Promoter => promoters += 1,
                NpsCategory::Passive => passives += 1,
                NpsCategory::Detractor => detractors += 1,
            }
        }
        Self::from_counts(promoters, passives, detractors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(values: &[i64]) -> Vec<NpsScore> {
        values.iter().map(|v| NpsScore::new(*v).unwrap()).collect()
    }

    #[test]
    fn classifies_the_boundaries() {
        let cat = |v| NpsScore::new(v).unwrap().category();
        assert_eq!(
            [cat(0), cat(6), cat(7), cat(8), cat(9), cat(10)],
            [
                NpsCategory::Detractor,
                NpsCategory::Detractor,
                NpsCategory::Passive,
                NpsCategory::Passive,
                NpsCategory::Promoter,
                NpsCategory::Promoter
            ]
        );
        assert_eq!(NpsScore::new(11), None);
        assert_eq!(NpsScore::new(-1), None);
        assert_eq!(NpsScore::new(7).unwrap().value(), 7);
    }

    #[test]
    fn score_is_promoters_minus_detractors_in_percent() {
        let nps = Nps::from_scores(scores(&[10, 9, 9, 8, 7, 6, 0, 10, 3, 9]));
        assert_eq!((nps.promoters, nps.passives, nps.detractors, nps.responses), (5, 2, 3, 10));
        assert_eq!(nps.score, Some(20.0));
        assert!(nps.thin_sample);
    }

    #[test]
    fn extremes_rounding_and_empty() {
        assert_eq!(Nps::from_counts(30, 0, 0).score, Some(100.0));
        assert_eq!(Nps::from_counts(0, 0, 7).score, Some(-100.0));
        assert_eq!(Nps::from_counts(1, 1, 1).score, Some(0.0));
        assert_eq!(Nps::from_counts(2, 1, 0).score, Some(66.7));
        let empty = Nps::from_counts(0, 0, 0);
        assert_eq!((empty.score, empty.thin_sample, empty.responses), (None, true, 0));
    }

    #[test]
    fn thin_sample_below_thirty_responses() {
        assert!(Nps::from_counts(10, 10, 9).thin_sample);
        assert!(!Nps::from_counts(10, 10, 10).thin_sample);
    }

    #[test]
    fn serialises_camel_case() {
        let json = serde_json::to_value(Nps::from_counts(1, 0, 0)).unwrap();
        assert_eq!(json["thinSample"], true);
        assert_eq!(json["score"], 100.0);
    }
}
