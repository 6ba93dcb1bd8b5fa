# No leaked segment, no orphaned worker, on every exit path.
before=$(shm_count)
# SIGINT while reading a slow stream (the shared-memory ring is in use).
( for i in $(seq 1 50); do echo '{"a":1}'; sleep 0.1; done ) | "$BIN" -j3 --count > "$T/o" 2> "$T/e" &
pid=$!
sleep 0.5
workers=$(procs)
[ "$workers" -ge 2 ] && ok "workers are running during the stream" || fail "no workers seen ($workers)"
kill -INT $pid
wait $pid; rc=$?
expect_eq "SIGINT: exit 130" 130 "$rc"
sleep 0.2
expect_eq "SIGINT: no clusterproc process left" 0 "$(procs)"
expect_eq "SIGINT: no segment left in /dev/shm" "$before" "$(shm_count)"
# SIGTERM on a file run.
"$GEN" --lines 400000 --seed 9 > "$T/big.jsonl"
"$BIN" -j2 --count --chunk-size 4K "$T/big.jsonl" > "$T/o" 2> "$T/e" &
pid=$!
sleep 0.15
kill -TERM $pid
wait $pid; rc=$?
if [ $rc -eq 0 ]; then ok "SIGTERM: (run finished before the signal)"; else expect_eq "SIGTERM: exit 143" 143 "$rc"; fi
sleep 0.2
expect_eq "SIGTERM: no clusterproc process left" 0 "$(procs)"
# A worker killed with SIGKILL: exit 4, a message naming the chunk, nothing left.
CLUSTERPROC_TEST_CRASH_CHUNK=3 "$BIN" -j2 --count --chunk-size 4K "$T/eq.jsonl" > "$T/o" 2> "$T/e"
expect_eq "worker SIGKILL: exit 4" 4 "$?"
grep -q "died (signal 9 (Killed)) while processing $T/eq.jsonl bytes" "$T/e" && ok "worker SIGKILL: message" || fail "worker SIGKILL: message: $(cat "$T/e")"
expect_eq "worker SIGKILL: no output" "" "$(cat "$T/o")"
sleep 0.2
expect_eq "worker SIGKILL: no clusterproc process left" 0 "$(procs)"
cat "$T/eq.jsonl" | CLUSTERPROC_TEST_CRASH_CHUNK=2 "$BIN" -j2 --count --chunk-size 4K > "$T/o" 2> "$T/e"
expect_eq "worker SIGKILL on stdin: exit 4" 4 "$?"
expect_eq "worker SIGKILL on stdin: no segment left" "$before" "$(shm_count)"
# The master killed with SIGKILL: workers follow it at once.
( sleep 3; echo '{"a":1}' ) | "$BIN" -j2 --count > /dev/null 2>&1 &
sleep 0.4
master=$(pgrep -o -f "^$BIN( |$)")
kill -KILL "$master"
sleep 0.3
expect_eq "master SIGKILL: workers gone" 0 "$(procs)"
expect_eq "master SIGKILL: no segment left" "$before" "$(shm_count)"
wait 2>/dev/null
