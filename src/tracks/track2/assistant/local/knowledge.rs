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

/// The example knowledge base of `config/knowledge/`, compiled in so that the binary answers
/// offline wherever it runs (`[chat.local] knowledge_dir = ""`): `(file stem, Markdown)`.
const BUILTIN: [(&str, &str); 7] = [
    ("appointments", include_str!("../../../../../config/knowledge/appointments.md")),
    ("billing-and-insurance", include_str!("../../../../../config/knowledge/billing-and-insurance.md")),
    ("lab-results", include_str!("../../../../../config/knowledge/lab-results.md")),
    ("opening-hours", include_str!("../../../../../config/knowledge/opening-hours.md")),
    ("parking-and-access", include_str!("../../../../../config/knowledge/parking-and-access.md")),
    ("prescriptions", include_str!("../../../../../config/knowledge/prescriptions.md")),
    ("vaccinations", include_str!("../../../../../config/knowledge/vaccinations.md")),
];

/// The passages of the compiled-in example knowledge base, in file-name order.
pub fn builtin() -> Vec<Passage> {
    BUILTIN.iter().flat_map(|(stem, text)| split(&title_of(stem), text)).collect()
}

/// A file stem as a fallback document title: `lab-results` → `lab results`.
fn title_of(stem: &str) -> String {
    stem.replace(['-', '_'], " ")
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
        let name = file.file_stem().map(|s| title_of(&s.to_string_lossy())).unwrap_or_default();
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

    #[test]
    fn the_compiled_in_copy_is_the_whole_shipped_folder() {
        let folder = load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/config/knowledge"))).unwrap();
        assert_eq!(builtin(), folder, "a file added to config/knowledge/ must be listed in BUILTIN");
    }
}
