# Differential tests: query results (--where, --select, --count, --group-by/--agg,
# --sort, --limit) against tests/reference_query.py, an independent Python
# implementation of SPEC sections 2-4, docs/expressions.md and docs/aggregates.md.
# Each query of a list is one ok/FAIL line; "KNOWN" lines are documented clusterproc
# bugs (listed in the list itself): reported, not failed, until they are fixed.
REFQ="$ROOT/tests/reference_query.py"

# diff_list NAME LISTFILE FILE...: runs every query of LISTFILE over FILE...
diff_list() {
  local name=$1 list=$2
  shift 2
  python3 "$REFQ" --check-list "$list" "$BIN" "$@" > "$T/diff-list.out" 2>&1
  local rc=$? seen=0 line
  while IFS= read -r line; do
    case "$line" in
      "OK: "*) seen=$((seen + 1)); ok "$name: ${line#OK: }" ;;
      "KNOWN: "*) seen=$((seen + 1)); echo "known-bug $name: ${line#KNOWN: }" ;;
      "MISMATCH: "* | "FIXED: "*) seen=$((seen + 1)); fail "$name: $line" ;;
      *) echo "     $line" ;;
    esac
  done < "$T/diff-list.out"
  [ "$seen" -gt 0 ] || fail "$name: reference_query.py --check-list ran no query (exit $rc)"
  [ "$rc" -le 1 ] || fail "$name: reference_query.py exit $rc"
}

"$GEN" --lines 20000 --seed 5 --bad-every 500 > "$T/diff.jsonl"

# --- data/sample.jsonl: every operator, function and aggregate family.
cat > "$T/diff-sample.txt" <<'EOF'
--where 'status >= 500 and method == "GET"'
--where 'host =~ "^web-0[1-4]\\." and not exists(user)'
--where 'status in [200, 204, 304] or (bytes > 1e9 and latency_ms < 100)' --count
--where '"bot" in tags and len(tags) > 1' --count
--where 'referrer < "h" or geo > null' --count
--where 'status != 200' --where 'method <= "H"' --where 'bytes >= 0' --count
--select 'ts, user.id as uid, split(path, "/")[2] as section, .tags[0], .tags[-1], .["geo"].country, .geo."lat", .geo["lon"], .tags[len(.tags) - 1], [status, method][1], (user).name, .' --limit 60
--select 'len(path), lower(method), upper(host), lower(user.name), upper(user.name), contains(path, "users"), contains(tags, "api"), starts_with(host, "web"), ends_with(path, ".html"), substr(ts, 11, 8), substr(path, -4), substr(user.name, 1, 2), split(ts, "T")[0], split(path, "")[1]'
--select 'exists(user.name), exists(.tags[1]), is_null(referrer), coalesce(referrer, user.agent, "none"), int(substr(ts, 17, 2)), int(geo.lat), float(str(status)), str(cached), str(latency_ms), abs(geo.lon), round(latency_ms), floor(geo.lat), ceil(latency_ms), epoch(ts), type(score), type(user), type(tags)'
--where 'exists(bytes)' --select 'bytes + 1, bytes - status, bytes * 3, bytes / 1000, bytes % 7, -latency_ms, latency_ms / 3, latency_ms % 2, -7 % 3, 7.9 % 3, status / 0, "a" + method, tags + ["x"], null + 1, geo.lat * geo.lon'
--where 'not (status < 300) and not not cached' --select 'status, cached, not cached, cached and status, cached or null, status == 404.0, status in [301, 302.0]'
--where 'epoch(ts) > 1709251250 and epoch(ts) <= 1709251300.5' --select 'ts, epoch(ts)'
--where 'lower(user.name) =~ "^(zoë|łukasz|o.brien)$"' --group-by 'user.name, lower(user.name), upper(user.name)' --agg count
--where 'user.name < "m" and user.name >= "D"' --group-by user.name --agg 'count, first(user.id), last(user.id)'
--where '.["région"] != null' --select '.["région"], région as bare, exists(.["région"]), ts'
--group-by method --agg 'count, count(user), count(user.name), sum(bytes), min(latency_ms), max(latency_ms), avg(latency_ms), avg(bytes)'
--group-by 'status >= 500, cached' --agg 'stddev(latency_ms), var(latency_ms), var(geo.lat), stddev(bytes), var(score)'
--group-by geo.country --agg 'count_distinct(host), approx_distinct(path), median(latency_ms), quantile(bytes, 0.99), quantile_exact(latency_ms, 0.9), top(method, 3), first(ts), last(ts)' --sort 'count_distinct(host) desc, geo.country' --limit 10
--agg 'count, sum(score), avg(score), min(score), max(score), top(score, 5), count_distinct(score), approx_distinct(score), quantile_exact(score, 0.5), median(score), first(score), last(score)'
--group-by 'user.id % 7 as bucket' --agg 'count, sum(user.id), avg(user.id), min(user), max(tags)' --sort 'bucket desc'
--group-by host --agg 'count as n, sum(bytes) as "total bytes"' --sort 'n desc, host' --limit 5
--group-by 'tags[0]' --agg 'count, max(bytes), min(user.name), max(user.name), top(tags, 2), count_distinct(tags)'
--group-by 'type(score), score' --agg 'count, first(score)'
--agg 'sum(latency_ms), avg(latency_ms), sum(geo.lat), avg(geo.lon), var(epoch(ts)), stddev(epoch(ts)), sum(epoch(ts)), avg(epoch(ts)), quantile(geo.lat, 0.25)'
--where false --agg 'count, count(bytes), sum(bytes), avg(bytes), min(bytes), max(bytes), var(bytes), stddev(bytes), count_distinct(bytes), approx_distinct(bytes), median(bytes), quantile(bytes, 0.5), quantile_exact(bytes, 0.5), top(bytes, 2), first(bytes), last(bytes)'
--select 'host, latency_ms' --where 'latency_ms > 1000' --sort 'latency_ms desc' --limit 15
--where 'score != null' --sort 'score desc, ts' --limit 20
--select 'method, status, len(path) as n' --sort 'n desc, status, method desc' --limit 40
--group-by method --agg 'count, sum(bytes)' --sort '.["sum(bytes)"] * -1' --limit 3
# Known bug: --sort directions are documented as case-insensitive; DESC is a usage error.
--group-by method --agg count --sort 'count DESC'
# Known bug: a column whose name keeps a space (not/and/or/in) is not matched by
# --sort (its text is compared with all white space removed), so the sort is ignored.
--group-by 'not cached' --agg count --sort 'not cached desc'
EOF
diff_list "differential sample.jsonl" "$T/diff-sample.txt" "$ROOT/data/sample.jsonl"

# --- generated data with bad lines (exit status 3), bigger groups.
cat > "$T/diff-gen.txt" <<'EOF'
--count
--where 'status == 404 or status == 503'
--where 'latency_ms >= 1000' --sort 'latency_ms desc' --limit 10
--group-by host --agg 'count, sum(bytes), avg(latency_ms), quantile(latency_ms, 0.5), quantile(latency_ms, 0.99), stddev(latency_ms)'
--group-by 'method, status >= 500' --agg 'count, var(bytes), approx_distinct(user.id), count_distinct(user.id)'
--agg 'count, count(user.id), count(geo.tz_offset), count(referrer), approx_distinct(path), count_distinct(path), median(bytes), quantile_exact(bytes, 0.999), top(user.name, 5), first(path), last(path)'
--group-by cached --agg 'min(ts), max(ts), min(score), max(score), sum(score), avg(score), var(geo.tz_offset)'
--select 'ts, status, bytes % 1000, latency_ms * 2 - 1' --where 'bytes > 100000' --sort 'bytes % 1000 desc, ts' --limit 25
--group-by geo.country --agg count --sort 'count desc' --limit 5
--select 'user.name, len(user.name), lower(user.name), upper(user.name)' --where 'exists(user.name)' --limit 300
--where 'host =~ "^(api|cdn)" and method in ["PUT", "DELETE", "PATCH"]' --group-by 'substr(host, 0, 3), method' --agg 'count, sum(bytes)'
--group-by 'type(score)' --agg 'count, sum(score), top(score, 3), quantile_exact(score, 0.25)'
--group-by 'round(latency_ms / 1000) as secs' --agg 'count, median(latency_ms), avg(bytes)' --sort 'secs desc'
--where 'tags[0] < tags[-1] and user > tags' --select 'tags, user.id'
# Known bug (see the edge list below): var(score) >= 2^64 is printed as a 20-digit
# integer, so those rows sort as if every key were null (PUT ends up last).
--group-by method --agg 'count, var(score)' --sort 'count desc'
EOF
diff_list "differential gen+bad" "$T/diff-gen.txt" "$T/diff.jsonl"

# --- numeric and type edge cases (exact integers beyond 2^63, -0.0, jq order).
cat > "$T/diff-edge.jsonl" <<'EOF'
{"g":"a","v":9007199254740993,"w":9007199254740992.0,"k":1e17,"o":{"b":1,"a":2},"s":"é","t":"2024-03-01T12:00:00.25+02:00"}
{"g":"a","v":9007199254740992,"w":9007199254740993.0,"k":100000000000000000,"o":{"a":2,"b":1},"s":"z","t":"2016-12-31T23:59:60Z"}
{"g":"b","v":18446744073709551615,"w":1.5,"k":100000000000000000,"o":{"a":1,"c":0},"s":"Z","t":"2024-02-29 00:00:00z"}
{"g":"b","v":9223372036854775807,"w":9223372036854775808.0,"k":1e17,"o":{"a":2},"s":"\u0000","t":"2023-02-29T00:00:00Z"}
{"g":1,"v":-9223372036854775808,"w":-9223372036854775808.0,"k":1.0,"o":{"b":0},"s":"\ud83d\ude00","t":"1969-12-31T23:59:59.5Z"}
{"g":1.0,"v":0,"w":-0.0,"k":1,"o":{},"s":"\uffff","t":"2024-03-01T00:00:00.1234567891234-00:30"}
{"g":null,"v":[1,[2,3]],"w":[1,[2,3.0]],"k":[1.0],"o":[],"s":"é\u0301","t":"2024-03-01T00:00:00+0200"}
{"g":true,"v":true,"w":false,"k":null,"o":"x","s":"aa","dup":1,"dup":2}
{"g":false,"v":"7","w":1e308,"o":null,"s":"ΣΑΣ Ωμέγα Łódź ÀÉÎ"}
EOF
cat > "$T/diff-edge.txt" <<'EOF'
--select 'v + 1, v - 1, v * 2, -v, abs(v), v / 2, v % 7, int(v), float(v), round(w), floor(w), ceil(w), -w, w * 0, w + v, v == w, v < w, v > w, str(v), str(g), str(s), dup'
--select 'v in [w], w in [9007199254740993, 0], v in [1, "7", null, true, [1, [2, 3.0]], 2.5, 0.0], s < "é", s > "Z", o == o, v[1][-1], .v[1][0], v + v, s + s, len(s), lower(s), upper(s), substr(s, 1), split(s, "")'
--select 't, epoch(t), g == 1, g in [true, 1.0], type(g)'
--group-by g --agg 'count, first(v), last(v), min(v), max(v), sum(v), avg(v), var(v), stddev(v), count_distinct(k), top(k, 3)'
--group-by k --agg 'count, first(k), min(w), max(w), sum(w), avg(w), quantile_exact(v, 0.5), top(s, 9)'
--group-by o --agg count
--group-by s --agg count
--agg 'min(o), max(o), top(o, 10), count_distinct(o), approx_distinct(o), min(s), max(s), count_distinct(v), count_distinct(w), sum(v), avg(v), sum(w), quantile_exact(v, 0.5), quantile_exact(w, 0.5), median(v), quantile(w, 0.75), var(w)'
--select 'o' --sort 'o desc'
--select 'v, w' --where 'v != w' --sort 'v desc'
# Known bug: --sort re-reads each output row as JSON; a number outside [-2^63, 2^64)
# printed as an integer (an exact sum beyond 64 bits, a double >= 2^64 in fixed
# notation) makes the row unreadable and every sort key of that row null.
--group-by g --agg 'sum(v), count' --sort 'count desc'
--where 'type(v) == "number"' --select 'w * 2 as x, v' --sort 'x desc'
EOF
diff_list "differential edge" "$T/diff-edge.txt" "$T/diff-edge.jsonl"

# --- random queries (seeded), each also -j1 == -j3 --chunk-size 4K byte for byte.
python3 "$REFQ" --random 40 --seed 1 "$BIN" "$ROOT/data/sample.jsonl" "$T/diff.jsonl" > "$T/diff-random.out" 2>&1
if [ $? -eq 0 ]; then
  ok "differential random: $(tail -1 "$T/diff-random.out")"
else
  fail "differential random: $(tail -1 "$T/diff-random.out")"
  head -60 "$T/diff-random.out"
fi
