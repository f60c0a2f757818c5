//! Reading the analyzer's data files: UTF-8 text, one row per line, fields separated by tabs,
//! `#` starting a comment line, blank lines ignored. Each file kind (lexicon, taxonomy, red
//! flags) gives the rows their meaning; this module only splits them and reports errors with
//! the line they come from.

use std::fmt;

use super::{language::Language, pattern::Pattern};

/// A data-file problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// Which file (or `custom` for text a clinic supplied).
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for DataError {}

/// One non-comment line, split into trimmed fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    /// 1-based line number.
    pub line: usize,
    /// Tab-separated fields.
    pub fields: Vec<&'a str>,
}

impl Row<'_> {
    /// An error about this row.
    pub fn error(&self, file: &str, message: impl Into<String>) -> DataError {
        DataError { file: file.to_owned(), line: self.line, message: message.into() }
    }

    /// Checks the number of fields.
    pub fn expect_fields(&self, file: &str, count: usize) -> Result<(), DataError> {
        if self.fields.len() == count {
            Ok(())
        } else {
            Err(self.error(file, format!("expected {count} tab-separated fields, found {}", self.fields.len())))
        }
    }
}

/// A `<kind>\t<key>\t<language>\t<patterns>` row of the taxonomy and red-flag files; the
/// language is a code or `*` for every language.
#[derive(Debug, Clone)]
pub struct PatternRow {
    /// The row kind (`topic`, `flag`, `exclude`…).
    pub kind: String,
    /// The topic, department or flag it belongs to.
    pub key: String,
    /// The language it applies to; `None` for all.
    pub language: Option<Language>,
    /// The compiled patterns.
    pub patterns: Vec<Pattern>,
}

impl PatternRow {
    /// Reads a four-field pattern row.
    pub fn parse(file: &str, row: &Row<'_>) -> Result<Self, DataError> {
        row.expect_fields(file, 4)?;
        let language = match row.fields[2] {
            "*" => None,
            code => Some(Language::parse(code).ok_or_else(|| row.error(file, format!("unknown language `{code}`")))?),
        };
        let patterns = Pattern::parse_list(row.fields[3]).map_err(|m| row.error(file, m))?;
        Ok(Self { kind: row.fields[0].to_owned(), key: row.fields[1].to_owned(), language, patterns })
    }

    /// Whether the row applies to a language.
    pub fn applies_to(&self, language: Language) -> bool {
        self.language.is_none_or(|l| l == language)
    }
}

/// The rows of a data file.
pub fn rows(text: &str) -> impl Iterator<Item = Row<'_>> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            None
        } else {
            Some(Row { line: i + 1, fields: trimmed.split('\t').map(str::trim).collect() })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_comments_and_blanks_and_numbers_lines() {
        let text = "# comment\n\na\tb \n  c\n";
        let rows: Vec<_> = rows(text).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], Row { line: 3, fields: vec!["a", "b"] });
        assert_eq!(rows[1].line, 4);
        let err = rows[1].expect_fields("f.tsv", 2).unwrap_err();
        assert_eq!(err.to_string(), "f.tsv line 4: expected 2 tab-separated fields, found 1");
    }

    #[test]
    fn reads_pattern_rows() {
        let text = "topic\tbilling\tfr\tfactur*; devis\nflag\tfall\t*\tfell\nflag\tx\trw\ty\nflag\tx\ten\t~\n";
        let rows: Vec<_> = rows(text).collect();
        let row = PatternRow::parse("f", &rows[0]).unwrap();
        assert_eq!((row.kind.as_str(), row.key.as_str(), row.patterns.len()), ("topic", "billing", 2));
        assert!(row.applies_to(Language::Fr) && !row.applies_to(Language::En));
        assert!(PatternRow::parse("f", &rows[1]).unwrap().applies_to(Language::Es));
        assert!(PatternRow::parse("f", &rows[2]).unwrap_err().message.contains("rw"));
        assert!(PatternRow::parse("f", &rows[3]).is_err());
    }
}
