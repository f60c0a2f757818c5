//! The clinic's topic taxonomy and department vocabulary, as data (`data/taxonomy.tsv` built
//! in; a clinic adds rows with [`Taxonomy::extend`]). Rows:
//!
//! - `@topic\t<key>\t<category>\t<department or ->\t<label>` declares a topic;
//! - `@department\t<name>` declares a department that text can name;
//! - `topic\t<key>\t<lang or *>\t<patterns>` and `department\t<name>\t<lang or *>\t<patterns>`
//!   give their terms (see [`super::pattern`]);
//! - `exclude\t<key or name>\t<lang or *>\t<patterns>`: matches overlapping these do not count
//!   for that key ("waiting room" is not about waiting time).
//!
//! A topic or department must be declared before its terms; a later declaration of the same
//! key replaces its category, department and label but keeps its terms.

use super::{
    data::{rows, DataError, PatternRow, Row},
    language::Language,
    pattern::{find_excluding, Pattern},
    text::Token,
};

/// The built-in taxonomy file.
const BUILTIN: &str = include_str!("data/taxonomy.tsv");

/// A topic of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// Stable key reported in `topics` (`waiting_time`).
    pub key: String,
    /// The feedback category it belongs to (`service`, `clinical`…).
    pub category: String,
    /// The department that usually owns it, when there is one.
    pub department: Option<String>,
    /// A label for staff screens.
    pub label: String,
}

#[derive(Debug, Clone, Default)]
struct Terms {
    key: String,
    include: Vec<PatternRow>,
    exclude: Vec<PatternRow>,
}

impl Terms {
    fn count(&self, tokens: &[Token], language: Language) -> (usize, usize) {
        let applicable = |rows: &'_ [PatternRow]| -> Vec<Pattern> {
            rows.iter().filter(|r| r.applies_to(language)).flat_map(|r| r.patterns.iter().cloned()).collect()
        };
        let found = find_excluding(tokens, &applicable(&self.include), &applicable(&self.exclude));
        (found.len(), found.first().map_or(usize::MAX, |m| m.0))
    }
}

/// Topics and departments with their terms.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    topics: Vec<(Topic, Terms)>,
    departments: Vec<Terms>,
}

impl Taxonomy {
    /// The built-in taxonomy.
    pub fn builtin() -> Result<Self, DataError> {
        let mut taxonomy = Self::default();
        taxonomy.extend("taxonomy.tsv", BUILTIN)?;
        Ok(taxonomy)
    }

    /// Adds the rows of another taxonomy file.
    pub fn extend(&mut self, file: &str, text: &str) -> Result<(), DataError> {
        for row in rows(text) {
            match row.fields.first().copied().unwrap_or_default() {
                "@topic" => self.declare_topic(file, &row)?,
                "@department" => {
                    row.expect_fields(file, 2)?;
                    if self.department_terms(row.fields[1]).is_none() {
                        self.departments.push(Terms { key: row.fields[1].to_owned(), ..Terms::default() });
                    }
                }
                _ => self.add_terms(file, &row)?,
            }
        }
        Ok(())
    }

    fn declare_topic(&mut self, file: &str, row: &Row<'_>) -> Result<(), DataError> {
        row.expect_fields(file, 5)?;
        let f = &row.fields;
        let department = (f[3] != "-").then(|| f[3].to_owned());
        let topic = Topic { key: f[1].to_owned(), category: f[2].to_owned(), department, label: f[4].to_owned() };
        match self.topics.iter_mut().find(|(t, _)| t.key == topic.key) {
            Some((existing, _)) => *existing = topic,
            None => {
                let terms = Terms { key: topic.key.clone(), ..Terms::default() };
                self.topics.push((topic, terms));
            }
        }
        Ok(())
    }

    fn add_terms(&mut self, file: &str, row: &Row<'_>) -> Result<(), DataError> {
        let parsed = PatternRow::parse(file, row)?;
        let key = parsed.key.clone();
        let terms = match parsed.kind.as_str() {
            "topic" => self.topics.iter_mut().find(|(t, _)| t.key == key).map(|(_, terms)| terms),
            "department" => self.departments.iter_mut().find(|d| d.key == key),
            "exclude" => self
                .topics
                .iter_mut()
                .map(|(_, terms)| terms)
                .chain(self.departments.iter_mut())
                .find(|terms| terms.key == key),
            other => return Err(row.error(file, format!("unknown row kind `{other}`"))),
        };
        let terms = terms.ok_or_else(|| row.error(file, format!("`{key}` is used before it is declared")))?;
        if parsed.kind == "exclude" {
            terms.exclude.push(parsed);
        } else {
            terms.include.push(parsed);
        }
        Ok(())
    }

    fn department_terms(&self, name: &str) -> Option<&Terms> {
        self.departments.iter().find(|d| d.key == name)
    }

    /// Every declared topic, in declaration order.
    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.iter().map(|(t, _)| t)
    }

    /// The topics a text is about: most mentions first, then first mentioned.
    pub fn match_topics(&self, tokens: &[Token], language: Language) -> Vec<&Topic> {
        let mut hits: Vec<(usize, usize, &Topic)> = self
            .topics
            .iter()
            .map(|(topic, terms)| {
                let (count, first) = terms.count(tokens, language);
                (count, first, topic)
            })
            .filter(|(count, _, _)| *count > 0)
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter().map(|(_, _, topic)| topic).collect()
    }

    /// The department the text names most (then first), if any.
    pub fn match_department(&self, tokens: &[Token], language: Language) -> Option<&str> {
        self.departments
            .iter()
            .map(|d| (d.count(tokens, language), d.key.as_str()))
            .filter(|((count, _), _)| *count > 0)
            .min_by(|((ca, fa), _), ((cb, fb), _)| cb.cmp(ca).then(fa.cmp(fb)))
            .map(|(_, name)| name)
    }
}

#[cfg(test)]
mod tests {
    use super::{super::text::tokenize, *};

    fn keys(taxonomy: &Taxonomy, text: &str, language: Language) -> Vec<String> {
        taxonomy.match_topics(&tokenize(text), language).into_iter().map(|t| t.key.clone()).collect()
    }

    #[test]
    fn builtin_taxonomy_loads_and_covers_the_plan_topics() {
        let taxonomy = Taxonomy::builtin().unwrap();
        let all: Vec<&str> = taxonomy.topics().map(|t| t.key.as_str()).collect();
        for key in [
            "waiting_time",
            "staff_attitude",
            "cleanliness",
            "billing",
            "medication",
            "pain_management",
            "communication",
            "facilities",
            "appointment_scheduling",
        ] {
            assert!(all.contains(&key), "{key} missing");
        }
    }

    #[test]
    fn matches_topics_per_language_most_mentioned_first() {
        let taxonomy = Taxonomy::builtin().unwrap();
        let en = keys(&taxonomy, "The bill was wrong and I was charged twice, also a long wait", Language::En);
        assert_eq!(en.first().map(String::as_str), Some("billing"));
        assert!(en.contains(&"waiting_time".to_owned()));
        let fr = keys(&taxonomy, "Trois heures d'attente et la facture était fausse", Language::Fr);
        assert!(fr.contains(&"waiting_time".to_owned()) && fr.contains(&"billing".to_owned()));
        assert!(keys(&taxonomy, "Very clean waiting room", Language::En).contains(&"cleanliness".to_owned()));
        assert!(!keys(&taxonomy, "Very clean waiting room", Language::En).contains(&"waiting_time".to_owned()));
    }

    #[test]
    fn names_departments() {
        let taxonomy = Taxonomy::builtin().unwrap();
        let tokens = tokenize("Aux urgences on m'a renvoyée à la pharmacie, puis encore aux urgences");
        assert_eq!(taxonomy.match_department(&tokens, Language::Fr), Some("Emergency"));
        assert_eq!(taxonomy.match_department(&tokenize("nothing here"), Language::En), None);
    }

    #[test]
    fn a_clinic_extends_and_overrides() {
        let mut taxonomy = Taxonomy::builtin().unwrap();
        let custom = "@topic\tinterpreter\tcommunication\tPatient Services\tInterpreter service\n\
            topic\tinterpreter\t*\tinterpret*; kinyarwanda\n@topic\tbilling\tadministrative\tFinance\tMoney\n";
        taxonomy.extend("custom", custom).unwrap();
        assert_eq!(keys(&taxonomy, "No Kinyarwanda interpreter", Language::En)[0], "interpreter");
        let billing = taxonomy.topics().find(|t| t.key == "billing").unwrap();
        assert_eq!(billing.department.as_deref(), Some("Finance"));
        assert!(taxonomy.extend("custom", "topic\tnope\ten\tx1\n").unwrap_err().message.contains("declared"));
        assert!(taxonomy.extend("custom", "tropic\tbilling\ten\tx1\n").is_err());
    }
}
