# --partial and merge (docs/partials.md): the inputs cut into pieces by
# lines, each piece run to a partial with its own -j and --chunk-size, the
# partials merged in several orders and groupings: the bytes of one run
# over the whole input, for every job kind that has a partial.
P="$T/p85"
mkdir -p "$P"
"$GEN" --lines 5000 --seed 85 --bad-every 421 > "$P/a.jsonl"
"$GEN" --lines 3000 --seed 86 > "$P/b.jsonl"
(cd "$P" && split -l 1800 a.jsonl a.part- && split -l 1000 b.jsonl b.part-)
PIECES=("$P"/a.part-* "$P"/b.part-*)
expect_eq "partials: six pieces" 6 "${#PIECES[@]}"
SIZES=(1K 64K 4M 3K 100K 16K)
EVERY_AGG='count, count(bytes), sum(bytes), min(latency_ms), max(path), avg(latency_ms),
  stddev(latency_ms), var(bytes), count_distinct(user.id), approx_distinct(path),
  quantile(latency_ms, 0.99), median(bytes), quantile_exact(latency_ms, 0.5), top(status, 3),
  first(path), last(user.name)'
# name|order-free (first/last and key spellings follow the input order)|job
JOBS=(
  "summary|yes|"
  "count|yes|--count"
  "count-where|yes|--count --where 'status >= 400' --where 'method != \"GET\"'"
  "every-agg|no|--group-by 'host, method' --agg '$EVERY_AGG'"
  "sort-limit|yes|--where 'status < 500' --group-by status --agg 'count, avg(bytes) as b' --sort 'b desc' --limit 3"
  "agg-only|yes|--agg 'count, sum(bytes), quantile(latency_ms, 0.5), count_distinct(host)'"
)
field() { grep -o "\"$1\":[0-9]*" "$2"; }
for spec in "${JOBS[@]}"; do
  name=${spec%%|*}
  rest=${spec#*|}
  free=${rest%%|*}
  eval "J=($(printf '%s' "${rest#*|}"))"
  "$BIN" -j2 "${J[@]}" --stats-json "$P/$name.whole.stats" "$P/a.jsonl" "$P/b.jsonl" \
    > "$P/$name.whole" 2> /dev/null
  want_rc=$?
  expect_eq "partials $name: the whole run exits 3 (bad records)" 3 "$want_rc"
  parts=()
  for i in "${!PIECES[@]}"; do
    part="$P/$name.$i.part"
    "$BIN" -j$((i % 3 + 1)) --chunk-size "${SIZES[$i]}" "${J[@]}" --partial "$part" \
      "${PIECES[$i]}" 2> /dev/null
    rc=$?
    [ "$i" -le 2 ] && want=3 || want=0  # bad records are in a.jsonl only
    expect_eq "partials $name: piece $i exit code" "$want" "$rc"
    parts+=("$part")
  done
  "$BIN" merge --stats-json "$P/$name.merge.stats" "${parts[@]}" > "$P/$name.merged" 2> "$P/e"
  expect_eq "partials $name: merge exits 3 like the whole run" 3 "$?"
  expect_same_file "partials $name: merge = one run" "$P/$name.whole" "$P/$name.merged"
  bad=$(field bad_records "$P/$name.whole.stats" | cut -d: -f2)
  expect_eq "partials $name: the bad-record note" \
    "clusterproc: note: the partials hold $bad bad records, reported by the runs that made them" \
    "$(cat "$P/e")"
  for f in records_in records_out bad_records bytes; do
    expect_eq "partials $name: --stats-json $f" "$(field $f "$P/$name.whole.stats")" \
      "$(field $f "$P/$name.merge.stats")"
  done
  # Roll-ups: pieces -> one partial per input -> the result; and pairwise.
  "$BIN" merge --partial "$P/$name.a.part" "${parts[@]:0:3}" 2> /dev/null
  "$BIN" merge --partial "$P/$name.b.part" "${parts[@]:3}" 2> /dev/null
  "$BIN" merge "$P/$name.a.part" "$P/$name.b.part" > "$P/$name.rolled" 2> /dev/null
  expect_same_file "partials $name: roll-up per input = one run" "$P/$name.whole" "$P/$name.rolled"
  "$BIN" merge --partial "$P/$name.01.part" "${parts[0]}" "${parts[1]}" 2> /dev/null
  "$BIN" merge --partial "$P/$name.012.part" "$P/$name.01.part" "${parts[2]}" 2> /dev/null
  "$BIN" merge --partial - "${parts[3]}" "${parts[4]}" 2> /dev/null > "$P/$name.34.part"
  "$BIN" merge --partial - "$P/$name.34.part" "${parts[5]}" 2> /dev/null |
    "$BIN" merge "$P/$name.012.part" - > "$P/$name.pairwise" 2> /dev/null
  expect_same_file "partials $name: pairwise roll-up = one run" "$P/$name.whole" "$P/$name.pairwise"
  cat "${parts[@]}" | "$BIN" merge > "$P/$name.stdin" 2> /dev/null
  expect_same_file "partials $name: partials through stdin = one run" "$P/$name.whole" "$P/$name.stdin"
  if [ "$free" = yes ]; then
    "$BIN" merge "${parts[5]}" "${parts[2]}" "$P/$name.34.part" "${parts[0]}" "${parts[1]}" \
      -o "$P/$name.shuffled" 2> /dev/null
    expect_same_file "partials $name: another order, -o" "$P/$name.whole" "$P/$name.shuffled"
  fi
done
# Different -j/--chunk-size did not change the partials' state either: the
# same piece run twice gives the same bytes.
"$BIN" -j1 --chunk-size 1K --group-by host --agg "$EVERY_AGG" --partial "$P/x1" "${PIECES[0]}" 2> /dev/null
"$BIN" -j3 --chunk-size 8K --group-by host --agg "$EVERY_AGG" --partial "$P/x2" "${PIECES[0]}" 2> /dev/null
"$BIN" merge "$P/x1" > "$P/x1.out" 2> /dev/null
"$BIN" merge "$P/x2" > "$P/x2.out" 2> /dev/null
expect_same_file "partials: -j and --chunk-size do not change the result" "$P/x1.out" "$P/x2.out"
# Output formats: merge -f gives what the run's -f gives.
for fmt in json csv tsv table; do
  eval "J=(${JOBS[4]#*|*|})"
  "$BIN" "${J[@]}" -f "$fmt" "$P/a.jsonl" "$P/b.jsonl" > "$P/fmt.whole" 2> /dev/null
  "$BIN" merge -f "$fmt" "$P"/sort-limit.[0-9].part > "$P/fmt.merged" 2> /dev/null
  expect_same_file "partials: merge -f $fmt = one run" "$P/fmt.whole" "$P/fmt.merged"
done
"$BIN" -f csv --group-by 'host, method' --agg "$EVERY_AGG" "$P/a.jsonl" "$P/b.jsonl" \
  > "$P/fmt.whole" 2> /dev/null
"$BIN" merge -f csv "$P"/every-agg.[0-9].part > "$P/fmt.merged" 2> /dev/null
expect_same_file "partials: every aggregate, merge -f csv = one run" "$P/fmt.whole" "$P/fmt.merged"
# A clean input: exit 0, no note; --partial - into merge -.
"$BIN" --count --partial - "$P/b.jsonl" | "$BIN" merge - > "$P/o" 2> "$P/e"
expect_eq "partials: --partial - | merge -: exit 0" 0 "$?"
expect_eq "partials: --partial - | merge -: the count" '{"count":3000}' "$(cat "$P/o")"
expect_eq "partials: clean partials: no note" "" "$(cat "$P/e")"
"$BIN" --count --partial "$P/s.part" --stats-json "$P/s.json" "$P/b.jsonl"
expect_eq "partials: --stats-json of a --partial run names the partial" 1 \
  "$(grep -c "\"records_out\":0,.*\"output\":\"$P/s.part\"}" "$P/s.json")"

# Refusals: streaming jobs, options that do not apply, job options to merge.
for j in "--where status>=500" "--select host" "--exec cat"; do
  # shellcheck disable=SC2086
  "$BIN" ${j%% *} "${j#* }" --partial "$P/no.part" "$P/b.jsonl" > /dev/null 2> "$P/e"
  expect_eq "partials: ${j%% *} --partial: exit 1" 1 "$?"
  expect_eq "partials: ${j%% *} --partial: says why and what instead" 1 \
    "$(grep -c 'stream their rows: run each piece with -o and concatenate' "$P/e")"
  expect_eq "partials: ${j%% *} --partial: no file" no "$([ -e "$P/no.part" ] && echo yes || echo no)"
done
"$BIN" --count --partial "$P/no.part" -o "$P/o" "$P/b.jsonl" 2> "$P/e"
expect_eq "partials: --partial with -o: exit 1" 1 "$?"
"$BIN" merge --group-by host "$P/count.0.part" 2> "$P/e"
expect_eq "merge --group-by: exit 1" 1 "$?"
expect_eq "merge --group-by: message" \
  "clusterproc: merge: --group-by is a job option: merge takes the job from the partials (give it to the runs that make them)" \
  "$(cat "$P/e")"
"$BIN" merge -j4 "$P/count.0.part" 2> "$P/e"
expect_eq "merge -j4: exit 1" 1 "$?"
expect_eq "merge -j4: message" \
  "clusterproc: merge: -j does not apply: merge reads partials and runs no workers" "$(cat "$P/e")"
"$BIN" merge --partial "$P/no.part" -f csv "$P/count.0.part" 2> /dev/null
expect_eq "merge --partial -f: exit 1" 1 "$?"
# Refusals of bad partials: exit 2, the file and the reason named.
"$BIN" merge "$P/count-where.0.part" "$P/summary.1.part" > "$P/o" 2> "$P/e"
expect_eq "merge of different jobs: exit 2" 2 "$?"
expect_eq "merge of different jobs: both jobs shown" \
  "clusterproc: partials of different jobs: $P/count-where.0.part is \`--count --where 'status >= 400' --where 'method != \"GET\"'\`, $P/summary.1.part is \`the summary (no job option)\`" \
  "$(cat "$P/e")"
expect_eq "merge of different jobs: no output" "" "$(cat "$P/o")"
"$BIN" merge "$P/b.jsonl" 2> "$P/e"
expect_eq "merge of a JSON file: exit 2" 2 "$?"
expect_eq "merge of a JSON file: message" \
  "clusterproc: $P/b.jsonl: not a clusterproc partial (wrong magic bytes)" "$(cat "$P/e")"
size=$(stat -c %s "$P/count.0.part")
head -c $((size - 1)) "$P/count.0.part" > "$P/cut.part"
"$BIN" merge "$P/cut.part" 2> "$P/e"
expect_eq "merge of a truncated partial: exit 2" 2 "$?"
expect_eq "merge of a truncated partial: message" \
  "clusterproc: $P/cut.part: truncated partial: $((size - 1)) bytes of $size" "$(cat "$P/e")"
cat "$P/count.0.part" "$P/cut.part" | "$BIN" merge - 2> "$P/e"
expect_eq "merge of a stream with a truncated second partial" \
  "clusterproc: (stdin): partial 2 (at byte $size): truncated partial: $((size - 1)) bytes of $size" \
  "$(cat "$P/e")"
cp "$P/count.0.part" "$P/flip.part"
printf '\x55' | dd of="$P/flip.part" bs=1 seek=$((size - 10)) conv=notrunc 2> /dev/null
"$BIN" merge "$P/flip.part" 2> "$P/e"
expect_eq "merge of a corrupt partial: exit 2" 2 "$?"
expect_eq "merge of a corrupt partial: message" \
  "clusterproc: $P/flip.part: checksum mismatch: corrupt partial" "$(cat "$P/e")"
cp "$P/count.0.part" "$P/v9.part"
printf '\x09' | dd of="$P/v9.part" bs=1 seek=8 conv=notrunc 2> /dev/null
"$BIN" merge "$P/v9.part" 2> "$P/e"
expect_eq "merge of a newer format: message" \
  "clusterproc: $P/v9.part: partial format version 9 not supported (this build reads versions up to 2)" \
  "$(cat "$P/e")"
"$BIN" merge "$P/missing.part" 2> "$P/e"
expect_eq "merge of a missing file: exit 2" 2 "$?"
expect_eq "merge of a missing file: message" \
  "clusterproc: cannot open partial: $P/missing.part: No such file or directory" "$(cat "$P/e")"
: | "$BIN" merge 2> "$P/e"
expect_eq "merge of nothing: message" "clusterproc: (stdin): empty: not a clusterproc partial" \
  "$(cat "$P/e")"
# No partial or temporary file after a failed, refused or interrupted run.
"$BIN" merge -o "$P/m.out" "$P/count.0.part" "$P/cut.part" 2> /dev/null
expect_eq "merge -o after a refusal: no file" no "$([ -e "$P/m.out" ] && echo yes || echo no)"
"$BIN" --count --max-errors 0 --partial "$P/strict.part" "$P/a.jsonl" 2> /dev/null
expect_eq "--partial over --max-errors: exit 3" 3 "$?"
"$BIN" --count --partial "$P/gone.part" "$P/b.jsonl" "$P/missing.jsonl" 2> /dev/null
expect_eq "--partial with a missing input: exit 2" 2 "$?"
mkfifo "$P/fifo"
"$BIN" --group-by host --agg count --partial "$P/int.part" "$P/fifo" 2> /dev/null &
pid=$!
# Opened read-write, the FIFO never blocks the test (a run that failed
# first would hold it for ever); the signal goes once clusterproc holds it.
exec 3<> "$P/fifo"
if wait_until "ls -l /proc/$pid/fd 2> /dev/null | grep -q '$P/fifo'"; then
  head -100 "$P/b.jsonl" >&3
  kill -INT $pid
  reap "--partial and SIGINT" $pid 20
  expect_eq "--partial and SIGINT: exit 130" 130 "$?"
else
  fail "--partial and SIGINT: clusterproc never opened its FIFO input"
  kill_tree $pid
fi
exec 3>&-
for f in strict gone int; do
  expect_eq "no $f.part after a failed --partial run" no \
    "$([ -e "$P/$f.part" ] && echo yes || echo no)"
done
expect_eq "no temporary file left by failed partial runs" 0 \
  "$(ls -A "$P" | grep -c clusterproc-tmp)"
expect_clean "partials"
