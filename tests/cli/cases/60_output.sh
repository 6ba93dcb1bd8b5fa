# -o writes atomically; a failed run leaves the old file untouched.
echo "old" > "$T/out.json"
"$BIN" --count -o "$T/out.json" "$T/clean.jsonl"
expect_eq "-o writes the result" '{"count":3}' "$(cat "$T/out.json")"
echo "old" > "$T/out.json"
"$BIN" --count --max-errors 0 -o "$T/out.json" "$T/bad3.jsonl" 2> /dev/null
expect_eq "-o after a failed run: old content kept" "old" "$(cat "$T/out.json")"
expect_eq "-o after a failed run: no temporary file" 0 "$(ls -A "$T" | grep -c clusterproc-tmp)"
"$BIN" --count -o "$T/no-such-dir/out.json" "$T/clean.jsonl" 2> "$T/e"
expect_eq "-o into a missing folder: exit 2" 2 "$?"
# A reader that leaves: quiet, prompt, nothing left behind.
"$BIN" -j2 --count "$T/big.jsonl" 2> "$T/e" | head -c 0
expect_eq "closed stdout: no message" "" "$(cat "$T/e")"
expect_eq "closed stdout: no clusterproc process left" 0 "$(procs)"
# -o and an interrupted master: SIGINT leaves the old file and no temporary;
# SIGKILL leaves the old file (a temporary may remain, never the target).
"$GEN" --lines 600000 --seed 12 > "$T/slow.jsonl"
for sig in INT KILL; do
  echo "old" > "$T/sig.json"
  "$BIN" -j2 --chunk-size 64K --group-by host --agg count -o "$T/sig.json" "$T/slow.jsonl" 2> /dev/null &
  pid=$!
  sleep 0.3
  kill -$sig $pid
  wait $pid; rc=$?
  if [ $rc -eq 0 ]; then
    ok "-o and SIG$sig: the run finished first (result in place)"
  else
    expect_eq "-o and SIG$sig: old content kept" "old" "$(cat "$T/sig.json")"
    [ $sig = INT ] && expect_eq "-o and SIGINT: exit 130" 130 "$rc"
    [ $sig = INT ] && expect_eq "-o and SIGINT: no temporary file" 0 "$(ls -A "$T" | grep -c 'sig.json.clusterproc-tmp')"
  fi
  rm -f "$T"/.sig.json.clusterproc-tmp-*
  sleep 0.3
  expect_eq "-o and SIG$sig: no clusterproc process left" 0 "$(procs)"
done
