# Streams: standard input, gzip and zstd (single and multi-member/frame,
# files and pipes) give the same bytes as the plain file for any -j and chunk
# size; live pipes hand records on before the writer is done.
S="$T/streams"
mkdir -p "$S"
"$GEN" --size 1M --seed 91 > "$S/in.jsonl"
# A bad record, a blank line and a last line without newline: line numbers
# and reasons must survive every path.
printf '{"host":"x","status":503,"bytes":1}\n{bad\n\n{"host":"y","status":500}' >> "$S/in.jsonl"
gzip -c "$S/in.jsonl" > "$S/one.gz"
zstd -q -c "$S/in.jsonl" > "$S/one.zst"
# Three independent pieces each: concatenated gzip members, zstd frames.
split -n l/3 "$S/in.jsonl" "$S/part."
for p in "$S"/part.*; do gzip -c "$p"; done > "$S/multi.gz"
for p in "$S"/part.*; do zstd -q -c "$p"; done > "$S/multi.zst"
igzip -c < "$S/in.jsonl" > "$S/igzip.gz"
[ "$(ls "$S"/part.* | wc -l)" -eq 3 ] && ok "streams: three pieces made" || fail "streams: split failed"

# The reference: the plain file, -j1, default chunks. File names are blanked
# in stderr ("(stdin)" vs a path).
stream_run() {  # OUT ARGS...: stdout to OUT, stderr to OUT.err, exit code to OUT.rc
  local out=$1
  shift
  "$BIN" "$@" > "$out" 2> "$out.err"
  echo $? > "$out.rc"
  sed -i -e 's#[^ :]*\(in\.jsonl\|one\.gz\|one\.zst\|multi\.gz\|multi\.zst\|igzip\.gz\|(stdin)\)#FILE#g' "$out.err"
}
stream_jobs=("--where|status >= 500" "--group-by|host" "--count|")
for jobspec in "${stream_jobs[@]}"; do
  opt=${jobspec%%|*}
  arg=${jobspec#*|}
  args=("$opt")
  [ -n "$arg" ] && args+=("$arg")
  [ "$opt" = "--group-by" ] && args+=(--agg 'count, sum(bytes), max(status)')
  stream_run "$S/want" -j1 "${args[@]}" "$S/in.jsonl"
  bad=0
  for j in 1 2 4; do
    for cs in 4K 64K auto; do
      csarg=()
      [ "$cs" != auto ] && csarg=(--chunk-size "$cs")
      for src in in.jsonl one.gz one.zst multi.gz multi.zst igzip.gz; do
        stream_run "$S/got" -j$j "${csarg[@]}" "${args[@]}" "$S/$src"
        if ! cmp -s "$S/want" "$S/got" || ! cmp -s "$S/want.err" "$S/got.err" || ! cmp -s "$S/want.rc" "$S/got.rc"; then
          fail "streams $opt: file $src -j$j chunk $cs differs from the plain file"
          bad=1
        fi
        stream_run "$S/got" -j$j "${csarg[@]}" "${args[@]}" < "$S/$src"
        [ $j -eq 2 ] && cat "$S/$src" | "$BIN" -j$j "${csarg[@]}" "${args[@]}" > "$S/got" 2> /dev/null
        if ! cmp -s "$S/want" "$S/got" || ! cmp -s "$S/want.err" "$S/got.err" || ! cmp -s "$S/want.rc" "$S/got.rc"; then
          fail "streams $opt: stdin $src -j$j chunk $cs differs from the plain file"
          bad=1
        fi
      done
    done
  done
  [ $bad -eq 0 ] && ok "streams $opt: stdin == file == .gz == .zst == multi-member .gz == multi-frame .zst (-j1/2/4, 4K/64K/auto)"
done
expect_eq "streams: the reference found the bad record" 3 "$(cat "$S/want.rc")"
grep -q "^FILE:[0-9]*: invalid JSON" "$S/want.err" && ok "streams: bad record reported" || fail "streams: $(head -2 "$S/want.err")"

# Live pipes. The writer sleeps 4 s after its first record; the record must be
# out well before (bound 3 s; the default --flush-after is 100 ms). The second
# record must not be there yet: the writer still held the pipe.
stream_wait() {  # FILE TEXT: waits up to 3 s for TEXT in FILE
  for _ in $(seq 30); do
    grep -q "$2" "$1" 2> /dev/null && return 0
    sleep 0.1
  done
  return 1
}
stream_live() {  # NAME WANT-EARLY WANT-END WRITER-CMD -- CLUSTERPROC-ARGS...
  local name=$1 early=$2 end=$3 writer=$4
  shift 5
  rm -f "$S/live.out"
  bash -c "$writer" | "$BIN" "$@" > "$S/live.out" 2> "$S/live.err" &
  local pid=$!
  if stream_wait "$S/live.out" "$early" && ! grep -q "$end" "$S/live.out"; then
    ok "live $name: first record out while the writer still holds the pipe"
  else
    fail "live $name: first record not out in time [$(head -c 200 "$S/live.out")]"
  fi
  wait $pid
  grep -q "$end" "$S/live.out" && ok "live $name: the rest follows at the end" ||
    fail "live $name: [$(head -c 200 "$S/live.out")] $(cat "$S/live.err")"
}
stream_live "--where" '"rec":1' '"rec":2' \
  "printf '{\"rec\":1}\n'; sleep 4; printf '{\"rec\":2}\n'" -- --where true
stream_live "--select" '"r":1' '"r":2' \
  "printf '{\"rec\":1}\n'; sleep 4; printf '{\"rec\":2}\n'" -- --select 'rec as r'
stream_live "--exec" 'X{"rec":1}' 'X{"rec":2}' \
  "printf '{\"rec\":1}\n'; sleep 4; printf '{\"rec\":2}\n'" -- --exec "sed 's/^/X/'"
stream_live "--flush-after 0 -j1" '"rec":1' '"rec":2' \
  "printf '{\"rec\":1}\n'; sleep 4; printf '{\"rec\":2}\n'" -- -j1 --flush-after 0 --where true
# A partial last line stays in the master until its newline arrives.
stream_live "partial line" '"a":1' '"a":2' \
  "printf '{\"a\":1}\n{\"a\":'; sleep 4; printf '2}\n'" -- --where true
[ ! -s "$S/live.err" ] && ok "live partial line: no bad record" || fail "live partial line: $(cat "$S/live.err")"
# gzip written with a sync flush after the first record (zlib's Z_SYNC_FLUSH,
# as a log shipper that flushes does): decoded as soon as it arrives.
cat > "$S/livegz.py" << 'EOF'
import sys, time, zlib
c = zlib.compressobj(6, zlib.DEFLATED, 31)
out = sys.stdout.buffer
out.write(c.compress(b'{"rec":1}\n') + c.flush(zlib.Z_SYNC_FLUSH))
out.flush()
time.sleep(4)
out.write(c.compress(b'{"rec":2}\n') + c.flush())
out.flush()
EOF
stream_live "gzip with sync flush" '"rec":1' '"rec":2' "python3 '$S/livegz.py'" -- --where true
# Aggregates print once, at the end.
(printf '{"a":1}\n'; sleep 2; printf '{"a":2}\n') | "$BIN" --count > "$S/live.out" &
sleep 1
[ ! -s "$S/live.out" ] && ok "live --count: nothing before the end" || fail "live --count: printed early"
wait
expect_eq "live --count: the count at the end" '{"count":2}' "$(cat "$S/live.out")"

# --flush-after values
expect_eq "--flush-after 250ms" '{"count":1}' "$(echo '{}' | "$BIN" --flush-after 250ms --count)"
expect_eq "--flush-after 2s" '{"count":1}' "$(echo '{}' | "$BIN" --flush-after 2s --count)"
for badv in -1 5 ms 2x; do
  echo '{}' | "$BIN" --flush-after "$badv" --count > /dev/null 2> "$S/e"
  expect_eq "--flush-after $badv: usage error" 1 "$?"
done
grep -q "flush-after: " "$S/e" && ok "--flush-after: message names the option" || fail "--flush-after message: $(cat "$S/e")"
