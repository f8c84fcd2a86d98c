//! ConText for clinical mentions: is a mention negated, declined, hypothetical,
//! uncertain, historical, or about someone other than the patient?
//!
//! The algorithm is NegEx/ConText (Chapman et al.): trigger phrases from
//! `pipelines/context.toml` govern the words after them (`pre`) or before them
//! (`post`) up to a window or a terminator (`but`, `;`, ...). `anywhere`
//! triggers govern the whole sentence.

use serde::Deserialize;

/// Trigger lists for one axis.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Triggers {
    #[serde(default)]
    pre: Vec<String>,
    #[serde(default)]
    post: Vec<String>,
    #[serde(default)]
    anywhere: Vec<String>,
    /// Phrases that contain a trigger but are not one ("history of present illness").
    #[serde(default)]
    pseudo: Vec<String>,
    /// Extra words that end this axis's scope ("presents", "reports").
    #[serde(default)]
    terminators: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Terminators {
    words: Vec<String>,
    punctuation: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    version: u32,
    window: usize,
    negation: Triggers,
    declined: Triggers,
    hypothetical: Triggers,
    uncertain: Triggers,
    historical: Triggers,
    experiencer: Triggers,
    terminators: Terminators,
}

/// The context of one mention.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Assessment {
    /// Negated ("denies X", "X negative").
    pub negated: bool,
    /// Offered but declined or refused.
    pub declined: bool,
    /// Planned, conditional or requested, not done.
    pub hypothetical: bool,
    /// Possible, suspected.
    pub uncertain: bool,
    /// In the past.
    pub historical: bool,
    /// About a family member.
    pub family: bool,
}

type Phrase = Vec<String>;

struct Axis {
    pre: Vec<Phrase>,
    post: Vec<Phrase>,
    anywhere: Vec<Phrase>,
    pseudo: Vec<Phrase>,
    terminators: Vec<Phrase>,
}

/// Compiled ConText rules.
pub struct Context {
    window: usize,
    negation: Axis,
    declined: Axis,
    hypothetical: Axis,
    uncertain: Axis,
    historical: Axis,
    experiencer: Axis,
    term_words: Vec<String>,
    term_punct: Vec<String>,
}

/// A token for ConText: a lowercase word (`s/p`, `r/o` and hyphenated words kept
/// whole) or a punctuation mark, with its char offsets.
#[derive(Debug, Clone)]
pub struct CtxToken {
    /// Lowercase text.
    pub text: String,
    /// Char start in the sentence.
    pub start: usize,
    /// Char end.
    pub end: usize,
}

/// Tokenize for ConText matching.
pub fn ctx_tokens(s: &str) -> Vec<CtxToken> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            let st = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || (matches!(chars[i], '/' | '-' | '\'' | '.')
                        && i + 1 < chars.len()
                        && chars[i + 1].is_alphanumeric()
                        && (chars[i] != '.' || chars[i + 1].is_ascii_digit())))
            {
                i += 1;
            }
            out.push(CtxToken {
                text: chars[st..i].iter().collect::<String>().to_lowercase(),
                start: st,
                end: i,
            });
        } else {
            if matches!(c, ';' | '.' | ':' | ',' | '(' | ')') {
                out.push(CtxToken {
                    text: c.to_string(),
                    start: i,
                    end: i + 1,
                });
            }
            i += 1;
        }
    }
    out
}

fn phrases(list: &[String]) -> Vec<Phrase> {
    list.iter()
        .map(|p| {
            ctx_tokens(p)
                .into_iter()
                .map(|t| t.text)
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

impl Axis {
    fn new(t: &Triggers) -> Self {
        Axis {
            pre: phrases(&t.pre),
            post: phrases(&t.post),
            anywhere: phrases(&t.anywhere),
            pseudo: phrases(&t.pseudo),
            terminators: phrases(&t.terminators),
        }
    }
}

fn matches_at(toks: &[CtxToken], i: usize, p: &Phrase) -> bool {
    i + p.len() <= toks.len() && p.iter().enumerate().all(|(k, w)| toks[i + k].text == *w)
}

impl Context {
    /// Compile the TOML text of `pipelines/context.toml`.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let f: RulesFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if f.version != 1 {
            return Err(format!("unsupported context rules version {}", f.version));
        }
        Ok(Context {
            window: f.window,
            negation: Axis::new(&f.negation),
            declined: Axis::new(&f.declined),
            hypothetical: Axis::new(&f.hypothetical),
            uncertain: Axis::new(&f.uncertain),
            historical: Axis::new(&f.historical),
            experiencer: Axis::new(&f.experiencer),
            term_words: f.terminators.words,
            term_punct: f.terminators.punctuation,
        })
    }

    fn is_terminator(&self, t: &CtxToken) -> bool {
        self.term_words.contains(&t.text) || self.term_punct.contains(&t.text)
    }

    fn axis_applies(&self, axis: &Axis, toks: &[CtxToken], ts: usize, te: usize) -> bool {
        // Token positions inside a pseudo-trigger cannot start a trigger.
        let mut pseudo = vec![false; toks.len()];
        for i in 0..toks.len() {
            for p in &axis.pseudo {
                if matches_at(toks, i, p) {
                    pseudo[i..i + p.len()].iter_mut().for_each(|x| *x = true);
                }
            }
        }
        let stop = |i: usize| {
            self.is_terminator(&toks[i]) || axis.terminators.iter().any(|p| matches_at(toks, i, p))
        };
        if axis
            .anywhere
            .iter()
            .any(|p| (0..toks.len()).any(|i| !pseudo[i] && matches_at(toks, i, p)))
        {
            return true;
        }
        // Pre-triggers: scan left from the target.
        let mut words = 0;
        let mut i = ts;
        while i > 0 && words <= self.window {
            i -= 1;
            if stop(i) {
                break;
            }
            if !pseudo[i]
                && axis
                    .pre
                    .iter()
                    .any(|p| p.len() <= ts - i && matches_at(toks, i, p))
            {
                return true;
            }
            words += 1;
        }
        // Post-triggers: scan right.
        let mut words = 0;
        let mut i = te;
        while i < toks.len() && words <= self.window {
            if stop(i) && toks[i].text != "." {
                break;
            }
            if !pseudo[i] && axis.post.iter().any(|p| matches_at(toks, i, p)) {
                return true;
            }
            if stop(i) {
                break;
            }
            words += 1;
            i += 1;
        }
        false
    }

    /// Assess the mention at char range `start..end` of `sentence`.
    pub fn assess(&self, sentence: &str, start: usize, end: usize) -> Assessment {
        let toks = ctx_tokens(sentence);
        let ts = toks
            .iter()
            .position(|t| t.end > start)
            .unwrap_or(toks.len());
        let te = toks
            .iter()
            .position(|t| t.start >= end)
            .unwrap_or(toks.len())
            .max(ts);
        Assessment {
            negated: self.axis_applies(&self.negation, &toks, ts, te),
            declined: self.axis_applies(&self.declined, &toks, ts, te),
            hypothetical: self.axis_applies(&self.hypothetical, &toks, ts, te),
            uncertain: self.axis_applies(&self.uncertain, &toks, ts, te),
            historical: self.axis_applies(&self.historical, &toks, ts, te),
            family: self.axis_applies(&self.experiencer, &toks, ts, te),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context::from_toml(include_str!("../../../pipelines/context.toml")).unwrap()
    }

    fn at(sentence: &str, target: &str) -> Assessment {
        let b = sentence
            .to_lowercase()
            .find(&target.to_lowercase())
            .expect("target in sentence");
        let start = sentence[..b].chars().count();
        ctx().assess(sentence, start, start + target.chars().count())
    }

    #[test]
    fn negation_pre_and_post() {
        assert!(
            at(
                "Denies drowsy driving or motor vehicle accidents.",
                "drowsy driving"
            )
            .negated
        );
        assert!(
            at(
                "Patient denies bowel or bladder incontinence.",
                "incontinence"
            )
            .negated
        );
        assert!(at("QuantiFERON-TB Gold Plus Negative", "QuantiFERON").negated);
        assert!(
            !at(
                "Took naproxen 500 mg BID x 4 weeks, stopped due to dyspepsia and no relief.",
                "naproxen"
            )
            .negated
        );
        assert!(!at("No fever, but reports chest pain.", "chest pain").negated);
    }

    #[test]
    fn declined_family_and_hypothetical() {
        assert!(
            at(
                "Hydroxychloroquine was offered in 2024 but patient declined due to concern.",
                "Hydroxychloroquine"
            )
            .declined
        );
        assert!(
            at(
                "Family history: mother with breast cancer at 60.",
                "breast cancer"
            )
            .family
        );
        assert!(at("FH: Father with MI at age 58.", "MI").family);
        assert!(!at("Assessment: COPD with acute exacerbation.", "COPD").family);
        assert!(
            at(
                "Plan: Refer to pulmonary rehabilitation.",
                "pulmonary rehabilitation"
            )
            .hypothetical
        );
        assert!(at("History of cancer in 2010.", "cancer").historical);
    }
}
