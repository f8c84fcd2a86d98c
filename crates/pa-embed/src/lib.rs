//! In-process sentence embeddings with all-MiniLM-L6-v2 (sentence-transformers),
//! for finding evidence that paraphrases a claim.
//!
//! [`Embedder::embed`] computes what sentence-transformers'
//! `SentenceTransformer("all-MiniLM-L6-v2").encode(texts)` computes: BERT
//! WordPiece tokens (`[CLS] … [SEP]`, truncated at the model's 256 word
//! pieces), the 6-layer BERT encoder, the mean of the last hidden states over
//! the attention mask, and L2 normalization. The vectors have 384 dimensions
//! and unit length, so [`cosine`] of two of them is their dot product.
//!
//! The model is not in the repository: `make model` (`pipelines/model/fetch.sh`)
//! puts it in [`Embedder::default_dir`]; `pipelines/model/README.md` has its
//! provenance and licenses. Inference runs on the CPU with candle; nothing is
//! fetched at run time and no Python is involved.
//!
//! ```no_run
//! use pa_embed::{cosine, Embedder};
//!
//! let embedder = Embedder::load(&Embedder::default_dir())?.with_max_tokens(128);
//! let v = embedder.embed(&["Patient failed methotrexate.", "MTX was ineffective."])?;
//! println!("{:.3}", cosine(&v[0], &v[1]));
//! # Ok::<(), pa_embed::EmbedError>(())
//! ```

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use serde::Deserialize;
use tokenizers::Tokenizer;

/// The environment variable that overrides [`Embedder::default_dir`]; the
/// fetch script (`pipelines/model/fetch.sh`) reads the same one.
pub const MODEL_DIR_ENV: &str = "PRIORAUTH_MODEL_DIR";

/// The files [`Embedder::load`] reads from the model directory.
pub const MODEL_FILES: [&str; 5] = [
    CONFIG_FILE,
    TOKENIZER_FILE,
    WEIGHTS_FILE,
    SBERT_CONFIG_FILE,
    POOLING_CONFIG_FILE,
];

const CONFIG_FILE: &str = "config.json";
const TOKENIZER_FILE: &str = "tokenizer.json";
const WEIGHTS_FILE: &str = "model.safetensors";
const SBERT_CONFIG_FILE: &str = "sentence_bert_config.json";
const POOLING_CONFIG_FILE: &str = "1_Pooling/config.json";

/// Texts per forward pass unless [`Embedder::with_batch_size`] says otherwise
/// (sentence-transformers' default too).
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// The smallest token cap [`Embedder::with_max_tokens`] accepts: `[CLS]`, one
/// word piece and `[SEP]`.
pub const MIN_MAX_TOKENS: usize = 3;

/// Why the model could not be loaded or a text could not be embedded.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// A file the model needs is not in the model directory.
    #[error("model file {} not found; run `make model` (pipelines/model/fetch.sh) to fetch all-MiniLM-L6-v2", path.display())]
    MissingFile {
        /// The file that was looked for.
        path: PathBuf,
    },
    /// A model file exists but could not be read.
    #[error("cannot read model file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A model file was read but its content is not what this crate expects
    /// (bad JSON, bad safetensors, a missing or misshapen tensor).
    #[error("malformed model file {}: {reason}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The files describe a model this crate does not implement (another
    /// pooling, another architecture).
    #[error("unsupported model ({}): {reason}", path.display())]
    Unsupported {
        /// The file that says so.
        path: PathBuf,
        /// What is not supported.
        reason: String,
    },
    /// The tokenizer failed on an input text.
    #[error("tokenizer failed: {0}")]
    Tokenize(String),
    /// The forward pass failed (a tensor operation returned an error).
    #[error("embedding forward pass failed: {0}")]
    Inference(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// `sentence_bert_config.json`.
#[derive(Deserialize)]
struct SbertConfig {
    max_seq_length: usize,
}

/// `1_Pooling/config.json`; only mean pooling over tokens is implemented.
#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

/// A loaded sentence embedder: tokenizer, BERT weights and the pooling
/// settings. Loading reads about 90 MB; load once and share (`Embedder` is
/// `Send + Sync`, and [`Embedder::embed`] takes `&self`).
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    /// `[SEP]`, appended after truncation.
    sep_id: u32,
    /// `[PAD]` (the config's `pad_token_id`).
    pad_id: u32,
    /// The model's own cap (`max_seq_length`, 256), special tokens included.
    model_max_tokens: usize,
    /// The cap in force, at most `model_max_tokens`.
    max_tokens: usize,
    batch_size: usize,
    dim: usize,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("dim", &self.dim)
            .field("max_tokens", &self.max_tokens)
            .field("model_max_tokens", &self.model_max_tokens)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Where the model is looked for: `$PRIORAUTH_MODEL_DIR` when set and not
    /// empty, else `$HOME/.cache/priorauth/models/all-MiniLM-L6-v2` (the
    /// directory `make model` fills).
    pub fn default_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os(MODEL_DIR_ENV).filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(std::env::home_dir)
            .unwrap_or_default();
        home.join(".cache/priorauth/models/all-MiniLM-L6-v2")
    }

    /// Loads the model from `dir`: `config.json` (BERT hyper-parameters),
    /// `tokenizer.json`, `model.safetensors`, `sentence_bert_config.json`
    /// (`max_seq_length`) and `1_Pooling/config.json` (which must ask for mean
    /// pooling). All five are checked to exist before any is parsed, so a
    /// missing directory gives [`EmbedError::MissingFile`].
    pub fn load(dir: &Path) -> Result<Embedder, EmbedError> {
        for name in MODEL_FILES {
            let path = dir.join(name);
            if !path.is_file() {
                return Err(EmbedError::MissingFile { path });
            }
        }

        let config_path = dir.join(CONFIG_FILE);
        let config: Config = parse_json(&config_path)?;
        if config.num_attention_heads == 0
            || config.hidden_size == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            return Err(EmbedError::Malformed {
                path: config_path,
                reason: format!(
                    "hidden_size {} is not a positive multiple of num_attention_heads {}",
                    config.hidden_size, config.num_attention_heads
                ),
            });
        }
        if let Some(kind) = config.model_type.as_deref().filter(|k| *k != "bert") {
            return Err(EmbedError::Unsupported {
                path: config_path,
                reason: format!("model_type {kind:?}, expected \"bert\""),
            });
        }

        let pooling_path = dir.join(POOLING_CONFIG_FILE);
        let pooling: PoolingConfig = parse_json(&pooling_path)?;
        if !pooling.pooling_mode_mean_tokens
            || pooling.pooling_mode_cls_token
            || pooling.pooling_mode_max_tokens
            || pooling.pooling_mode_mean_sqrt_len_tokens
        {
            return Err(EmbedError::Unsupported {
                path: pooling_path,
                reason: "only mean pooling over tokens is implemented".into(),
            });
        }

        let sbert_path = dir.join(SBERT_CONFIG_FILE);
        let sbert: SbertConfig = parse_json(&sbert_path)?;
        let model_max_tokens = sbert.max_seq_length.min(config.max_position_embeddings);
        if model_max_tokens < MIN_MAX_TOKENS {
            return Err(EmbedError::Malformed {
                path: sbert_path,
                reason: format!("max_seq_length {} is too small", sbert.max_seq_length),
            });
        }

        let tokenizer_path = dir.join(TOKENIZER_FILE);
        let malformed_tokenizer = |reason: String| EmbedError::Malformed {
            path: tokenizer_path.clone(),
            reason,
        };
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| malformed_tokenizer(e.to_string()))?;
        // The file asks for truncation and fixed padding at 128; sentence-
        // transformers overrides both (truncate at max_seq_length, pad to the
        // longest in the batch). We truncate and pad ourselves.
        tokenizer
            .with_truncation(None)
            .map_err(|e| malformed_tokenizer(e.to_string()))?;
        tokenizer.with_padding(None);
        let sep_id = tokenizer
            .token_to_id("[SEP]")
            .ok_or_else(|| malformed_tokenizer("no [SEP] token in the vocabulary".into()))?;
        let pad_id = u32::try_from(config.pad_token_id)
            .map_err(|_| malformed_tokenizer("pad_token_id out of range".into()))?;

        let weights_path = dir.join(WEIGHTS_FILE);
        let bytes = std::fs::read(&weights_path).map_err(|source| EmbedError::Io {
            path: weights_path.clone(),
            source,
        })?;
        let device = Device::Cpu;
        let malformed_weights = |e: candle_core::Error| EmbedError::Malformed {
            path: weights_path.clone(),
            reason: e.to_string(),
        };
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &device)
            .map_err(malformed_weights)?;
        let model = BertModel::load(vb, &config).map_err(malformed_weights)?;

        Ok(Embedder {
            model,
            tokenizer,
            device,
            sep_id,
            pad_id,
            model_max_tokens,
            max_tokens: model_max_tokens,
            batch_size: DEFAULT_BATCH_SIZE,
            dim: config.hidden_size,
        })
    }

    /// Caps the word pieces per text, `[CLS]` and `[SEP]` included, below the
    /// model's own cap (256 for all-MiniLM-L6-v2): a shorter cap is faster on
    /// long texts and changes nothing for texts within it. The value is
    /// clamped to `MIN_MAX_TOKENS..=model_max_tokens()`.
    #[must_use]
    pub fn with_max_tokens(mut self, max_tokens: usize) -> Embedder {
        self.max_tokens = max_tokens.clamp(MIN_MAX_TOKENS, self.model_max_tokens);
        self
    }

    /// Sets how many texts go through the model at once (at least 1; default
    /// [`DEFAULT_BATCH_SIZE`]). Results do not depend on it beyond float
    /// rounding.
    #[must_use]
    pub fn with_batch_size(mut self, batch_size: usize) -> Embedder {
        self.batch_size = batch_size.max(1);
        self
    }

    /// The length of the vectors [`Embedder::embed`] returns (384).
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The word-piece cap in force, special tokens included.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// The model's own cap (`max_seq_length` in `sentence_bert_config.json`).
    pub fn model_max_tokens(&self) -> usize {
        self.model_max_tokens
    }

    /// How many word pieces each text becomes, `[CLS]` and `[SEP]` included,
    /// after truncation at [`Embedder::max_tokens`]: what the model reads.
    pub fn token_counts(&self, texts: &[&str]) -> Result<Vec<usize>, EmbedError> {
        Ok(self.tokenize(texts)?.iter().map(Vec::len).collect())
    }

    /// Embeds each text: one unit-length vector of [`Embedder::dim`] floats
    /// per text, in the order given. Texts are sorted by length and run in
    /// batches padded to their longest, so the cost follows the texts' real
    /// lengths; a text's vector does not depend on its batch beyond float
    /// rounding. Any string is accepted: an empty one embeds `[CLS] [SEP]`,
    /// a long one is truncated at [`Embedder::max_tokens`].
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let ids = self.tokenize(texts)?;
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));

        let mut out = vec![Vec::new(); ids.len()];
        for chunk in order.chunks(self.batch_size) {
            let batch: Vec<&[u32]> = chunk.iter().map(|&i| ids[i].as_slice()).collect();
            let vectors = self.forward(&batch).map_err(inference)?;
            for (&i, v) in chunk.iter().zip(vectors) {
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// Word-piece ids per text: `[CLS] pieces… [SEP]`, truncated as
    /// sentence-transformers truncates (pieces dropped from the end, `[SEP]`
    /// kept).
    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Vec<u32>>, EmbedError> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EmbedError::Tokenize(e.to_string()))?;
        Ok(encodings
            .iter()
            .map(|e| {
                let mut ids = e.get_ids().to_vec();
                if ids.len() > self.max_tokens {
                    ids.truncate(self.max_tokens - 1);
                    ids.push(self.sep_id);
                }
                ids
            })
            .collect())
    }

    /// One forward pass over a batch: pad to the longest, run BERT, mean-pool
    /// over the real tokens, L2-normalize.
    fn forward(&self, batch: &[&[u32]]) -> candle_core::Result<Vec<Vec<f32>>> {
        let rows = batch.len();
        let len = batch.iter().map(|ids| ids.len()).max().unwrap_or(0);
        if rows == 0 || len == 0 {
            return Ok(vec![vec![0.0; self.dim]; rows]);
        }
        let mut input = Vec::with_capacity(rows * len);
        let mut mask = Vec::with_capacity(rows * len);
        for ids in batch {
            input.extend_from_slice(ids);
            input.extend(std::iter::repeat_n(self.pad_id, len - ids.len()));
            mask.extend(std::iter::repeat_n(1u32, ids.len()));
            mask.extend(std::iter::repeat_n(0u32, len - ids.len()));
        }
        let input = Tensor::from_vec(input, (rows, len), &self.device)?;
        let types = input.zeros_like()?;
        let mask_t = Tensor::from_vec(mask, (rows, len), &self.device)?;
        let hidden = self.model.forward(&input, &types, Some(&mask_t))?;
        let (_, _, dim) = hidden.dims3()?;
        let hidden = hidden.flatten_all()?.to_vec1::<f32>()?;

        let mut vectors = Vec::with_capacity(rows);
        for (states, ids) in hidden.chunks_exact(len * dim).zip(batch) {
            let mut sum = vec![0f32; dim];
            // The real tokens come first in each row; the padding after them
            // is left out of the mean.
            for token in states.chunks_exact(dim).take(ids.len()) {
                for (s, h) in sum.iter_mut().zip(token) {
                    *s += h;
                }
            }
            // sentence-transformers: sum / clamp(count, 1e-9), then
            // F.normalize (x / max(|x|, 1e-12)).
            let count = (ids.len() as f32).max(1e-9);
            sum.iter_mut().for_each(|s| *s /= count);
            let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            sum.iter_mut().for_each(|s| *s /= norm);
            vectors.push(sum);
        }
        Ok(vectors)
    }
}

/// Cosine similarity of two vectors: their dot product over the product of
/// their norms, 0.0 when either is all zeros. Vectors of different lengths
/// are compared over the shorter one. For [`Embedder::embed`]'s unit vectors
/// this is the dot product, between -1 and 1.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut aa, mut bb) = (0f32, 0f32, 0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    let denom = aa.sqrt() * bb.sqrt();
    if denom > 0.0 {
        dot / denom
    } else {
        0.0
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, EmbedError> {
    let text = std::fs::read_to_string(path).map_err(|source| EmbedError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| EmbedError::Malformed {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

fn inference(e: candle_core::Error) -> EmbedError {
    EmbedError::Inference(Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_basics() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 2.0]).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[-2.0, -2.0]) + 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert_eq!(cosine(&[], &[]), 0.0);
    }

    #[test]
    fn embedder_is_shareable() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Embedder>();
        send_sync::<EmbedError>();
    }
}
