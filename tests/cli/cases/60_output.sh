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
