# --checkpoint DIR: a run killed or interrupted part way resumes where its
# last checkpoint was, and ends with exactly the result of a plain run.
C="$T/ckpt"
mkdir -p "$C"
"$GEN" --lines 16000 --seed 31 --bad-every 997 > "$C/a.jsonl"
"$GEN" --lines 4000 --seed 32 --bad-every 211 --crlf > "$C/b.jsonl"
in=("$C/a.jsonl" "$C/b.jsonl")
stat_fields() { grep -o '"\(records_in\|bad_records\|bytes\)":[0-9]*' "$1" | tr '\n' ' '; }
gb=(--group-by host --agg 'count, sum(bytes), avg(latency_ms), quantile(latency_ms, 0.9), first(ts), last(ts), count_distinct(path)')
# name | job | -j/--chunk-size of the killed run | of the resumed run | chunks before the kill
cases=(
  "summary||-j2 --chunk-size 64K|-j1 --chunk-size 300K|9"
  "group-by|gb|-j3 --chunk-size 32K|-j2|40"
  "group-by, second file|gb|-j2 --chunk-size 64K|-j3 --chunk-size 16K|75"
  "count|--count|-j1 --chunk-size 100K|-j2|6"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name jobname killed resumed after <<< "$c"
  if [ "$jobname" = gb ]; then job=("${gb[@]}"); elif [ -n "$jobname" ]; then job=("$jobname"); else job=(); fi
  D="$C/dir"
  rm -rf "$D"
  "$BIN" -j2 "${job[@]}" --stats-json "$C/ref.stats" --bad-records "$C/ref.bad" "${in[@]}" > "$C/ref.out" 2> /dev/null
  ref_rc=$?
  # shellcheck disable=SC2086
  { CLUSTERPROC_TEST_DIE_AFTER_CHUNKS=$after "$BIN" $killed "${job[@]}" --checkpoint "$D" "${in[@]}" > /dev/null; } 2> /dev/null
  expect_eq "$name: master killed by SIGKILL after $after chunks" 137 "$?"
  expect_clean "$name: after the kill"
  expect_eq "$name: the folder holds the checkpoint (and the lock), no temporary file" "checkpoint lock" "$(ls -A "$D" | tr '\n' ' ' | sed 's/ $//')"
  # shellcheck disable=SC2086
  "$BIN" $resumed "${job[@]}" --checkpoint "$D" --stats-json "$C/res.stats" --bad-records "$C/res.bad" -o "$C/res.out" "${in[@]}" 2> "$C/res.err"
  expect_eq "$name: resumed run: same exit code as a plain run" "$ref_rc" "$?"
  expect_same_file "$name: resumed run ($resumed): result identical to a plain run" "$C/ref.out" "$C/res.out"
  expect_eq "$name: --stats-json counts identical" "$(stat_fields "$C/ref.stats")" "$(stat_fields "$C/res.stats")"
  done_bytes=$(grep -o 'resuming from .*: [0-9]* bytes' "$C/res.err" | grep -o '[0-9]* bytes' | tr -dc 0-9)
  [ "${done_bytes:-0}" -gt 0 ] && ok "$name: the resumed run says it starts after $done_bytes bytes" || fail "$name: no resume note: $(head -2 "$C/res.err")"
  # Only the rest was processed: the bad records it reports are the last
  # ones of a plain run, not all of them.
  nres=$(wc -l < "$C/res.bad")
  nref=$(wc -l < "$C/ref.bad")
  if [ "$nres" -lt "$nref" ] && cmp -s "$C/res.bad" <(tail -n "$nres" "$C/ref.bad"); then
    ok "$name: the resumed run met only the bad records after the checkpoint ($nres of $nref)"
  else
    fail "$name: resumed run reported $nres bad records of $nref (not just the tail)"
  fi
  grep -q 'were reported by that run and are counted here' "$C/res.err" && ok "$name: one line says earlier bad records are counted" || fail "$name: no note on earlier bad records"
  [ -e "$D" ] && fail "$name: checkpoint folder left after success: $(ls -A "$D")" || ok "$name: no checkpoint left after success"
done

# SIGINT (the real handler, raised by a test hook after 6 chunks): exit 130,
# a last checkpoint, then a resume gives the plain result.
D="$C/int"
"$BIN" -j2 "${gb[@]}" "${in[@]}" > "$C/ref.out" 2> /dev/null
CLUSTERPROC_TEST_SIGINT_AFTER_CHUNKS=6 "$BIN" -j2 --chunk-size 64K "${gb[@]}" --checkpoint "$D" "${in[@]}" > "$C/o" 2> "$C/e"
expect_eq "SIGINT: exit 130" 130 "$?"
expect_eq "SIGINT: nothing on stdout" "" "$(cat "$C/o")"
grep -q "progress saved in $D/checkpoint" "$C/e" && ok "SIGINT: says where the progress is saved" || fail "SIGINT: $(cat "$C/e")"
expect_eq "SIGINT: no temporary file in the folder" "checkpoint lock" "$(ls -A "$D" | tr '\n' ' ' | sed 's/ $//')"
# Refusals leave the checkpoint alone and say how to start over.
"$BIN" --count --checkpoint "$D" "${in[@]}" > /dev/null 2> "$C/e"
expect_eq "another job: exit 2" 2 "$?"
grep -q "another job.*remove $D to start over" "$C/e" && ok "another job: named, with the way out" || fail "another job: $(cat "$C/e")"
"$BIN" "${gb[@]}" --shard 0/2 --checkpoint "$D" "${in[@]}" > /dev/null 2> "$C/e"
expect_eq "another shard: exit 2" 2 "$?"
grep -q -- "--shard 0/2" "$C/e" && ok "another shard: named" || fail "another shard: $(cat "$C/e")"
"$BIN" "${gb[@]}" --checkpoint "$D" "$C/a.jsonl" > /dev/null 2> "$C/e"
expect_eq "fewer inputs: exit 2" 2 "$?"
cp "$C/b.jsonl" "$C/b.keep"
echo '{"host":"late"}' >> "$C/b.jsonl"
"$BIN" "${gb[@]}" --checkpoint "$D" "${in[@]}" > /dev/null 2> "$C/e"
expect_eq "a changed input: exit 2" 2 "$?"
grep -q "input $C/b.jsonl changed since (size" "$C/e" && ok "a changed input: named, with what changed" || fail "changed input: $(cat "$C/e")"
cp -p "$C/b.keep" "$C/b.jsonl"
"$BIN" "${gb[@]}" --checkpoint "$D" "${in[@]}" > /dev/null 2> "$C/e"
expect_eq "an input with its old size but another modification time: exit 2" 2 "$?"
# The original run, resumed after the refusals: still the plain result.
rm -rf "$D"
CLUSTERPROC_TEST_SIGINT_AFTER_CHUNKS=6 "$BIN" -j2 --chunk-size 64K "${gb[@]}" --checkpoint "$D" "${in[@]}" > /dev/null 2>&1
# Another process holds the folder's lock (a POSIX record lock).
python3 -c 'import fcntl, subprocess, sys
f = open(sys.argv[1], "a"); fcntl.lockf(f, fcntl.LOCK_EX)
sys.exit(subprocess.call(sys.argv[2:]))' "$D/lock" "$BIN" "${gb[@]}" --checkpoint "$D" "${in[@]}" > /dev/null 2> "$C/e"
expect_eq "a folder in use by another run: exit 2" 2 "$?"
grep -q "in use by another clusterproc run" "$C/e" && ok "a folder in use: says so" || fail "folder in use: $(cat "$C/e")"
"$BIN" -j1 "${gb[@]}" --checkpoint "$D" "${in[@]}" > "$C/o" 2> /dev/null
expect_same_file "SIGINT then resume: result identical to a plain run" "$C/ref.out" "$C/o"
[ -e "$D" ] && fail "SIGINT: checkpoint left after success" || ok "SIGINT then resume: no checkpoint left"
# A shard with a checkpoint resumes to the shard's result.
"$BIN" --count --shard 1/2 --bad-records "$C/ref.bad" "${in[@]}" > "$C/ref.out" 2> /dev/null
{ CLUSTERPROC_TEST_DIE_AFTER_CHUNKS=4 "$BIN" -j2 --chunk-size 32K --count --shard 1/2 --checkpoint "$D" "${in[@]}" > /dev/null; } 2> /dev/null
"$BIN" -j2 --count --shard 1/2 --checkpoint "$D" --bad-records "$C/res.bad" "${in[@]}" > "$C/o" 2> /dev/null
expect_same_file "--shard 1/2 killed and resumed: the shard's count" "$C/ref.out" "$C/o"
cmp -s "$C/res.bad" <(tail -n "$(wc -l < "$C/res.bad")" "$C/ref.bad") && ok "--shard 1/2 resumed: bad records after the checkpoint, with the files' line numbers" || fail "--shard resumed: bad records differ"
# Usage errors: streaming jobs and inputs that cannot be resumed by offset.
"$BIN" --where 'status == 200' --checkpoint "$C/u" "${in[@]}" > /dev/null 2> "$C/e"
expect_eq "--checkpoint with --where: exit 1" 1 "$?"
grep -q -- "--checkpoint applies to the summary, --count and --group-by" "$C/e" && ok "--checkpoint with --where: says why" || fail "--where: $(cat "$C/e")"
"$BIN" --count --checkpoint "$C/u" < "$C/a.jsonl" > /dev/null 2> "$C/e"
expect_eq "--checkpoint on standard input: exit 1" 1 "$?"
[ -e "$C/u" ] && fail "a refused run created the checkpoint folder" || ok "a refused run creates no folder"
# A fresh run that fails before its first checkpoint leaves no folder behind.
"$BIN" --count --checkpoint "$C/fresh" -o "$C/no-such-dir/out.json" "${in[@]}" > /dev/null 2>&1
expect_eq "a fresh run that fails: exit 2" 2 "$?"
[ -e "$C/fresh" ] && fail "a fresh failed run left its folder: $(ls -A "$C/fresh")" || ok "a fresh run that fails leaves no folder"
