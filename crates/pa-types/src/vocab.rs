//! Closed vocabularies the stages share: claim types, evidence relations,
//! ConText assertions, summary sections and backends, LLM drop reasons and
//! lexicon concept kinds.
//!
//! Each enum's `as_str` is the exact string stored in the parquet columns and
//! shown on the review pages; `Display` writes it and `FromStr` reads it back.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// A name that is not in a vocabulary (from [`FromStr`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The vocabulary (`ClaimType`, `Relation`, ...).
    pub vocabulary: &'static str,
    /// The name as given.
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.vocabulary, self.name)
    }
}

impl std::error::Error for UnknownName {}

/// A fieldless enum with a stable output name per variant: `ALL`, `as_str`,
/// `Display` and `FromStr`.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable name used in outputs.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        vocabulary: stringify!($name),
                        name: s.to_string(),
                    }),
                }
            }
        }
    };
}

vocabulary! {
    /// What a medical-necessity claim is about (`claims.claim_type`).
    pub enum ClaimType {
        /// A diagnosis, or a `Diagnosis:` line that says when or how it was made.
        Diagnosis => "diagnosis",
        /// A treatment tried before.
        PriorTreatment => "prior_treatment",
        /// A measure with its value, or a score out of a maximum.
        Score => "score",
        /// A test or its result.
        TestResult => "test_result",
        /// What the patient cannot do.
        FunctionalLimitation => "functional_limitation",
        /// A red-flag finding.
        RedFlag => "red_flag",
        /// A specialist's involvement.
        Specialist => "specialist",
        /// Where the service is given.
        SiteOfCare => "site_of_care",
        /// Any other clinical history.
        History => "history",
    }
}

vocabulary! {
    /// How an evidence span bears on a claim or a criterion (`evidence.relation`).
    pub enum Relation {
        /// It supports the claim, or shows the criterion met.
        Supports => "supports",
        /// It says otherwise, or shows the criterion not met.
        Contradicts => "contradicts",
        /// For an unsupported claim: the closest text, which did not suffice.
        Related => "related",
    }
}

vocabulary! {
    /// How the text asserts a [`crate::Fact`] (`facts.assertion`). Codes, dates and
    /// durations are always `present`; facts never read `historical` or
    /// `uncertain` (see [`FlagAssertion`] for the red flags' reading).
    pub enum FactAssertion {
        /// Stated of the patient (or not assessed: codes, dates, durations).
        Present => "present",
        /// Negated or declined.
        Negated => "negated",
        /// Planned, requested, conditional.
        Hypothetical => "hypothetical",
        /// About a family member.
        Family => "family",
    }
}

vocabulary! {
    /// How the text asserts a [`crate::RedFlag`] (`red_flags.assertion`), strongest
    /// reading first. Unlike [`FactAssertion`], the plain reading is `affirmed`,
    /// and `historical` and `uncertain` are kept apart, since they decide
    /// whether a flag escalates.
    pub enum FlagAssertion {
        /// About a family member.
        Family => "family",
        /// Negated or declined.
        Negated => "negated",
        /// Planned, asked, conditional.
        Hypothetical => "hypothetical",
        /// In the past.
        Historical => "historical",
        /// Possible, suspected.
        Uncertain => "uncertain",
        /// Stated of the patient now.
        Affirmed => "affirmed",
    }
}

vocabulary! {
    /// A summary section (`summary.section`), in display order; the last,
    /// `what_is_missing`, is written from the evidence checker's verdicts,
    /// never by a model.
    #[derive(PartialOrd, Ord)]
    pub enum SummarySection {
        /// The service requested.
        RequestedService => "requested_service",
        /// Diagnoses.
        Diagnoses => "diagnoses",
        /// Relevant history.
        RelevantHistory => "relevant_history",
        /// Treatments tried.
        PriorTreatments => "prior_treatments",
        /// Findings, values, scores.
        KeyFindings => "key_findings",
        /// Function lost.
        FunctionalImpact => "functional_impact",
        /// Why the requester says it is needed.
        MedicalNecessityRationale => "medical_necessity_rationale",
        /// What the checker found missing or contradicted.
        WhatIsMissing => "what_is_missing",
    }
}

vocabulary! {
    /// Why LLM verification dropped a proposed statement
    /// (`summary_runs.llm_drop_reasons` lists `reason=count`, by name).
    pub enum DropReason {
        /// It cites a chunk id that was not offered.
        WrongChunk => "wrong_chunk",
        /// A quote under 8 chars or 2 words.
        QuoteTooShort => "quote_too_short",
        /// A quote not in its chunk.
        QuoteNotFound => "quote_not_found",
        /// It cites an instruction to a reviewer or machine.
        CitesInstruction => "cites_instruction",
        /// It gives a verdict (approve, deny, meets criteria).
        VerdictLanguage => "verdict_language",
        /// A number of the statement is in none of its quotes.
        NumberNotInQuote => "number_not_in_quote",
        /// It cites only headers or titles.
        CitesHeader => "cites_header",
        /// Its content words are not in its quotes.
        ContentNotInQuote => "content_not_in_quote",
        /// It negates what its quotes do not.
        NegationNotInQuote => "negation_not_in_quote",
    }
}

/// Drop reasons order by name, as the `reason=count` column lists them.
impl Ord for DropReason {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for DropReason {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

vocabulary! {
    /// What a lexicon concept is (`kind` in `pipelines/lexicon.toml`); an
    /// unknown kind fails the load, naming it.
    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ConceptKind {
        /// A drug (generic).
        Drug => "drug",
        /// A drug class; its members are drugs.
        DrugClass => "drug_class",
        /// A non-drug therapy.
        Therapy => "therapy",
        /// A condition or diagnosis.
        Condition => "condition",
        /// A measure with a value (AHI, BMI).
        Measure => "measure",
        /// A test or study.
        Test => "test",
        /// A clinical finding.
        Finding => "finding",
        /// A specialist.
        Specialist => "specialist",
    }
}

/// Which summarizer wrote a statement (`summary.backend`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The extractive summarizer, and the checker's `what_is_missing`.
    Extractive,
    /// An OpenAI-compatible model, by its model name.
    Llm {
        /// The model name (`llm:<model>` in outputs).
        model: String,
    },
}

impl Backend {
    /// The stable name used in outputs: `extractive` or `llm:<model>`.
    pub fn name(&self) -> String {
        self.to_string()
    }

    /// Written by the extractive summarizer.
    pub fn is_extractive(&self) -> bool {
        matches!(self, Backend::Extractive)
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Extractive => f.write_str("extractive"),
            Backend::Llm { model } => write!(f, "llm:{model}"),
        }
    }
}

impl FromStr for Backend {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, UnknownName> {
        match (s, s.strip_prefix("llm:")) {
            ("extractive", _) => Ok(Backend::Extractive),
            (_, Some(model)) => Ok(Backend::Llm {
                model: model.to_string(),
            }),
            _ => Err(UnknownName {
                vocabulary: "Backend",
                name: s.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Copy + PartialEq + fmt::Debug + fmt::Display + FromStr>(all: &[T]) {
        for v in all {
            assert_eq!(v.to_string().parse::<T>().ok(), Some(*v));
        }
    }

    #[test]
    fn every_name_reads_back() {
        round_trips(ClaimType::ALL);
        round_trips(Relation::ALL);
        round_trips(FactAssertion::ALL);
        round_trips(FlagAssertion::ALL);
        round_trips(SummarySection::ALL);
        round_trips(DropReason::ALL);
        round_trips(ConceptKind::ALL);
        // A name of no variant (`duration` was documented, never written) is
        // an error that keeps the name as given, for readers of old files.
        let unknown = "duration".parse::<ClaimType>().unwrap_err();
        assert_eq!(
            (unknown.vocabulary, unknown.name.as_str()),
            ("ClaimType", "duration")
        );
        for b in [
            Backend::Extractive,
            Backend::Llm {
                model: "m:7b".into(),
            },
        ] {
            assert_eq!(b.name().parse::<Backend>(), Ok(b));
        }
    }

    #[test]
    fn sections_match_the_summary_list() {
        let names: Vec<&str> = SummarySection::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, crate::SUMMARY_SECTIONS);
        assert!(SummarySection::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn concept_kinds_deserialize_by_name() {
        #[derive(Deserialize)]
        struct K {
            kind: ConceptKind,
        }
        for k in ConceptKind::ALL {
            let parsed: K = toml::from_str(&format!("kind = \"{k}\"")).unwrap();
            assert_eq!(parsed.kind, *k);
        }
    }
}
