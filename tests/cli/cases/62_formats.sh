# csv, tsv and table output (docs/output-formats.md): no value is ever left
# out. Whole records get the union of their keys as columns, in order of
# first appearance; tables show floats to 7 significant digits; the summary
# at a terminal (or with -f table) is a table, one row per field.
F="$T/formats"
mkdir -p "$F"

# The issue's reproduction: a key that first appears in a later record.
expect_eq "csv: a key first seen in the second record is a column" "a,b,c
1,2,
3,,4" "$(printf '{"a":1,"b":2}\n{"a":3,"c":4}\n' | "$BIN" --where true -f csv)"
expect_eq "tsv: the same union of keys" "$(printf 'a\tb\tc\n1\t2\t\n3\t\t4')" \
  "$(printf '{"a":1,"b":2}\n{"a":3,"c":4}\n' | "$BIN" --where true -f tsv)"
expect_eq "table: the same union of keys" "a  b  c
─  ─  ─
1  2
3     4" "$(printf '{"a":1,"b":2}\n{"a":3,"c":4}\n' | "$BIN" --where true -f table)"
expect_eq "csv: --limit and --sort on whole records keep every key" "a,c,b
3,4,
1,,2" "$(printf '{"a":1,"b":2}\n{"a":3,"c":4}\n' | "$BIN" --where true --sort 'a desc' --limit 2 -f csv)"
expect_eq "csv: a repeated key fills two columns of that name" "a,a,b
1,2,
3,,4" "$(printf '{"a":1,"a":2}\n{"a":3,"b":4}\n' | "$BIN" --where true -f csv)"
expect_eq "csv: records that are not objects go under '.'" 'a,.
1,
,"[1,2]"
,x
,2.50' "$(printf '{"a":1}\n[1, 2]\n"x"\n2.50\n' | "$BIN" --where true -f csv)"
expect_eq "csv: --select columns come from the job, streamed as they are" "a,c
1,
3,4" "$(printf '{"a":1,"b":2}\n{"a":3,"c":4}\n' | "$BIN" --select 'a, c' -f csv)"
expect_eq "csv: no rows, no header (whole records)" "" \
  "$(printf '{"a":1}\n' | "$BIN" --where false -f csv)"

# An independent check on heterogeneous records (python's json and csv
# modules): every value of every record is in its cell, numbers byte for byte.
cat > "$F/gen.py" << 'PY'
import json, random, sys
random.seed(int(sys.argv[1]))
keys = ["id", "host", "msg", "n", "x", "tags", "obj", "ü-key", "with,comma", 'q"uote']
for i in range(int(sys.argv[2])):
    rec = {"id": i}
    for k in keys[1:]:
        if random.random() < (0.02 if i < 200 else 0.5):  # most keys appear late
            rec[k] = random.choice([
                None, True, random.randint(-10**15, 10**15), "line\nbreak, \"q\"",
                "tab\there", "ünïcode 山田", "", [1, "a", None], {"z": {"y": [1.5]}},
                "x" * random.randint(0, 20)])
    line = json.dumps(rec, ensure_ascii=random.random() < 0.5)
    line = line.replace('"id": %d' % i, '"id": %s' % random.choice([str(i), "%d.0" % i, "%de0" % i]))
    print(line)
PY
cat > "$F/check.py" << 'PY'
import csv, json, sys
class Num(str): pass
src, out, delim = sys.argv[1], sys.argv[2], sys.argv[3]
recs = [json.loads(l, parse_int=Num, parse_float=Num) for l in open(src, encoding="utf-8") if l.strip()]
with open(out, newline="", encoding="utf-8") as f:
    if delim == "csv":
        rows = list(csv.reader(f))
    else:  # tsv: \t \n \r \\ escaped
        un = lambda c: c.replace("\\\\", "\0").replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\0", "\\")
        rows = [[un(c) for c in l.rstrip("\n").split("\t")] for l in f]
header, body = rows[0], rows[1:]
order = []
for r in recs:
    for k in (r if isinstance(r, dict) else ["."]):
        if k not in order: order.append(k)
assert header == order, (header, order)
assert len(body) == len(recs), (len(body), len(recs))
def text(v):
    if v is None: return ""
    if isinstance(v, Num): return str(v)
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, str): return v
    return None  # nested: compared as JSON
for n, (r, row) in enumerate(zip(recs, body), 1):
    assert len(row) == len(header), (n, row)
    cells = dict(zip(header, row))
    for k in header:
        v = r.get(k) if isinstance(r, dict) else (r if k == "." else None)
        t = text(v)
        if t is None:
            assert json.loads(cells[k], parse_int=Num, parse_float=Num) == v, (n, k, cells[k], v)
        else:
            assert cells[k] == t, (n, k, cells[k], t)
print("ok")
PY
python3 "$F/gen.py" 7 3000 > "$F/het.jsonl"
for fmt in csv tsv; do
  "$BIN" -j1 --where true -f $fmt "$F/het.jsonl" > "$F/het.$fmt" 2> "$F/e"
  expect_eq "$fmt of heterogeneous records: every value is in its cell (python)" ok \
    "$(python3 "$F/check.py" "$F/het.jsonl" "$F/het.$fmt" $fmt 2>&1 | tail -1)"
  "$BIN" -j3 --chunk-size 4K --where true -f $fmt "$F/het.jsonl" > "$F/het.j3.$fmt"
  expect_same_file "$fmt: -j1 == -j3 --chunk-size 4K" "$F/het.$fmt" "$F/het.j3.$fmt"
  "$BIN" -j2 --chunk-size 64K --where true -f $fmt < "$F/het.jsonl" > "$F/het.stdin.$fmt"
  expect_same_file "$fmt: standard input == the file" "$F/het.$fmt" "$F/het.stdin.$fmt"
done
"$BIN" --where true -f csv -o "$F/out.csv" "$F/het.jsonl"
expect_same_file "csv: -o FILE == standard output" "$F/het.csv" "$F/out.csv"
"$BIN" --where true -f csv "$ROOT/data/sample.jsonl" > "$F/sample.csv"
expect_eq "csv of data/sample.jsonl: every value is in its cell (python)" ok \
  "$(python3 "$F/check.py" "$ROOT/data/sample.jsonl" "$F/sample.csv" csv 2>&1 | tail -1)"

# More rows than the spool keeps in memory (8 MiB): they go to an unlinked
# file under TMPDIR; a key seen only in the last record still gets a column.
"$GEN" --lines 60000 --seed 3 > "$F/big.jsonl"
echo '{"late":"last"}' >> "$F/big.jsonl"
mkdir -p "$F/tmp"
TMPDIR="$F/tmp" "$BIN" -j2 --where true -f csv "$F/big.jsonl" > "$F/big.csv"
expect_eq "csv through a spool file: every value is in its cell (python)" ok \
  "$(python3 "$F/check.py" "$F/big.jsonl" "$F/big.csv" csv 2>&1 | tail -1)"
expect_eq "csv through a spool file: nothing left in TMPDIR" "" "$(ls -A "$F/tmp")"
TMPDIR="$F/no-such-dir" "$BIN" --where true -f csv "$F/big.jsonl" > /dev/null 2> "$F/e"
expect_eq "csv: a spool that cannot be created is exit 2" 2 $?
grep -q "cannot create a temporary file for the rows: $F/no-such-dir/" "$F/e" &&
  ok "csv: the message names the spool folder" || fail "csv: spool message: $(cat "$F/e")"

# Records that are not a table: an error, never a file of 100000 columns.
python3 -c 'for i in range(20000): print("{\"k%d\":1}" % i)' > "$F/wide.jsonl"
"$BIN" --where true -f csv "$F/wide.jsonl" > "$F/wide.csv" 2> "$F/e"
expect_eq "csv: more than 16384 distinct keys is exit 2" 2 $?
expect_eq "csv: too many keys, the message" \
  "clusterproc: the records have more than 16384 distinct keys, too many for csv, tsv or table columns (write jsonl, or pick columns with --select)" \
  "$(cat "$F/e")"

# Floats in tables: 7 significant digits; csv keeps every digit; integers exact.
printf '{"x":44.99879355679,"i":1234567890123456789,"y":1e-7,"z":2.0}\n{"x":1234567.891,"i":-5,"y":0.1,"z":"s"}\n' > "$F/num.jsonl"
expect_eq "table: floats to 7 significant digits, integers exact" "x         i                    y      z
────────  ───────────────────  ─────  ─
44.99879  1234567890123456789  1e-07  2
 1234568                   -5    0.1  s" "$("$BIN" --where true -f table "$F/num.jsonl")"
expect_eq "csv: floats keep every digit as written" "x,i,y,z
44.99879355679,1234567890123456789,1e-7,2.0
1234567.891,-5,0.1,s" "$("$BIN" --where true -f csv "$F/num.jsonl")"
expect_eq "table: aggregate floats to 7 significant digits" "host  avg(v)
────  ─────────
a     0.3333333" "$(printf '{"host":"a","v":0}\n{"host":"a","v":0}\n{"host":"a","v":1}\n' | "$BIN" --group-by host --agg 'avg(v)' -f table)"

# The summary as a table: -f table without a terminal.
printf '{"ts":"2024-03-01T00:00:01Z","status":200,"lat":1.25}\n{"ts":"2024-03-01T00:00:09Z","status":404,"lat":null}\n{"ts":"2024-03-01T00:00:05Z","status":200,"lat":3.5}\n' > "$F/sum.jsonl"
expect_eq "summary -f table: totals, then one row per field" "records 3   bad_records 0   bytes 161

path    count  types            min                   max                   mean   p50   p99   distinct  top
──────  ─────  ───────────────  ────────────────────  ────────────────────  ─────  ────  ────  ────────  ────────────────────────────────────────────────────────────────────────────
lat         3  null 1, float 2  1.25                  3.5                   2.375  1.25  1.25         2  1.25 (1), 3.5 (1)
status      3  int              200                   404                     268   200   200         2  200 (2), 404 (1)
ts          3  string           2024-03-01T00:00:01Z  2024-03-01T00:00:09Z                            3  2024-03-01T00:00:01Z (1), 2024-03-01T00:00:05Z (1), 2024-03-01T00:00:09Z (1)" \
  "$("$BIN" -f table "$F/sum.jsonl")"
expect_eq "summary -f table -o FILE: the same table" "$("$BIN" -f table "$F/sum.jsonl")" \
  "$("$BIN" -f table -o "$F/sum.txt" "$F/sum.jsonl"; cat "$F/sum.txt")"
expect_eq "summary to a pipe: still JSON" "{" "$("$BIN" "$F/sum.jsonl" | head -c 1)"

# In a real terminal (tmux): the summary is a table fitted to the width; to a
# pipe, or with -f json, it stays JSON.
if command -v tmux > /dev/null; then
  cat > "$F/term.sh" << EOF2
unset COLUMNS
cd '$F'
'$BIN' sum.jsonl
'$BIN' -f json sum.jsonl | head -c 13; echo
'$BIN' sum.jsonl | head -c 12; echo
echo "done \$?"
EOF2
  screen=$(tmux_screen "$F/term.sh" 80 20)
  expect_eq "tmux: the summary at a terminal is a table of 80 columns" "records 3   bad_records 0   bytes 161
path    count  types    min      max       mean   p50   p99   distinct  top
──────  ─────  ───────  ───────  ────────  ─────  ────  ────  ────────  ────────
lat         3  null 1…  1.25     3.5       2.375  1.25  1.25         2  1.25 (1…
status      3  int      200      404         268   200   200         2  200 (2)…
ts          3  string   2024-0…  2024-03…                            3  2024-03…
[
{\"records\":
{\"records\":3
done 0" "$(grep -v '^$' <<< "$screen")"
else
  ok "summary in a terminal: tmux is not installed, not checked"
fi
