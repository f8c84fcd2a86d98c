//! FHIR R4 export for integrators: a case's criteria and claims as a
//! `QuestionnaireResponse`, with every answer carrying its source spans
//! (document, page, character offsets, verbatim quote) in an extension, which
//! the Da Vinci DTR `information-origin` extension has no room for; plus a
//! `Provenance` naming the run and the source documents. Both in a
//! `collection` Bundle.

use serde_json::{json, Value};

use crate::read::{StoredCase, StoredSpan};

/// Base of our extension and code-system URLs.
pub const BASE: &str = "https://priorauth.example.org/fhir";

/// A FHIR id: `[A-Za-z0-9\-\.]{1,64}`.
fn fhir_id(s: &str) -> String {
    let id: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    id.chars().take(64).collect()
}

/// `20261127T023549Z-xxxx` -> `2026-11-27T02:35:49Z`.
fn run_instant(run_id: &str) -> String {
    let d = run_id.get(..16).unwrap_or("19700101T000000Z");
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    )
}

fn span_extension((doc, page, start, end, quote): &StoredSpan, relation: &str) -> Value {
    let mut parts = vec![
        json!({"url": "document", "valueString": doc}),
        json!({"url": "page", "valueInteger": page}),
        json!({"url": "start", "valueInteger": start}),
        json!({"url": "end", "valueInteger": end}),
        json!({"url": "quote", "valueString": quote}),
    ];
    if !relation.is_empty() {
        parts.push(json!({"url": "relation", "valueCode": relation}));
    }
    json!({"url": format!("{BASE}/StructureDefinition/source-span"), "extension": parts})
}

fn status_answer(system: &str, code: &str, reason: &str, spans: Vec<Value>) -> Value {
    let mut ext = spans;
    ext.push(json!({"url": format!("{BASE}/StructureDefinition/reason"), "valueString": reason}));
    json!({
        "valueCoding": {"system": format!("{BASE}/CodeSystem/{system}"), "code": code, "display": code.replace('_', " ")},
        "extension": ext,
    })
}

/// The case as a FHIR R4 Bundle.
pub fn case_bundle(case_id: &str, c: &StoredCase) -> Value {
    let qr_id = fhir_id(&format!("{case_id}-{}", c.run_id));
    let criteria_items: Vec<Value> = c
        .criteria
        .iter()
        .zip(&c.criteria_evidence)
        .map(|((id, desc, status, reason), ev)| {
            let spans = ev.iter().map(|(s, r)| span_extension(s, r)).collect();
            json!({"linkId": format!("criterion.{id}"), "text": desc, "answer": [status_answer("criterion-status", status, reason, spans)]})
        })
        .collect();
    let claim_items: Vec<Value> = c
        .claims
        .iter()
        .map(|k| {
            let mut spans = vec![span_extension(&k.span, "claim")];
            spans.extend(k.evidence.iter().map(|(s, r)| span_extension(s, r)));
            json!({"linkId": format!("claim.{}", k.claim_id), "text": k.text.split_whitespace().collect::<Vec<_>>().join(" "),
                   "answer": [status_answer("claim-status", &k.status, &k.reason, spans)]})
        })
        .collect();
    let mut items = Vec::new();
    if let Some(code) = &c.service_code {
        items.push(json!({"linkId": "service", "text": "Requested service",
            "answer": [{"valueString": format!("{code} {}", c.service_description.clone().unwrap_or_default()).trim().to_string()}]}));
    }
    if !criteria_items.is_empty() {
        items.push(json!({"linkId": "criteria", "text": "Payer criteria", "item": criteria_items}));
    }
    if !claim_items.is_empty() {
        items.push(json!({"linkId": "claims", "text": "Medical-necessity claims of the letter or request form", "item": claim_items}));
    }
    let mut docs: Vec<&str> = c.documents.iter().map(|d| d.0.as_str()).collect();
    docs.dedup();
    let qr = json!({
        "resourceType": "QuestionnaireResponse",
        "id": qr_id,
        "status": "completed",
        "authored": run_instant(&c.run_id),
        "item": items,
    });
    let provenance = json!({
        "resourceType": "Provenance",
        "id": fhir_id(&format!("prov-{qr_id}")),
        "target": [{"reference": format!("QuestionnaireResponse/{qr_id}")}],
        "recorded": run_instant(&c.run_id),
        "agent": [{"who": {"display": format!("priorauth run {}", c.run_id)}}],
        "entity": docs.iter().map(|d| json!({"role": "source", "what": {"display": d}})).collect::<Vec<_>>(),
    });
    json!({
        "resourceType": "Bundle",
        "id": fhir_id(&format!("bundle-{qr_id}")),
        "type": "collection",
        "entry": [
            {"fullUrl": format!("{BASE}/QuestionnaireResponse/{qr_id}"), "resource": qr},
            {"fullUrl": format!("{BASE}/Provenance/prov-{qr_id}"), "resource": provenance},
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_instants() {
        assert_eq!(fhir_id("mri lumbar/001"), "mri-lumbar-001");
        assert_eq!(run_instant("20261127T023549Z-83f2"), "2026-11-27T02:35:49Z");
    }
}
