#!/usr/bin/env bash
# Instructions a build's run spends per case, counted by callgrind: unlike
# wall time on these shared machines, the count repeats to within 0.1%.
# Runs the main process (one rayon thread; extraction workers not counted) on
# the first N and the first 2N cases of one synthetic corpus and prints both
# totals and their difference, the cost of N more cases without start-up.
#   BIN=target/release/priorauth N=20 bash tests/bench/instructions.sh
# Needs valgrind (`apt-get install valgrind`); takes about a minute per build.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-target/release/priorauth}
N=${N:-20}
SEED=${SEED:-1}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
command -v valgrind > /dev/null || { echo "instructions.sh: valgrind is not installed" >&2; exit 1; }
"$BIN" synth --cases $((2 * N)) --seed "$SEED" --out "$W/all" --scan-share 0 --malformed-share 0.02 > /dev/null
mkdir -p "$W/a" "$W/b"
i=0
for c in $(ls "$W/all" | grep -v '^gold' | sort); do
    [ -d "$W/all/$c" ] || continue
    [ "$i" -lt "$N" ] && cp -r "$W/all/$c" "$W/a/"
    cp -r "$W/all/$c" "$W/b/"
    i=$((i + 1))
done
count() { # drop-dir
    RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$W/cg.%p" \
        "$BIN" run --out "$W/out-$(basename "$1")" --drop "$1" 2>&1 \
        | sed -n 's/.*I *refs: *//p' | tr -d ','
}
a=$(count "$W/a") &&
b=$(count "$W/b")
echo "$N cases: $a instructions; $((2 * N)) cases: $b; $N more cases: $((b - a))"
