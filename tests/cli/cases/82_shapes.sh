# Real-world shapes (issue 13 sections 2.6, 2.8 and 3), checked against python3:
# numbers of any size, 53 / 53.0 / 5.3e1, dotted, bracketed and unicode keys,
# records that are arrays or scalars, a header row, a byte-order mark, CRLF,
# fields that first appear after 10,000 records. Every run is made with -j1
# and with -j3 --chunk-size 4K, and the two must be byte-identical.
S="$T/shapes"
mkdir -p "$S"

# shapes_run NAME ARGS...: runs with -j1 (stdout $S/o, stderr $S/e, exit $rc)
# and with -j3 --chunk-size 4K; fails NAME when the two differ in any byte.
shapes_run() {
  local name=$1
  shift
  "$BIN" -j1 "$@" > "$S/o" 2> "$S/e"
  rc=$?
  "$BIN" -j3 --chunk-size 4K "$@" > "$S/o3" 2> "$S/e3"
  local rc3=$?
  if [ "$rc" != "$rc3" ] || ! cmp -s "$S/o" "$S/o3" || ! cmp -s "$S/e" "$S/e3"; then
    fail "$name: -j1 and -j3 --chunk-size 4K differ (exit $rc / $rc3)"
    diff <(head -c 1000 "$S/o") <(head -c 1000 "$S/o3") | head -4
  fi
}

# shapes_py NAME EXPECTED_PY: python3 prints "ok" when $S/o is what EXPECTED_PY
# (python code reading the data with exact numbers) says, else the difference.
# In the code: out (stdout text), rows (its JSON lines, numbers as Decimal/int),
# recs(path) (the records of a JSONL file, numbers exact), num (Decimal of a number).
shapes_py() {
  local name=$1 code=$2 got
  got=$(python3 - "$S/o" <<EOF 2>&1
import json, sys, gzip
from decimal import Decimal, getcontext
getcontext().prec = 2000
def loads(t):
    return json.loads(t, parse_float=Decimal, parse_int=int)
out = open(sys.argv[1], encoding="utf-8").read()
rows = [loads(l) for l in out.splitlines() if l.strip()]
def recs(path):
    raw = open(path, "rb").read().decode("utf-8-sig")
    return [loads(l) for l in raw.splitlines() if l.strip()]
def num(x):
    return Decimal(x) if not isinstance(x, bool) and isinstance(x, (int, Decimal)) else None
def check(want, got):
    if want == got:
        print("ok")
    else:
        print("want", want, "got", got)
$code
EOF
)
  expect_eq "$name" ok "$got"
}

# --- Numbers of any size: valid records, passed on byte for byte, exact.
cat > "$S/num.jsonl" <<'EOF'
{"k":53,"v":18446744073709551616,"f":1.5}
{"k":53.0,"v":100000000000000000000,"f":1e400}
{"k":5.3e1,"v":-9223372036854775809,"f":-1e+9999}
{"k":"53","v":18446744073709551615,"f":2}
{"k":5300e-2,"v":123456789012345678901234567890,"f":0.25}
{"k":54,"v":-123456789012345678901234567890,"f":0.5,"arr":[100000000000000000000,-1e400]}
{"k":100000000000000000000,"v":1,"f":null}
{"k":1e20,"v":2,"f":null}
EOF
for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  sed "s/\"v\":1,/\"v\":$n$n$n$n$n$n$n$n$n$n$n$n$n$n$n$n$n$n$n$n$n,/" "$S/num.jsonl"
done > "$S/num-many.jsonl"

shapes_run "big numbers: count" --count "$S/num.jsonl"
expect_eq "big numbers are valid records: {\"count\":8}, exit 0" '{"count":8} 0' "$(cat "$S/o") $rc"
for rec in '[100000000000000000000]' '[-1e+9999]' '{"v":18446744073709551616}'; do
  printf '%s\n' "$rec" > "$S/one.jsonl"
  shapes_run "big number $rec" --where true "$S/one.jsonl"
  expect_eq "big number $rec: a record, printed as it is" "$rec 0" "$(cat "$S/o") $rc"
done
printf '%s\n' '[01]' '[1.]' '[-]' '[100000000000000000000]' > "$S/badnum.jsonl"
shapes_run "malformed numbers" --count "$S/badnum.jsonl"
expect_eq "malformed numbers stay bad records with a reason" \
"$S/badnum.jsonl:1: invalid JSON at column 3: invalid number '01': leading zeros are not allowed
$S/badnum.jsonl:2: invalid JSON at column 4: invalid number '1.', expected a digit after '.', found ']'
$S/badnum.jsonl:3: invalid JSON at column 3: invalid number '-', expected a digit after '-', found ']'
{\"count\":1} 3" "$(head -3 "$S/e")
$(cat "$S/o") $rc"

shapes_run "where on big numbers" --where 'v > 18446744073709551615 or v < -9223372036854775808' "$S/num.jsonl"
shapes_py "where: exact comparison, lines byte for byte" '
lines = open("'"$S/num.jsonl"'").read().splitlines()
want = [l for l in lines if abs(loads(l)["v"]) > 0 and (loads(l)["v"] > 18446744073709551615 or loads(l)["v"] < -9223372036854775808)]
check(want, out.splitlines())'
shapes_run "where f beyond doubles" --where 'type(f) == "number" and (f > 1e308 or f < -1.7976931348623157e308)' "$S/num.jsonl"
expect_eq "where: 1e400 and -1e+9999 compare beyond every double" \
'{"k":53.0,"v":100000000000000000000,"f":1e400}
{"k":5.3e1,"v":-9223372036854775809,"f":-1e+9999}' "$(cat "$S/o")"
shapes_run "where against big literals" --where 'v == 100000000000000000000 or v == -123456789012345678901234567890' "$S/num.jsonl"
expect_eq "where: big literals in expressions are exact" 2 "$(wc -l < "$S/o")"
shapes_run "where 1e20 spellings" --where 'k == 100000000000000000000' "$S/num.jsonl"
expect_eq "where: 1e20 == 100000000000000000000" 2 "$(wc -l < "$S/o")"

shapes_run "select an array of big numbers" --select arr --where 'exists(arr)' "$S/num.jsonl"
expect_eq "select: big numbers inside an array as written" '{"arr":[100000000000000000000,-1e400]}' "$(cat "$S/o")"
shapes_run "select big numbers" --select 'v, f, str(v) as s' "$S/num.jsonl"
shapes_py "select: numbers byte for byte, str() keeps the text" '
import re
lines = open("'"$S/num.jsonl"'").read().splitlines()
def raw(l, key):
    return re.search("\"" + key + "\":(\\[[^]]*\\]|[^,}]*)", l).group(1)
want = ["{\"v\":%s,\"f\":%s,\"s\":\"%s\"}" % (raw(l, "v"), raw(l, "f"), raw(l, "v")) for l in lines]
check(want, out.splitlines())'

shapes_run "agg over big numbers" --agg 'sum(v), min(v), max(v), count(v), first(v), last(v), min(f), max(f), avg(f)' "$S/num-many.jsonl"
shapes_py "agg: exact integer sum of any size, exact min/max, avg beyond doubles is null" '
r = recs("'"$S/num-many.jsonl"'")
vs = [x["v"] for x in r]
fs = [x["f"] for x in r if num(x["f"]) is not None]
want = {"sum(v)": sum(vs), "min(v)": min(vs), "max(v)": max(vs), "count(v)": len(vs),
        "first(v)": vs[0], "last(v)": vs[-1], "min(f)": min(fs), "max(f)": max(fs), "avg(f)": None}
check([want], rows)'
expect_eq "agg: min/max of 1e400 and -1e+9999 as written" \
  '"min(f)":-1e+9999,"max(f)":1e400' "$(grep -o '"min(f)":[^,]*,"max(f)":[^,]*' "$S/o")"

shapes_run "group by 53 spellings" --group-by k --agg 'count, sum(v)' "$S/num-many.jsonl"
shapes_py "group-by: 53, 53.0, 5.3e1 and 5300e-2 are one group; 1e20 and 100000000000000000000 too" '
r = recs("'"$S/num-many.jsonl"'")
groups = {}
for x in r:
    key = ("n", Decimal(x["k"])) if num(x["k"]) is not None else ("s", x["k"])
    c, s = groups.get(key, (0, 0))
    groups[key] = (c + 1, s + x["v"])
got = {}
for row in rows:
    key = ("n", Decimal(row["k"])) if num(row["k"]) is not None else ("s", row["k"])
    got[key] = (row["count"], row["sum(v)"])
check(groups, got)'
expect_eq "group-by: number groups sort numerically, before strings" \
  '53 54 100000000000000000000 "53"' "$(grep -o '^{"k":[^,]*' "$S/o" | cut -d: -f2 | tr '\n' ' ' | sed 's/ $//')"

shapes_run "sum of 53 spellings" --agg 'sum(k), count(k)' --where 'k != "53"' "$S/num.jsonl"
shapes_py "sum: 53 + 53.0 + 5.3e1 + ... as python" '
r = [x for x in recs("'"$S/num.jsonl"'") if x["k"] != "53"]
ks = [float(x["k"]) for x in r]
import math
check([{"sum(k)": Decimal(repr(math.fsum(ks))), "count(k)": len(ks)}], [{"sum(k)": Decimal(rows[0]["sum(k)"]), "count(k)": rows[0]["count(k)"]}])'

for fmt in csv tsv; do
  shapes_run "$fmt with big numbers" --select 'v, f' -f "$fmt" "$S/num.jsonl"
  expect_eq "$fmt: big numbers as written" "18446744073709551616 1e400 -1e+9999" \
    "$(tr ',\t' '  ' < "$S/o" | awk 'NR==2{a=$1} NR==3{b=$2} NR==4{c=$2} END{print a, b, c}')"
done

shapes_run "summary with big numbers" "$S/num.jsonl"
shapes_py "summary: big integers are ints, beyond doubles floats" '
f = rows[0]["fields"]
check((8, 0, {"int": 8}, {"int": 3, "float": 4, "string": 1}, {"float": 5, "int": 1, "null": 2}),
      (rows[0]["records"], rows[0]["bad_records"], f["v"]["types"], f["k"]["types"], f["f"]["types"]))'

# --- Dotted, bracketed and unicode keys: the summary names reach the values.
cat > "$S/keys.jsonl" <<'EOF'
{"id.orig_h":"10.0.0.1","id":{"orig_h":"192.168.0.1","resp_p":80},"user-agent":"curl","名前":"ä","null":1,"a b":{"c.d":2}}
{"id.orig_h":"10.0.0.2","id":{"orig_h":"192.168.0.2"},"user-agent":"wget","名前":"ö","_x1":3}
{"id":{"orig_h":"192.168.0.1"},"id.orig_h":"10.0.0.1","tab\tkey":"t","quote\"key":"q"}
{"id.orig_h":null}
EOF
shapes_run "summary of dotted keys" "$S/keys.jsonl"
cp "$S/o" "$S/keys-summary.json"
shapes_py "summary: flat and nested keys apart, each named as its expression" '
sys.path.insert(0, "'"$ROOT/tests"'")
from reference_summary import path_step as step
counts = {}
def walk(prefix, obj):
    for k, v in obj.items():
        p = step(prefix, k)
        counts[p] = counts.get(p, 0) + 1
        if isinstance(v, dict):
            walk(p, v)
for x in recs("'"$S/keys.jsonl"'"):
    walk("", x)
check(counts, {p: s["count"] for p, s in rows[0]["fields"].items()})'
expect_eq "summary: the flat key is .[\"id.orig_h\"], the nested one id.orig_h" \
  '.["id.orig_h"] id.orig_h' "$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["fields"]; print(" ".join(p for p in f if "orig_h" in p))' "$S/keys-summary.json")"
python3 -c 'import json,sys
for p, s in json.load(open(sys.argv[1]))["fields"].items():
    print(p + "\t" + str(s["count"] - s["types"].get("null", 0)))' "$S/keys-summary.json" > "$S/keys-paths.tsv"
while IFS=$'\t' read -r path nonnull; do
  shapes_run "count($path)" --agg "count($path)" "$S/keys.jsonl"
  expect_eq "summary path $path as an expression reaches its $nonnull values" \
    "{\"count($path)\":$nonnull}" "$(sed 's/^{"[^:]*":/{"count('"$(printf '%s' "$path" | sed 's/[\/&]/\\&/g')"')":/' "$S/o")"
done < "$S/keys-paths.tsv"
shapes_run "group-by a dotted key" --group-by '.["id.orig_h"]' --agg count "$S/keys.jsonl"
expect_eq "group-by .[\"id.orig_h\"]: the flat values, column named by the key" \
'{"id.orig_h":null,"count":1}
{"id.orig_h":"10.0.0.1","count":2}
{"id.orig_h":"10.0.0.2","count":1}' "$(cat "$S/o")"
shapes_run "group-by the nested path" --group-by id.orig_h --agg count "$S/keys.jsonl"
expect_eq "group-by id.orig_h: the nested values" \
'{"id.orig_h":null,"count":1}
{"id.orig_h":"192.168.0.1","count":2}
{"id.orig_h":"192.168.0.2","count":1}' "$(cat "$S/o")"
shapes_run "select bracketed keys" --select '.["user-agent"], ."名前", .["a b"]["c.d"]' "$S/keys.jsonl"
expect_eq "select: a bracketed key is named by the key" \
  '{"user-agent":"curl","名前":"ä",".[\"a b\"][\"c.d\"]":2}' "$(head -1 "$S/o")"

# --- Records that are arrays or scalars, and a header row.
cat > "$S/arrays.jsonl" <<'EOF'
["ts","host","bytes"]
["2024-01-01T00:00:00Z","a",10]
["2024-01-01T00:00:01Z","b",18446744073709551616]
["2024-01-01T00:00:02Z","a",2.5]
7
"text"
null
[]
EOF
shapes_run "arrays: count" --count "$S/arrays.jsonl"
expect_eq "arrays and scalars are records" '{"count":8}' "$(cat "$S/o")"
shapes_run "arrays: group by .[1]" --group-by '.[1]' --agg 'count, sum(.[2]), max(.[2])' "$S/arrays.jsonl"
shapes_py "arrays: header row and scalars, as python" '
groups = {}
for x in recs("'"$S/arrays.jsonl"'"):
    key = x[1] if isinstance(x, list) and len(x) > 1 else None
    g = groups.setdefault(json.dumps(key), [0, [], []])
    g[0] += 1
    v = x[2] if isinstance(x, list) and len(x) > 2 else None
    if num(v) is not None:
        g[1].append(v)
    if v is not None:
        g[2].append(v)
got = {json.dumps(r[".[1]"]): (r["count"], r["sum(.[2])"], r["max(.[2])"]) for r in rows}
# max in jq order: strings above numbers (the header row has only strings).
def jqmax(vals):
    strs = [v for v in vals if isinstance(v, str)]
    return max(strs) if strs else max(vals) if vals else None
want = {k: (g[0], sum(g[1]) if g[1] else None, jqmax(g[2])) for k, g in groups.items()}
check(want, got)'
shapes_run "arrays: summary" "$S/arrays.jsonl"
shapes_py "arrays: the summary counts non-objects under ." '
check({"array": 5, "int": 1, "string": 1, "null": 1}, rows[0]["fields"]["."]["types"])'

# --- A byte-order mark and CRLF: same results as the plain file, same line numbers.
printf '{"a":1,"s":"x"}\r\n{"a":2,"s":"y"}\r\n{"a":\r\n{"a":3,"s":"z"}\r\n' > "$S/plain.jsonl"
printf '\xef\xbb\xbf' | cat - "$S/plain.jsonl" > "$S/bom.jsonl"
python3 -c 'import gzip,sys; open(sys.argv[2],"wb").write(gzip.compress(open(sys.argv[1],"rb").read()))' "$S/bom.jsonl" "$S/bom.jsonl.gz"
zstd -q -f -o "$S/bom.jsonl.zst" "$S/bom.jsonl"
for args in "--agg count,sum(a),min(s),max(s)" "--where true" "--select a,s" ""; do
  # shellcheck disable=SC2086
  shapes_run "plain $args" $args "$S/plain.jsonl"
  # The summary's "bytes" counts the byte-order mark: the rest must agree.
  sed "s|$S/plain.jsonl|FILE|; s/\"bytes\":[0-9]*,//" "$S/o" "$S/e" > "$S/want"
  for f in "$S/bom.jsonl" "$S/bom.jsonl.gz" "$S/bom.jsonl.zst"; do
    # shellcheck disable=SC2086
    shapes_run "BOM $args $f" $args "$f"
    sed "s|$f|FILE|; s/\"bytes\":[0-9]*,//" "$S/o" "$S/e" > "$S/got"
    expect_same_file "BOM at the start of $(basename "$f") is skipped ($args)" "$S/want" "$S/got"
  done
  # shellcheck disable=SC2086
  "$BIN" -j3 --chunk-size 4K $args < "$S/bom.jsonl" > "$S/o" 2> "$S/e"
  sed "s|(stdin)|FILE|; s/\"bytes\":[0-9]*,//" "$S/o" "$S/e" > "$S/got"
  expect_same_file "BOM at the start of standard input is skipped ($args)" "$S/want" "$S/got"
done
expect_eq "BOM: the bad record keeps its line number" \
  "FILE:3: invalid JSON at column 6: expected a value, found end of line" "$(grep -m1 ':3:' "$S/got")"
printf '{"a":1}\n\xef\xbb\xbf{"a":2}\n' > "$S/midbom.jsonl"
shapes_run "BOM on line 2" --count "$S/midbom.jsonl"
expect_eq "a BOM that is not at the start of the file is a bad record" \
  "{\"count\":1} 3 $S/midbom.jsonl:2: invalid JSON at column 1: expected a value, found byte 0xef" "$(cat "$S/o") $rc $(head -1 "$S/e")"

# --- Fields that first appear after 10,000 records.
python3 - "$S/late.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(10050):
        r = {"i": i, "host": "h%d" % (i % 7)}
        if i >= 10000:
            r["late"] = i * 3
            r["late.dotted"] = {"x": i}
            r["big"] = 10**25 + i
        f.write(json.dumps(r) + "\n")
EOF
shapes_run "late fields: agg" --agg 'count(late), sum(late), sum(big), max(.["late.dotted"].x)' "$S/late.jsonl"
shapes_py "late fields: found and exact" '
r = [x for x in recs("'"$S/late.jsonl"'") if "late" in x]
check([{"count(late)": len(r), "sum(late)": sum(x["late"] for x in r), "sum(big)": sum(x["big"] for x in r),
        ".[\"late.dotted\"].x" if False else "max(.[\"late.dotted\"].x)": max(x["late.dotted"]["x"] for x in r)}], rows)'
shapes_run "late fields: summary" "$S/late.jsonl"
shapes_py "late fields: in the summary with their counts" '
f = rows[0]["fields"]
check((50, 50, 50, {"int": 50}), (f["late"]["count"], f[".[\"late.dotted\"].x"]["count"], f["big"]["count"], f["big"]["types"]))'
shapes_run "late fields: csv" --where 'i >= 9999' --select 'i, late' -f csv "$S/late.jsonl"
expect_eq "late fields: csv rows" "i,late
9999,
10000,30000" "$(head -3 "$S/o")"
