# -j1, -jN, several chunk sizes and stdin give byte-identical results.
"$GEN" --lines 20000 --seed 3 --bad-every 997 --blank-every 501 > "$T/eq.jsonl"
printf '{"tail":1}' >> "$T/eq.jsonl"   # no final newline
"$GEN" --lines 3000 --seed 4 --crlf --bad-every 400 > "$T/eq-crlf.jsonl"
for job in "--count" ""; do
  "$BIN" -j1 $job "$T/eq.jsonl" "$T/eq-crlf.jsonl" > "$T/ref.out" 2> "$T/ref.err"
  ref_rc=$?
  expect_eq "exit 3 with bad records [$job]" 3 "$ref_rc"
  for args in "-j4" "-j2 --chunk-size 1" "-j3 --chunk-size 100" "-j2 --chunk-size 64K" "-j4 --chunk-size 1M" "-j7 --chunk-size 333"; do
    "$BIN" $args $job "$T/eq.jsonl" "$T/eq-crlf.jsonl" > "$T/got.out" 2> "$T/got.err"
    expect_eq "exit code $args [$job]" "$ref_rc" "$?"
    expect_same_file "stdout $args [$job] == -j1" "$T/ref.out" "$T/got.out"
    expect_same_file "stderr $args [$job] == -j1" "$T/ref.err" "$T/got.err"
  done
  for args in "-j2" "-j3 --chunk-size 1" "-j2 --chunk-size 4K"; do
    cat "$T/eq.jsonl" | "$BIN" $args $job - "$T/eq-crlf.jsonl" > "$T/got.out" 2> "$T/got.err"
    expect_same_file "stdin $args [$job] == file" "$T/ref.out" "$T/got.out"
    sed "s#^(stdin):#$T/eq.jsonl:#" "$T/got.err" > "$T/got.err2"
    expect_same_file "stdin stderr $args [$job] == file" "$T/ref.err" "$T/got.err2"
  done
done
