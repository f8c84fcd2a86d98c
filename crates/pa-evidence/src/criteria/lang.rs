//! The criteria language: a policy file and its expression nodes, parsed
//! strictly from TOML and validated against the lexicon, with errors that
//! name the file, the line, the criterion and the key (docs/criteria.md).

use serde::Deserialize;

use crate::Checker;

/// A criteria file that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct CriteriaError {
    /// "built-in" or the file's path.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong and what to do, for a person who writes policies.
    pub message: String,
}

/// The file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyFile {
    pub version: u32,
    pub id: String,
    pub title: String,
    /// Where the criteria come from (LCD/NCD id, or a plan policy by name and date).
    #[serde(default)]
    pub citation: Option<String>,
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub drugs: Vec<String>,
    #[serde(default)]
    pub indications: Vec<String>,
    #[serde(default)]
    pub diagnoses: Vec<String>,
    pub criterion: Vec<Node>,
}

/// One expression: a combination of other nodes, or a test of the case.
/// Exactly one kind of node per table (see [`Node::kind`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Node {
    /// Required on top-level criteria.
    pub id: Option<String>,
    /// Required on top-level criteria; names a nested node in reasons.
    pub description: Option<String>,

    // Logic.
    pub all_of: Option<Vec<Node>>,
    pub any_of: Option<Vec<Node>>,
    pub at_least: Option<usize>,
    pub of: Option<Vec<Node>>,
    pub when: Option<Box<Node>>,
    pub then: Option<Box<Node>>,
    #[serde(rename = "else")]
    pub otherwise: Option<Box<Node>>,
    pub absent: Option<Box<Node>>,
    pub not_concurrent: Option<Box<Node>>,

    // Evidence in one sentence of the clinical documents.
    #[serde(default)]
    pub concepts: Vec<String>,
    #[serde(default)]
    pub also_concepts: Vec<String>,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub codes: Vec<String>,
    pub measure: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_duration_days: Option<f64>,
    #[serde(default)]
    pub expect_negative: bool,
    pub window_days: Option<i64>,
    pub dose_max: Option<f64>,
    pub dose_unit: Option<String>,

    // Patient and prescriber.
    pub age_min: Option<f64>,
    pub age_max: Option<f64>,
    pub sex: Option<String>,
    pub specialty: Option<Vec<String>>,

    // Counts.
    pub count_of: Option<String>,
}

/// What a node tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    AllOf,
    AnyOf,
    AtLeast,
    When,
    Absent,
    NotConcurrent,
    Sentence,
    Dose,
    Age,
    Sex,
    Specialty,
    Count,
}

impl Node {
    /// The kinds the keys of this table ask for (valid nodes have one).
    pub fn kinds(&self) -> Vec<Kind> {
        let mut k = Vec::new();
        let mut add = |on: bool, kind| {
            if on {
                k.push(kind)
            }
        };
        add(self.all_of.is_some(), Kind::AllOf);
        add(self.any_of.is_some(), Kind::AnyOf);
        add(self.at_least.is_some(), Kind::AtLeast);
        add(self.when.is_some(), Kind::When);
        add(self.absent.is_some(), Kind::Absent);
        add(self.not_concurrent.is_some(), Kind::NotConcurrent);
        add(self.age_min.is_some() || self.age_max.is_some(), Kind::Age);
        add(self.sex.is_some(), Kind::Sex);
        add(self.specialty.is_some(), Kind::Specialty);
        add(self.count_of.is_some(), Kind::Count);
        if self.dose_max.is_some() {
            k.push(Kind::Dose);
        } else if !self.concepts.is_empty()
            || !self.also_concepts.is_empty()
            || !self.words.is_empty()
            || !self.codes.is_empty()
            || self.measure.is_some()
            || self.min_duration_days.is_some()
        {
            k.push(Kind::Sentence);
        }
        k
    }

    /// The node's kind; valid nodes have exactly one.
    pub fn kind(&self) -> Kind {
        self.kinds()[0]
    }
}

/// Keys each kind owns besides its own: a key outside its kind is an error.
const NAMES: &[(&str, Kind)] = &[
    ("all_of", Kind::AllOf),
    ("any_of", Kind::AnyOf),
    ("at_least", Kind::AtLeast),
    ("when", Kind::When),
    ("absent", Kind::Absent),
    ("not_concurrent", Kind::NotConcurrent),
    ("concepts/words/codes/measure", Kind::Sentence),
    ("dose_max", Kind::Dose),
    ("age_min/age_max", Kind::Age),
    ("sex", Kind::Sex),
    ("specialty", Kind::Specialty),
    ("count_of", Kind::Count),
];

fn kind_name(k: Kind) -> &'static str {
    NAMES.iter().find(|n| n.1 == k).map_or("?", |n| n.0)
}

/// Every key a criteria file may hold, for "did you mean".
const KEYS: &[&str] = &[
    "version",
    "id",
    "title",
    "citation",
    "codes",
    "drugs",
    "indications",
    "diagnoses",
    "criterion",
    "description",
    "all_of",
    "any_of",
    "at_least",
    "of",
    "when",
    "then",
    "else",
    "absent",
    "not_concurrent",
    "concepts",
    "also_concepts",
    "words",
    "measure",
    "min",
    "max",
    "min_duration_days",
    "expect_negative",
    "window_days",
    "dose_max",
    "dose_unit",
    "age_min",
    "age_max",
    "sex",
    "specialty",
    "count_of",
];

/// Edit distance, for suggestions.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// "; did you mean `x`?" for the closest of `names`, when close enough.
pub(crate) fn suggest<'a>(wrong: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| (distance(wrong, n), n))
        .filter(|(d, n)| *d <= (n.len() / 3).max(2))
        .min()
        .map(|(_, n)| format!("; did you mean `{n}`?"))
        .unwrap_or_default()
}

/// 1-based line of a byte offset.
fn line_at(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// Locates keys and values in the file's text, for error lines.
pub(crate) struct Locator<'a> {
    text: &'a str,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Locator { text }
    }

    /// Line of `id = "<criterion>"`.
    fn criterion_line(&self, criterion: &str) -> Option<usize> {
        let re = regex::Regex::new(&format!(
            r#"(?m)^\s*id\s*=\s*"{}""#,
            regex::escape(criterion)
        ))
        .ok()?;
        re.find(self.text).map(|m| line_at(self.text, m.start()))
    }

    /// First line at or after the criterion's that holds `needle` (a value or a key).
    pub fn line(&self, criterion: Option<&str>, needle: &str) -> Option<usize> {
        let from = criterion.and_then(|c| self.criterion_line(c)).unwrap_or(1);
        let found = self
            .text
            .lines()
            .enumerate()
            .skip(from - 1)
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1);
        found.or(criterion.and_then(|c| self.criterion_line(c)))
    }
}

/// Turns serde's wording into a policy writer's.
fn toml_message(e: &toml::de::Error) -> String {
    let m = e.message().trim().to_string();
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        return format!("unknown key `{key}`{}", suggest(key, KEYS.iter().copied()));
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or("");
        return format!("required key `{key}` is missing");
    }
    m
}

/// Parse a file's text; syntax errors and unknown keys come back with their line.
pub(crate) fn parse(source: &str, text: &str) -> Result<PolicyFile, CriteriaError> {
    toml::from_str(text).map_err(|e: toml::de::Error| CriteriaError {
        file: source.to_string(),
        line: e.span().map(|s| line_at(text, s.start)),
        message: toml_message(&e),
    })
}

/// Checks the parsed file against the language's rules and the lexicon.
pub(crate) struct Validator<'a> {
    pub source: &'a str,
    pub loc: Locator<'a>,
    pub checker: &'a Checker,
    pub errors: Vec<CriteriaError>,
}

impl Validator<'_> {
    fn error(&mut self, criterion: Option<&str>, needle: &str, message: String) {
        let line = self.loc.line(criterion, needle);
        self.errors.push(CriteriaError {
            file: self.source.to_string(),
            line,
            message,
        });
    }

    /// Error prefix naming the criterion and the key.
    fn at(criterion: Option<&str>, key: &str) -> String {
        match criterion {
            Some(c) => format!("criterion `{c}`, key `{key}`"),
            None => format!("key `{key}`"),
        }
    }

    fn concept(&mut self, criterion: Option<&str>, key: &str, id: &str, want_kind: Option<&str>) {
        let lex = &self.checker.lex;
        match lex.index_of(id) {
            None => {
                let ids = lex.entries.iter().map(|e| e.id.as_str());
                let hint = suggest(id, ids);
                self.error(
                    criterion,
                    &format!("\"{id}\""),
                    format!(
                        "{}: unknown concept `{id}`{hint} (concepts are the ids of pipelines/lexicon.toml and the generic names of the drug vocabulary)",
                        Self::at(criterion, key)
                    ),
                );
            }
            Some(i) => {
                if let Some(k) = want_kind {
                    let kinds: Vec<&str> = k.split('|').collect();
                    if !kinds.contains(&lex.entries[i].kind.as_str()) {
                        self.error(
                            criterion,
                            &format!("\"{id}\""),
                            format!(
                                "{}: `{id}` is a {}, not a {}",
                                Self::at(criterion, key),
                                lex.entries[i].kind,
                                kinds.join(" or ")
                            ),
                        );
                    }
                }
            }
        }
    }

    /// The whole file.
    pub fn file(&mut self, f: &PolicyFile) {
        if f.version != 1 {
            self.error(
                None,
                "version",
                format!(
                    "unsupported version {} (this build reads version 1)",
                    f.version
                ),
            );
        }
        if f.id.trim().is_empty() || f.id.contains(char::is_whitespace) {
            self.error(
                None,
                "id",
                "key `id`: a policy id is one word, e.g. `adalimumab-crohns`".into(),
            );
        }
        if f.codes.is_empty() && f.drugs.is_empty() {
            self.error(
                None,
                "title",
                "the policy matches nothing: give `codes` (CPT/HCPCS/NDC) or `drugs`".into(),
            );
        }
        for d in &f.drugs {
            if pa_types::drugs::generic_of(d).is_none() && self.checker.lex.index_of(d).is_none() {
                self.error(
                    None,
                    &format!("\"{d}\""),
                    format!("key `drugs`: `{d}` is not a drug name the drug vocabulary knows (generic or brand)"),
                );
            }
        }
        for p in &f.indications {
            if !ICD10_PREFIX.is_match(p) {
                self.error(
                    None,
                    &format!("\"{p}\""),
                    format!("key `indications`: `{p}` is not an ICD-10-CM code or prefix (e.g. `K50` or `K50.1`)"),
                );
            }
        }
        for d in &f.diagnoses {
            self.concept(None, "diagnoses", d, None);
        }
        if f.criterion.is_empty() {
            self.error(None, "title", "the policy has no `[[criterion]]`".into());
        }
        let mut seen = std::collections::HashSet::new();
        for c in &f.criterion {
            let Some(id) = c.id.as_deref() else {
                self.error(
                    None,
                    "[[criterion]]",
                    "a `[[criterion]]` has no `id`".into(),
                );
                continue;
            };
            if !seen.insert(id) {
                self.error(Some(id), "id", format!("criterion `{id}` is defined twice"));
            }
            if c.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
                self.error(Some(id), "id", format!("criterion `{id}` has no `description` (what the payer requires, shown to reviewers)"));
            }
            self.node(id, c);
        }
    }

    fn node(&mut self, cid: &str, n: &Node) {
        let c = Some(cid);
        let Some(kind) = self.node_kind(cid, n) else {
            return;
        };
        self.strays(cid, n, kind);
        for id in n.concepts.iter().chain(&n.also_concepts) {
            self.concept(c, "concepts", id, None);
        }
        if let Some(m) = &n.measure {
            self.concept(c, "measure", m, Some("measure"));
        }
        match kind {
            Kind::AllOf
            | Kind::AnyOf
            | Kind::AtLeast
            | Kind::When
            | Kind::Absent
            | Kind::NotConcurrent => self.branches(cid, n, kind),
            _ => self.leaf(cid, n, kind),
        }
    }

    /// What a node tests: exactly one kind, or an error.
    fn node_kind(&mut self, cid: &str, n: &Node) -> Option<Kind> {
        let c = Some(cid);
        let kinds = n.kinds();
        match kinds.len() {
            0 => {
                self.error(
                    c,
                    "id",
                    format!(
                        "criterion `{cid}`: a node tests nothing; give one of {}",
                        NAMES
                            .iter()
                            .map(|n| format!("`{}`", n.0))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
            1 => Some(kinds[0]),
            _ => {
                let names: Vec<String> = kinds
                    .iter()
                    .map(|k| format!("`{}`", kind_name(*k)))
                    .collect();
                self.error(c, kind_name(kinds[1]).split('/').next().unwrap_or(""), format!(
                    "criterion `{cid}`: one table mixes {}; put each in its own table (e.g. inside `all_of`)",
                    names.join(" and ")
                ));
                None
            }
        }
    }

    /// Keys that belong to another kind of node than `kind`.
    fn strays(&mut self, cid: &str, n: &Node, kind: Kind) {
        let c = Some(cid);
        let stray =
            |on: bool, key: &'static str, belongs: &'static str| on.then_some((key, belongs));
        let strays = [
            stray(n.of.is_some() && kind != Kind::AtLeast, "of", "at_least"),
            stray(n.then.is_some() && kind != Kind::When, "then", "when"),
            stray(n.otherwise.is_some() && kind != Kind::When, "else", "when"),
            stray(
                (n.min.is_some() || n.max.is_some())
                    && !(kind == Kind::Count || n.measure.is_some()),
                "min/max",
                "measure or count_of",
            ),
            stray(
                n.dose_unit.is_some() && kind != Kind::Dose,
                "dose_unit",
                "dose_max",
            ),
            stray(
                n.window_days.is_some() && kind != Kind::Sentence,
                "window_days",
                "concepts/words/codes/measure",
            ),
            stray(
                n.expect_negative && kind != Kind::Sentence,
                "expect_negative",
                "concepts",
            ),
        ];
        for (key, belongs) in strays.into_iter().flatten() {
            self.error(
                c,
                key.split('/').next().unwrap_or(key),
                format!("{}: only meaningful with `{belongs}`", Self::at(c, key)),
            );
        }
    }

    /// A node that holds other nodes: check its shape, then each of them.
    fn branches(&mut self, cid: &str, n: &Node, kind: Kind) {
        let c = Some(cid);
        match kind {
            Kind::AllOf | Kind::AnyOf => {
                let list = n.all_of.as_ref().or(n.any_of.as_ref()).expect("kind");
                let key = if kind == Kind::AllOf {
                    "all_of"
                } else {
                    "any_of"
                };
                if list.is_empty() {
                    self.error(c, key, format!("{}: the list is empty", Self::at(c, key)));
                }
                list.iter().for_each(|x| self.node(cid, x));
            }
            Kind::AtLeast => {
                let k = n.at_least.expect("kind");
                let of = n.of.as_deref().unwrap_or_default();
                if of.is_empty() || k == 0 || k > of.len() {
                    self.error(c, "at_least", format!(
                        "{}: needs `of`, a list of at least {k} alternatives, and a count from 1 to its length (`at_least = 2` with `of = [...]`)",
                        Self::at(c, "at_least")
                    ));
                }
                of.iter().for_each(|x| self.node(cid, x));
            }
            Kind::When => {
                match &n.then {
                    None => self.error(
                        c,
                        "when",
                        format!(
                            "{}: needs `then`, what must hold when the condition does",
                            Self::at(c, "when")
                        ),
                    ),
                    Some(t) => self.node(cid, t),
                }
                self.node(cid, n.when.as_deref().expect("kind"));
                if let Some(e) = &n.otherwise {
                    self.node(cid, e);
                }
            }
            Kind::Absent | Kind::NotConcurrent => {
                let inner = n
                    .absent
                    .as_deref()
                    .or(n.not_concurrent.as_deref())
                    .expect("kind");
                if inner.kinds() != [Kind::Sentence] {
                    let key = if kind == Kind::Absent {
                        "absent"
                    } else {
                        "not_concurrent"
                    };
                    self.error(c, key, format!(
                        "{}: takes a table of `concepts`, `words` or `codes` (what must not be documented)",
                        Self::at(c, key)
                    ));
                }
                self.node(cid, inner);
            }
            _ => {}
        }
    }

    /// A node that tests the case itself: check its values.
    fn leaf(&mut self, cid: &str, n: &Node, kind: Kind) {
        let c = Some(cid);
        match kind {
            Kind::Sentence => {
                if n.measure.is_some() && n.min.is_none() && n.max.is_none() {
                    self.error(
                        c,
                        "measure",
                        format!("{}: give `min` or `max`", Self::at(c, "measure")),
                    );
                }
                if n.window_days.is_some_and(|w| w < 0) {
                    self.error(
                        c,
                        "window_days",
                        format!("{}: must be 0 or more days", Self::at(c, "window_days")),
                    );
                }
            }
            Kind::Dose => {
                if n.concepts.is_empty() || n.dose_unit.is_none() {
                    self.error(
                        c,
                        "dose_max",
                        format!(
                            "{}: needs `concepts` (the drug) and `dose_unit` (e.g. \"mg\")",
                            Self::at(c, "dose_max")
                        ),
                    );
                }
                if let Some(u) = &n.dose_unit {
                    if crate::criteria::patient::unit(u).is_none() {
                        self.error(
                            c,
                            "dose_unit",
                            format!(
                                "{}: unknown unit `{u}` (mg, mcg, g, mL, units, mg/kg, mcg/kg)",
                                Self::at(c, "dose_unit")
                            ),
                        );
                    }
                }
            }
            Kind::Age
                if n.age_min
                    .into_iter()
                    .chain(n.age_max)
                    .any(|a| !(0.0..=130.0).contains(&a)) =>
            {
                self.error(
                    c,
                    "age_",
                    format!(
                        "{}: ages are years, 0 to 130",
                        Self::at(c, "age_min/age_max")
                    ),
                );
            }
            Kind::Sex => {
                let s = n.sex.as_deref().unwrap_or("");
                if !matches!(s, "female" | "male") {
                    self.error(
                        c,
                        "sex",
                        format!("{}: `{s}` is not `female` or `male`", Self::at(c, "sex")),
                    );
                }
            }
            Kind::Specialty
                if n.specialty
                    .as_ref()
                    .is_none_or(|s| s.iter().all(|x| x.trim().len() < 2)) =>
            {
                self.error(
                    c,
                    "specialty",
                    format!(
                        "{}: name at least one specialty, e.g. [\"gastroenterology\"]",
                        Self::at(c, "specialty")
                    ),
                );
            }
            Kind::Count => {
                let class = n.count_of.as_deref().unwrap_or("");
                self.concept(c, "count_of", class, Some("drug_class"));
                if n.min.is_none_or(|m| m < 1.0) {
                    self.error(
                        c,
                        "count_of",
                        format!(
                            "{}: give `min`, the number of distinct drugs needed (1 or more)",
                            Self::at(c, "count_of")
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

/// An ICD-10-CM code or prefix (`K50`, `K50.1`, `K501`).
pub(crate) static ICD10_PREFIX: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"^[A-TV-Z]\d{2}(\.?[0-9A-Z]{0,4})?$").unwrap());
