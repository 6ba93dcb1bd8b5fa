# The committed golden partials (tests/unit/data/README.md): `merge` of each
# gives the committed output, which is also what a run over the same input
# gives today, and the group rows agree with python over data/sample.jsonl.
G=tests/unit/data
"$BIN" merge "$G/golden-v1-group.part" > "$T/golden-group.out" 2> "$T/golden-group.err"
expect_eq "golden group-by partial: merge exits 0, quietly" "0 " "$? $(cat "$T/golden-group.err")"
expect_same_file "golden group-by partial: merge gives the committed rows" \
  "$G/golden-v1-group.jsonl" "$T/golden-group.out"
"$BIN" --group-by method --agg "$(cat "$G/golden-v1-group.agg")" data/sample.jsonl > "$T/golden-run.out"
expect_same_file "golden group-by partial: a run today gives the same rows" \
  "$G/golden-v1-group.jsonl" "$T/golden-run.out"
python3 - "$T/golden-group.out" data/sample.jsonl << 'EOF_PY' && ok "golden group-by partial: count, sum, avg agree with python" || fail "golden group-by partial: python disagrees"
import json, math, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
recs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
for row in rows:
    mine = [r for r in recs if r.get("method") == row["method"]]
    assert row["count"] == len(mine), row
    num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    assert row["sum(bytes)"] == sum(r["bytes"] for r in mine if num(r.get("bytes"))), row
    lat = [r["latency_ms"] for r in mine if num(r.get("latency_ms"))]
    assert row["avg(latency_ms)"] == math.fsum(lat) / len(lat), (row, math.fsum(lat) / len(lat))
assert sum(r["count"] for r in rows) == len(recs)
EOF_PY
"$BIN" merge "$G/golden-v2-summary.part" > "$T/golden-summary.out"
expect_same_file "golden summary partial (version 2): merge gives the committed summary" \
  "$G/golden-v2-summary.jsonl" "$T/golden-summary.out"
"$BIN" --shard 0/100 data/sample.jsonl > "$T/golden-summary-run.out"
expect_same_file "golden summary partial (version 2): a run today gives the same summary" \
  "$G/golden-v2-summary.jsonl" "$T/golden-summary-run.out"
"$BIN" merge "$G/golden-v1-summary.part" > "$T/golden-summary.out" 2> "$T/golden-summary.err"
expect_eq "golden summary partial (version 1): refused with exit 2, nothing printed" "2 " \
  "$? $(cat "$T/golden-summary.out")"
grep -q "golden-v1-summary.part: a summary partial of format version 1 (an older clusterproc)" \
  "$T/golden-summary.err" && ok "golden summary partial (version 1): the message says why" ||
  fail "golden summary partial (version 1): $(cat "$T/golden-summary.err")"
# The header and the start of the body as docs/partials.md describes them,
# read with python's struct ("<": little-endian), not with clusterproc.
python3 - "$G/golden-v1-group.part" "$G/golden-v1-group.agg" << 'EOF_PY' && ok "golden group-by partial: python reads the documented layout" || fail "golden group-by partial: layout differs from docs/partials.md"
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89CLPART\n"
version, flags, length = struct.unpack("<HHQ", b[8:20])
assert (version, flags, length + 24) == (1, 0, len(b)), (version, flags, length)
assert struct.unpack("<I", b[20 + length:])[0] == zlib.crc32(b[:20 + length])
body, i = b[20:20 + length], 8
n, = struct.unpack("<I", body[i:i + 4]); i += 4
words = []
for _ in range(n):
    l, = struct.unpack("<Q", body[i:i + 8]); i += 8
    words.append(body[i:i + l].decode()); i += l
assert words == ["--group-by", "method", "--agg", open(sys.argv[2]).read().strip()], words
t, = struct.unpack("<I", body[i:i + 4]); i += 4
assert struct.unpack("<%dQ" % t, body[i:i + 8 * t]) == (2000, 2000, 0, 679433, 2000)
EOF_PY
