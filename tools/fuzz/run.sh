#!/usr/bin/env bash
# Runs the libFuzzer targets, one after the other, each for a fixed time:
#   tools/fuzz/run.sh [--seconds N] [TARGET...]
# (default: 20 seconds each for chunker, record, expr and frames: CI's smoke
# run).
# Builds them first (tools/fuzz/build.sh). The committed seeds in
# tools/fuzz/corpus/TARGET are read, never written: new inputs go to
# $FUZZ_BUILD_DIR/corpus/TARGET. A crash, a leak, a hang (-timeout) or a
# failed check leaves its input in $FUZZ_BUILD_DIR/artifacts/ and makes the
# script exit 1 after the remaining targets have run.
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_EACH=20
TARGETS=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    -*) echo "tools/fuzz/run.sh: unknown option $1" >&2; exit 1 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(chunker record expr frames)
OUT=${FUZZ_BUILD_DIR:-build-fuzz}
export FUZZ_BUILD_DIR=$OUT

tools/fuzz/build.sh "${TARGETS[@]}"

# Inputs longer than max_len are never generated: the record target needs
# room for nesting beyond 1024 levels.
declare -A MAX_LEN=([chunker]=4096 [record]=8192 [expr]=2048 [frames]=4096)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${TARGETS[@]}"; do
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts"
  log="$OUT/$t.log"
  echo "== fuzzing $t for ${SECONDS_EACH}s (log: $log)"
  start=$(date +%s)
  rc=0
  "$OUT/${t}_fuzz" "$OUT/corpus/$t" "tools/fuzz/corpus/$t" \
    -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2560 \
    -max_len="${MAX_LEN[$t]}" -print_final_stats=1 \
    -artifact_prefix="$OUT/artifacts/$t-" > "$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 || true)
  echo "   $t: ${runs:-?} executions in $(( $(date +%s) - start ))s, ${cov:-cov: ?}, exit $rc"
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    grep -E 'ERROR|check failed|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -20
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "== fuzz: findings in ${failed[*]} (inputs in $OUT/artifacts/)"
  exit 1
fi
echo "== fuzz: no findings"
