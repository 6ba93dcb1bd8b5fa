# --sort resolution (an output name, an expression over the record, a key or an
# aggregate as written in --group-by/--agg), duplicate output names, 'a-b' in
# expressions, jobs without ceremony (--limit / --sort alone, -o by extension).
S="$ROOT/data/sample.jsonl"
"$GEN" --lines 6000 --seed 72 --bad-every 700 > "$T/s72.jsonl"

# usage_error NAME WANT_SUBSTRING ARGS...: exit 1 and stderr containing WANT.
usage_error() {
  local name=$1 want=$2
  shift 2
  "$BIN" "$@" > "$T/ue.out" 2> "$T/ue.err" < /dev/null
  local rc=$?
  expect_eq "$name: exit 1" 1 "$rc"
  if grep -qF -- "$want" "$T/ue.err"; then ok "$name: message"; else fail "$name: want [$want] in [$(cat "$T/ue.err")]"; fi
  expect_eq "$name: nothing on stdout" "" "$(cat "$T/ue.out")"
}

# same_bytes NAME ARGS...: -j1 and -j3 --chunk-size 4K give the same bytes
# (and exit code) on the generated file, which has bad lines (exit 3).
same_bytes() {
  local name=$1
  shift
  "$BIN" -j1 "$@" "$T/s72.jsonl" > "$T/sb1.out" 2> /dev/null
  local rc1=$?
  "$BIN" -j3 --chunk-size 4K "$@" "$T/s72.jsonl" > "$T/sb3.out" 2> /dev/null
  expect_eq "$name: -j1 and -j3 --chunk-size 4K exit alike" "$rc1" "$?"
  expect_same_file "$name: -j1 == -j3 --chunk-size 4K" "$T/sb1.out" "$T/sb3.out"
  [ -s "$T/sb1.out" ] || fail "$name: no output (exit $rc1)"
}

# --- 1. A sort item resolves: output name, aggregate as in --agg, hidden aggregate.
want=$("$BIN" --group-by host --agg 'count as n' --sort 'n desc, host' --limit 3 "$S")
python3 - "$S" "$want" <<'PY' && ok "--sort 'n desc': the three busiest hosts (Python)" || fail "--sort 'n desc' differs from Python"
import collections, json, sys
c = collections.Counter(json.loads(l)["host"] for l in open(sys.argv[1]) if l.strip())
top = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
assert sys.argv[2] == "\n".join(json.dumps({"host": h, "n": n}, separators=(",", ":")) for h, n in top), sys.argv[2]
PY
for item in 'count desc' 'Count desc' 'COUNT DESC' 'count() desc' 'count desc, host'; do
  expect_eq "--agg 'count as n' --sort '$item' sorts by the aggregate count (n)" "$want" \
    "$("$BIN" --group-by host --agg 'count as n' --sort "$item" --limit 3 "$S")"
done
expect_eq "--sort 'sum( bytes ) desc' reads the aggregate of --agg 'sum(bytes) as total'" \
  "$("$BIN" --group-by method --agg 'sum(bytes) as total' --sort 'total desc' "$S")" \
  "$("$BIN" --group-by method --agg 'sum(bytes) as total' --sort 'sum( bytes ) desc' "$S")"
expect_eq "--sort 'lower(method) desc' is the --group-by key 'lower(method) as m'" \
  "$("$BIN" --group-by 'lower(method) as m' --agg count --sort 'm desc' "$S")" \
  "$("$BIN" --group-by 'lower(method) as m' --agg count --sort 'lower(method) desc' "$S")"
expect_eq "a string literal names an output column with a space" \
  "$("$BIN" --group-by method --agg 'sum(bytes) as "total bytes"' --sort '.["total bytes"]' "$S")" \
  "$("$BIN" --group-by method --agg 'sum(bytes) as "total bytes"' --sort '"total bytes"' "$S")"
# An aggregate that --agg lacks is computed, hidden: not printed.
"$BIN" --group-by host --agg 'count as n' --sort 'avg(latency_ms) desc' --limit 4 "$S" > "$T/hid.out"
python3 - "$S" "$T/hid.out" <<'PY' && ok "--sort 'avg(latency_ms) desc' (not in --agg): hidden, ordered (Python)" || fail "hidden aggregate sort differs from Python"
import collections, json, math, sys
lat, n = collections.defaultdict(list), collections.Counter()
for l in open(sys.argv[1]):
    r = json.loads(l)
    n[r["host"]] += 1
    if isinstance(r.get("latency_ms"), (int, float)):
        lat[r["host"]].append(r["latency_ms"])
avg = {h: math.fsum(v) / len(v) for h, v in lat.items()}
top = sorted(n, key=lambda h: (-avg[h], h))[:4]
want = [{"host": h, "n": n[h]} for h in top]
got = [json.loads(l) for l in open(sys.argv[2])]
assert got == want, (got, want)
assert all(list(r) == ["host", "n"] for r in got)
PY
# An expression over aggregates and keys.
"$BIN" --group-by method --agg 'count as n' --sort 'sum(bytes) / count desc, len(method)' "$S" > "$T/ex.out"
python3 - "$S" "$T/ex.out" <<'PY' && ok "--sort 'sum(bytes) / count desc' (Python)" || fail "--sort over aggregates differs from Python"
import collections, json, sys
s, n = collections.Counter(), collections.Counter()
for l in open(sys.argv[1]):
    r = json.loads(l)
    n[r["method"]] += 1
    if isinstance(r.get("bytes"), int):
        s[r["method"]] += r["bytes"]
want = sorted(n, key=lambda m: (-(s[m] / n[m]), len(m), m))
got = [json.loads(l)["method"] for l in open(sys.argv[2])]
assert got == want, (got, want)
PY
same_bytes "hidden aggregate sort" --group-by host --agg 'count as n' --sort 'quantile_exact(latency_ms, 0.9) desc, max(bytes)' --limit 7
same_bytes "sort by an aggregate of --agg, by its call" --group-by 'status, method' --agg 'count as n, sum(bytes) as b' --sort 'sum(bytes) desc' --limit 9

# --select: an output name first, else an expression over the record (hidden).
"$BIN" --select 'host, latency_ms as l' --sort 'latency_ms desc' --limit 5 "$S" > "$T/sel.out"
python3 - "$S" "$T/sel.out" <<'PY' && ok "--select 'host, latency_ms as l' --sort 'latency_ms desc' (Python)" || fail "--select with a sort over the record differs from Python"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
num = [r for r in recs if isinstance(r.get("latency_ms"), (int, float))]
num.sort(key=lambda r: -r["latency_ms"])  # stable: input order among ties
want = [{"host": r["host"], "l": r["latency_ms"]} for r in num[:5]]
got = [json.loads(l) for l in open(sys.argv[2])]
assert got == want, (got, want)
PY
expect_eq "--select host --sort 'latency_ms desc': the sort key is not printed" "host" \
  "$("$BIN" --select host --sort 'latency_ms desc' --limit 1 "$S" | python3 -c 'import json,sys; print(",".join(json.loads(sys.stdin.readline())))')"
same_bytes "--select with a sort over the record" --select 'host, latency_ms as l' --sort 'status desc, latency_ms, l desc' --limit 50
same_bytes "--where with a sort" --where 'status >= 400' --sort 'bytes % 1000 desc, .' --limit 40

# Unresolvable items: usage errors that list the output columns.
usage_error "--sort on a name that is neither column nor key nor aggregate" \
  "--sort 'status': not an output column, a --group-by key or an aggregate; the output columns are: host, n" \
  --group-by host --agg 'count as n' --sort 'status' "$S"
usage_error "--sort 'Host' (case of a column)" "(did you mean 'host'?)" --group-by host --sort 'Host desc' "$S"
usage_error "--sort over a record field inside an expression" "--sort 'bytes' in 'bytes*n': not an output column" \
  --group-by host --agg 'count as n' --sort 'bytes * n' "$S"
usage_error "--sort '.' on groups" "the rows of --group-by/--agg are groups" --agg count --sort '.' "$S"
usage_error "an aggregate in a record job's sort" "sum(bytes) is an aggregate, and aggregates need --group-by or --agg; the output columns are: host" \
  --select host --sort 'sum(bytes) desc' "$S"
usage_error "a constant sort item" "a constant does not order the rows" --where true --sort '1' "$S"
usage_error "an unknown quoted column" "a constant does not order the rows; the output columns are: method, n" \
  --group-by method --agg 'count as n' --sort '"N"' "$S"
# A field that no record has: the run works, but says the sort did nothing.
"$BIN" --select host --sort 'latncy desc' --limit 2 "$S" > /dev/null 2> "$T/warn.err"
expect_eq "--sort on a field no record has: exit 0" 0 "$?"
expect_eq "--sort on a field no record has: a warning" \
  "clusterproc: warning: --sort 'latncy' is null on every row (a missing field?): it orders nothing" "$(cat "$T/warn.err")"

# --- 2. Duplicate output names.
usage_error "--agg 'sum(bytes) as total, avg(bytes) as total'" \
  "two output columns are named 'total': --agg 'sum(bytes) as total' and --agg 'avg(bytes) as total'; rename one with 'as NAME'" \
  --agg 'sum(bytes) as total, avg(bytes) as total' "$S"
usage_error "--select 'host, host'" "two output columns are named 'host': --select 'host' and --select 'host'" \
  --select 'host, host' "$S"
usage_error "--group-by host --agg 'count as host'" \
  "two output columns are named 'host': --group-by 'host' and --agg 'count as host'" \
  --group-by host --agg 'count as host' "$S"
usage_error "--select 'lower( host ), lower(host)' (same default name)" \
  "two output columns are named 'lower(host)': --select 'lower( host )' and --select 'lower(host)'" \
  --select 'lower( host ), lower(host)' "$S"
expect_eq "--select 'host, host as h2' is fine" '{"host":"web-11.prod","h2":"web-11.prod"}' \
  "$("$BIN" --select 'host, host as h2' --limit 1 "$S")"

# --- 3. Words joined by '-' are a usage error in every expression option.
usage_error "--select 'extra-field'" \
  "error in --select at column 1: 'extra-field' reads as extra - field; write .[\"extra-field\"] for a key with a '-' (or extra - field to subtract)" \
  --select 'extra-field' "$S"
usage_error "--where 'user.x-forwarded-for != null'" \
  "error in --where at column 6: 'x-forwarded-for' reads as x - forwarded - for; write user[\"x-forwarded-for\"]" \
  --where 'user.x-forwarded-for != null' "$S"
usage_error "--group-by 'user-agent'" "error in --group-by at column 1: 'user-agent' reads" --group-by 'user-agent' "$S"
usage_error "--agg 'sum(a-b)'" "error in --agg at column 5: 'a-b' reads" --agg 'sum(a-b)' "$S"
usage_error "--sort 'a-b'" "error in --sort at column 1: 'a-b' reads" --where true --sort 'a-b' "$S"
usage_error "--select 'x as total-bytes'" "'total-bytes' reads" --select 'x as total-bytes' "$S"
printf '{"a":5,"b":2,"extra-field":"e","a-b":"k"}\n' > "$T/hy.jsonl"
expect_eq "a - b, a -b, a- b, a-1, -a, a--b, .[\"extra-field\"] stay valid" \
  '{"x":3,"y":3,"z":3,"v":4,"w":-5,"u":7,"e":"e","k":"k"}' \
  "$("$BIN" --select 'a - b as x, a -b as y, a- b as z, a-1 as v, -a as w, a--b as u, .["extra-field"] as e, ."a-b" as k' "$T/hy.jsonl")"

# --- 4. Jobs without ceremony.
head -n 7 "$S" > "$T/head7"
"$BIN" --limit 7 "$S" > "$T/lim7"
expect_same_file "--limit 7 alone is head -n 7, byte for byte" "$T/head7" "$T/lim7"
expect_eq "--limit 0 alone: nothing" "" "$("$BIN" --limit 0 "$S")"
cat "$S" | "$BIN" --limit 7 > "$T/lim7s"
expect_same_file "--limit 7 alone on standard input" "$T/head7" "$T/lim7s"
# It stops reading early: an endless input still ends.
timeout 20 bash -c "yes '{\"a\":1}' | \"$BIN\" -j2 --limit 3" > "$T/yes.out" 2> /dev/null
expect_eq "--limit 3 on an endless pipe: three records" $'{"a":1}\n{"a":1}\n{"a":1}' "$(cat "$T/yes.out")"
same_bytes "--limit alone" --limit 4000
# --sort alone: whole records sorted by an expression over them, byte for byte.
"$BIN" --sort 'latency_ms desc, ts' --limit 20 "$S" > "$T/srt.out"
python3 - "$S" "$T/srt.out" <<'PY' && ok "--sort 'latency_ms desc, ts' alone: records byte for byte (Python)" || fail "--sort alone differs from Python"
import json, sys
lines = [l for l in open(sys.argv[1], "rb").read().split(b"\n") if l.strip()]
def key(l):
    r = json.loads(l)
    v = r.get("latency_ms")
    num = isinstance(v, (int, float)) and not isinstance(v, bool)
    return (0 if num else 1, -v if num else 0, r["ts"])  # desc: numbers above null
want = sorted(lines, key=key)[:20]
got = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
assert got == want, (got[:2], want[:2])
PY
same_bytes "--sort alone" --sort 'user.name desc, len(path)'
usage_error "--count --limit" "--sort and --limit order and cut rows" --count --limit 3 "$S"
usage_error "--exec --sort" "not --exec" --exec cat --sort host "$S"

# -o picks the format from its extension unless -f says otherwise.
q=(--group-by method --agg 'count, sum(bytes)')
for ext in csv tsv json jsonl; do
  f=$ext
  "$BIN" "${q[@]}" -f "$f" "$S" > "$T/want.$ext"
  "$BIN" "${q[@]}" -o "$T/got.$ext" "$S"
  expect_same_file "-o out.$ext writes $f" "$T/want.$ext" "$T/got.$ext"
done
"$BIN" "${q[@]}" -o "$T/up.CSV" "$S"
expect_same_file "-o out.CSV writes csv" "$T/want.csv" "$T/up.CSV"
"$BIN" "${q[@]}" -f jsonl -o "$T/forced.csv" "$S"
expect_same_file "-f jsonl -o out.csv: -f wins" "$T/want.jsonl" "$T/forced.csv"
"$BIN" "${q[@]}" -o "$T/plain.txt" "$S"
expect_same_file "-o out.txt: jsonl" "$T/want.jsonl" "$T/plain.txt"
"$BIN" --count -o "$T/c.json" "$S"
expect_eq "--count -o c.json: one JSON object" '{"count":2000}' "$(cat "$T/c.json")"
"$BIN" --where 'status == 503' -o "$T/w.csv" "$S"
"$BIN" --where 'status == 503' -f csv "$S" > "$T/w-want.csv"
expect_same_file "--where -o out.csv writes csv" "$T/w-want.csv" "$T/w.csv"
"$BIN" --exec cat -o "$T/e.csv" "$S"
expect_same_file "--exec -o out.csv: the commands' bytes" "$S" "$T/e.csv"
usage_error "-o out.jsonl.gz" "clusterproc does not compress its output; pipe it instead (clusterproc ... | gzip > $T/o.jsonl.gz)" \
  --where true -o "$T/o.jsonl.gz" "$S"
