# --explode PATH (arrays as rows), --select '*' and --exclude (whole records):
# differential checks against jq on generated and hand-made data, bytes kept
# as written, bad records and line numbers, and identical bytes for -j1 and
# -j3 with 4K and 64K chunks. docs/expressions.md ("Arrays as rows", "Whole
# records") is the rule book.

X="$T/explode"
mkdir -p "$X"
"$GEN" --lines 20000 --seed 76 --bad-every 397 --blank-every 1001 > "$X/gen.jsonl"
# Hand-made records: empty, null, missing and non-array values, nested
# arrays of objects, white space and number spellings, keys spelled with
# escapes, records that are not objects, a bad line.
cat > "$X/edge.jsonl" <<'EOF'
{"id":1,"tags":["a","b","a"],"bytes":2048,"items":[{"sku":"x","qty":2,"tags":["p"]},{"sku":"y","qty":1.5}]}
{"id":2,"tags":[],"bytes":10}
{"id":3,"tags":null}
{"id":4}
{"id":5,"tags":"solo","items":[]}
{ "id" : 6 , "tags" : [ "ünï" , "\u00e9" , 1.50 , null , {"k":[1, 2]} ] , "n" : -0.0E+2 }
[1,2,3]
"scalar"
{"id":7,"tags":[["nested"],true,-0.0],"items":{"sku":"z","qty":3}}
{"id":8,"t\u0061gs":["a"],"items":[{"sku":"x","qty":4,"tags":["p","q"]},{"sku":null,"qty":null},"str"]}
{"id":9,"tags":["a","b"],"x":{"y":[1,2]},"big":12345678901234567890}
{bad json

{"id":10,"tags":["z"],"bytes":1e3}
EOF
cat "$X/edge.jsonl" "$X/gen.jsonl" > "$X/all.jsonl"
# The valid records, for jq (which stops at a bad line).
"$BIN" -j1 --where true "$X/all.jsonl" > "$X/valid.jsonl" 2>/dev/null

# jq's meaning of --explode P (docs/expressions.md): an array gives one record
# per element with P holding it; null, a missing path and [] give none; any
# other value keeps the record as it is.
JQ_EXPLODE='def explode(p): (try getpath(p) catch null) as $v
  | if ($v|type) == "array" then $v[] as $e | setpath(p; $e)
    elif $v == null then empty else . end;'
# jq_rows FILTER: jq's rows over the valid records, compact.
jq_rows() { jq -c "$JQ_EXPLODE $1" "$X/valid.jsonl"; }
# norm FILE: the same JSON texts as jq writes them (numbers, escapes).
norm() { jq -c . "$1"; }

# cp_same NAME ARGS...: clusterproc ARGS over all.jsonl gives the same bytes
# (stdout, and stderr) with -j1, with -j3 --chunk-size 4K and 64K; the -j1
# output is left in $X/out and its stderr in $X/err, its exit in $X/rc.
cp_same() {
  local name=$1
  shift
  "$BIN" -j1 "$@" "$X/all.jsonl" > "$X/out" 2> "$X/err"
  echo $? > "$X/rc"
  "$BIN" -j3 --chunk-size 4K "$@" "$X/all.jsonl" > "$X/out3" 2> "$X/err3"
  "$BIN" -j3 --chunk-size 64K "$@" "$X/all.jsonl" > "$X/out64" 2> "$X/err64"
  if cmp -s "$X/out" "$X/out3" && cmp -s "$X/out" "$X/out64" && cmp -s "$X/err" "$X/err3" &&
     cmp -s "$X/err" "$X/err64"; then
    ok "$name: -j1 = -j3 4K = -j3 64K"
  else
    fail "$name: outputs differ between -j1 and -j3 (4K/64K)"
  fi
}

# --- --explode: the produced records against jq
cp_same "explode rows" --explode tags --where true
expect_eq "explode rows: exit 3 (the bad lines)" 3 "$(cat "$X/rc")"
norm "$X/out" > "$X/got"
jq_rows 'explode(["tags"])' > "$X/want"
expect_same_file "explode rows = jq .tags = .tags[]" "$X/want" "$X/got"
head -4 "$X/out" > "$X/got"
printf '%s\n' '{"id":1,"tags":"a","bytes":2048,"items":[{"sku":"x","qty":2,"tags":["p"]},{"sku":"y","qty":1.5}]}' \
  '{"id":1,"tags":"b","bytes":2048,"items":[{"sku":"x","qty":2,"tags":["p"]},{"sku":"y","qty":1.5}]}' \
  '{"id":1,"tags":"a","bytes":2048,"items":[{"sku":"x","qty":2,"tags":["p"]},{"sku":"y","qty":1.5}]}' \
  '{"id":5,"tags":"solo","items":[]}' > "$X/want"
expect_same_file "explode rows: the record's other bytes are kept" "$X/want" "$X/got"
expect_eq "explode rows: white space and spellings kept" \
  '{ "id" : 6 , "tags" : 1.50 , "n" : -0.0E+2 }' "$(sed -n 7p "$X/out")"
expect_eq "explode rows: a key spelled with an escape" \
  '{"id":8,"t\u0061gs":"a","items":[{"sku":"x","qty":4,"tags":["p","q"]},{"sku":null,"qty":null},"str"]}' \
  "$(grep '^{"id":8,' "$X/out")"

cp_same "explode count" --explode tags --count
expect_eq "explode count = jq" "{\"count\":$(jq_rows 'explode(["tags"])' | wc -l)}" "$(cat "$X/out")"

cp_same "explode group-by" --explode tags --group-by tags --agg count
norm "$X/out" > "$X/got"
jq -c -n "$JQ_EXPLODE"' [inputs | explode(["tags"])] | group_by(.tags)[]
  | {tags: .[0].tags, count: length}' "$X/valid.jsonl" > "$X/want"
expect_same_file "explode --group-by tags --agg count = jq group_by" "$X/want" "$X/got"

cp_same "explode first/last" --explode tags --agg 'first(tags), last(tags), count'
norm "$X/out" > "$X/got"
jq -c -n "$JQ_EXPLODE"' [inputs | explode(["tags"])]
  | {"first(tags)": .[0].tags, "last(tags)": .[-1].tags, count: length}' "$X/valid.jsonl" > "$X/want"
expect_same_file "explode first/last: elements in input order (the last element last) = jq" "$X/want" "$X/got"
printf '%s\n' '{"t":[1,2,3]}' > "$X/one.jsonl"
expect_eq "explode last(): the last element of one line" '{"first(t)":1,"last(t)":3}' \
  "$("$BIN" -j1 --explode t --agg 'first(t), last(t)' "$X/one.jsonl")"

cp_same "explode nested" --explode items --explode items.tags --where true
norm "$X/out" > "$X/got"
jq_rows 'explode(["items"]) | explode(["items","tags"])' > "$X/want"
expect_same_file "explode items then items.tags = jq" "$X/want" "$X/got"

cp_same "explode product" --explode tags --explode items --select 'id, tags, items.sku as sku'
norm "$X/out" > "$X/got"
jq_rows 'explode(["tags"]) | explode(["items"])
  | {id, tags, sku: (try .items.sku catch null)}' > "$X/want"
expect_same_file "explode two paths: the product, first path outermost = jq" "$X/want" "$X/got"

cp_same "explode objects" --explode items --group-by items.sku --agg 'count, sum(items.qty)'
norm "$X/out" > "$X/got"
jq -c -n "$JQ_EXPLODE"' [inputs | explode(["items"]) | {sku: (try .items.sku catch null),
  qty: (try .items.qty catch null)}] | group_by(.sku)[]
  | {"items.sku": .[0].sku, count: length, "sum(items.qty)": (map(.qty | numbers) | if length > 0 then add else null end)}' \
  "$X/valid.jsonl" > "$X/want"
expect_same_file "explode array of objects, --group-by items.sku = jq" "$X/want" "$X/got"

cp_same "explode summary" --explode tags
expect_eq "explode summary: records are the produced records" \
  "$(jq_rows 'explode(["tags"])' | wc -l)" "$(jq .records "$X/out")"
expect_eq "explode summary: tags counted per element" \
  "$(jq_rows 'explode(["tags"]) | select(.tags | type == "string")' | wc -l)" \
  "$(jq '.fields.tags.types.string' "$X/out")"

cp_same "explode limit" --explode tags --where true --limit 25
"$BIN" -j1 --explode tags --where true "$X/all.jsonl" 2>/dev/null | head -25 > "$X/want"
expect_same_file "explode --limit counts produced rows" "$X/want" "$X/out"

"$BIN" -j1 --explode tags --where true "$X/all.jsonl" > "$X/want" 2>/dev/null
cp_same "explode exec" --explode tags --exec cat
expect_same_file "explode --exec: the commands read the produced records" "$X/want" "$X/out"

# Bad lines keep their numbers and reasons whatever --explode does.
"$BIN" -j1 --count "$X/all.jsonl" 2> "$X/err-plain" > /dev/null
"$BIN" -j3 --chunk-size 4K --explode tags --explode items --count "$X/all.jsonl" 2> "$X/err-ex" > /dev/null
expect_same_file "explode: bad records as without it" "$X/err-plain" "$X/err-ex"
expect_eq "explode: a bad line named by its line" 1 "$(grep -c "^$X/all.jsonl:12: invalid JSON" "$X/err-ex")"

# Partials carry --explode in their job.
"$BIN" -j2 --explode tags --group-by tags --partial "$X/p1" "$X/all.jsonl" 2>/dev/null
"$BIN" -j2 --group-by tags --partial "$X/p2" "$X/all.jsonl" 2>/dev/null
"$BIN" -j2 --explode tags --group-by tags "$X/all.jsonl" > "$X/want" 2>/dev/null
"$BIN" merge "$X/p1" > "$X/got" 2>/dev/null
expect_same_file "explode partial merges to the direct result" "$X/want" "$X/got"
"$BIN" merge "$X/p1" "$X/p2" > /dev/null 2> "$X/err"
expect_eq "explode: partials with and without it are different jobs" 2 $?
"$BIN" merge --explode tags "$X/p1" > /dev/null 2> "$X/err"
expect_eq "merge refuses --explode (exit)" 1 $?

# --explode errors
"$BIN" --explode 'len(tags)' --count "$X/edge.jsonl" > /dev/null 2> "$X/err"
expect_eq "explode: not a path is a usage error" "1 clusterproc: error in --explode at column 1: expected a path of keys and indexes to an array (tags, .a.b, items[0].tags)" \
  "$? $(cat "$X/err")"
"$BIN" --explode 'tags +' --count "$X/edge.jsonl" > /dev/null 2> "$X/err"
expect_eq "explode: a syntax error points at its column" "1" "$?"

# --- --select '*' and --exclude
"$BIN" -j1 --where 'type(.) == "object"' "$X/gen.jsonl" > "$X/want" 2>/dev/null
"$BIN" -j3 --chunk-size 4K --select '*' "$X/gen.jsonl" > "$X/got" 2>/dev/null
expect_same_file "select '*' on compact records: each line byte for byte" "$X/want" "$X/got"

cp_same "select star" --select '*'
expect_eq "select star: records that are not objects are bad records (exit 3)" 3 "$(cat "$X/rc")"
expect_eq "select star: the reason names the record's type" \
  "$X/all.jsonl:7: --select '*' takes an object's members; this record is an array
$X/all.jsonl:8: --select '*' takes an object's members; this record is a string" \
  "$(grep -E ':(7|8):' "$X/err")"
expect_eq "select star: white space between members goes, values keep their bytes" \
  '{"id":6,"tags":[ "ünï" , "\u00e9" , 1.50 , null , {"k":[1, 2]} ],"n":-0.0E+2}' \
  "$(grep '^{"id":6,' "$X/out")"
expect_eq "select star: big numbers kept" \
  '{"id":9,"tags":["a","b"],"x":{"y":[1,2]},"big":12345678901234567890}' \
  "$(grep '^{"id":9,' "$X/out")"

cp_same "select star plus" --select '*, bytes / 1024 as kb, method as m'
norm "$X/out" > "$X/got"
jq -c 'select(type == "object") | . + {kb: (if (.bytes|type) == "number" then .bytes / 1024 else null end),
  m: .method}' "$X/valid.jsonl" > "$X/want"
expect_same_file "select '*, EXPR as NAME' = jq . + {...}" "$X/want" "$X/got"

cp_same "select star replace" --select '*, bytes / 1024 as bytes'
norm "$X/out" > "$X/got"
jq -c 'select(type == "object") | . + {bytes: (if (.bytes|type) == "number" then .bytes / 1024 else null end)}' \
  "$X/valid.jsonl" > "$X/want"
expect_same_file "select '*, ... as bytes': the column replaces the key in place (jq . + {bytes})" "$X/want" "$X/got"

cp_same "exclude" --exclude 'user, geo, .["referrer"]'
norm "$X/out" > "$X/got"
jq -c 'select(type == "object") | del(.user, .geo, .referrer)' "$X/valid.jsonl" > "$X/want"
expect_same_file "--exclude alone = jq del(...)" "$X/want" "$X/got"
"$BIN" -j1 --select '*' --exclude 'user, geo, .["referrer"]' "$X/all.jsonl" > "$X/got" 2>/dev/null
expect_same_file "--exclude alone = --select '*' --exclude" "$X/out" "$X/got"

cp_same "explode select star" --explode tags --where 'tags != "a"' --select '*, id * 10 as id10' --exclude items
norm "$X/out" > "$X/got"
jq_rows 'explode(["tags"]) | select(type == "object" and .tags != "a") | del(.items)
  | . + {id10: (if (.id|type) == "number" then .id * 10 else null end)}' > "$X/want"
expect_same_file "--explode, --where, --select '*' and --exclude together = jq" "$X/want" "$X/got"

printf '%s\n' '{"a":1,"b":"x, y"}' '{"a":2,"b":"z"}' > "$X/csv.jsonl"
expect_eq "select star -f csv" 'a,b
1,"x, y"
2,z' "$("$BIN" -j1 -f csv --select '*' "$X/csv.jsonl")"

# --select '*' / --exclude errors
"$BIN" --select '*, *' "$X/edge.jsonl" > /dev/null 2> "$X/err"
expect_eq "select '*' twice" "1 clusterproc: error in --select at column 4: '*' given twice" "$? $(cat "$X/err")"
"$BIN" --select 'id' --exclude tags "$X/edge.jsonl" > /dev/null 2> "$X/err"
expect_eq "--exclude without '*'" 1 $?
"$BIN" --count --exclude tags "$X/edge.jsonl" > /dev/null 2> "$X/err"
expect_eq "--exclude with --count" "1 clusterproc: --exclude drops keys from --select '*' rows: it does not apply to --count, --group-by/--agg or --exec" \
  "$? $(cat "$X/err")"
"$BIN" --exclude 'a.b' "$X/edge.jsonl" > /dev/null 2> "$X/err"
expect_eq "--exclude a nested path" "1 clusterproc: --exclude takes top-level keys (host, .[\"user agent\"]), not 'a.b'" \
  "$? $(cat "$X/err")"
"$BIN" --group-by '*' "$X/edge.jsonl" > /dev/null 2> "$X/err"
expect_eq "'*' is only for --select" 1 $?

# Numbers beyond simdjson's range inside an exploded array stay numbers,
# exactly as written (they once stopped the worker: "a produced record does
# not parse").
printf '{"t":[1e400,2,123456789012345678901234567890],"u":-1e999}\n' > "$X/big.jsonl"
for j in 1 3; do
  got=$("$BIN" -j$j --explode t --select 't, u' "$X/big.jsonl" 2>&1; echo "rc=$?")
  expect_eq "--explode keeps big numbers as numbers (-j$j)" \
    '{"t":1e400,"u":-1e999}
{"t":2,"u":-1e999}
{"t":123456789012345678901234567890,"u":-1e999}
rc=0' "$got"
done
printf '{"t":[2,123456789012345678901234567890]}\n' > "$X/bigint.jsonl"
expect_eq "--explode t --agg 'sum(t)' adds the big integer exactly" \
  '{"sum(t)":123456789012345678901234567892}' \
  "$("$BIN" --explode t --agg 'sum(t)' "$X/bigint.jsonl" 2>&1)"
