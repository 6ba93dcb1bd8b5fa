# A run started with standard input, output or error closed (by a cron
# wrapper, `>&-`, a daemon): no file, pipe or segment the run opens takes
# descriptor 0, 1 or 2, so a worker's command never reads or writes one of
# them by mistake, and data that must come from or go to a closed stream is
# an error, never lost in silence.
mkdir -p "$T/closed"
printf '{"a":1}\n{"a":2}\n{"a":3}\n' > "$T/closed/three.jsonl"
out=$("$BIN" -j2 --count "$T/closed/three.jsonl" 0<&- 2>&1 1>&-)
expect_eq "stdout closed: exit 2 and a message" \
  "2 clusterproc: cannot write output: standard output is closed" "$? $out"
out=$("$BIN" --help 2>&1 1>&-)
expect_eq "stdout closed, --help: exit 2 and a message" \
  "2 clusterproc: cannot write output: standard output is closed" "$? $out"
"$BIN" -j2 --count -o "$T/closed/count.json" "$T/closed/three.jsonl" 1>&-
expect_eq "stdout closed, -o FILE: the result in the file" '0 {"count":3}' "$? $(cat "$T/closed/count.json")"
out=$("$BIN" -j2 --count 2>&1 0<&-)
expect_eq "stdin closed, no input file: exit 2 and a message" \
  "2 clusterproc: cannot read input: standard input is closed" "$? $out"
out=$("$BIN" merge - 2>&1 0<&-)
expect_eq "stdin closed, merge -: exit 2 and a message" \
  "2 clusterproc: cannot read partial: standard input is closed" "$? $out"
out=$("$BIN" -j2 --chunk-size 4K --exec 'cat' "$T/closed/three.jsonl" 0<&-)
expect_eq "stdin closed: --exec cat reads its chunk, not a stray descriptor" \
  "0 $(cat "$T/closed/three.jsonl")" "$? $out"
out=$("$BIN" -j2 --where 'a >= 2' "$T/closed/three.jsonl" 0<&- 2>&-)
expect_eq "stdin and stderr closed: the records on stdout" \
  '0 {"a":2}
{"a":3}' "$? $out"
expect_clean "closed streams"
