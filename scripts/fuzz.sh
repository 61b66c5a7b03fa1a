#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that read outside input (issue 17): builds the
# targets of fuzz/ with libFuzzer's instrumentation (the flags `cargo fuzz build -s none`
# passes) and runs each from a copy of its committed corpus.
#
#   bash scripts/fuzz.sh                   # CI: fixed seed and run count, the same every time
#   bash scripts/fuzz.sh --seconds 600     # explore: each target for 600 s, random seed
#   bash scripts/fuzz.sh --seconds 60 rate_file
#
# Stable Rust is enough: the flags are stable -C options and no sanitizer is used (the
# targets are safe Rust), so neither nightly nor RUSTC_BOOTSTRAP is needed. `cargo fuzz
# run TARGET -s none` works on the same folder where cargo-fuzz is installed. A crash
# fails the script and leaves the input in fuzz/artifacts/TARGET/: add it to
# fuzz/corpus/TARGET/ and as a regression test of the parser it broke.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECS=""
if [ "${1:-}" = "--seconds" ]; then
  SECS="$2"
  shift 2
fi
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(bank_statement bank_csv import_rows amount date rate_file bounce template)
# Runs per target in CI: about five seconds each on the 2-core machine (the whole fuzz
# step, cold build included, stays near three minutes of the CI run).
declare -A RUNS=([bank_statement]=10000 [bank_csv]=6000 [import_rows]=5000 [amount]=500000 [date]=1000000 [rate_file]=4000 [bounce]=10000 [template]=15000)
cd "$ROOT/fuzz"
cargo fmt --check
# With an explicit --target (as cargo fuzz does) the flags reach the targets only, not the
# build scripts and proc macros, which run on the host without libFuzzer.
HOST="$(rustc -vV | sed -n 's/^host: //p')"
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
  cargo build --locked --release --bins --target "$HOST"
for t in "${TARGETS[@]}"; do
  work="$(mktemp -d)"
  cp -r "corpus/$t/." "$work/"
  mkdir -p "artifacts/$t"
  if [ -n "$SECS" ]; then
    limit=(-max_total_time="$SECS")
  else
    limit=(-runs="${RUNS[$t]}" -seed=1)
  fi
  echo "== fuzz $t (${limit[*]}, $(ls "corpus/$t" | wc -l) corpus files)"
  if ! "./target/$HOST/release/$t" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="artifacts/$t/" -print_final_stats=1 "$work" >"$work.log" 2>&1; then
    tail -40 "$work.log"
    echo "fuzz target $t failed: the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  grep -E "Done [0-9]+ runs" "$work.log" | tail -1
  rm -rf "$work" "$work.log"
done
