//! The run's LLM summarizer: the client and the tokio runtime it lives on,
//! and the step that replaces each case's extractive summary with the model's
//! verified one. This crate alone owns tokio; the driver calls it blocking.

use std::sync::Arc;

use pa_types::{CaseResult, Citation, LlmReport, Sentence, Statement};

use crate::{CaseAnswer, CaseFailure, LlmClient};

/// The LLM client and the runtime it lives on, for the whole run (pooled
/// connections belong to the runtime that opened them).
pub struct Summarizer {
    rt: tokio::runtime::Runtime,
    client: Arc<LlmClient>,
}

impl Summarizer {
    /// Start the runtime (two worker threads) for `client`.
    pub fn new(client: LlmClient) -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        Ok(Summarizer {
            rt,
            client: Arc::new(client),
        })
    }

    /// Let the LLM write each case's summary; keep the extractive one where it
    /// fails. The gaps section (`what_is_missing`) always comes from the
    /// evidence checker. `sentences[i]` are the sentences of `cases[i]`; a case
    /// without any is left alone.
    pub fn summarize(
        &self,
        cases: &mut [CaseResult],
        sentences: &[Vec<Sentence>],
        max_chunks: usize,
        word_budget: usize,
    ) {
        let results = self.rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (i, (case, sents)) in cases.iter().zip(sentences).enumerate() {
                if sents.is_empty() {
                    continue;
                }
                let preferred: Vec<Citation> = case
                    .summary
                    .statements
                    .iter()
                    .flat_map(|s| s.citations.iter().cloned())
                    .collect();
                let chunks = crate::chunks(sents, &preferred, max_chunks);
                let client = self.client.clone();
                let case_id = case.case_id.clone();
                set.spawn(async move {
                    (
                        i,
                        client.summarize_case(&case_id, &chunks, word_budget).await,
                    )
                });
            }
            let mut out = Vec::new();
            while let Some(r) = set.join_next().await {
                if let Ok(r) = r {
                    out.push(r);
                }
            }
            out
        });
        for (i, result) in results {
            let case = &mut cases[i];
            let report = publish(case, result);
            tracing::info!(
                case_id = %case.case_id,
                attempts = report.attempts,
                published = report.published,
                dropped = report.dropped,
                fallback = report.fallback.as_deref().unwrap_or(""),
                "llm summary"
            );
            case.summary.llm = Some(report);
        }
    }
}

/// Put a case's verified statements in its summary (the gaps section stays),
/// and say what happened.
fn publish(case: &mut CaseResult, result: Result<CaseAnswer, CaseFailure>) -> LlmReport {
    match result {
        Ok(answer) => {
            let v = answer.verified;
            let dropped: u32 = v.dropped.values().sum();
            let reasons = v.dropped.clone();
            let published = v.statements.len() as u32;
            let fallback = if v.statements.is_empty() {
                Some("no statement survived verification".to_string())
            } else {
                let gaps: Vec<Statement> = case
                    .summary
                    .statements
                    .drain(..)
                    .filter(|s| s.section == pa_types::SummarySection::WhatIsMissing)
                    .collect();
                case.summary.statements = v.statements;
                case.summary.statements.extend(gaps);
                None
            };
            LlmReport {
                attempts: answer.attempts,
                dropped,
                drop_reasons: reasons,
                published,
                fallback,
            }
        }
        Err(f) => LlmReport {
            attempts: f.attempts,
            fallback: Some(f.error.class().to_string()),
            ..Default::default()
        },
    }
}
