# Pipelines: compressed input, --exec, several inputs, a reader that leaves.
gzip -c "$T/eq.jsonl" > "$T/eq.jsonl.gz"
zstd -q -c "$T/eq.jsonl" > "$T/eq.zst"
cp "$T/eq.jsonl.gz" "$T/no-suffix"   # recognised by magic bytes, not by name
"$BIN" -j2 "$T/eq.jsonl" > "$T/plain.out" 2> /dev/null
for src in "$T/eq.jsonl.gz" "$T/eq.zst" "$T/no-suffix"; do
  "$BIN" -j2 --chunk-size 64K "$src" > "$T/c.out" 2> /dev/null
  expect_same_file "compressed file $(basename "$src") == plain" "$T/plain.out" "$T/c.out"
done
cat "$T/eq.zst" | "$BIN" -j3 > "$T/c.out" 2> /dev/null
expect_same_file "zstd on stdin == plain" "$T/plain.out" "$T/c.out"
( gzip -c "$ROOT/data/sample.jsonl"; gzip -c "$ROOT/data/sample.jsonl" ) > "$T/multi.gz"
expect_eq "concatenated gzip members are one stream" '{"count":4000}' "$("$BIN" --count "$T/multi.gz")"
head -c 30000 "$T/eq.zst" > "$T/trunc.zst"
"$BIN" --count "$T/trunc.zst" > "$T/o" 2> "$T/e"
expect_eq "truncated zstd: exit 2" 2 "$?"
grep -q "$T/trunc.zst: truncated zstd data at compressed byte 30000" "$T/e" && ok "truncated zstd: file and offset named" || fail "truncated zstd message: $(tail -1 "$T/e")"
# A count over part of the input is not the answer: none is printed (92_damaged.sh).
[ -s "$T/o" ] && fail "truncated zstd: a count was printed: $(cat "$T/o")" || ok "truncated zstd: no count printed"
# --exec
for cs in 1K 64K 1M; do
  "$BIN" -j2 --exec cat --chunk-size $cs "$T/eq.jsonl" > "$T/x.out" 2> /dev/null
  expect_same_file "--exec cat reproduces the input exactly (chunk $cs)" "$T/eq.jsonl" "$T/x.out"
  cat "$T/eq.jsonl" | "$BIN" -j3 --exec cat --chunk-size $cs > "$T/x.out" 2> /dev/null
  expect_same_file "--exec cat on stdin reproduces the input exactly (chunk $cs)" "$T/eq.jsonl" "$T/x.out"
done
expect_eq "--exec 'wc -l' sums to the record count" "$("$BIN" --count "$ROOT/data/sample.jsonl" | tr -dc 0-9)" \
  "$("$BIN" --exec 'wc -l' --chunk-size 8K "$ROOT/data/sample.jsonl" | awk '{s+=$1} END {print s}')"
"$BIN" --exec 'echo oops >&2; exit 3' --retries 1 "$T/clean.jsonl" > "$T/o" 2> "$T/e"
expect_eq "failing --exec: exit 4" 4 "$?"
grep -q "failed on $T/clean.jsonl lines 1-.*exit status 3 after 2 attempt(s)" "$T/e" && ok "failing --exec: message" || fail "failing --exec message: $(cat "$T/e")"
grep -q "oops" "$T/e" && ok "failing --exec: stderr tail shown" || fail "failing --exec: no stderr tail"
expect_eq "--exec 'head -1' (reads part of its input) is fine" 0 "$("$BIN" --exec 'head -1' "$T/big.jsonl" > /dev/null 2>&1; echo $?)"
"$BIN" -j2 --where 'status >= 500' --exec 'jq -c .path' "$ROOT/data/sample.jsonl" > "$T/x.out"
jq -c 'select(.status >= 500) | .path' "$ROOT/data/sample.jsonl" > "$T/x.want"
expect_same_file "--where + --exec 'jq -c .path' == jq alone" "$T/x.want" "$T/x.out"
# Several inputs are one stream in order; line numbers restart per file.
printf '{"a":1}\n{bad\n' > "$T/in1.jsonl"
printf '{bad\n{"a":2}\n' > "$T/in2.jsonl"
"$BIN" --where true "$T/in1.jsonl" "$T/in2.jsonl" > "$T/o" 2> "$T/e"
expect_eq "several inputs: rows in order" $'{"a":1}\n{"a":2}' "$(cat "$T/o")"
expect_eq "several inputs: line numbers per file" "$T/in1.jsonl:2 $T/in2.jsonl:1" "$(cut -d: -f1,2 "$T/e" | tr '\n' ' ' | sed 's/ $//')"
# A reader that leaves early: quiet, and all workers gone.
"$BIN" -j2 --where true "$T/big.jsonl" 2> "$T/e" | head -1 > /dev/null
expect_eq "| head -1: no message" "" "$(cat "$T/e")"
expect_clean "| head -1"
