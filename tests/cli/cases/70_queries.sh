# Queries: --where, --select, --group-by/--agg, --sort, --limit, formats.
S="$ROOT/data/sample.jsonl"
# --where keeps matching lines byte for byte.
"$BIN" -j2 --where 'status >= 500' "$S" > "$T/w.out"
python3 - "$S" "$T/w.out" <<'PY' && ok "--where 'status >= 500' equals a Python filter" || fail "--where differs from a Python filter"
import json, sys
want = [l for l in open(sys.argv[1], "rb").read().split(b"\n") if l.strip() and isinstance(json.loads(l).get("status"), (int, float)) and json.loads(l)["status"] >= 500]
got = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
assert got == want, (len(got), len(want))
PY
expect_eq "--count --where counts matches" "{\"count\":$(wc -l < "$T/w.out")}" "$("$BIN" --count --where 'status >= 500' "$S")"
# Equivalence across -j and chunk sizes, for every kind of row job.
jobs=(
  "--where 'status >= 400' --where 'method == \"GET\"'"
  "--select 'host, status, user.name as who' --limit 7"
  "--select 'len(path) as n, lower(method)' --sort 'n desc, lower(method)' --limit 20"
  "--group-by host --agg 'count, sum(bytes), avg(latency_ms), min(status), max(status)'"
  "--group-by 'status, method' --agg count --sort 'count desc' --limit 5"
  "--agg 'count, count(referrer), count_distinct(host), quantile(latency_ms, 0.5), top(method, 2), first(ts), last(ts)'"
  "--where 'status >= 500' --group-by host --agg 'count, avg(latency_ms), quantile(latency_ms, 0.99)' --sort 'count desc' --limit 5 -f csv"
)
for job in "${jobs[@]}"; do
  eval "set -- $job"
  "$BIN" -j1 "$@" "$S" "$T/eq.jsonl" > "$T/q1.out" 2> /dev/null
  rc1=$?
  [ -s "$T/q1.out" ] && ok "rows for [$job]" || fail "no rows for [$job] (exit $rc1)"
  for args in "-j2" "-j3 --chunk-size 1K" "-j2 --chunk-size 64K" "-j4 --chunk-size 100"; do
    "$BIN" $args "$@" "$S" "$T/eq.jsonl" > "$T/q2.out" 2> /dev/null
    expect_eq "exit code $args [$job]" "$rc1" "$?"
    expect_same_file "$args == -j1 [$job]" "$T/q1.out" "$T/q2.out"
  done
  cat "$T/eq.jsonl" | "$BIN" -j2 "$@" "$S" - > "$T/q2.out" 2> /dev/null
  expect_same_file "stdin == file [$job]" "$T/q1.out" "$T/q2.out"
done
# --limit on a streaming job stops at the limit, bad records after it are not reported.
printf '{"a":1}\n{"a":2}\n{bad\n{"a":3}\n' > "$T/lim.jsonl"
"$BIN" --where 'a > 0' --limit 2 "$T/lim.jsonl" > "$T/o" 2> "$T/e"
expect_eq "--limit 2: exit 0 (the bad line comes after the limit)" 0 "$?"
expect_eq "--limit 2: two rows" $'{"a":1}\n{"a":2}' "$(cat "$T/o")"
# Expression errors point at the column and exit 1.
"$BIN" --where 'status >= (500' "$S" > /dev/null 2> "$T/e"
expect_eq "bad --where: exit 1" 1 "$?"
grep -q "error in --where at column" "$T/e" && ok "bad --where: message with column" || fail "bad --where message: $(cat "$T/e")"
"$BIN" --agg 'nosuch(x)' "$S" > /dev/null 2> "$T/e"
expect_eq "unknown aggregate: exit 1" 1 "$?"
"$BIN" --count --select a "$S" > /dev/null 2> "$T/e"
expect_eq "--count with --select: exit 1" 1 "$?"
# Formats.
"$BIN" --group-by method --agg count -f json "$S" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert isinstance(d, list) and d[0]["method"]' \
  && ok "-f json is a JSON array" || fail "-f json is not a JSON array"
expect_eq "-f csv header" "method,count" "$("$BIN" --group-by method --agg count -f csv "$S" | head -1)"
expect_eq "-f tsv header" "$(printf 'method\tcount')" "$("$BIN" --group-by method --agg count -f tsv "$S" | head -1)"
"$BIN" --group-by method --agg count -f table "$S" > "$T/t.out"
expect_eq "-f table: header, rule and one line per group" "$(( $("$BIN" --group-by method --agg count "$S" | wc -l) + 2 ))" "$(wc -l < "$T/t.out")"
