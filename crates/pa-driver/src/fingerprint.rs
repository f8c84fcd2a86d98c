//! Case fingerprints (what decides whether a case must be redone) and the
//! shard a case belongs to.

/// Stands for "no policy applied" in a case fingerprint.
pub(crate) const NO_POLICY: &str = "no-policy";

/// A case's stored fingerprint: its documents' fingerprint and the sha256 of
/// the policy applied to it, so that editing a policy redoes the cases it
/// applied to and no other.
pub(crate) fn case_fingerprint(documents: &str, policy_sha256: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(documents.as_bytes());
    h.update([0]);
    h.update(policy_sha256.as_bytes());
    format!("{:x}", h.finalize())
}

/// sha256 over the pipeline version, the settings hash (criteria aside), the
/// policy routing, every document's name, hash and size, and the digest of the
/// case's reviewer verdicts (when it has any): what decides, with the policy
/// applied (`case_fingerprint`), whether a case must be redone. A new verdict
/// redoes its case, so the case page shows it.
pub(crate) fn fingerprint(
    case: &pa_ingest::StagedCase,
    pipeline_sha256: &str,
    routing: &str,
    reviews: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(pipeline_sha256.as_bytes());
    h.update([0]);
    h.update(routing.as_bytes());
    let mut docs: Vec<_> = case
        .docs
        .iter()
        .map(|d| (&d.file_name, &d.sha256, d.size))
        .collect();
    docs.sort();
    for (name, sha, size) in docs {
        h.update([0]);
        h.update(name.as_bytes());
        h.update([0]);
        h.update(sha.as_bytes());
        h.update(size.to_le_bytes());
    }
    if !reviews.is_empty() {
        h.update(b"\0reviews\0");
        h.update(reviews.as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// The shard (0-based, of `n`) a case belongs to: a stable hash of its id, the
/// same on every machine and every run.
pub fn shard_of(case_id: &str, n: u32) -> u32 {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(case_id.as_bytes());
    (u64::from_be_bytes(h[..8].try_into().expect("8 bytes")) % u64::from(n.max(1))) as u32
}
