# Plain multi-member gzip decoded by the workers (issue 14.2): `cat a.gz b.gz`,
# members of every header kind, empty members. Member starts are guessed
# from header bytes; a guess inside compressed data (here: a whole gzip
# member stored inside another one) must change nothing. Every job gives the
# same stdout, stderr and exit code as the plain file and the master's own
# decoding, for -j1/-j2/-j4 and chunk sizes 4K, 64K and the default; damage
# gives the same message and exit code at the same compressed offset.
P="$T/gzm"
mkdir -p "$P"
{
  printf '\xef\xbb\xbf'  # a byte-order mark: skipped, still line 1
  "$GEN" --lines 4000 --seed 95 --bad-every 97 --blank-every 89
  # A line of 200 KB: it crosses several members.
  python3 -c 'print("{\"long\":\"" + "y" * 200000 + "\",\"host\":\"long\"}")'
  "$GEN" --lines 800 --seed 96 --bad-every 50
  printf '{"last":"line without a newline"}'
} > "$P/all.jsonl"
# Members cut inside lines, of all header kinds (file name, comment, extra
# field, header CRC), deflate levels and writers, and empty ones.
python3 - "$P/all.jsonl" "$P/cat.gz" <<'PY'
import gzip, struct, sys, zlib
data = open(sys.argv[1], "rb").read()
def member(text, flags=0, level=6, xfl=0, os_=3):
    h = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 1700000000) + bytes([xfl, os_])
    if flags & 4: h += struct.pack("<H", 6) + b"AB\x02\x00xy"
    if flags & 8: h += b"part.json\x00"
    if flags & 16: h += b"a comment \x1f\x8b\x08\x04\x01\x02\x03\x04\x02\x03\x06\x01 inside\x00"
    if flags & 2: h += struct.pack("<H", zlib.crc32(h) & 0xffff)
    z = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = z.compress(text) + z.flush()
    return h + body + struct.pack("<II", zlib.crc32(text), len(text) & 0xffffffff)
out = [gzip.compress(b"", mtime=0)]
kinds = [0, 8, 16, 4, 2, 2 | 4 | 8 | 16, 1]
at, i = 0, 0
while at < len(data):
    n = 9000 + (i * 7919) % 23000
    out.append(member(data[at:at + n], kinds[i % len(kinds)], [1, 6, 9, 0][i % 4]))
    if i % 5 == 2: out.append(gzip.compress(b"", mtime=0))
    at += n
    i += 1
out.append(gzip.compress(b"", mtime=0))
open(sys.argv[2], "wb").write(b"".join(out))
PY
# Whole files concatenated, as gzip, igzip and bgzip write them.
split -n l/3 "$P/all.jsonl" "$P/third."
{ gzip -1 -c "$P/third.aa"; igzip -c < "$P/third.ab"; gzip -9 -c < "$P/third.ac"; } > "$P/files.gz"
# Two ordinary members, then one whose stored (uncompressed) deflate data
# holds a whole gzip member, valid with its CRC, and one cut short: header
# candidates that are no member start. Then an ordinary member.
python3 - "$P/all.jsonl" "$P/false.gz" "$P/false.jsonl" <<'PY'
import gzip, sys
data = open(sys.argv[1], "rb").read()
inner = gzip.compress(b'{"inner":1}\n' * 40, mtime=0)
half = data.index(b"\n", len(data) // 3) + 1
head = data[:half]
cut = head.index(b"\n", 20000) + 1
# The 4 bytes before each (the ISIZE of a member that would end there) say
# 1 MB, which fits the compressed bytes before: they stay candidates.
fits = b"\x40\x42\x0f\x00"
body = (head[:cut] + b'{"x":"' + fits + inner + b'"}\n' + head[cut:cut + 30000] +
        b'{"y":"' + fits + inner[:-6] + b'"}\n' + head[cut + 30000:])
first = data[:100000] + b'{"cut":"across'
open(sys.argv[2], "wb").write(gzip.compress(first[:50000], mtime=0) +
                              gzip.compress(first[50000:], mtime=0) +
                              gzip.compress(body, compresslevel=0, mtime=0) +
                              gzip.compress(data[half:], mtime=0))
open(sys.argv[3], "wb").write(first + body + data[half:])
PY
ref_ok=1
for f in cat.gz files.gz; do
  python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.decompress(open(sys.argv[1], "rb").read()))' "$P/$f" |
    cmp -s - "$P/all.jsonl" || ref_ok=0
done
python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.decompress(open(sys.argv[1], "rb").read()))' "$P/false.gz" |
  cmp -s - "$P/false.jsonl" || ref_ok=0
expect_eq "gzip members: python3's gzip decodes the test files to the plain ones" 1 "$ref_ok"
members=$(python3 -c 'import sys; print(open(sys.argv[1], "rb").read().count(b"\x1f\x8b\x08"))' "$P/cat.gz")
ok "gzip members: $members header candidates in $(stat -c %s "$P/cat.gz") bytes"

run_norm() {  # file args...: stdout+stderr+exit, the input's name as F
  local f=$1
  shift
  "$BIN" "$@" "$P/$f" > "$P/o" 2> "$P/e" < /dev/null
  echo "exit $?"
  sed -e "s#$P/$f#F#g" "$P/o" "$P/e"
}

jobs_all=("--where true" "--group-by host --agg count,sum(bytes),avg(latency_ms)"
  "--select host,status --limit 3000" "--exec cat" "")
variants=("-j1" "-j2" "-j4" "-j2 --chunk-size 4K" "-j4 --chunk-size 4K"
  "-j2 --chunk-size 64K" "-j4 --chunk-size 64K")
for job in "${jobs_all[@]}"; do
  for plain in all.jsonl false.jsonl; do
    run_norm "$plain" -j2 $job > "$P/ref"
    same=1
    bad=""
    files="cat.gz files.gz"
    [ "$plain" == false.jsonl ] && files=false.gz
    for f in $files; do
      for v in "${variants[@]}"; do
        run_norm "$f" $v $job > "$P/got"
        cmp -s "$P/ref" "$P/got" || { same=0; bad="$bad [$f $v]"; }
      done
    done
    expect_eq "gzip members: '$job' same stdout/stderr/exit as $plain for $files$bad" 1 "$same"
  done
done

# The workers' answer checked independently: valid records counted by
# python3, the plain file's lines byte for byte.
want=$(python3 -c '
import gzip, json, sys
def no_constant(name):
    raise ValueError(name)  # NaN, Infinity: not RFC 8259
n = 0
for line in gzip.decompress(open(sys.argv[1], "rb").read()).lstrip(b"\xef\xbb\xbf").splitlines():
    try:
        json.loads(line.decode("utf-8"), parse_constant=no_constant); n += 1
    except ValueError:  # invalid UTF-8 too
        pass
print(n)' "$P/cat.gz")
expect_eq "gzip members: --count as python3 counts" "{\"count\":$want}" "$("$BIN" -j4 --chunk-size 4K --count "$P/cat.gz" 2> /dev/null)"
"$BIN" -j3 --chunk-size 4K --exec cat "$P/cat.gz" < /dev/null > "$P/o" 2> /dev/null
cmp -s "$P/o" <(tail -c +4 "$P/all.jsonl") &&
  ok "gzip members: --exec cat gives the decoded bytes back" ||
  fail "gzip members: --exec cat differs from the plain file"
"$BIN" -j2 --chunk-size 4K --bad-records "$P/ref.bad" --count "$P/all.jsonl" > /dev/null 2>&1
"$BIN" -j4 --chunk-size 4K --bad-records "$P/got.bad" --count "$P/cat.gz" > /dev/null 2>&1
sed "s#$P/cat.gz#$P/all.jsonl#g" "$P/got.bad" | cmp -s - "$P/ref.bad" &&
  ok "gzip members: --bad-records files are the same (offsets, raw lines)" ||
  fail "gzip members: --bad-records files differ"

# Empty members only, and one empty member: no records, like an empty file.
for n in 1 3; do
  for _ in $(seq $n); do gzip -c < /dev/null; done > "$P/empty.gz"
  expect_eq "gzip members: $n empty members, -j3 --chunk-size 4K" '{"count":0}' \
    "$("$BIN" -j3 --chunk-size 4K --count "$P/empty.gz" < /dev/null 2>&1)"
done
{ gzip -c < /dev/null; printf '{"a":1}\n' | gzip -c; gzip -c < /dev/null; printf '{"a":2}' | gzip -c; gzip -c < /dev/null; } > "$P/sparse.gz"
expect_eq "gzip members: records between empty members" '{"a":1}
{"a":2}' "$("$BIN" -j3 --chunk-size 4K --where true "$P/sparse.gz" < /dev/null 2>&1)"

# Damage: truncated and flipped bytes (a false candidate's member too), the
# same as the master's decoding for every -j and chunk size.
source "$ROOT/tests/cli/decode_damage.sh"
damage_jobs=("--where true" "--group-by method --agg count")
damage_variants=("-j2" "-j4" "-j2 --chunk-size 4K" "-j4 --chunk-size 4K" "-j3 --chunk-size 64K")
for f in cat.gz false.gz; do
  size=$(stat -c %s "$P/$f")
  for cut in 5 $((size / 7)) $((size / 2 + 13)) $((size * 4 / 5)) $((size - 5)); do
    head -c "$cut" "$P/$f" > "$P/cut-$f"
    check_decode_damage "gzip members: $f cut at $cut of $size" "cut-$f"
  done
  for at in 40 $((size / 6)) $((size / 3 + 777)) $((size * 3 / 5)) $((size - 6)); do
    flip_byte "$P/$f" "$at" "$P/bad-$f"
    check_decode_damage "gzip members: $f byte $at of $size flipped" "bad-$f"
  done
done
