# --exec with direct output (issue 17, item 4): each worker writes its
# chunks' command output to the run's output itself, when the master says it
# is that chunk's turn. CLUSTERPROC_EXEC_OUTPUT=master sends every output
# through the master (the old path): both must print the same bytes, in input
# order, for every -j and chunk size, and keep the error rules. Worker deaths
# in every state are unit tests (tests/unit/engine/master_test.cc, "direct
# output"); here workers are killed from outside.
D="$T/exec-direct"
mkdir -p "$D"
"$GEN" --lines 6000 --seed 94 > "$D/in.jsonl"
printf '{"tail":1}' >> "$D/in.jsonl"   # no final newline
before=$(shm_count)

# Byte for byte: cat gives the input back; a command with its own output (the
# chunk's line count) and stderr gives the same on both paths.
for cs in 4K 64K ""; do
  for j in 1 2 3; do
    "$BIN" -j$j ${cs:+--chunk-size $cs} --exec cat "$D/in.jsonl" > "$D/o"
    expect_same_file "direct --exec cat -j$j chunk ${cs:-auto}: the input" "$D/in.jsonl" "$D/o"
    "$BIN" -j$j ${cs:+--chunk-size $cs} --exec 'wc -l; echo "c$CLUSTERPROC_CHUNK" >&2' \
      "$D/in.jsonl" > "$D/o" 2> "$D/e"
    CLUSTERPROC_EXEC_OUTPUT=master "$BIN" -j$j ${cs:+--chunk-size $cs} \
      --exec 'wc -l; echo "c$CLUSTERPROC_CHUNK" >&2' "$D/in.jsonl" > "$D/m" 2> "$D/me"
    expect_same_file "direct --exec wc -l -j$j chunk ${cs:-auto}: stdout as through the master" \
      "$D/m" "$D/o"
    expect_same_file "direct --exec -j$j chunk ${cs:-auto}: stderr as through the master" \
      "$D/me" "$D/e"
  done
done
expect_eq "direct --exec wc -l: the line counts add up (an independent count)" \
  "$(wc -l < "$D/in.jsonl")" "$(awk '{s += $1} END {print s}' "$D/o")"

# --exec alone hands the command the mapping's pages (vmsplice);
# CLUSTERPROC_READ_PATH=pread copies them through the worker's buffer: the
# same bytes.
for cs in 4K ""; do
  CLUSTERPROC_READ_PATH=pread "$BIN" -j3 ${cs:+--chunk-size $cs} --exec cat "$D/in.jsonl" > "$D/o"
  expect_same_file "--exec cat with pread, chunk ${cs:-auto}: the input" "$D/in.jsonl" "$D/o"
done

# Order when later chunks finish first: chunk 0 is slow, the others are held
# by their workers until their turn, some while those run their next chunk.
"$BIN" -j3 --chunk-size 4K --exec 'if [ "$CLUSTERPROC_CHUNK" = 0 ]; then sleep 1; fi; cat' \
  "$D/in.jsonl" > "$D/o"
expect_same_file "direct --exec: a slow first chunk, the output still in input order" \
  "$D/in.jsonl" "$D/o"

# --where before the command: only matching lines reach it (jq decides).
jq -c 'select(.status >= 500)' "$D/in.jsonl" 2> /dev/null > "$D/want"
"$BIN" -j3 --chunk-size 4K --where 'status >= 500' --exec cat "$D/in.jsonl" > "$D/o" 2> /dev/null
expect_eq "direct --where --exec cat: the lines jq selects" "$(cat "$D/want")" "$(jq -c . "$D/o")"

# --unordered keeps the master's path: the same lines, in any order (of a
# file that ends with a newline: outputs are concatenated as they are).
head -n 6000 "$D/in.jsonl" > "$D/nl.jsonl"
"$BIN" -j3 --chunk-size 4K --unordered --exec cat "$D/nl.jsonl" > "$D/o"
expect_eq "--unordered --exec cat: the same lines" "$(sort "$D/nl.jsonl" | cksum)" \
  "$(sort "$D/o" | cksum)"

# A command failing on a later chunk: exit 4, one line, and stdout holds
# exactly the outputs of the chunks before it, each whole.
fail_cmd='if [ "$CLUSTERPROC_CHUNK" = 7 ]; then exit 3; fi; cat'
want=$("$BIN" -j1 --chunk-size 4K --exec 'wc -c' "$D/in.jsonl" | head -7 | awk '{s += $1} END {print s}')
head -c "$want" "$D/in.jsonl" > "$D/prefix"
for j in 1 3; do
  "$BIN" -j$j --chunk-size 4K --retries 0 --exec "$fail_cmd" "$D/in.jsonl" > "$D/o" 2> "$D/e"
  expect_eq "direct --exec -j$j, chunk 7 fails: exit 4, one line" "4 1" "$? $(wc -l < "$D/e")"
  grep -q "^clusterproc: --exec '.*' failed on $D/in.jsonl lines .*exit status 3 after 1 attempt" "$D/e" \
    && ok "direct --exec -j$j, chunk 7 fails: the message" || fail "direct --exec -j$j: $(cat "$D/e")"
  expect_same_file "direct --exec -j$j, chunk 7 fails: stdout is chunks 0-6" "$D/prefix" "$D/o"
done

# -o FILE: written by the workers under the temporary name, renamed at the
# end; a failed run leaves the target as it was and no temporary behind.
"$BIN" -j3 --chunk-size 4K --exec cat -o "$D/out.jsonl" "$D/in.jsonl"
expect_same_file "direct --exec -o FILE: the input" "$D/in.jsonl" "$D/out.jsonl"
echo old > "$D/keep.jsonl"
"$BIN" -j3 --chunk-size 4K --retries 0 --exec "$fail_cmd" -o "$D/keep.jsonl" "$D/in.jsonl" 2> /dev/null
expect_eq "direct --exec -o FILE, a chunk fails: exit 4, target kept, no temporary" "4 old 0" \
  "$? $(cat "$D/keep.jsonl") $(ls -A "$D" | grep -c clusterproc-tmp)"

# A reader that goes away: exit 141 (as by SIGPIPE), no message, nothing left.
"$GEN" --lines 200000 --seed 95 > "$D/big.jsonl"
for reader in "head -1" "head -c 0"; do
  "$BIN" -j2 --exec cat "$D/big.jsonl" 2> "$D/e" | $reader > /dev/null
  expect_eq "direct --exec | $reader: exit 141, no message" "141 []" "${PIPESTATUS[0]} [$(cat "$D/e")]"
done
expect_clean "direct --exec, a reader that goes away" "$before"

# A worker killed from outside while it holds outputs waiting for their turn
# (chunk 0 waits for a go; its worker's pid is in w0): those chunks run
# again, nothing is lost or doubled.
slow0='if [ "$CLUSTERPROC_CHUNK" = 0 ] && [ ! -e "$G/go" ]; then echo $PPID > "$G/w0"; i=0;
  while [ ! -e "$G/go" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done; fi;
  touch "$G/c$CLUSTERPROC_CHUNK"; cat'
export G="$D/kill"
mkdir -p "$G"
"$BIN" -j3 --chunk-size 4K --exec "$slow0" "$D/in.jsonl" > "$D/o" 2> "$D/e" &
master=$!
wait_until '[ -e "$G/w0" ] && [ -e "$G/c4" ] && [ -e "$G/c5" ]'
victim=$(pgrep -P "$master" | grep -vx "$(cat "$G/w0")" | head -1)
[ -n "$victim" ] && kill -KILL "$victim"
touch "$G/go"
wait "$master"
expect_eq "direct --exec, a worker holding outputs is killed: exit 0" 0 "$?"
expect_same_file "direct --exec, a worker holding outputs is killed: the output is the input" \
  "$D/in.jsonl" "$D/o"
grep -q "warning: worker .* (pid $victim) died (signal 9 (Killed))" "$D/e" \
  && ok "direct --exec, a worker holding outputs is killed: the warning" \
  || fail "direct --exec, a worker killed: $(cat "$D/e")"
expect_clean "direct --exec, a worker killed" "$before"

# Workers killed at any moment: either the run ends as if nothing happened,
# or (the worker was writing an output: part of it may be out) exit 4 saying
# so, with a prefix of the input. Never a lost or doubled chunk.
for i in 1 2 3; do
  "$BIN" -j3 --chunk-size 4K --exec 'sleep 0.01; cat' "$D/in.jsonl" > "$D/o" 2> "$D/e" &
  master=$!
  wait_until '[ "$(wc -c < "$D/o")" -gt $((i * 40000)) ]'
  victim=$(pgrep -P "$master" | head -1)
  [ -n "$victim" ] && kill -KILL "$victim"
  wait "$master"
  rc=$?
  if [ $rc -eq 0 ]; then
    expect_same_file "direct --exec, a worker killed at random ($i): the input" "$D/in.jsonl" "$D/o"
  else
    expect_eq "direct --exec, a worker killed while writing ($i): exit 4" 4 "$rc"
    grep -q "died (signal 9 (Killed)) while writing the output of $D/in.jsonl bytes" "$D/e" \
      && ok "direct --exec, killed while writing ($i): the message" || fail "killed ($i): $(cat "$D/e")"
    cmp -s -n "$(wc -c < "$D/o")" "$D/o" "$D/in.jsonl" \
      && ok "direct --exec, killed while writing ($i): a prefix of the input" \
      || fail "direct --exec, killed while writing ($i): not a prefix"
  fi
done
expect_clean "direct --exec, workers killed at random" "$before"

# A worker killed in the middle of writing an output (the reader is paused:
# the writer blocks in the pipe): the run stops with exit 4 and says which
# bytes; the output is a prefix of the input. Needs /proc/PID/wchan.
rm -f "$D/go"
{ "$BIN" -j2 --chunk-size 1M --exec cat "$D/big.jsonl" 2> "$D/e"; echo $? > "$D/rc"; } |
  { while [ ! -e "$D/go" ]; do sleep 0.05; done; cat > "$D/o"; } &
reader=$!
writer=""
wait_until 'for p in $(pgrep -f "^$BIN( |\$)"); do grep -q pipe_write /proc/$p/wchan 2> /dev/null && writer=$p; done; [ -n "$writer" ]' 5
if [ -n "$writer" ]; then
  kill -KILL "$writer"
  touch "$D/go"
  wait "$reader"
  expect_eq "direct --exec, a worker killed mid-write: exit 4" 4 "$(cat "$D/rc")"
  grep -q "died (signal 9 (Killed)) while writing the output of $D/big.jsonl bytes" "$D/e" \
    && ok "direct --exec, killed mid-write: the message" || fail "killed mid-write: $(cat "$D/e")"
  cmp -s -n "$(wc -c < "$D/o")" "$D/o" "$D/big.jsonl" && [ -s "$D/o" ] \
    && ok "direct --exec, killed mid-write: a prefix of the input" \
    || fail "direct --exec, killed mid-write: not a prefix"
else
  touch "$D/go"
  wait "$reader"
  ok "direct --exec, killed mid-write: no writer seen in /proc/PID/wchan, not checked"
fi
expect_clean "direct --exec, a worker killed mid-write" "$before"
rm -f "$D/big.jsonl"
# A file whose last line has no newline: the command gets one, so its output
# never runs into the next file's (nor, with --unordered, another chunk's).
printf '{"a":1}\n{"a":2}' > "$T/no-newline.jsonl"
printf '{"b":1}\n' > "$T/newline.jsonl"
want='{"a":1}
{"a":2}
{"b":1}'
for j in 1 2; do
  expect_eq "--exec cat, a file without a final newline, then another (-j$j)" "$want" \
    "$("$BIN" -j$j --exec cat "$T/no-newline.jsonl" "$T/newline.jsonl")"
  expect_eq "--exec cat --unordered, the same lines (-j$j)" "$(sort <<< "$want")" \
    "$("$BIN" -j$j --unordered --exec cat "$T/no-newline.jsonl" "$T/newline.jsonl" | sort)"
done
expect_eq "--exec cat, the run's last line without a newline: passed as it is" \
  '}' "$("$BIN" -j2 --exec cat < "$T/no-newline.jsonl" | tail -c 1)"
