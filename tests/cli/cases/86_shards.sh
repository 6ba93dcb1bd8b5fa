# --shard K/N: the N shards are disjoint and together are the whole input,
# for every job; line numbers stay the files' own.
S="$T/shards"
mkdir -p "$S"
"$GEN" --lines 3000 --seed 21 --bad-every 37 --blank-every 53 > "$S/a.jsonl"
"$GEN" --lines 500 --seed 22 --crlf --bad-every 41 > "$S/crlf.jsonl"
: > "$S/empty.jsonl"
printf '{"n":1}\n\n   \n{"n":2}\n{"n":3' > "$S/nofinal.jsonl"           # blank lines, no final newline
printf '{"n":1}\n{"long":"%s"}\n{"n":2}\n' "$(head -c 20000 /dev/zero | tr '\0' x)" > "$S/long.jsonl"
printf '{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n' > "$S/exact.jsonl"           # 8-byte lines: T/4 = a line
sets=(
  "$S/a.jsonl"
  "$S/nofinal.jsonl"
  "$S/long.jsonl"
  "$S/exact.jsonl"
  "$S/empty.jsonl $S/crlf.jsonl $S/empty.jsonl $S/nofinal.jsonl $S/long.jsonl $S/a.jsonl $S/empty.jsonl"
)
shard_failures=0
for set in "${sets[@]}"; do
  # shellcheck disable=SC2086
  files=($set)
  "$BIN" -j2 --where true "${files[@]}" > "$S/whole.out" 2> /dev/null
  "$BIN" -j2 --count "${files[@]}" > "$S/whole.count" 2> /dev/null
  "$BIN" -j1 --count --bad-records "$S/whole.bad" "${files[@]}" > /dev/null 2>&1
  for n in 1 2 3 4 5 6 7 8 9 64; do
    : > "$S/parts.out"
    : > "$S/parts.bad"
    sum=0
    for k in $(seq 0 $((n - 1))); do
      j=$((1 + k % 3))
      "$BIN" -j$j --chunk-size $((100 + 37 * k)) --where true --shard $k/$n "${files[@]}" >> "$S/parts.out" 2> /dev/null
      c=$("$BIN" -j$j --count --shard $k/$n --bad-records "$S/part.bad" "${files[@]}" 2> /dev/null | tr -dc 0-9)
      sum=$((sum + c))
      cat "$S/part.bad" >> "$S/parts.bad"
    done
    if ! cmp -s "$S/whole.out" "$S/parts.out"; then
      fail "--where true: shards 0..$((n - 1))/$n of [$set] concatenated differ from the whole"
      shard_failures=$((shard_failures + 1))
    fi
    if [ "{\"count\":$sum}" != "$(cat "$S/whole.count")" ]; then
      fail "--count: shards of $n of [$set] sum to $sum, whole: $(cat "$S/whole.count")"
      shard_failures=$((shard_failures + 1))
    fi
    if ! cmp -s "$S/whole.bad" "$S/parts.bad"; then
      fail "--bad-records: shards of $n of [$set] differ from the whole (line numbers?)"
      shard_failures=$((shard_failures + 1))
    fi
  done
done
expect_eq "shards 1..9 and 64: --where output, --count sums and bad records equal the whole" 0 "$shard_failures"
[ "$(wc -l < "$S/whole.bad")" -gt 50 ] && ok "the bad-record comparison has bad records to compare" || fail "too few bad records in the test input"
# A shard with no line (more shards than lines) is empty, not an error.
"$BIN" --count --shard 63/64 "$S/exact.jsonl" > "$S/o"
expect_eq "an empty shard: count 0, exit 0" '{"count":0}/0' "$(cat "$S/o")/$?"
# Line numbers in stderr messages are the file's, not the shard's.
"$BIN" --count --shard 2/3 "$S/a.jsonl" > /dev/null 2> "$S/e"
first=$(grep -m1 -o 'a.jsonl:[0-9]*:' "$S/e" | tr -dc 0-9)
[ "${first:-0}" -gt 1000 ] && ok "bad-record message of shard 2/3 names the file's line ($first)" || fail "shard 2/3 message: $(head -2 "$S/e")"
# The summary's bytes add up too.
b=0
for k in 0 1 2; do b=$((b + $("$BIN" --shard $k/3 "$S/a.jsonl" 2> /dev/null | grep -o '"bytes":[0-9]*' | tr -dc 0-9))); done
expect_eq "summary bytes of 3 shards sum to the file size" "$(wc -c < "$S/a.jsonl")" "$b"
# Usage errors.
for spec in 3/3 1/0 x 1 -1/2 1/2/3 ''; do
  "$BIN" --count --shard "$spec" "$S/a.jsonl" > /dev/null 2> "$S/e"
  rc=$?
  if [ $rc -eq 1 ] && grep -q -- '--shard' "$S/e"; then ok "--shard '$spec': usage error naming the option"; else fail "--shard '$spec': exit $rc: $(cat "$S/e")"; fi
done
"$BIN" --count --shard 0/2 < "$S/a.jsonl" > /dev/null 2> "$S/e"
expect_eq "--shard on standard input: exit 1" 1 "$?"
grep -q 'standard input' "$S/e" && ok "--shard on standard input: says why" || fail "--shard stdin: $(cat "$S/e")"
gzip -c "$S/a.jsonl" > "$S/a.jsonl.gz"
"$BIN" --count --shard 0/2 "$S/a.jsonl" "$S/a.jsonl.gz" > /dev/null 2> "$S/e"
expect_eq "--shard on a gzip file: exit 1" 1 "$?"
grep -q 'a.jsonl.gz is a compressed file' "$S/e" && ok "--shard on a gzip file: names it" || fail "--shard gzip: $(cat "$S/e")"
"$BIN" --count --shard 0/2 <(cat "$S/a.jsonl") > /dev/null 2> "$S/e"
expect_eq "--shard on a pipe: exit 1" 1 "$?"
