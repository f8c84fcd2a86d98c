//! pa-embed against the real all-MiniLM-L6-v2 (no mocks): the similarities
//! sentence-transformers publishes in its documentation, batching invariance,
//! truncation and odd inputs. The model tests skip with a message when the
//! model directory is absent (`make model` fetches it; `.ci/run` does so before
//! `make test`). The load-error tests need no model.
//!
//! `cargo test --release -p pa-embed --test embed -- --ignored --nocapture throughput`
//! prints sentences/s on ~500 sentences of the tune cases.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use pa_embed::{cosine, EmbedError, Embedder};

/// The model, loaded once per test binary; `None` (after a message) when the
/// model directory does not exist. A directory that exists must load.
fn embedder(test: &str) -> Option<&'static Embedder> {
    static EMBEDDER: OnceLock<Option<Embedder>> = OnceLock::new();
    let loaded = EMBEDDER.get_or_init(|| {
        let dir = Embedder::default_dir();
        if !dir.exists() {
            return None;
        }
        match Embedder::load(&dir) {
            Ok(e) => Some(e),
            Err(e) => panic!(
                "the model directory {} exists but does not load: {e}",
                dir.display()
            ),
        }
    });
    if loaded.is_none() {
        eprintln!(
            "{test}: skipped: model not found at {}, run `make model`",
            Embedder::default_dir().display()
        );
    }
    loaded.as_ref()
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn assert_unit(v: &[f32], what: &str) {
    assert_eq!(v.len(), 384, "{what}: dimension");
    assert!(v.iter().all(|x| x.is_finite()), "{what}: not finite");
    assert!((norm(v) - 1.0).abs() < 1e-4, "{what}: norm {}", norm(v));
}

/// The sentences of sentence-transformers' quickstart (docs/quickstart.rst,
/// and the README).
const QUICKSTART: [&str; 3] = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
];

/// Asserts that the cosine similarity of `first[i]` and `second[j]` is the
/// published `published[i][j]` within 2e-3 (the documentation prints four
/// decimals), and that every vector is a unit vector.
fn assert_published(
    e: &Embedder,
    label: &str,
    first: &[&str],
    second: &[&str],
    published: &[[f32; 3]; 3],
) {
    let a = e.embed(first).unwrap();
    let b = e.embed(second).unwrap();
    for (text, v) in first.iter().zip(&a).chain(second.iter().zip(&b)) {
        assert_unit(v, text);
    }
    for (i, row) in published.iter().enumerate() {
        for (j, &want) in row.iter().enumerate() {
            let got = cosine(&a[i], &b[j]);
            eprintln!(
                "{label} {:?} / {:?} = {got:.6} (published {want:.4})",
                first[i], second[j]
            );
            assert!(
                (got - want).abs() < 2e-3,
                "{label} {:?} / {:?}: {got:.4}, published {want:.4}",
                first[i],
                second[j]
            );
        }
    }
}

/// The quickstart: `model.similarity(embeddings, embeddings)` for
/// all-MiniLM-L6-v2.
#[test]
fn quickstart_similarity_matrix() {
    let Some(e) = embedder("quickstart_similarity_matrix") else {
        return;
    };
    let published = [
        [1.0000, 0.6660, 0.1046],
        [0.6660, 1.0000, 0.1411],
        [0.1046, 0.1411, 1.0000],
    ];
    assert_published(e, "quickstart", &QUICKSTART, &QUICKSTART, &published);
}

/// The same documentation's Manhattan variant
/// (docs/sentence_transformer/usage/semantic_textual_similarity.rst):
/// `SimilarityFunction.MANHATTAN` on the quickstart embeddings, the negative
/// sum of absolute differences. It checks every component, not only angles.
#[test]
fn quickstart_manhattan_distances() {
    let Some(e) = embedder("quickstart_manhattan_distances") else {
        return;
    };
    let v = e.embed(&QUICKSTART).unwrap();
    let manhattan =
        |a: &[f32], b: &[f32]| -a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>();
    for (i, j, published) in [(0, 1, -12.6269f32), (0, 2, -20.2167), (1, 2, -20.1288)] {
        let got = manhattan(&v[i], &v[j]);
        eprintln!("manhattan [{i}][{j}] = {got:.6} (published {published:.4})");
        assert!(
            (got - published).abs() < 2e-3,
            "[{i}][{j}]: {got:.4}, published {published:.4}"
        );
    }
}

/// docs/sentence_transformer/usage/semantic_textual_similarity.rst: the 3x3
/// similarities between two lists.
#[test]
fn sts_documentation_pairs() {
    let Some(e) = embedder("sts_documentation_pairs") else {
        return;
    };
    let published = [
        [0.0543, 0.8939, -0.0502],
        [0.2838, -0.0029, 0.1310],
        [0.2277, -0.0136, -0.0327],
    ];
    assert_published(
        e,
        "sts",
        &[
            "The new movie is awesome",
            "The cat sits outside",
            "A man is playing guitar",
        ],
        &[
            "The dog plays in the garden",
            "The new movie is so great",
            "A woman watches TV",
        ],
        &published,
    );
}

/// A text's vector does not depend on the batch it runs in: alone, among
/// texts of other lengths (padded to the longest), in small batches, in any
/// order.
#[test]
fn batching_does_not_change_vectors() {
    let Some(e) = embedder("batching_does_not_change_vectors") else {
        return;
    };
    let texts = [
        "Patient failed methotrexate after 12 weeks.",
        "MRI",
        "The patient has had plaque psoriasis involving 15% body surface area since 2019, \
         with inadequate response to topical clobetasol, calcipotriene and a 12-week course \
         of methotrexate 15 mg weekly, discontinued for elevated liver enzymes.",
        "",
        "HbA1c 9.1% on 01/05/2026.",
        "No history of tuberculosis; QuantiFERON negative.",
    ];
    let alone: Vec<Vec<f32>> = texts
        .iter()
        .map(|t| e.embed(&[t]).unwrap().remove(0))
        .collect();
    let together = e.embed(&texts).unwrap();
    let mut reversed = texts;
    reversed.reverse();
    let backwards = e.embed(&reversed).unwrap();
    let pairs = Embedder::load(&Embedder::default_dir())
        .unwrap()
        .with_batch_size(2)
        .embed(&texts)
        .unwrap();
    let mut worst = 0f32;
    for i in 0..texts.len() {
        assert_unit(&alone[i], texts[i]);
        worst = worst
            .max(max_abs_diff(&alone[i], &together[i]))
            .max(max_abs_diff(&alone[i], &backwards[texts.len() - 1 - i]))
            .max(max_abs_diff(&alone[i], &pairs[i]));
    }
    eprintln!("batching: largest component difference {worst:e}");
    assert!(worst < 1e-5, "largest component difference {worst:e}");
}

#[test]
fn odd_inputs_give_unit_vectors() {
    let Some(e) = embedder("odd_inputs_give_unit_vectors") else {
        return;
    };
    let long = "The patient reports chronic low back pain radiating to the left leg despite \
                physical therapy, NSAIDs and gabapentin. "
        .repeat(30);
    let texts = [
        "",
        "   \n\t ",
        "café naïve – 5 mg/m²",
        "患者は頭痛を訴えている 🙂",
        "\u{0}\u{200b}\u{feff}",
        long.as_str(),
        "x",
    ];
    let v = e.embed(&texts).unwrap();
    assert_eq!(v.len(), texts.len());
    for (t, v) in texts.iter().zip(&v) {
        assert_unit(v, t);
    }
    let counts = e.token_counts(&texts).unwrap();
    assert_eq!(counts[0], 2, "an empty text is [CLS] [SEP]");
    assert_eq!(
        counts[5], 256,
        "a long text is cut at the model's 256 word pieces"
    );
    assert!(counts.iter().all(|&n| (2..=256).contains(&n)), "{counts:?}");
    assert!(e.embed(&[]).unwrap().is_empty());
}

/// Truncation: the cap counts [CLS] and [SEP]; a lower cap changes only texts
/// longer than it; a long text is its first pieces.
#[test]
fn truncation_and_token_cap() {
    let Some(e) = embedder("truncation_and_token_cap") else {
        return;
    };
    assert_eq!(e.model_max_tokens(), 256);
    assert_eq!(e.max_tokens(), 256);
    let sentence =
        "Prior authorization is requested for risankizumab in moderate to severe plaque psoriasis.";
    let long = format!(
        "{sentence} {}",
        "Symptoms persist despite treatment. ".repeat(60)
    );
    let full = e.embed(&[sentence, &long]).unwrap();

    let capped = Embedder::load(&Embedder::default_dir())
        .unwrap()
        .with_max_tokens(128);
    assert_eq!(capped.max_tokens(), 128);
    assert_eq!(capped.token_counts(&[&long]).unwrap(), vec![128]);
    let short = capped.embed(&[sentence, &long]).unwrap();
    assert!(
        max_abs_diff(&full[0], &short[0]) < 1e-5,
        "a short text does not change under a cap"
    );
    assert_unit(&short[1], "long text capped at 128");
    assert!(
        max_abs_diff(&full[1], &short[1]) > 1e-3,
        "a long text does change under a cap"
    );

    let lo = Embedder::load(&Embedder::default_dir())
        .unwrap()
        .with_max_tokens(0);
    assert_eq!(lo.max_tokens(), pa_embed::MIN_MAX_TOKENS);
    assert_unit(&lo.embed(&[&long]).unwrap()[0], "capped at 3");
    let hi = capped.with_max_tokens(100_000);
    assert_eq!(hi.max_tokens(), 256);
}

/// Paraphrases rank above unrelated sentences: the use the checker has for it.
#[test]
fn clinical_paraphrase_ranks_first() {
    let Some(e) = embedder("clinical_paraphrase_ranks_first") else {
        return;
    };
    let claim = "The patient did not respond to methotrexate.";
    let candidates = [
        "Methotrexate was stopped after 12 weeks because of an inadequate response.",
        "The patient lives with her husband and two children.",
        "Blood pressure 128/82, heart rate 72.",
        "Follow up in three months.",
    ];
    let mut all = vec![claim];
    all.extend(candidates);
    let v = e.embed(&all).unwrap();
    let scores: Vec<f32> = v[1..].iter().map(|c| cosine(&v[0], c)).collect();
    eprintln!("paraphrase scores {scores:?}");
    assert!(scores[1..].iter().all(|&s| s < scores[0]), "{scores:?}");
}

#[test]
fn load_reports_a_missing_directory() {
    let dir = Path::new("/nonexistent/priorauth-model");
    match Embedder::load(dir) {
        Err(EmbedError::MissingFile { path }) => {
            assert!(path.starts_with(dir));
            let msg = EmbedError::MissingFile { path }.to_string();
            assert!(msg.contains("make model"), "{msg}");
        }
        other => panic!("expected MissingFile, got {other:?}"),
    }
}

/// A directory with every file present and each one broken in turn gives a
/// `Malformed` (or `Unsupported`) error naming that file; no panic.
#[test]
fn load_reports_malformed_files() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &[u8]| {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let config = br#"{"vocab_size": 8, "hidden_size": 4, "num_hidden_layers": 1,
        "num_attention_heads": 2, "intermediate_size": 8, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "max_position_embeddings": 16, "type_vocab_size": 2,
        "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "model_type": "bert"}"#;
    let tokenizer = br###"{"version": "1.0", "truncation": null, "padding": null,
        "added_tokens": [], "normalizer": null, "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": null, "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
          "max_input_chars_per_word": 100,
          "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "a": 4}}}"###;
    let pooling = br#"{"word_embedding_dimension": 4, "pooling_mode_mean_tokens": true}"#;
    write("config.json", config);
    write("tokenizer.json", tokenizer);
    write("sentence_bert_config.json", br#"{"max_seq_length": 8}"#);
    write("1_Pooling/config.json", pooling);
    write("model.safetensors", b"not a safetensors file");

    let expect = |file: &str, unsupported: bool| match Embedder::load(dir.path()) {
        Err(EmbedError::Malformed { path, reason }) if !unsupported => {
            assert_eq!(path, dir.path().join(file), "{reason}");
        }
        Err(EmbedError::Unsupported { path, reason }) if unsupported => {
            assert_eq!(path, dir.path().join(file), "{reason}");
        }
        other => panic!("{file}: got {other:?}"),
    };
    expect("model.safetensors", false);
    // A valid safetensors header without the BERT tensors.
    let header = br#"{"__metadata__":{"format":"pt"}}"#;
    let mut st = (header.len() as u64).to_le_bytes().to_vec();
    st.extend_from_slice(header);
    write("model.safetensors", &st);
    expect("model.safetensors", false);
    write("sentence_bert_config.json", b"{}");
    expect("sentence_bert_config.json", false);
    write(
        "1_Pooling/config.json",
        br#"{"pooling_mode_cls_token": true}"#,
    );
    expect("1_Pooling/config.json", true);
    write("tokenizer.json", b"{");
    write("config.json", br#"{"hidden_size": 4}"#);
    expect("config.json", false);
}

/// Sentences of the tune cases' source texts (never `check/`): lines with a
/// few words, split at sentence ends.
fn tune_sentences(limit: usize) -> Option<Vec<String>> {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/cases-dev");
    let mut cases: Vec<String> = std::fs::read_dir(corpus.join("tune"))
        .ok()?
        .filter_map(|d| d.ok())
        .filter(|d| d.path().is_dir())
        .map(|d| d.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    let mut out = Vec::new();
    for case in cases {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("src").join(&case))
            .ok()?
            .filter_map(|d| d.ok().map(|d| d.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).ok()?;
            for line in text.lines() {
                for s in line.split_inclusive(". ") {
                    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
                    if s.split(' ')
                        .filter(|w| w.chars().any(char::is_alphabetic))
                        .count()
                        >= 4
                    {
                        out.push(s);
                    }
                }
            }
        }
    }
    out.truncate(limit);
    Some(out)
}

/// CPU seconds this process has used (user + system), from /proc on Linux
/// (USER_HZ is 100 there); `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Throughput on ~500 clinical sentences at the default thread count. The
/// machine may be shared, so it reports CPU time beside wall time: sentences
/// per CPU second do not depend on what else is running.
#[test]
#[ignore = "a benchmark: run with --ignored --nocapture"]
fn throughput() {
    let Some(e) = embedder("throughput") else {
        return;
    };
    let Some(sentences) = tune_sentences(500) else {
        eprintln!("throughput: skipped: ../shared/corpus/cases-dev is absent");
        return;
    };
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let capped = Embedder::load(&Embedder::default_dir())
        .unwrap()
        .with_max_tokens(128);
    for (label, e) in [("cap 256", e), ("cap 128", &capped)] {
        let tokens: usize = e.token_counts(&texts).unwrap().iter().sum();
        e.embed(&texts).unwrap(); // warm-up: thread pool, allocator
        let mut runs: Vec<(f64, f64)> = (0..3)
            .map(|_| {
                let cpu = cpu_seconds();
                let start = Instant::now();
                let v = e.embed(&texts).unwrap();
                assert_eq!(v.len(), texts.len());
                let wall = start.elapsed().as_secs_f64();
                let cpu = cpu.zip(cpu_seconds()).map_or(f64::NAN, |(a, b)| b - a);
                (wall, cpu)
            })
            .collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (wall, cpu) = runs[0];
        let n = texts.len() as f64;
        eprintln!(
            "throughput ({label}): {} sentences, {tokens} word pieces (mean {:.1}); best of 3: \
             {wall:.2} s wall, {:.0} sentences/s, {:.0} word pieces/s; {cpu:.2} CPU s, \
             {:.0} sentences per CPU s",
            texts.len(),
            tokens as f64 / n,
            n / wall,
            tokens as f64 / wall,
            n / cpu
        );
    }
}
