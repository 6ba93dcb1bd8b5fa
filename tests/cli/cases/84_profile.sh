# The profile (issue 15 item 5): p50/p99 of numbers, string bounds, the
# elements of arrays under "elements" (JSON) and PATH[] rows (table), checked
# against tests/reference_summary.py with -j1 and -j3 --chunk-size 4K, through
# partials and merge, and as a table in a real terminal (tmux).
PR="$T/profile"
mkdir -p "$PR"

# Generated data: nulls, unicode, mixed types, empty arrays, arrays of
# objects and of arrays, RFC 3339 times, a key that first appears late.
python3 - "$PR/p.jsonl" << 'EOF'
import json, random, sys
rng = random.Random(84)
words = ["a", "é", "zz", "", "日本", "Z", "a\u0000b", "~", "GET"]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for i in range(12000):
        r = {"lat": round(rng.lognormvariate(3, 1.2), 3),
             "status": rng.choice([200, 200, 200, 404, 500]),
             "ts": "2024-%02d-%02dT%02d:00:00Z" % (1 + rng.randrange(12),
                                                 1 + rng.randrange(28),
                                                 rng.randrange(24))}
        if i % 7 == 0:
            r["lat"] = None
        if i % 11 == 0:
            r["lat"] = "n/a"
        r["tags"] = [rng.choice(words) for _ in range(rng.randrange(4))]
        if i % 13 == 0:
            r["tags"].append(rng.choice([None, 7, 2.5, True]))
        if i % 3 == 0:
            r["items"] = [{"sku": "s%d" % rng.randrange(30),
                           "qty": rng.randrange(1, 9)}
                          for _ in range(rng.randrange(3))]
            if i % 9 == 0:
                r["items"].append({"sku": None, "dims": [rng.random(), 1]})
        if i % 17 == 0:
            r["m"] = [[rng.randrange(100)], [], [[rng.choice(words)]]]
        if i > 9000:
            r["late"] = {"who": rng.choice(words), "n": -rng.randrange(50)}
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
EOF

"$BIN" -j1 "$PR/p.jsonl" > "$PR/j1.json"
expect_eq "profile: -j1 exits 0" 0 "$?"
"$BIN" -j3 --chunk-size 4K "$PR/p.jsonl" > "$PR/j3.json"
expect_same_file "profile: -j1 = -j3 --chunk-size 4K" "$PR/j1.json" "$PR/j3.json"
"$BIN" -j2 --chunk-size 64K "$PR/p.jsonl" > "$PR/j2.json"
expect_same_file "profile: -j1 = -j2 --chunk-size 64K" "$PR/j1.json" "$PR/j2.json"
for args in "-j1" "-j3 --chunk-size 4K"; do
  if CLUSTERPROC_CHECK_ARGS="$args" python3 "$ROOT/tests/reference_summary.py" \
    --check "$BIN" "$PR/p.jsonl" > "$PR/ref.txt" 2>&1; then
    ok "profile: $args equals reference_summary.py (p50/p99 within 1 %)"
  else
    fail "profile: $args differs from reference_summary.py"
    head -20 "$PR/ref.txt"
  fi
done

# p50/p99 are the quantile aggregate's answers.
got=$(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["fields"]
print(json.dumps({"p50": f["lat"]["p50"], "p99": f["lat"]["p99"]}))' "$PR/j1.json")
want=$("$BIN" --agg 'quantile(lat, 0.5) as p50, quantile(lat, 0.99) as p99' "$PR/p.jsonl" |
  python3 -c 'import json, sys; print(json.dumps(json.loads(sys.stdin.read())))')
expect_eq "profile: p50/p99 = --agg quantile(lat, 0.5), quantile(lat, 0.99)" "$want" "$got"

# The time range of ts, the elements of tags, items[].sku, m[][] in the JSON.
got=$(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["fields"]
print(f["ts"]["min_string"], f["ts"]["max_string"], "min" in f["ts"])
e = f["tags"]["elements"]
print(e["count"], sorted(e["types"]), "min_string" in e, "min" in e)
print(sorted(f["items"]["elements"]["fields"]))
print(f["items"]["elements"]["fields"]["dims"]["elements"]["count"])
print(sorted(f["m"]["elements"]["elements"]["types"]))
print(sorted(p for p in f if "[" in p))' "$PR/j1.json")
want=$(python3 -c '
import json, sys
ts, tags, skus, dims, paths = [], [], set(), 0, set()
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    ts.append(r["ts"]); tags += r["tags"]
    for it in r.get("items", []):
        skus |= set(it); dims += len(it.get("dims", []))
types = {type(t).__name__ for t in tags}
names = {"str": "string", "NoneType": "null", "int": "int", "float": "float", "bool": "bool"}
print(min(ts), max(ts), False)
print(len(tags), sorted(names[t] for t in types), True, True)
print(sorted(skus))
print(dims)
print(["array", "int"])
print([])' "$PR/p.jsonl")
expect_eq "profile: string bounds and elements in the JSON, as python3 counts them" "$want" "$got"

# Partials: two halves, each its own -j and chunk size, merge = one run.
head -n 5000 "$PR/p.jsonl" > "$PR/a.jsonl"
tail -n +5001 "$PR/p.jsonl" > "$PR/b.jsonl"
"$BIN" -j1 --partial "$PR/a.part" "$PR/a.jsonl"
"$BIN" -j3 --chunk-size 4K --partial "$PR/b.part" "$PR/b.jsonl"
"$BIN" merge "$PR/a.part" "$PR/b.part" > "$PR/merged.json" 2> "$PR/e"
expect_eq "profile: merge of two summary partials exits 0" "0 " "$? $(cat "$PR/e")"
cat "$PR/a.jsonl" "$PR/b.jsonl" > "$PR/ab.jsonl"
"$BIN" -j2 "$PR/ab.jsonl" | sed 's/^{"records":12000,"bad_records":0,"bytes":[0-9]*,/X/' > "$PR/ab.cut"
sed 's/^{"records":12000,"bad_records":0,"bytes":[0-9]*,/X/' "$PR/merged.json" > "$PR/merged.cut"
expect_same_file "profile: merge of partials = one run (fields byte for byte)" "$PR/ab.cut" "$PR/merged.cut"

# A summary partial of format version 1 (made by an older clusterproc): its
# version field set to 1 and its checksum recomputed.
old_version() {
  python3 - "$1" "$2" << 'EOF'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], "rb").read())
b[8:10] = struct.pack("<H", 1)
body = struct.unpack("<Q", b[12:20])[0]
b[20 + body:24 + body] = struct.pack("<I", zlib.crc32(bytes(b[:20 + body])))
open(sys.argv[2], "wb").write(b)
EOF
}
old_version "$PR/a.part" "$PR/old.part"
"$BIN" merge "$PR/old.part" "$PR/b.part" > "$PR/o" 2> "$PR/e"
expect_eq "profile: an old summary partial is refused with a clear message" \
  "2 clusterproc: $PR/old.part: a summary partial of format version 1 (an older clusterproc): its state lacks p50/p99, string bounds and array elements; make it again with this build" \
  "$? $(cat "$PR/e")"
expect_eq "profile: nothing written for the refused merge" "" "$(cat "$PR/o")"
# The same for a summary checkpoint of an older build.
{ CLUSTERPROC_TEST_DIE_AFTER_CHUNKS=3 "$BIN" -j2 --chunk-size 64K --checkpoint "$PR/ck" "$PR/p.jsonl" > /dev/null; } 2> /dev/null
old_version "$PR/ck/checkpoint" "$PR/ck/checkpoint"
"$BIN" --checkpoint "$PR/ck" "$PR/p.jsonl" > "$PR/o" 2> "$PR/e"
expect_eq "profile: an old summary checkpoint is refused with a clear message" \
  "2 clusterproc: $PR/ck/checkpoint: a summary checkpoint of format version 1 (an older clusterproc) cannot be resumed; remove $PR/ck to start over" \
  "$? $(cat "$PR/e")"

# The table: one row per field, PATH[] rows for elements, string bounds in
# the min/max columns when a path has no numbers.
cat > "$PR/small.jsonl" << 'EOF'
{"ts":"2024-03-01T10:00:00Z","lat":12.5,"tags":["db","api"],"items":[{"sku":"A1","qty":2}]}
{"ts":"2024-02-28T23:59:59Z","lat":null,"tags":[],"items":[{"sku":"B7","qty":1},{"sku":"A1","qty":5}]}
{"ts":"2024-03-02T00:00:01Z","lat":40,"tags":["api"]}
EOF
expect_eq "profile: -f table" "records 3   bad_records 0   bytes 249

path         count  types                   min                   max                   mean      p50   p99   distinct  top
───────────  ─────  ──────────────────────  ────────────────────  ────────────────────  ────────  ────  ────  ────────  ────────────────────────────────────────────────────────────────────────────
items            2  array
items[]          3  object
items[].qty      3  int                     1                     5                     2.666667     2     2         3  1 (1), 2 (1), 5 (1)
items[].sku      3  string                  A1                    B7                                                 2  A1 (2), B7 (1)
lat              3  null 1, int 1, float 1  12.5                  40                       26.25  12.5  12.5         2  12.5 (1), 40 (1)
tags             3  array
tags[]           3  string                  api                   db                                                 2  api (2), db (1)
ts               3  string                  2024-02-28T23:59:59Z  2024-03-02T00:00:01Z                               3  2024-02-28T23:59:59Z (1), 2024-03-01T10:00:00Z (1), 2024-03-02T00:00:01Z (1)" \
  "$("$BIN" -f table "$PR/small.jsonl")"

# In a real terminal (tmux, 100 columns): the summary is that table, fitted.
if command -v tmux > /dev/null; then
  cat > "$PR/term.sh" << EOF2
unset COLUMNS
cd '$PR'
'$BIN' small.jsonl
echo "done \$?"
EOF2
  screen=$(tmux_screen "$PR/term.sh" 100 20)
  expect_eq "profile: tmux: the summary at a terminal is the profile table, paths whole" "records 3   bad_records 0   bytes 249
path         count  types       min         max          mean      p50   p99   distinct  top
───────────  ─────  ──────────  ──────────  ───────────  ────────  ────  ────  ────────  ───────────
items            2  array
items[]          3  object
items[].qty      3  int         1           5            2.666667     2     2         3  1 (1), 2 (…
items[].sku      3  string      A1          B7                                        2  A1 (2), B7…
lat              3  null 1, i…  12.5        40              26.25  12.5  12.5         2  12.5 (1), …
tags             3  array
tags[]           3  string      api         db                                        2  api (2), d…
ts               3  string      2024-02-2…  2024-03-02…                               3  2024-02-28…
done 0" \
    "$(grep -v '^$' <<< "$screen")"
else
  ok "profile in a terminal: tmux is not installed, not checked"
fi

# Arrays nested 900 deep (valid JSON, which simdjson accepts): the summary
# profiles elements 16 arrays deep only, so that its JSON stays readable by
# any parser (it once nested about 1800 deep; record fuzz finding).
python3 -c "print('{\"a\":' + '[' * 900 + '1' + ']' * 900 + '}')" > "$T/deep-arrays.jsonl"
python3 -c "print('[' * 40 + '{\"k\":[1,[2,[3]]]}' + ']' * 40)" >> "$T/deep-arrays.jsonl"
"$BIN" -j2 "$T/deep-arrays.jsonl" | python3 -c 'import json, sys; json.load(sys.stdin)' &&
  ok "summary of arrays nested 900 deep is readable JSON" || fail "summary of deeply nested arrays does not parse"
python3 "$ROOT/tests/reference_summary.py" --check "$BIN" "$T/deep-arrays.jsonl" > /dev/null 2>&1 &&
  ok "summary of deeply nested arrays == reference_summary.py" || fail "deep arrays: summary differs from reference"
