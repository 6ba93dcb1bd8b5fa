# --exec and the command's stderr (issue 13, 2.7): a successful command's
# stderr reaches ours, chunk by chunk in input order, never stdout; a command
# that cannot run (exit 126/127) stops the run at once with one line.
E="$T/exec"
mkdir -p "$E"
"$GEN" --lines 3000 --seed 93 > "$E/in.jsonl"
printf '{"a":1}\n{"a":2}\n' | "$BIN" --exec 'cat > /dev/null; echo warn >&2' > "$E/o" 2> "$E/e"
expect_eq "--exec: a successful command's stderr is passed through, exit 0" "0 [] [warn]" \
  "$? [$(cat "$E/o")] [$(cat "$E/e")]"
# One stderr line per chunk, in input order, whatever -j and the chunk size;
# stdout holds only the command's stdout.
"$BIN" -j1 --chunk-size 64K --exec 'wc -l; echo "lines $CLUSTERPROC_CHUNK" >&2' \
  "$E/in.jsonl" > "$E/o1" 2> "$E/e1"
"$BIN" -j3 --chunk-size 64K --exec 'wc -l; echo "lines $CLUSTERPROC_CHUNK" >&2' \
  "$E/in.jsonl" > "$E/o3" 2> "$E/e3"
expect_same_file "--exec stderr: the same for -j1 and -j3" "$E/e1" "$E/e3"
expect_eq "--exec stderr: chunk numbers in input order" "$(seq 0 $(($(wc -l < "$E/e1") - 1)) | sed 's/^/lines /')" \
  "$(cat "$E/e3")"
expect_eq "--exec stderr: stdout holds only the command's stdout" "" "$(grep -v '^[0-9]*$' "$E/o3")"
cat "$E/in.jsonl" | "$BIN" -j2 --chunk-size 4K --exec 'cat; echo "c$CLUSTERPROC_CHUNK" >&2' > "$E/o" 2> "$E/e"
expect_same_file "--exec stderr on stdin: stdout is the input" "$E/in.jsonl" "$E/o"
expect_eq "--exec stderr on stdin: one line per chunk in order" "$(seq 0 $(($(wc -l < "$E/e") - 1)) | sed 's/^/c/')" \
  "$(cat "$E/e")"
# A command that cannot run: exit 4 at once, one line, no retries.
for cmd in nosuchcmd-93 "$E/in.jsonl"; do
  "$BIN" -j2 --chunk-size 4K --exec "$cmd" "$E/in.jsonl" > "$E/o" 2> "$E/e"
  rc=$?
  expect_eq "--exec '$cmd' cannot run: exit 4, nothing on stdout, one line on stderr" "4 0 1" \
    "$rc $(wc -c < "$E/o") $(wc -l < "$E/e")"
  grep -q "^clusterproc: --exec '$cmd': the command cannot be run (exit status 12[67]): .*$cmd" "$E/e" \
    && ok "--exec '$cmd' cannot run: the message" || fail "--exec '$cmd': $(cat "$E/e")"
done
# Exit 127 is not retried: the command runs once per chunk at most.
: > "$E/runs"
printf '{"a":1}\n' | "$BIN" --retries 5 --exec "echo run >> '$E/runs'; cat > /dev/null; exit 127" > /dev/null 2>&1
expect_eq "--exec exit 127: no retries" "4 1" "$? $(wc -l < "$E/runs")"
# Other failures keep their retries and the end of stderr in the message.
: > "$E/runs"
printf '{"a":1}\n' | "$BIN" --retries 2 --exec "echo run >> '$E/runs'; cat > /dev/null; echo oops >&2; exit 3" > /dev/null 2> "$E/e"
expect_eq "--exec exit 3: retried" "4 3" "$? $(wc -l < "$E/runs")"
grep -q "oops" "$E/e" && ok "--exec exit 3: its stderr in the message" || fail "--exec exit 3: $(cat "$E/e")"
