# Hostile input (docs/reliability.md): every case has a defined outcome, and no
# case leaves a clusterproc process or a /dev/shm segment behind.
H="$T/hostile"
mkdir -p "$H"
hostile_shm_before=$(shm_count)
# run_cp ARGS...: runs the binary with stdout in $H/o, stderr in $H/e,
# the exit code in $rc.
run_cp() { "$BIN" "$@" > "$H/o" 2> "$H/e"; rc=$?; }

# --- Invalid UTF-8: each kind is a bad record with the byte and column named.
printf '{"a":"\xff"}\n{"a":"\xc0\x80"}\n{"a":"\xed\xa0\x80"}\n{"a":"x\xe2\x82"}\n{"\xe9":1}\n{"ok":1}\n' > "$H/utf8.jsonl"
run_cp -j2 --count --bad-records "$H/utf8-bad.jsonl" "$H/utf8.jsonl"
expect_eq "invalid UTF-8: exit 3" 3 "$rc"
expect_eq "invalid UTF-8: the good record counted" '{"count":1}' "$(cat "$H/o")"
expect_eq "invalid UTF-8: reasons" \
"$H/utf8.jsonl:1: invalid JSON at column 7: invalid UTF-8 byte 0xff
$H/utf8.jsonl:2: invalid JSON at column 7: invalid UTF-8 byte 0xc0 (overlong encoding)
$H/utf8.jsonl:3: invalid JSON at column 7: invalid UTF-8 byte 0xed (encodes a surrogate)
$H/utf8.jsonl:4: invalid JSON at column 8: invalid UTF-8 byte 0xe2 (truncated sequence)
$H/utf8.jsonl:5: invalid JSON at column 3: invalid UTF-8 byte 0xe9 (truncated sequence)" "$(cat "$H/e")"
# --bad-records stays valid UTF-8 JSON: bad bytes in "raw" become U+FFFD.
expect_eq "invalid UTF-8: --bad-records is strict UTF-8 JSON, U+FFFD for bad bytes" \
  "5 True" "$(python3 -c '
import json, sys
rows = [json.loads(l.decode("utf-8")) for l in open(sys.argv[1], "rb")]
print(len(rows), rows[0]["raw"] == "{\"a\":\"\ufffd\"}")' "$H/utf8-bad.jsonl")"
cat "$H/utf8.jsonl" | "$BIN" -j2 --count > "$H/o" 2> "$H/e"
expect_eq "invalid UTF-8 on stdin: same reasons" "$(printf '(stdin):%s\n' 1 2 3 4 5)" "$(cut -d: -f1,2 "$H/e")"

# --- NUL bytes inside records, after a record, alone, and before a record.
printf '{"a":"x\0y"}\n{"a":1}\0\n\0\0\0\n{"b":2}\n\0{"c":3}\n' > "$H/nul.jsonl"
run_cp -j2 --count "$H/nul.jsonl"
expect_eq "NUL bytes: exit 3" 3 "$rc"
expect_eq "NUL bytes: the clean record counted" '{"count":1}' "$(cat "$H/o")"
expect_eq "NUL bytes: reasons" \
"$H/nul.jsonl:1: invalid JSON at column 8: control character 0x00 in string
$H/nul.jsonl:2: invalid JSON at column 8: unexpected text after the value, found byte 0x00
$H/nul.jsonl:3: invalid JSON at column 1: expected a value, found byte 0x00
$H/nul.jsonl:5: invalid JSON at column 1: expected a value, found byte 0x00" "$(cat "$H/e")"
cat "$H/nul.jsonl" | "$BIN" -j3 --chunk-size 1 --count > "$H/o" 2> "$H/e"
expect_eq "NUL bytes on stdin: same result" '{"count":1} 4' "$(cat "$H/o") $(wc -l < "$H/e")"

# --- 10^6 levels of nesting: a bad record, not a stack overflow.
{ echo '{"a":1}'; python3 -c 'print("[" * 1000000 + "]" * 1000000)'; echo '{"a":2}'; } > "$H/deep.jsonl"
for job in --count ""; do
  run_cp -j2 $job "$H/deep.jsonl"
  expect_eq "10^6 nested arrays [$job]: exit 3" 3 "$rc"
  expect_eq "10^6 nested arrays [$job]: reason" \
    "$H/deep.jsonl:2: invalid JSON at column 1025: nested deeper than 1024 levels" "$(cat "$H/e")"
done
expect_eq "10^6 nested arrays: summary counts the others" '"records":2,"bad_records":1' \
  "$(grep -o '"records":[0-9]*,"bad_records":[0-9]*' "$H/o")"
python3 -c 'print("{\"a\":" * 1000000)' | "$BIN" -j2 --count > "$H/o" 2> "$H/e"
expect_eq "10^6 unclosed objects on stdin: exit 3" 3 "$?"
grep -q '^(stdin):1: invalid JSON at column [0-9]*: nested deeper than 1024 levels$' "$H/e" &&
  ok "10^6 unclosed objects: reason" || fail "10^6 unclosed objects: reason: $(head -c 300 "$H/e")"

# --- Numbers at and beyond the limits of int64/uint64 and doubles: all valid,
# exact (82_shapes.sh tests more).
printf '%s\n' '{"n":1e400}' '{"n":18446744073709551616}' '{"n":-9223372036854775809}' \
  '{"n":18446744073709551615}' '{"n":-9223372036854775808}' '{"n":1e-400}' > "$H/num.jsonl"
run_cp -j2 --agg 'count, min(n), max(n)' "$H/num.jsonl"
expect_eq "numbers of any size: exit 0, no bad record" "0 " "$rc $(cat "$H/e")"
expect_eq "numbers of any size: counted, min and max exact and as written (1e-400 is the float 0)" \
  '{"count":6,"min(n)":-9223372036854775809,"max(n)":1e400}' "$(cat "$H/o")"
expect_eq "numbers of any size: integer sum is exact" '{"sum(n)":18446744073709551614}' \
  "$("$BIN" -j2 --where '.n != 0 and .n < 1e300' --agg 'sum(n)' "$H/num.jsonl" 2>/dev/null)"
expect_eq "numbers of any size: a sum with 1e400 is infinite, printed null" '{"sum(n)":null}' \
  "$("$BIN" -j2 --agg 'sum(n)' "$H/num.jsonl" 2>/dev/null)"

# --- Duplicate keys: valid JSON; expressions see the first, the summary all.
printf '%s\n' '{"a":1,"a":2}' '{"a":{"b":1},"a":{"b":2}}' > "$H/dup.jsonl"
run_cp -j2 --select .a "$H/dup.jsonl"
expect_eq "duplicate keys: exit 0" 0 "$rc"
expect_eq "duplicate keys: --select takes the first" '{".a":1}
{".a":{"b":1}}' "$(cat "$H/o")"
expect_eq "duplicate keys: --where tests the first" "" "$("$BIN" --where '.a == 2' "$H/dup.jsonl")"
expect_eq "duplicate keys: the summary counts every occurrence" '"a":{"count":4,' \
  "$("$BIN" "$H/dup.jsonl" | grep -o '"a":{"count":[0-9]*,')"

# --- A line of 100 MiB: beyond the default --max-record (64M), within 200M.
python3 -c '
import sys
sys.stdout.write("{\"a\":1}\n{\"big\":\"" + "x" * (100 << 20) + "\"}\n{\"b\":2}\n")' > "$H/big.jsonl"
run_cp -j2 --count "$H/big.jsonl"
expect_eq "100 MiB line (file): exit 3" 3 "$rc"
expect_eq "100 MiB line (file): others counted" '{"count":2}' "$(cat "$H/o")"
expect_eq "100 MiB line (file): reason" "$H/big.jsonl:2: record longer than --max-record (67108864 bytes)" "$(cat "$H/e")"
cat "$H/big.jsonl" | "$BIN" -j2 --count > "$H/o" 2> "$H/e"
expect_eq "100 MiB line (stdin): exit 3" 3 "$?"
expect_eq "100 MiB line (stdin): reason" "(stdin):2: record longer than --max-record (67108864 bytes) {\"count\":2}" "$(cat "$H/e") $(cat "$H/o")"
run_cp -j2 --max-record 200M --select 'len(.big)' "$H/big.jsonl"
expect_eq "100 MiB line with --max-record 200M (file): parsed" '0 {"len(.big)":null}
{"len(.big)":104857600}
{"len(.big)":null}' "$rc $(cat "$H/o")"
cat "$H/big.jsonl" | "$BIN" -j2 --max-record 200M --count > "$H/o" 2> "$H/e"
expect_eq "100 MiB line with --max-record 200M (stdin): parsed" '0 {"count":3}' "$? $(cat "$H/o")"
rm -f "$H/big.jsonl"

# --- Empty inputs: an empty file, /dev/null, empty standard input.
: > "$H/empty.jsonl"
for src in "$H/empty.jsonl" /dev/null; do
  run_cp -j2 "$src"
  expect_eq "empty input $src: summary, exit 0" '0 {"records":0,"bad_records":0,"bytes":0,"fields":{}}' "$rc $(cat "$H/o")"
  run_cp -j2 --agg 'count, sum(x), first(x)' "$src"
  expect_eq "empty input $src: --agg, exit 0" '0 {"count":0,"sum(x)":null,"first(x)":null}' "$rc $(cat "$H/o")"
  run_cp -j2 --where 'true' "$src"
  expect_eq "empty input $src: --where, no rows" '0 0' "$rc $(wc -c < "$H/o")"
done
expect_eq "empty standard input: count 0" '{"count":0}' "$("$BIN" -j2 --count < /dev/null)"

# --- A directory, alone or among files: exit 2 before any output.
run_cp --count "$H/dup.jsonl" "$H" "$H/dup.jsonl"
expect_eq "directory among inputs: exit 2, no output" "2 " "$rc $(cat "$H/o")"
expect_eq "directory among inputs: message" "clusterproc: cannot read input: $H: Is a directory" "$(cat "$H/e")"

# --- A file that grows while it is read: the run sees the size it had when
# it was opened (a line being appended at that instant may be cut: then it is
# the one bad record, the last line seen).
"$GEN" --lines 200000 --seed 21 > "$H/grow.jsonl"
n0=$(wc -l < "$H/grow.jsonl")
( for i in $(seq 1 200); do "$GEN" --lines 500 --seed "$i" >> "$H/grow.jsonl"; done ) &
grower=$!
sleep 0.2
run_cp -j2 --count --chunk-size 64K "$H/grow.jsonl"
wait $grower
n1=$(wc -l < "$H/grow.jsonl")
got=$(grep -o '[0-9]*' "$H/o")
if [ "$rc" -eq 0 ] || { [ "$rc" -eq 3 ] && [ "$(wc -l < "$H/e")" -eq 1 ]; }; then
  ok "growing file: exit $rc"
else fail "growing file: exit $rc: $(head -c 300 "$H/e")"; fi
[ -n "$got" ] && [ "$got" -ge "$n0" ] && [ "$got" -le "$n1" ] &&
  ok "growing file: counted $got records, between $n0 and $n1" || fail "growing file: counted [$got], not in [$n0, $n1]"

# --- A file truncated while it is read: an input error (exit 2) that names
# the file, whether the master notices it at a chunk boundary or through the
# SIGBUS of reading a vanished page; a run that finished before the
# truncation is complete. Either way no partial -o file, nothing left.
for size in 0 50M; do
  "$GEN" --size 150M --seed 22 > "$H/trunc.jsonl"
  "$BIN" -j2 --chunk-size 64K -o "$H/trunc.out" "$H/trunc.jsonl" > /dev/null 2> "$H/e" &
  pid=$!
  sleep 0.2
  truncate -s "$size" "$H/trunc.jsonl"
  wait $pid; rc=$?
  tmp_left=$(ls -A "$H" | grep -c 'trunc.out.clusterproc-tmp-')
  case $rc in
    0) [ -s "$H/trunc.out" ] && ok "truncated to $size: finished before the truncation (exit 0)" ||
         fail "truncated to $size: exit 0 without output" ;;
    2) grep -Eq "^clusterproc: ($H/trunc.jsonl: the file shrank from [0-9]* to [0-9]* bytes|an input file shrank) while being read(; the [0-9]* whole lines \([0-9]* bytes\) before it were processed)?\$" "$H/e" &&
         ok "truncated to $size: exit 2, message" || fail "truncated to $size: message: $(head -c 300 "$H/e")"
       [ ! -e "$H/trunc.out" ] && [ "$tmp_left" -eq 0 ] && ok "truncated to $size: no output, no temporary file" ||
         fail "truncated to $size: output left ($tmp_left temporary)" ;;
    *) fail "truncated to $size: exit $rc: $(head -c 300 "$H/e")" ;;
  esac
  rm -f "$H/trunc.jsonl" "$H/trunc.out" "$H"/.trunc.out.clusterproc-tmp-*
done
expect_clean "truncated file" "$hostile_shm_before"

# --- 3000 small inputs in one run, with few file descriptors: every file is
# mapped and closed at once; line numbers are per file.
mkdir -p "$H/many"
for i in $(seq 1 3000); do printf '{"f":%d,"v":1}\n{"f":%d,"v":2}\n' "$i" "$i" > "$H/many/f$i.jsonl"; done
printf '{"f":0}\n{bad\n' > "$H/many/f3000.jsonl"
files=()
for i in $(seq 1 3000); do files+=("$H/many/f$i.jsonl"); done
(ulimit -n 64; "$BIN" -j2 --agg 'count, sum(v), count_distinct(f)' "${files[@]}" > "$H/o" 2> "$H/e"); rc=$?
expect_eq "3000 files: exit 3" 3 "$rc"
expect_eq "3000 files: aggregates" '{"count":5999,"sum(v)":8997,"count_distinct(f)":3000}' "$(cat "$H/o")"
expect_eq "3000 files: bad record named by file and line" \
  "$H/many/f3000.jsonl:2: invalid JSON at column 2: expected '\"' to start a member name, found 'b'" "$(cat "$H/e")"
rm -rf "$H/many"

# --- -j 64 on a small machine: the same bytes as -j1, for a file and stdin.
"$GEN" --lines 50000 --seed 23 --bad-every 1000 > "$H/j64.jsonl"
"$BIN" -j1 "$H/j64.jsonl" > "$H/ref.out" 2> "$H/ref.err"
run_cp -j64 "$H/j64.jsonl"
expect_eq "-j64 (file): exit 3" 3 "$rc"
expect_same_file "-j64 (file): stdout == -j1" "$H/ref.out" "$H/o"
expect_same_file "-j64 (file): stderr == -j1" "$H/ref.err" "$H/e"
"$BIN" -j64 --chunk-size 4K < "$H/j64.jsonl" > "$H/o" 2> "$H/e"
expect_same_file "-j64 --chunk-size 4K (stdin): stdout == -j1" "$H/ref.out" "$H/o"
sed "s#^(stdin):#$H/j64.jsonl:#" "$H/e" > "$H/e2"
expect_same_file "-j64 --chunk-size 4K (stdin): stderr == -j1" "$H/ref.err" "$H/e2"
( echo '{"a":1}'; sleep 2; echo '{"a":2}' ) | "$BIN" -j64 --count > "$H/o" 2> "$H/e" &
wait_until '[ "$(procs)" -ge 65 ]'
n=$(procs)
wait
[ "$n" -ge 65 ] && ok "-j64: master and 64 workers ran ($n processes)" || fail "-j64: $n processes"
expect_eq "-j64 (slow stdin): count" '{"count":2}' "$(cat "$H/o")"

# --- RFC 8259 conformance: one case per line, labelled in a parallel file.
C="$ROOT/tests/cli/conformance"
run_cp -j2 --count --bad-records "$H/conf-bad.jsonl" "$C/rfc8259.jsonl"
expect_eq "conformance: exit 3" 3 "$rc"
expect_eq "conformance: every line as labelled" "ok" "$(python3 -c '
import json, sys
labels = [l.split("\t")[0] for l in open(sys.argv[1]).read().splitlines()]
bad = {json.loads(l)["line"] for l in open(sys.argv[2])}
wrong = [f"line {i}: want {lab}" for i, lab in enumerate(labels, 1)
         if (i in bad) != (lab == "invalid")]
print("; ".join(wrong) or "ok")' "$C/rfc8259.expected" "$H/conf-bad.jsonl")"
expect_eq "conformance: valid ones counted" "{\"count\":$(grep -c '^valid' "$C/rfc8259.expected")}" "$(cat "$H/o")"
"$BIN" -j3 --chunk-size 7 --count < "$C/rfc8259.jsonl" 2>&1 >/dev/null |
  sed "s#^(stdin):#$C/rfc8259.jsonl:#" > "$H/e2"
expect_same_file "conformance: same verdicts through stdin" "$H/e" "$H/e2"

# --- A hostile working directory: files named like the libraries the binary
# needs are not loaded from where the user stands (a cron job's directory, a
# shared upload folder). An RPATH with an empty entry once made them load.
mkdir -p "$H/libs"
for lib in $(ldd "$BIN" | awk '$1 ~ /^lib/ {print $1}'); do
  printf 'not a library\n' > "$H/libs/$lib"
done
out=$(cd "$H/libs" && printf '{"a":1}\n' | "$BIN" --count 2>&1)
expect_eq "working directory with fake libraries: they are not loaded" \
  '0 {"count":1}' "$? $out"
runpath=$(readelf -d "$BIN" 2>/dev/null | grep -E 'RPATH|RUNPATH' || true)
expect_eq "no RPATH or RUNPATH in the binary" "" "$runpath"

# --- Nothing left behind by any of the above.
expect_clean "hostile input" "$hostile_shm_before"
rm -rf "$H"
