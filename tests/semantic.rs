//! Candidates by meaning (`[evidence] semantic = true`): the real model
//! (all-MiniLM-L6-v2, fetched by `make model`; CI fetches it) run in-process.
//! Similarity may only bring candidates: every finding of the evidence
//! fixtures (negations, numbers, dates, an injection sentence, support after
//! the request, ...) must stay what the reviewed snapshot says.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{priorauth, root};

/// Where the model is, as `pa_embed::Embedder::default_dir` finds it; `None`
/// (the test says so and passes) when `make model` has not been run.
fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PRIORAUTH_MODEL_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/priorauth/models/all-MiniLM-L6-v2"))
        })?;
    if dir.join("model.safetensors").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: model not found at {}, run `make model`",
            dir.display()
        );
        None
    }
}

/// The shipped settings with candidates by meaning switched on (and the
/// model's folder, when given).
fn semantic_config(dir: &Path, model: Option<&Path>) -> PathBuf {
    let model = model.map_or(String::new(), |m| m.display().to_string());
    let text = std::fs::read_to_string(root().join("pipelines/nightly.toml"))
        .unwrap()
        .replace("semantic = false", "semantic = true")
        .replace("model_dir = \"\"", &format!("model_dir = \"{model}\""));
    let p = dir.join("semantic.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn run_with(config: &Path, drop: &Path, out: &Path) -> (i32, String) {
    let o = priorauth(&[
        "run",
        "--config",
        config.to_str().unwrap(),
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn candidates_by_meaning_change_no_fixture_finding_and_are_marked() {
    let Some(model) = model_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let config = semantic_config(tmp.path(), Some(&model));
    let (code, stderr) = run_with(&config, &root().join("tests/fixtures/evidence"), &out);
    assert_eq!(code, 0, "{stderr}");
    let actual = crate::common::findings(&out);
    let expected = std::fs::read_to_string(root().join("tests/fixtures/evidence.snap")).unwrap();
    assert!(
        actual == expected,
        "with candidates by meaning, the evidence fixtures' findings differ from the reviewed snapshot"
    );
    // The model did bring candidates: the claims' traces mark some as found
    // by meaning, and `explain` says so.
    let o = Command::new("python3")
        .args([
            "-c",
            "import sys, glob, json, duckdb\n\
             fs = glob.glob(sys.argv[1] + '/claims/**/*.parquet', recursive=True)\n\
             rows = duckdb.sql(f'select case_id, claim_id, trace from read_parquet({fs!r})').fetchall()\n\
             hits = [(c, i) for c, i, t in rows if t and any(x.get('by_meaning') for x in json.loads(t).get('candidates', []))]\n\
             print(len(hits)); print(hits[0][0] if hits else ''); print(hits[0][1] if hits else '')",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    let mut lines = report.lines();
    let n: usize = lines.next().unwrap().parse().unwrap();
    assert!(n > 0, "no claim has a candidate found by meaning");
    let (case, claim) = (lines.next().unwrap(), lines.next().unwrap());
    let o = priorauth(&["explain", "--out", out.to_str().unwrap(), case, claim]);
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(" meaning "),
        "explain does not mark the candidates found by meaning"
    );
}

#[test]
fn a_missing_model_stops_the_run_and_names_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-model-here");
    let config = semantic_config(tmp.path(), Some(&missing));
    let (code, stderr) = run_with(
        &config,
        &root().join("tests/fixtures/evidence"),
        &tmp.path().join("out"),
    );
    assert_ne!(code, 0);
    assert!(
        stderr.contains("no-model-here") && stderr.contains("make model"),
        "{stderr}"
    );
}
