# Damaged compressed input (issue 13, 2.5): truncated and corrupt .gz (one
# member and two) and .zst at many offsets. For every damage: exit 2; the
# same stdout for -j1/-j2/-j3 and chunk sizes 4K, 64K and the default;
# --exec cat gives exactly the whole lines that an independent decoder
# recovers before the damage; a one-answer job (--count, the summary,
# --group-by) prints nothing.
D="$T/damaged"
mkdir -p "$D"
"$GEN" --lines 6000 --seed 92 > "$D/all.jsonl"
head -n 2500 "$D/all.jsonl" > "$D/part1.jsonl"
tail -n +2501 "$D/all.jsonl" > "$D/part2.jsonl"
gzip -c "$D/all.jsonl" > "$D/one.gz"
{ gzip -c "$D/part1.jsonl"; gzip -c "$D/part2.jsonl"; } > "$D/two.gz"
member1=$(gzip -c "$D/part1.jsonl" | wc -c)
zstd -q -c "$D/all.jsonl" > "$D/one.zst"

# The whole lines that Python's zlib decodes before the damage (gzip; it
# reads the members one after the other, and a piece that fails is fed
# again byte by byte from a copy of the decoder, so nothing decoded before
# the bad byte is lost).
gzip_lines() {
  python3 - "$1" <<'EOF'
import sys, zlib
data = open(sys.argv[1], 'rb').read()
out = []
pos = 0
try:
    while pos < len(data):
        d = zlib.decompressobj(16 + 15)
        while not d.eof and pos < len(data):
            piece = data[pos:pos + 4096]
            saved = d.copy()
            try:
                out.append(d.decompress(piece))
            except zlib.error:
                d = saved
                for i in range(len(piece)):
                    out.append(d.decompress(piece[i:i + 1]))  # raises at the bad byte
            pos += len(piece) - len(d.unused_data)
        if not d.eof:
            break
except zlib.error:
    pass
text = b''.join(out)
sys.stdout.buffer.write(text[:text.rfind(b'\n') + 1])
EOF
}
# zstd's own command line (truncated input: it writes every block it could
# decode).
zstd_lines() {
  zstd -q -dc "$1" 2> /dev/null | python3 -c '
import sys
t = sys.stdin.buffer.read()
sys.stdout.buffer.write(t[:t.rfind(b"\n") + 1])'
}

variants=("-j1" "-j1 --chunk-size 4K" "-j2 --chunk-size 64K" "-j3 --chunk-size 4K" "-j3")
check_damaged() {  # name file reference(gzip_lines|zstd_lines|prefix)
  local name=$1 f=$2 ref=$3 v rc same=1 codes="" one
  for v in "${variants[@]}"; do
    "$BIN" $v --where true "$f" > "$D/w.out" 2> "$D/w.err"
    codes="$codes $?"
    if [ "$v" == "-j1" ]; then
      cp "$D/w.out" "$D/w.ref"
      cp "$D/w.err" "$D/w.referr"
    else
      cmp -s "$D/w.ref" "$D/w.out" || same=0
      # The message (lines and bytes before the damage) is the same too.
      [ "$(grep -v ': invalid JSON\|bad records in all' "$D/w.referr")" == \
        "$(grep -v ': invalid JSON\|bad records in all' "$D/w.err")" ] || same=0
    fi
  done
  expect_eq "$name: --where exit 2 for every -j and chunk size" " 2 2 2 2 2" "$codes"
  expect_eq "$name: --where stdout and the damage message are the same for every -j and chunk size" 1 "$same"
  grep -q "$(basename "$f"): .* at compressed byte [0-9]*.*; the [0-9]* whole lines ([0-9]* bytes) before it were processed" "$D/w.referr" \
    && ok "$name: the message names the file, the offset and what was processed" \
    || fail "$name: message: $(grep -v 'invalid JSON' "$D/w.referr" | tail -2)"
  # --exec cat: the raw whole lines before the damage, nothing else.
  "$BIN" -j2 --chunk-size 4K --exec cat "$f" > "$D/x4k.out" 2> /dev/null
  "$BIN" -j3 --exec cat "$f" > "$D/x.out" 2> /dev/null
  expect_same_file "$name: --exec cat is the same for 4K and the default chunk" "$D/x4k.out" "$D/x.out"
  if [ "$ref" == prefix ]; then
    # zstd's command line drops what it decoded in its last call before a
    # corrupt block: its whole lines are a prefix of ours.
    zstd_lines "$f" > "$D/ref.txt"
    local n
    n=$(wc -c < "$D/ref.txt")
    [ "$(head -c "$n" "$D/x.out" | md5sum)" == "$(md5sum < "$D/ref.txt")" ] \
      && ok "$name: zstd -dc's whole lines are a prefix of --exec cat's output" \
      || fail "$name: zstd -dc's whole lines are not a prefix of ours"
  else
    $ref "$f" > "$D/ref.txt"
    expect_same_file "$name: --exec cat == the whole lines an independent decoder recovers" "$D/ref.txt" "$D/x.out"
  fi
  for one in "-j1 --count" "-j3 --chunk-size 4K" "-j2 --chunk-size 64K --group-by method --agg count"; do
    "$BIN" $one "$f" > "$D/one.out" 2> /dev/null
    rc=$?
    expect_eq "$name: '$one': exit 2, no result on stdout" "2 0" "$rc $(wc -c < "$D/one.out")"
  done
}

for f in one.gz two.gz one.zst; do
  size=$(stat -c %s "$D/$f")
  ref=gzip_lines
  [ "${f##*.}" == zst ] && ref=zstd_lines
  offsets="$((size / 20)) $((size * 55 / 100)) $((size * 9 / 10)) $((size - 9)) $((size - 1))"
  [ "$f" == two.gz ] && offsets="$offsets $((member1 + 30)) $((member1 + (size - member1) / 2))"
  for cut in $offsets; do
    head -c "$cut" "$D/$f" > "$D/cut-$f"
    # zstd's command line does not write the last block of a frame whose
    # checksum is cut off (we do: the block decoded): a prefix there.
    [ "$ref" == zstd_lines ] && [ "$cut" == $((size - 1)) ] && ref=prefix
    check_damaged "$f cut at $cut of $size" "$D/cut-$f" $ref
  done
  # Corrupt: one byte flipped. For zstd the reference is only a prefix.
  [ "${f##*.}" == zst ] && ref=prefix
  offsets="$((size / 7)) $((size / 2)) $((size * 4 / 5)) $((size - 6))"
  [ "$f" == two.gz ] && offsets="$((member1 + 100)) $((member1 + (size - member1) * 2 / 3)) $((size - 6))"
  for at in $offsets; do
    python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[int(sys.argv[2])] ^= 0x55
open(sys.argv[3], "wb").write(d)' "$D/$f" "$at" "$D/bad-$f"
    check_damaged "$f byte $at of $size flipped" "$D/bad-$f" $ref
  done
done

# Damaged in the second member: the first member's records are all there.
head -c $((member1 + 200)) "$D/two.gz" > "$D/cut2.gz"
"$BIN" --exec cat "$D/cut2.gz" 2> /dev/null | head -n 2500 > "$D/x.out"
expect_same_file "two.gz cut in member 2: every line of member 1" "$D/part1.jsonl" "$D/x.out"

# The line that the damage cuts is not a record, and stderr says so.
head -c 100000 "$D/one.gz" > "$D/cut.gz"
"$BIN" --where true "$D/cut.gz" > /dev/null 2> "$D/e"
grep -q "the line it cut ([0-9]* bytes) is not a record" "$D/e" \
  && ok "damaged: the cut line is named on stderr" || fail "damaged: cut line: $(cat "$D/e")"
# A small log cut at 60% (the issue's case): no count, whatever the chunk.
gzip -c "$ROOT/data/sample.jsonl" > "$D/s.gz"
head -c $(($(stat -c %s "$D/s.gz") * 6 / 10)) "$D/s.gz" > "$D/s60.gz"
for v in "-j2" "-j1 --chunk-size 4K"; do
  out=$("$BIN" --count $v "$D/s60.gz" 2> /dev/null)
  expect_eq "sample.jsonl.gz cut at 60%, --count $v: exit 2 and nothing on stdout" "2 []" "$? [$out]"
done
# -o: the target file is not written, for a streaming job too.
echo old > "$D/target.jsonl"
"$BIN" --where true -o "$D/target.jsonl" "$D/cut.gz" 2> /dev/null
expect_eq "damaged input with -o: exit 2, the target keeps its content" "2 old" "$? $(cat "$D/target.jsonl")"
