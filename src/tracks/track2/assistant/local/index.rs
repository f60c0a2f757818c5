//! BM25 retrieval over the knowledge base's passages. Terms are folded words ([`crate::text`])
//! without English/French/Spanish stopwords, lightly stemmed; a passage's heading counts twice,
//! since headings name what a passage is about.

use std::collections::HashMap;

use super::knowledge::Passage;
use crate::text::{
    normalize::{tokenize, Token},
    stopwords::is_stopword,
};

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// BM25 length normalisation.
const B: f64 = 0.75;

/// Chat pleasantries and question framing (stemmed): they say nothing about the topic.
const FILLERS: &[&str] = &[
    "hi", "hello", "hey", "thank", "thanks", "please", "wonder", "question", "know", "tell", "like", "want", "lot",
    "bonjour", "merci", "hola", "gracia",
];

/// The terms of a text, in order, repeats kept.
pub fn terms(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) if w.len() > 1 && !is_stopword(&w) => Some(stem(&w)),
            _ => None,
        })
        .filter(|term| !FILLERS.contains(&term.as_str()))
        .collect()
}

/// Suffix stripping just strong enough to join singular/plural and verb forms
/// (`refills`/`refill`, `opening`/`open`, `booked`/`book`, `vaccines`/`vaccine`).
pub fn stem(word: &str) -> String {
    let rules: [(&str, &str, usize); 6] =
        [("ies", "y", 4), ("ing", "", 5), ("ed", "", 4), ("es", "e", 5), ("ss", "ss", 0), ("s", "", 3)];
    for (suffix, replacement, min_len) in rules {
        if word.len() > min_len && word.ends_with(suffix) {
            return format!("{}{replacement}", &word[..word.len() - suffix.len()]);
        }
    }
    word.to_owned()
}

/// An inverted index of passages.
#[derive(Debug)]
pub struct Index {
    /// Term frequencies per passage.
    docs: Vec<HashMap<String, f64>>,
    lengths: Vec<f64>,
    average_length: f64,
    /// Passages containing each term.
    document_frequency: HashMap<String, usize>,
}

impl Index {
    /// Indexes the passages (heading terms twice).
    pub fn new(passages: &[Passage]) -> Self {
        let mut docs = Vec::with_capacity(passages.len());
        let mut document_frequency: HashMap<String, usize> = HashMap::new();
        for passage in passages {
            let mut tf: HashMap<String, f64> = HashMap::new();
            let heading = terms(&format!("{} {}", passage.heading, passage.heading));
            for term in heading.into_iter().chain(terms(&passage.text)) {
                *tf.entry(term).or_default() += 1.0;
            }
            for term in tf.keys() {
                *document_frequency.entry(term.clone()).or_default() += 1;
            }
            docs.push(tf);
        }
        let lengths: Vec<f64> = docs.iter().map(|tf| tf.values().sum()).collect();
        let average_length = if lengths.is_empty() { 1.0 } else { lengths.iter().sum::<f64>() / lengths.len() as f64 };
        Self { docs, lengths, average_length: average_length.max(1.0), document_frequency }
    }

    /// Passages sharing a term with `query`, best first (ties: earlier first).
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let mut query_terms = terms(query);
        query_terms.sort();
        query_terms.dedup();
        let n = self.docs.len() as f64;
        let mut hits: Vec<Hit> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, tf)| {
                let norm = K1 * (1.0 - B + B * self.lengths[i] / self.average_length);
                let weights: Vec<f64> = query_terms
                    .iter()
                    .filter_map(|term| {
                        let f = *tf.get(term)?;
                        let df = *self.document_frequency.get(term)? as f64;
                        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                        Some(idf * f * (K1 + 1.0) / (f + norm))
                    })
                    .collect();
                Hit { passage: i, score: weights.iter().sum(), matched: weights.len(), query_terms: query_terms.len() }
            })
            .filter(|hit| hit.matched > 0)
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.passage.cmp(&b.passage)));
        hits
    }
}

/// A passage's match for a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index of the passage.
    pub passage: usize,
    /// BM25 score.
    pub score: f64,
    /// Distinct query terms found in the passage.
    pub matched: usize,
    /// Distinct terms of the query.
    pub query_terms: usize,
}

impl Hit {
    /// Whether the passage answers the query: a score of at least `min_score`, and either two
    /// query terms or half of them found — one rare word shared with a long unrelated question
    /// ("all night *long*" vs "*long*-term medication") is not an answer.
    pub fn answers(&self, min_score: f64) -> bool {
        self.score >= min_score && (self.matched >= 2 || self.matched * 2 >= self.query_terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_common_forms_together() {
        for (a, b) in [
            ("refills", "refill"),
            ("opening", "open"),
            ("booked", "book"),
            ("vaccines", "vaccine"),
            ("pharmacies", "pharmacy"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("glass"), "glass");
        assert_eq!(stem("bus"), "bus");
    }

    #[test]
    fn terms_drop_stopwords_in_three_languages() {
        assert_eq!(terms("What are the opening hours?"), ["open", "hour"]);
        assert_eq!(terms("Hello, I was wondering about parking, thanks"), ["park"]);
        assert_eq!(terms("Quels sont les horaires de la clinique"), ["quel", "horaire", "clinique"]);
    }
}
