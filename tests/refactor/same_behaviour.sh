#!/usr/bin/env bash
# Behaviour check for refactors: run two builds of priorauth on the same drops and compare
# every parquet table, the terminal table, the audit log's case list and the review pages,
# apart from run ids and times (tests/refactor/compare.py says what is ignored).
#
#   bash tests/refactor/same_behaviour.sh OLD_BIN NEW_BIN
#
# Drops: sample_docs/ and a CASES-case (300) `priorauth synth` drop, written by the old binary;
# the new binary's synth must write the same bytes. Each drop is run twice per binary: the
# first run, then a rerun over the same output (which must redo nothing and report so).
# Prints SAME and exits 0, or prints the differences and exits 1.
# SAME_DIR=<dir> keeps the outputs there; with REUSE_OLD=1 the old binary's outputs already in
# SAME_DIR are used again (the old side of a 300-case drop takes long, and does not change).
set -euo pipefail
cd "$(dirname "$0")/../.."
OLD=$(realpath "$1")
NEW=$(realpath "$2")
CASES=${CASES:-300}
# A few scanned documents (OCR is the slow part); SCANS=0.1 is synth's default.
SCANS=${SCANS:-0.03}
W=${SAME_DIR:-$(mktemp -d)}
[ -n "${SAME_DIR:-}" ] || trap 'rm -rf "$W"' EXIT
export NO_COLOR=1 COLUMNS=120

REUSE_OLD=${REUSE_OLD:-0}
if [ "$REUSE_OLD" = 1 ] && [ -d "$W/synth" ]; then :; else
    rm -rf "$W/synth"
    "$OLD" synth --cases "$CASES" --seed 7 --scan-share "$SCANS" --out "$W/synth" > /dev/null
fi
rm -rf "$W/synth-new"
"$NEW" synth --cases "$CASES" --seed 7 --scan-share "$SCANS" --out "$W/synth-new" > /dev/null
status=0
if ! diff -r -q "$W/synth" "$W/synth-new" > "$W/synth.diff"; then
    echo "synth: the two binaries write different corpora:"; head -5 "$W/synth.diff"; status=1
fi

run() { # bin drop out term
    local rc=0
    "$1" run --drop "$2" --out "$3" > "$4" 2> "$4.err" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
        echo "$1 run --drop $2 exited $rc:"; tail -5 "$4.err"; return 1
    fi
    echo "exit $rc" >> "$4"
}

for drop in sample_docs "$W/synth"; do
    name=$(basename "$drop")
    for side in old new; do
        bin=$OLD; [ "$side" = new ] && bin=$NEW
        if [ "$side" = old ] && [ "$REUSE_OLD" = 1 ] && [ -s "$W/old-$name.term" ]; then continue; fi
        rm -rf "${W:?}/$side-$name"
        run "$bin" "$drop" "$W/$side-$name" "$W/$side-$name.term"
        run "$bin" "$drop" "$W/$side-$name" "$W/$side-$name.rerun.term"
        cat "$W/$side-$name.rerun.term" >> "$W/$side-$name.term"
    done
    if ! python3 tests/refactor/compare.py "$W/old-$name" "$W/new-$name" "$W/old-$name.term" "$W/new-$name.term"; then
        echo "^ differences on $name (outputs in $W)"; status=1
    fi
done
[ "$status" -eq 0 ] && echo SAME
exit "$status"
