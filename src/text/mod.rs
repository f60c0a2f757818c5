//! Text helpers shared by the tracks: normalisation into folded word tokens (accents, case,
//! contractions and elisions) and language detection between English, French and Spanish.
//! Track 1's feedback analyzer and Track 2's assistant both read text through here.

pub mod language;
pub mod normalize;
pub mod stopwords;
