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
# A worker killed from outside (SIGKILL) while a stream is read is replaced:
# the same answer and exit code, a warning naming it, nothing left behind.
# (Retries, bisection of a poison record, the give-up rule: the master's
# unit tests, tests/unit/engine/master_test.cc, with scripted workers.)
"$GEN" --lines 20000 --seed 5 --bad-every 997 > "$T/kill.jsonl"
"$BIN" -j2 --chunk-size 4K --count "$T/kill.jsonl" > "$T/ref.out" 2> /dev/null
want=$?
rm -f "$T/go"
{ head -n 10000 "$T/kill.jsonl"; while [ ! -e "$T/go" ]; do sleep 0.05; done; tail -n +10001 "$T/kill.jsonl"; } |
  "$BIN" -j2 --chunk-size 4K --count > "$T/o" 2> "$T/e" &
master=$!
wait_until '[ -n "$(pgrep -P "$master")" ]'
victim=$(pgrep -P "$master" | head -1)
[ -n "$victim" ] && kill -KILL "$victim"
touch "$T/go"
wait "$master"
expect_eq "worker SIGKILL: exit code of a run without the kill" "$want" "$?"
expect_same_file "worker SIGKILL: result identical to a run without the kill" "$T/ref.out" "$T/o"
grep -q "warning: worker .* (pid $victim) died (signal 9 (Killed)).*; running it again" "$T/e" && ok "worker SIGKILL: warning names the worker" || fail "worker SIGKILL: warning: $(head -3 "$T/e")"
expect_clean "worker SIGKILL" "$before"
# The master killed with SIGKILL: workers follow it at once. (The first
# record starts the workers; the second is far away.)
( echo '{"a":1}'; sleep 5; echo '{"a":1}' ) | "$BIN" -j2 --count > /dev/null 2>&1 &
pipeline=$!
wait_until '[ "$(procs)" -ge 3 ]'
master=$(pgrep -o -f "^$BIN( |$)")
if [ -n "$master" ] && [ "$(procs)" -ge 3 ]; then
  kill -KILL "$master"
  wait_until '[ "$(procs)" -eq 0 ]' 3
  expect_eq "master SIGKILL: workers gone within 3 s" 0 "$(procs)"
  wait_until "[ \"\$(shm_count)\" -le $before ]" 3
  expect_eq "master SIGKILL: no segment left" "$before" "$(shm_count)"
else
  fail "master SIGKILL: master and workers never seen running ($(procs) processes)"
fi
wait "$pipeline" 2> /dev/null
