# Decoding by the workers (issue 14.2): BGZF gzip and multi-frame zstd files
# are decoded a piece of whole frames per worker. Every job gives the same
# stdout, stderr and exit code as the plain file, standard input, one-member
# .gz, one-frame .zst and the master's own decoding (CLUSTERPROC_DECODE=
# master), for -j1/-j2/-j4 and chunk sizes 4K, 64K and the default; damage
# (truncation, a flipped byte) gives the same output and message as the
# master's decoding, at the same compressed offset.
P="${PDEC_DIR:-$T/pdec}"
mkdir -p "$P"
{
  printf '\xef\xbb\xbf'  # a byte-order mark: skipped, still line 1
  "$GEN" --lines 5000 --seed 94 --bad-every 97 --blank-every 89 |
    awk 'NR > 4400 && NR % 40 == 0 { sub(/^\{/, "{\"late_key\":" NR ",") } { print }'
  # A line of 300 KB: it crosses several BGZF members and zstd frames.
  python3 -c 'print("{\"long\":\"" + "x" * 300000 + "\",\"host\":\"long\"}")'
  "$GEN" --lines 600 --seed 95 --bad-every 50
  printf '{"last":"line without a newline"}'
} > "$P/all.jsonl"
gzip -c "$P/all.jsonl" > "$P/one.gz"
zstd -q -c "$P/all.jsonl" > "$P/one.zst"
bgzip -c "$P/all.jsonl" > "$P/bgz.gz"
# Many small zstd frames (pieces cut inside lines), one skippable frame
# first (as pzstd writes): split by bytes, compressed apart, concatenated.
split -b 20000 -a 4 "$P/all.jsonl" "$P/part."
{
  python3 -c 'import sys,struct; sys.stdout.buffer.write(b"\x50\x2a\x4d\x18" + struct.pack("<I", 5) + b"hello")'
  for p in "$P"/part.*; do zstd -q -c "$p"; done
} > "$P/frames.zst"
# Frames without their decoded size (zstd reading a pipe does not know it).
for p in "$P"/part.*; do zstd -q -c < "$p"; done > "$P/nosize.zst"
# Concatenated pieces of bgzip output and zstd frames end on a frame
# boundary: members of 3 lines each too (a piece may hold no newline).
ok "parallel decode: $(ls "$P"/part.* | wc -l) zstd frames, $(stat -c %s "$P/bgz.gz") bytes of BGZF"

# Names differ between inputs: compare with the name replaced.
run_norm() {  # file args...: stdout+stderr+exit, the input's name as F
  local f=$1
  shift
  if [ "$f" == - ]; then
    "$BIN" "$@" - < "$P/all.jsonl" > "$P/o" 2> "$P/e"
  else
    "$BIN" "$@" "$P/$f" > "$P/o" 2> "$P/e"
  fi
  echo "exit $?"
  sed -e "s#$P/$f#F#g" -e "s#(stdin)#F#g" "$P/o" "$P/e"
}

jobs_all=("--where true" "--group-by host --agg count,sum(bytes),avg(latency_ms)"
  "--select host,late_key,status --limit 4700" "--exec cat" "")
variants=("-j1" "-j2" "-j4" "-j1 --chunk-size 4K" "-j2 --chunk-size 4K"
  "-j4 --chunk-size 4K" "-j2 --chunk-size 64K" "-j4 --chunk-size 64K")
for job in "${jobs_all[@]}"; do
  run_norm all.jsonl -j2 $job > "$P/ref"
  same=1
  bad=""
  for f in - one.gz one.zst bgz.gz frames.zst nosize.zst; do
    for v in "${variants[@]}"; do
      [ "$f" == - ] && [ "$v" != -j2 ] && [ "$v" != "-j4 --chunk-size 4K" ] && continue
      run_norm "$f" $v $job > "$P/got"
      cmp -s "$P/ref" "$P/got" || { same=0; bad="$bad [$f $v]"; }
    done
  done
  expect_eq "parallel decode: '$job' same stdout/stderr/exit for file, stdin, .gz, .zst, BGZF, frames$bad" 1 "$same"
done

# --bad-records (offsets in the decoded input, raw text) and --max-errors.
"$BIN" -j2 --count --bad-records "$P/ref.bad" "$P/all.jsonl" > /dev/null 2>&1
same=1
for f in bgz.gz frames.zst; do
  for v in "-j1" "-j4 --chunk-size 4K" "-j2 --chunk-size 64K"; do
    "$BIN" $v --count --bad-records "$P/got.bad" "$P/$f" > /dev/null 2>&1
    sed "s#$P/$f#$P/all.jsonl#g" "$P/got.bad" | cmp -s - "$P/ref.bad" || same=0
  done
done
expect_eq "parallel decode: --bad-records files are the same (offsets, raw lines)" 1 "$same"
run_norm all.jsonl -j2 --max-errors 20 --count > "$P/ref"
run_norm frames.zst -j4 --chunk-size 4K --max-errors 20 --count > "$P/got"
expect_same_file "parallel decode: --max-errors stops at the same record" "$P/ref" "$P/got"

# Workers really decode (the master reads no frame): each piece is one pread
# range of compressed bytes in a worker; here: the master path is compared.
run_norm bgz.gz -j3 --chunk-size 4K --where true > "$P/got"
CLUSTERPROC_DECODE=master run_norm bgz.gz -j3 --chunk-size 4K --where true > "$P/ref"
expect_same_file "parallel decode: CLUSTERPROC_DECODE=master gives the same" "$P/ref" "$P/got"

# Damage: truncated and flipped bytes in BGZF and zstd frames. Reference: the
# master's decoding (-j1); every -j and chunk size of the workers' decoding
# gives the same stdout, stderr and exit code.
source "$ROOT/tests/cli/decode_damage.sh"
damage_jobs=("--where true" "--exec cat" "--group-by method --agg count")
damage_variants=("-j1" "-j2" "-j4" "-j2 --chunk-size 4K" "-j4 --chunk-size 64K")
for f in bgz.gz frames.zst nosize.zst; do
  size=$(stat -c %s "$P/$f")
  for cut in $((size / 9)) $((size / 2 + 17)) $((size * 3 / 4)) $((size - 3)); do
    head -c "$cut" "$P/$f" > "$P/cut-$f"
    check_decode_damage "$f cut at $cut of $size" "cut-$f"
  done
  for at in $((size / 5)) $((size / 3 + 1000)) $((size * 2 / 3)) $((size - 30)); do
    flip_byte "$P/$f" "$at" "$P/bad-$f"
    check_decode_damage "$f byte $at of $size flipped" "bad-$f"
  done
done
