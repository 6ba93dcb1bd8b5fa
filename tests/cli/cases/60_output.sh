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
expect_clean "closed stdout"
# -o and an interrupted master: SIGINT leaves the old file and no temporary;
# SIGKILL leaves the old file (a temporary may remain, never the target).
"$GEN" --lines 600000 --seed 12 > "$T/slow.jsonl"
for sig in INT KILL; do
  echo "old" > "$T/sig.json"
  "$BIN" -j2 --chunk-size 64K --group-by host --agg count -o "$T/sig.json" "$T/slow.jsonl" 2> /dev/null &
  pid=$!
  sleep 0.3
  kill -$sig $pid
  wait $pid 2> /dev/null; rc=$?
  if [ $rc -eq 0 ]; then
    ok "-o and SIG$sig: the run finished first (result in place)"
  else
    expect_eq "-o and SIG$sig: old content kept" "old" "$(cat "$T/sig.json")"
    [ $sig = INT ] && expect_eq "-o and SIGINT: exit 130" 130 "$rc"
    [ $sig = INT ] && expect_eq "-o and SIGINT: no temporary file" 0 "$(ls -A "$T" | grep -c 'sig.json.clusterproc-tmp')"
  fi
  rm -f "$T"/.sig.json.clusterproc-tmp-*
  expect_clean "-o and SIG$sig"
done
# Targets that are not regular files are written in place, never replaced:
# a rename onto /dev/null would turn the device into a plain file.
"$BIN" --count -o /dev/null "$T/clean.jsonl"
expect_eq "-o /dev/null: exit 0" 0 "$?"
[ -c /dev/null ] && ok "-o /dev/null: still a character device" ||
  { fail "-o /dev/null: replaced by a plain file (restored)"; rm -f /dev/null; mknod -m 666 /dev/null c 1 3; }
expect_eq "-o /dev/null: no temporary in /dev" 0 "$(ls -A /dev | grep -c clusterproc-tmp)"
"$BIN" --count -o /dev/stdout "$T/clean.jsonl" > "$T/via-stdout.json"
expect_eq "-o /dev/stdout: the result on stdout" '{"count":3}' "$(cat "$T/via-stdout.json")"
[ -L /dev/stdout ] && ok "-o /dev/stdout: still a link" || fail "-o /dev/stdout: the link was replaced"
rm -f "$T/out.fifo" && mkfifo "$T/out.fifo"
cat "$T/out.fifo" > "$T/from-fifo.json" &
reader=$!
"$BIN" --count -o "$T/out.fifo" "$T/clean.jsonl"
reap "-o FIFO" $reader 20
expect_eq "-o FIFO: the result through the pipe" '{"count":3}' "$(cat "$T/from-fifo.json")"
[ -p "$T/out.fifo" ] && ok "-o FIFO: still a named pipe" || fail "-o FIFO: replaced by a plain file"
echo "old" > "$T/real.json" && ln -sf real.json "$T/link.json"
"$BIN" --count -o "$T/link.json" "$T/clean.jsonl"
expect_eq "-o LINK: the linked file gets the result" '{"count":3}' "$(cat "$T/real.json")"
[ -L "$T/link.json" ] && ok "-o LINK: the link stays a link" || fail "-o LINK: the link was replaced"
"$BIN" --count -o "$T" "$T/clean.jsonl" 2> "$T/e"
expect_eq "-o DIR: exit 2 and a message" "2 clusterproc: cannot write output: $T: Is a directory" "$? $(cat "$T/e")"
# A --bad-records file that cannot be written fails the run (exit 2) and no
# aggregate is printed, also when --max-errors stopped it (exit 3 before).
printf '{"a":1}\n{bad\n{"a":2}\n' > "$T/one-bad.jsonl"
out=$("$BIN" -j2 --count --bad-records /dev/full "$T/one-bad.jsonl" 2> "$T/e")
expect_eq "--bad-records /dev/full: exit 2, no aggregate" "2 " "$? $out"
grep -q "^clusterproc: write: /dev/full: No space left on device" "$T/e" && ok "--bad-records /dev/full: the message" || fail "--bad-records /dev/full: message: $(cat "$T/e")"
out=$("$BIN" -j2 --count --max-errors 0 --bad-records /dev/full "$T/one-bad.jsonl" 2> /dev/null)
expect_eq "--bad-records /dev/full and --max-errors 0: exit 2" "2 " "$? $out"
