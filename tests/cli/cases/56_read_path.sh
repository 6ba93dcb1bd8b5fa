# The read path of regular files: workers pread their chunks into a padded
# buffer (CLUSTERPROC_READ_PATH=mmap: through the mapping, the old path).
# Both give the same bytes for every job, -j and chunk size, including
# records longer than a chunk, bad records with their raw text, the last
# record of a file without a final newline, and chunks beyond the buffer's
# bound (64 MiB: read through the mapping).
R="$T/readpath"
mkdir -p "$R"
"$GEN" --lines 4000 --seed 31 --bad-every 29 --blank-every 47 > "$R/a.jsonl"
long=$(head -c 200000 /dev/zero | tr '\0' y)
{ head -n 100 "$R/a.jsonl"; printf '{"long":"%s","host":"h"}\n' "$long"; printf '{"bad":"%s"\n' "$long";
  tail -n 50 "$R/a.jsonl"; printf '{"last":1}'; } > "$R/b.jsonl"   # no final newline
printf '{"x":1}\n\n{"x":2}\r\n[1,2]\n' > "$R/c.jsonl"
rp_jobs=(
  "--count"
  "--where 'status >= 500'"
  "--group-by host --agg 'count, sum(bytes)'"
  "--select 'host, .user.name'"
  "--exec 'wc -c'"
  ""
)
rp_failures=0
for job in "${rp_jobs[@]}"; do
  for files in "$R/a.jsonl" "$R/b.jsonl" "$R/c.jsonl $R/b.jsonl $R/a.jsonl"; do
    eval "CLUSTERPROC_READ_PATH=mmap \"\$BIN\" -j2 $job --bad-records \"\$R/ref.bad\" $files" > "$R/ref.out" 2> "$R/ref.err"
    ref_rc=$?
    for j in 1 3; do
      for cs in 4K 64K 0; do
        csopt="--chunk-size $cs"
        [ "$cs" = 0 ] && csopt=""
        eval "\"\$BIN\" -j$j $csopt $job --bad-records \"\$R/got.bad\" $files" > "$R/got.out" 2> "$R/got.err"
        rc=$?
        if [ "$job" = "--exec 'wc -c'" ]; then
          # wc -c prints one count per chunk: compare the sum
          a=$(awk '{s+=$1} END {print s}' "$R/ref.out"); b=$(awk '{s+=$1} END {print s}' "$R/got.out")
        else
          a=$(cksum < "$R/ref.out"); b=$(cksum < "$R/got.out")
        fi
        if [ "$a" != "$b" ] || [ "$rc" != "$ref_rc" ] || ! cmp -s "$R/ref.err" "$R/got.err" ||
           ! cmp -s "$R/ref.bad" "$R/got.bad"; then
          fail "read path: [$job] on [$files] -j$j chunk $cs differs from the mapped path (exit $rc vs $ref_rc)"
          rp_failures=$((rp_failures + 1))
        fi
      done
    done
  done
done
[ "$rp_failures" -eq 0 ] && ok "read path: pread and mmap give the same bytes for ${#rp_jobs[@]} jobs x 3 inputs x -j1/-j3 x 3 chunk sizes"
expect_eq "read path: the bad record's raw text is the line" "$(printf '{"bad":"%s"' "$long" | wc -c)" \
  "$("$BIN" --count --bad-records "$R/x.bad" "$R/b.jsonl" > /dev/null 2>&1; grep '"line":102' "$R/x.bad" | python3 -c 'import json,sys; print(len(json.loads(sys.stdin.readline())["raw"]))')"

# A chunk larger than the buffer's bound goes through the mapping; same answer.
"$GEN" --size 70M --seed 32 > "$R/big.jsonl"
expect_eq "read path: a 70 MiB chunk (through the mapping) counts like 64K chunks" \
  "$("$BIN" -j2 --count --chunk-size 64K "$R/big.jsonl")" "$("$BIN" -j1 --count --chunk-size 1G "$R/big.jsonl")"
expect_eq "read path: --exec cat over pread chunks gives the input back" "$(cksum < "$R/big.jsonl")" \
  "$("$BIN" -j2 --exec cat "$R/big.jsonl" | cksum)"
rm -rf "$R"
