# No leaked segment, no orphaned worker, on every exit path.
before=$(shm_count)
# SIGINT while reading a slow stream (the shared-memory ring is in use).
( for i in $(seq 1 50); do echo '{"a":1}'; sleep 0.1; done ) | "$BIN" -j3 --count > "$T/o" 2> "$T/e" &
pid=$!
wait_until '[ "$(procs)" -ge 3 ]'
workers=$(procs)
[ "$workers" -ge 2 ] && ok "workers are running during the stream" || fail "no workers seen ($workers)"
kill -INT $pid
wait $pid; rc=$?
expect_eq "SIGINT: exit 130" 130 "$rc"
expect_clean "SIGINT" "$before"
# SIGTERM on a file run.
"$GEN" --lines 400000 --seed 9 > "$T/big.jsonl"
"$BIN" -j2 --count --chunk-size 4K "$T/big.jsonl" > "$T/o" 2> "$T/e" &
pid=$!
sleep 0.15
kill -TERM $pid
wait $pid; rc=$?
if [ $rc -eq 0 ]; then ok "SIGTERM: (run finished before the signal)"; else expect_eq "SIGTERM: exit 143" 143 "$rc"; fi
expect_clean "SIGTERM" "$before"
# SIGHUP (the terminal went away): exit 129, nothing left behind, no -o file.
( for i in $(seq 1 50); do echo '{"a":1}'; sleep 0.1; done ) | "$BIN" -j2 --count -o "$T/hup.out" 2> "$T/e" &
pid=$!
wait_until '[ "$(procs)" -ge 3 ]'
kill -HUP $pid
wait $pid; rc=$?
expect_eq "SIGHUP: exit 129" 129 "$rc"
expect_clean "SIGHUP" "$before"
expect_eq "SIGHUP: no output file, no temporary file" "" "$(ls -A "$T" | grep hup.out)"
# A hang-up that was ignored when the run started (nohup) stays ignored.
( trap '' HUP; for i in $(seq 1 10); do echo '{"a":1}'; sleep 0.1; done ) |
  ( trap '' HUP; exec "$BIN" -j2 --count ) > "$T/o" 2> "$T/e" &
pid=$!
wait_until '[ "$(procs)" -ge 3 ]'
pkill -HUP -f "^$BIN( |\$)"
wait $pid; rc=$?
expect_eq "SIGHUP ignored (nohup): the run finishes, exit 0" "0 {\"count\":10}" "$rc $(cat "$T/o")"
# A closed terminal: the run in a tmux window whose server is killed.
if command -v tmux > /dev/null; then
  hsock="$T/hup.sock"
  rm -f "$T/hup.fifo" && mkfifo "$T/hup.fifo"
  ( for i in $(seq 1 100); do echo '{"a":1}'; sleep 0.05; done > "$T/hup.fifo" ) 2> /dev/null &
  feeder=$!
  tmux -S "$hsock" -f /dev/null new-session -d -x 80 -y 10 \
    "'$BIN' -j2 --count --progress -o '$T/tty.out' '$T/hup.fifo'"
  wait_until '[ "$(procs)" -ge 3 ]'
  expect_eq "closed terminal: master and workers run in the terminal" 3 "$(procs)"
  tmux -S "$hsock" kill-server
  expect_clean "closed terminal" "$before"
  expect_eq "closed terminal: no output file, no temporary file" "" "$(ls -A "$T" | grep tty.out)"
  kill $feeder 2> /dev/null; wait $feeder 2> /dev/null
else
  ok "closed terminal: tmux is not installed, not checked"
fi
# A worker killed with SIGKILL is replaced and its chunk re-run: same answer.
"$BIN" -j2 --chunk-size 4K "$T/eq.jsonl" > "$T/ref.out" 2> /dev/null
CLUSTERPROC_TEST_CRASH_CHUNK=3 "$BIN" -j2 --chunk-size 4K "$T/eq.jsonl" > "$T/o" 2> "$T/e"
expect_eq "worker SIGKILL: exit 3 as without the crash (bad records)" 3 "$?"
expect_same_file "worker SIGKILL: result identical to a run without crashes" "$T/ref.out" "$T/o"
grep -q "warning: worker .* died (signal 9 (Killed)) while processing $T/eq.jsonl bytes" "$T/e" && ok "worker SIGKILL: warning names the chunk" || fail "worker SIGKILL: warning: $(head -3 "$T/e")"
expect_clean "worker SIGKILL" "$before"
cat "$T/eq.jsonl" | CLUSTERPROC_TEST_CRASH_CHUNK=2 "$BIN" -j2 --chunk-size 4K --count > "$T/o" 2> /dev/null
expect_eq "worker SIGKILL on stdin: exact count" "$("$BIN" --count "$T/eq.jsonl" 2>/dev/null)" "$(cat "$T/o")"
expect_eq "worker SIGKILL on stdin: no segment left" "$before" "$(shm_count)"
# Random worker deaths during a group-by: the answer is still exact.
job=(--group-by host --agg 'count, sum(bytes), avg(latency_ms), quantile(latency_ms, 0.9), first(ts), last(ts)')
"$BIN" -j2 --chunk-size 8K "${job[@]}" "$T/eq.jsonl" > "$T/ref.out" 2> /dev/null
CLUSTERPROC_TEST_CRASH_RATE=0.05 "$BIN" -j3 --chunk-size 8K "${job[@]}" "$T/eq.jsonl" > "$T/o" 2> "$T/e"
expect_same_file "random worker deaths: group-by result exact" "$T/ref.out" "$T/o"
grep -q "running it again" "$T/e" && ok "random worker deaths happened" || fail "no worker died (rate too low?)"
# A poison record (crashes every worker that parses it) is narrowed down,
# reported as a bad record, and the rest is processed.
CLUSTERPROC_TEST_CRASH_TEXT='"tail":1' "$BIN" -j2 --chunk-size 16K --count --bad-records "$T/poison.jsonl" "$T/eq.jsonl" > "$T/o" 2> "$T/e"
expect_eq "poison record: exit 3" 3 "$?"
want=$(( $("$BIN" --count "$T/eq.jsonl" 2>/dev/null | tr -dc 0-9) - 1 ))
expect_eq "poison record: every other record counted" "{\"count\":$want}" "$(cat "$T/o")"
grep -q '"line":20001,.*"error":"worker crashed (signal 11 (Segmentation fault))","raw":"{\\"tail\\":1}"' "$T/poison.jsonl" && ok "poison record: FILE:LINE: worker crashed, with the raw line" || fail "poison record: $(grep crashed "$T/poison.jsonl")"
expect_clean "poison record" "$before"
# The master killed with SIGKILL: workers follow it at once.
( sleep 3; echo '{"a":1}' ) | "$BIN" -j2 --count > /dev/null 2>&1 &
wait_until '[ "$(procs)" -ge 3 ]'
master=$(pgrep -o -f "^$BIN( |$)")
kill -KILL "$master"
wait_until '[ "$(procs)" -eq 0 ]'
expect_eq "master SIGKILL: workers gone" 0 "$(procs)"
wait_until "[ \"\$(shm_count)\" -le $before ]" 3
expect_eq "master SIGKILL: no segment left" "$before" "$(shm_count)"
wait 2>/dev/null
