#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan, without CMake:
#   tools/fuzz/build.sh [TARGET...]     (default: chunker record expr frames)
# Objects and binaries go to $FUZZ_BUILD_DIR (default build-fuzz/); a source
# is recompiled when it, or any header of src/, is newer than its object.
# Sources are named without their layer folder (src/<layer>/NAME.cc).
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=${FUZZ_BUILD_DIR:-build-fuzz}
CXX=${FUZZ_CXX:-clang++}
JOBS=${FUZZ_JOBS:-$(nproc)}
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(chunker record expr frames)

# The src/ files each target links (the closure of what it calls).
CHUNKER_SRC=(chunker chunk_source shm_ring sys fd input byte_source decoders shard
  compressed_frames gzip_members)
FRAMES_SRC=(compressed_frames gzip_members input byte_source decoders fd sys)
EXPR_SRC=(expr expr_parser expr_lexer expr_node expr_ops expr_functions expr_text
  expr_strings expr_numbers expr_time
  aggregates value json_write big_number json_diagnose bytes sys)
RECORD_SRC=(chunker field_fetch summary summary_stats summary_trie scalar value_set
  hll aggregate aggregate_distinct aggregate_quantile aggregate_sum aggregate_variance
  ddsketch exact_sum record_scanner job_state stream_states aggregate_state
  group_table query sort_keys explode json_raw "${EXPR_SRC[@]}")

if ! command -v "$CXX" >/dev/null; then
  echo "tools/fuzz/build.sh: $CXX not found (apt-get install clang)" >&2
  exit 2
fi
LAYERS=(base json query state io scale engine app)
FLAGS=(-std=c++20 -O1 -g -fno-omit-frame-pointer "${LAYERS[@]/#/-Isrc/}"
  -fsanitize=address,undefined -fno-sanitize-recover=undefined
  -DBOOST_ALL_NO_LIB -Wall -Wextra -Wshadow)
# Extra flags, e.g. FUZZ_EXTRA_FLAGS=-fno-sanitize=shift to look past a known
# finding (use another FUZZ_BUILD_DIR: objects are not rebuilt for new flags).
read -ra EXTRA <<< "${FUZZ_EXTRA_FLAGS:-}"
FLAGS+=("${EXTRA[@]}")
LIBS=(-lsimdjson -lre2 -lzstd -lisal -lz -lpthread -lrt)
mkdir -p "$OUT/obj"

newest_header=$(ls -t src/*/*.h | head -1)
export CXX OUT newest_header
export FLAGS_STR="${FLAGS[*]}"

declare -A want=()
for t in "${TARGETS[@]}"; do
  case $t in
    chunker) list=("${CHUNKER_SRC[@]}") ;;
    frames) list=("${FRAMES_SRC[@]}") ;;
    record) list=("${RECORD_SRC[@]}") ;;
    expr) list=("${EXPR_SRC[@]}") ;;
    *) echo "tools/fuzz/build.sh: unknown target $t (chunker, record, expr, frames)" >&2; exit 1 ;;
  esac
  for s in "${list[@]}"; do
    if ! compgen -G "src/*/$s.cc" >/dev/null; then
      echo "tools/fuzz/build.sh: src/*/$s.cc is gone: update the lists at the top" >&2
      exit 2
    fi
    want[$s]=1
  done
done

echo "== compiling ${#want[@]} src/ files with $CXX (ASan, UBSan, fuzzer instrumentation) into $OUT"
printf '%s\n' "${!want[@]}" | xargs -P "$JOBS" -I{} bash -c \
  'src=$(ls src/*/{}.cc) obj="$OUT/obj/{}.o"
   if [ -f "$obj" ] && [ "$obj" -nt "$src" ] && [ "$obj" -nt "$newest_header" ]; then exit 0; fi
   read -ra F <<< "$FLAGS_STR"
   "$CXX" "${F[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj.$$.tmp" && mv "$obj.$$.tmp" "$obj"'

for t in "${TARGETS[@]}"; do
  case $t in
    chunker) list=("${CHUNKER_SRC[@]}") ;;
    frames) list=("${FRAMES_SRC[@]}") ;;
    record) list=("${RECORD_SRC[@]}") ;;
    expr) list=("${EXPR_SRC[@]}") ;;
  esac
  objs=()
  for s in "${list[@]}"; do objs+=("$OUT/obj/$s.o"); done
  echo "== linking $OUT/${t}_fuzz"
  "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer "tools/fuzz/${t}_fuzz.cc" "${objs[@]}" "${LIBS[@]}" \
    -o "$OUT/${t}_fuzz"
done
