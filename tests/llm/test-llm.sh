#!/usr/bin/env bash
# `make test-llm`: the whole pipeline with the LLM backend on, against a real
# llama.cpp server on loopback running SmolLM2-135M-Instruct (a tiny model that
# honours response_format but invents quotes often: a good adversary for the
# verifier). Runs `priorauth eval` on sample_docs and fails unless
#   - the server was asked for every case,
#   - citation validity is 100% (no fabricated quote was published),
#   - the output passes the DuckDB/pyarrow contract check,
#   - the evidence checker's verdicts equal those of a run without the LLM.
# Prints the eval table with the LLM figures (published, dropped and why).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-target/release/priorauth}

paths=$(bash tests/llm/setup.sh)
SERVER=$(echo "$paths" | sed -n 1p)
MODEL=$(echo "$paths" | sed -n 2p)

TMP=$(mktemp -d)
PORT=$((18000 + RANDOM % 2000))
"$SERVER" -m "$MODEL" --host 127.0.0.1 --port "$PORT" -c 8192 -t "$(nproc)" -np 1 >"$TMP/llama.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
    kill -0 $SERVER_PID 2>/dev/null || { cat "$TMP/llama.log" >&2; exit 1; }
    sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { echo "llama-server did not come up" >&2; exit 1; }

python3 - "$PORT" "$TMP/llm.toml" <<'PY'
import sys
port, dest = sys.argv[1], sys.argv[2]
text = open("pipelines/nightly.toml").read()
head = text[: text.index("[llm]")]
open(dest, "w").write(head + f"""[llm]
enabled = true
endpoint = "http://127.0.0.1:{port}/v1"
model = "smollm2-135m-instruct-q4_1"
api_key_env = ""
timeout_secs = 180
max_retries = 1
backoff_ms = 200
concurrency = 1
max_response_bytes = 2000000
max_chunks = 24
max_tokens = 1024
allow_insecure_http = false
debug_file = ""
""")
PY

"$BIN" eval --drop sample_docs --out "$TMP/plain" --json >"$TMP/plain.json"
"$BIN" eval --drop sample_docs --out "$TMP/llm" --config "$TMP/llm.toml" --json >"$TMP/llm.json"
python3 tests/py/check_output.py "$TMP/llm" >"$TMP/contract.json"

python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
plain = json.load(open(f"{tmp}/plain.json"))
llm = json.load(open(f"{tmp}/llm.json"))
l = llm["llm"]
cv = llm["citation_validity"]
print(f"llm: {l['cases_llm']} of {l['cases']} case(s) summarized by the model, {l['requests']} request(s)")
print(f"llm: {l['published']} statement(s) published, {l['dropped']} dropped by verification {l['drop_reasons']}")
print(f"llm: fallbacks {l['fallbacks']}")
print(f"citation validity {cv['hit']}/{cv['of']}; summary fact recall {llm['summary_fact_recall']['hit']}/{llm['summary_fact_recall']['of']}")
assert l["cases"] == 10 and l["requests"] >= 10, "the server was not asked for every case"
assert cv["hit"] == cv["of"] and cv["of"] > 0, "a citation does not match its page text"
key = lambda r: [(o["case_id"], o["id"], o["got"]) for o in r["outcomes"]]
assert key(plain) == key(llm), "the LLM changed the evidence checker's verdicts"
print("test-llm: ok")
PY
