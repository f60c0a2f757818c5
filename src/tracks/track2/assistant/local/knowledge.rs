//! The clinic's knowledge base: Markdown files split into passages at their headings.

use std::path::Path;

use anyhow::Context as _;

/// One retrievable piece of the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The document's `# ` title (else its file name).
    pub document: String,
    /// The heading the passage sits under (the document title for its introduction).
    pub heading: String,
    /// The passage's text, lines joined.
    pub text: String,
}

/// Every passage of every `*.md` file in `dir`, in file-name order.
pub fn load(dir: &Path) -> anyhow::Result<Vec<Passage>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("chat.local.knowledge_dir: cannot read {}", dir.display()))?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")))
        .collect();
    files.sort();
    let mut passages = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let name = file.file_stem().map(|s| s.to_string_lossy().replace(['-', '_'], " ")).unwrap_or_default();
        passages.extend(split(&name, &text));
    }
    Ok(passages)
}

/// Splits one Markdown document into passages: a `#` heading names the document, every
/// heading starts a passage, text before the first sub-heading belongs to the title.
pub fn split(fallback_title: &str, markdown: &str) -> Vec<Passage> {
    let mut document = fallback_title.to_owned();
    let mut heading = document.clone();
    let mut lines: Vec<&str> = Vec::new();
    let mut passages = Vec::new();
    for line in markdown.lines() {
        let trimmed = line.trim();
        let level = trimmed.chars().take_while(|c| *c == '#').count();
        if level == 0 || !trimmed[level..].starts_with(' ') {
            if !trimmed.is_empty() {
                lines.push(trimmed);
            }
            continue;
        }
        push(&mut passages, &document, &heading, &mut lines);
        heading = trimmed[level..].trim().to_owned();
        if level == 1 {
            document.clone_from(&heading);
        }
    }
    push(&mut passages, &document, &heading, &mut lines);
    passages
}

fn push(passages: &mut Vec<Passage>, document: &str, heading: &str, lines: &mut Vec<&str>) {
    if !lines.is_empty() {
        passages.push(Passage { document: document.to_owned(), heading: heading.to_owned(), text: lines.join(" ") });
        lines.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_headings() {
        let md =
            "# Opening hours\nIntro line\n\n## Weekend\nSat 9-13.\nSun closed.\n\n## Empty\n\n### Holidays\nClosed.\n";
        let passages = split("file", md);
        let got: Vec<(&str, &str, &str)> =
            passages.iter().map(|p| (p.document.as_str(), p.heading.as_str(), p.text.as_str())).collect();
        assert_eq!(
            got,
            [
                ("Opening hours", "Opening hours", "Intro line"),
                ("Opening hours", "Weekend", "Sat 9-13. Sun closed."),
                ("Opening hours", "Holidays", "Closed."),
            ]
        );
    }

    #[test]
    fn a_document_without_title_is_named_after_its_file() {
        let passages = split("parking and access", "Free parking behind the building.\n#hashtag stays text");
        assert_eq!(passages[0].document, "parking and access");
        assert_eq!(passages[0].text, "Free parking behind the building. #hashtag stays text");
    }

    #[test]
    fn the_shipped_knowledge_base_loads() {
        let passages = load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config/knowledge"))).unwrap();
        assert!(passages.len() >= 20, "{}", passages.len());
        assert!(load(Path::new("/nonexistent/knowledge")).is_err());
    }
}
