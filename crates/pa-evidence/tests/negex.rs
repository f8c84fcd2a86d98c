//! ConText against the physician-labelled NegEx test set
//! (`../shared/corpus/clinical/negex/rsAnnotations-1-120-random.txt`, 2,376
//! sentences): accuracy, sensitivity and specificity per axis. Skips with a
//! message when `../shared` is absent. Run with `--nocapture` to see the table.

use std::path::PathBuf;

use pa_evidence::context::Context;

#[derive(Default)]
struct Axis {
    tp: usize,
    fp: usize,
    tn: usize,
    fn_: usize,
}

impl Axis {
    fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, false) => self.tn += 1,
            (false, true) => self.fn_ += 1,
        }
    }
    fn sens(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn spec(&self) -> f64 {
        self.tn as f64 / (self.tn + self.fp).max(1) as f64
    }
    fn acc(&self) -> f64 {
        (self.tp + self.tn) as f64 / (self.tp + self.tn + self.fp + self.fn_).max(1) as f64
    }
    fn row(&self, name: &str) -> String {
        format!(
            "| {name} | {} | {} | {:.1}% | {:.1}% | {:.1}% |",
            self.tp + self.fn_,
            self.tp + self.tn + self.fp + self.fn_,
            self.sens() * 100.0,
            self.spec() * 100.0,
            self.acc() * 100.0
        )
    }
}

/// Find `needle` in `hay` ignoring case and whitespace runs; char offsets.
fn locate(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let norm = |s: &str| -> (Vec<char>, Vec<usize>) {
        let mut chars = Vec::new();
        let mut pos = Vec::new();
        let mut last_space = false;
        for (i, c) in s.chars().enumerate() {
            if c.is_whitespace() {
                if !last_space {
                    chars.push(' ');
                    pos.push(i);
                }
                last_space = true;
            } else {
                chars.extend(c.to_lowercase());
                pos.push(i);
                last_space = false;
            }
        }
        (chars, pos)
    };
    let (h, hp) = norm(hay);
    let (n, _) = norm(needle.trim());
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    let at = (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()] == n[..])?;
    Some((hp[at], hp[at + n.len() - 1] + 1))
}

#[test]
fn context_on_the_negex_test_set() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/clinical/negex/rsAnnotations-1-120-random.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipping: {} is absent (a clone outside the workplace)",
            path.display()
        );
        return;
    };
    let ctx = Context::from_toml(include_str!("../../../pipelines/context.toml")).unwrap();
    let (mut neg, mut hist, mut hypo, mut other) = (
        Axis::default(),
        Axis::default(),
        Axis::default(),
        Axis::default(),
    );
    let mut skipped = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 6 {
            skipped += 1;
            continue;
        }
        let sentence = f[2].trim_matches('"');
        let Some((s, e)) = locate(sentence, f[1]) else {
            skipped += 1;
            continue;
        };
        let a = ctx.assess(sentence, s, e);
        let label = |i: usize| f[i].trim().to_lowercase();
        neg.add(a.negated, label(3) == "negated");
        hist.add(a.historical, label(4) == "historical");
        hypo.add(a.hypothetical, label(4) == "not particular");
        other.add(a.family, label(5) == "other" || label(5) == "family member");
    }
    let table = [
        "| axis | labelled positive | sentences | sensitivity | specificity | accuracy |"
            .to_string(),
        "|---|---|---|---|---|---|".to_string(),
        neg.row("negated"),
        hist.row("historical"),
        hypo.row("hypothetical (\"not particular\")"),
        other.row("experiencer: other"),
    ]
    .join("\n");
    eprintln!("{table}\n(skipped {skipped} rows whose concept is not in the sentence)");
    // Floors at the published NegEx figures for negation (78% / 94.5%), and
    // regression floors for the other axes at what we measured.
    assert!(neg.sens() >= 0.78 && neg.spec() >= 0.945, "{table}");
    assert!(other.acc() >= 0.95, "{table}");
    assert!(hist.acc() >= 0.80 && hypo.acc() >= 0.90, "{table}");
}
