# Exit codes and messages (SPEC section 7).
"$BIN" --count "$T/does-not-exist.jsonl" > "$T/o" 2> "$T/e"
expect_eq "missing input: exit 2" 2 "$?"
expect_eq "missing input: message names path and reason" \
  "clusterproc: cannot open input: $T/does-not-exist.jsonl: No such file or directory" "$(cat "$T/e")"
"$BIN" --count "$T" > "$T/o" 2> "$T/e"
expect_eq "directory input: exit 2" 2 "$?"
grep -q "Is a directory" "$T/e" && ok "directory input: message" || fail "directory input: message: $(cat "$T/e")"
"$BIN" --no-such-option "$T/eq.jsonl" > "$T/o" 2> "$T/e"
expect_eq "unknown option: exit 1" 1 "$?"
"$BIN" -j 0 "$T/eq.jsonl" > "$T/o" 2> "$T/e"
expect_eq "-j 0: exit 1" 1 "$?"
"$BIN" --chunk-size 12X "$T/eq.jsonl" > "$T/o" 2> "$T/e"
expect_eq "bad --chunk-size: exit 1" 1 "$?"
"$BIN" --help > "$T/o" 2> "$T/e"
expect_eq "--help: exit 0" 0 "$?"
grep -q "Examples" "$T/o" && ok "--help shows examples" || fail "--help has no examples"
printf '{"a":1}\n\n  \r\n{"a":2}\r\n{"a":3}' > "$T/clean.jsonl"
expect_eq "blank lines, CRLF, no final newline: count" '{"count":3}' "$("$BIN" --count "$T/clean.jsonl")"
"$BIN" --count "$T/clean.jsonl" > /dev/null 2>&1
expect_eq "clean input: exit 0" 0 "$?"
printf '{"a":1}\n{"a":\n{"a":2}\n[1,2\n{"b":"\xff"}\n{"a":3}\n' > "$T/bad3.jsonl"
"$BIN" -j2 --count --chunk-size 1 "$T/bad3.jsonl" > "$T/o" 2> "$T/e"
expect_eq "bad records: exit 3" 3 "$?"
expect_eq "bad records: count of good ones" '{"count":3}' "$(cat "$T/o")"
expect_eq "bad records: FILE:LINE: reason" \
"$T/bad3.jsonl:2: invalid JSON at column 6: expected a value, found end of line
$T/bad3.jsonl:4: invalid JSON at column 5: expected ',' or ']', found end of line
$T/bad3.jsonl:5: invalid JSON at column 7: invalid UTF-8 byte 0xff" "$(cat "$T/e")"
"$BIN" --count --max-errors 0 "$T/bad3.jsonl" > "$T/o" 2> "$T/e"
expect_eq "--max-errors 0: exit 3" 3 "$?"
expect_eq "--max-errors 0: no result on stdout" "" "$(cat "$T/o")"
grep -q "stopped after 1 bad records (--max-errors 0)" "$T/e" && ok "--max-errors message" || fail "--max-errors message: $(cat "$T/e")"
"$BIN" --count --max-errors 3 "$T/bad3.jsonl" > "$T/o" 2> /dev/null
expect_eq "--max-errors 3 with 3 bad: completes" '{"count":3}' "$(cat "$T/o")"
# More than ten bad records: ten in full, then the count.
for i in $(seq 1 25); do echo '{bad'; done > "$T/many-bad.jsonl"
"$BIN" --count "$T/many-bad.jsonl" > /dev/null 2> "$T/e"
expect_eq "first ten bad records in full" 10 "$(grep -c 'many-bad.jsonl:' "$T/e")"
grep -q "25 bad records in all" "$T/e" && ok "count of bad records not shown" || fail "no total: $(tail -1 "$T/e")"
# The tuning variables take the values they know; anything else is an error
# before any work, never a quiet default. Unset or empty: the default.
printf '{"a":1}\n' > "$T/one.jsonl"
for knob in "CLUSTERPROC_READ_PATH=bogus:it takes mmap or pread (or nothing)" \
            "CLUSTERPROC_DECODE=workers:it takes master (or nothing)" \
            "CLUSTERPROC_EXEC_OUTPUT=worker:it takes master (or nothing)"; do
  setting=${knob%%:*} name=${setting%%=*} value=${setting#*=}
  out=$(env "$setting" "$BIN" --count "$T/one.jsonl" 2>&1)
  expect_eq "$setting: exit 1 and a message" \
    "1 clusterproc: $name is '$value': ${knob#*:}" "$? $out"
done
out=$(CLUSTERPROC_READ_PATH= CLUSTERPROC_DECODE= "$BIN" --count "$T/one.jsonl" 2>&1)
expect_eq "tuning variables set empty: the defaults" '0 {"count":1}' "$? $out"
