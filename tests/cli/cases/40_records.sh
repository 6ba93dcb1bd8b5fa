# Records longer than a chunk, and longer than --max-record.
python3 -c '
import json
print(json.dumps({"a": "x" * 5000}))
print(json.dumps({"b": 1}))
print(json.dumps({"c": "y" * 300000}))
print(json.dumps({"d": 2}))' > "$T/long.jsonl"
for cs in 1 64 4K 1M; do
  expect_eq "record longer than --chunk-size $cs (file)" '{"count":4}' "$("$BIN" -j2 --count --chunk-size $cs "$T/long.jsonl")"
  expect_eq "record longer than --chunk-size $cs (stdin)" '{"count":4}' "$(cat "$T/long.jsonl" | "$BIN" -j2 --count --chunk-size $cs)"
done
for src in file stdin; do
  if [ $src = file ]; then
    "$BIN" -j2 --count --chunk-size 1K --max-record 100K "$T/long.jsonl" > "$T/o" 2> "$T/e"; rc=$?
    name="$T/long.jsonl"
  else
    cat "$T/long.jsonl" | "$BIN" -j2 --count --chunk-size 1K --max-record 100K > "$T/o" 2> "$T/e"; rc=$?
    name="(stdin)"
  fi
  expect_eq "--max-record ($src): exit 3" 3 "$rc"
  expect_eq "--max-record ($src): others counted" '{"count":3}' "$(cat "$T/o")"
  expect_eq "--max-record ($src): message" "$name:3: record longer than --max-record (102400 bytes)" "$(cat "$T/e")"
done
