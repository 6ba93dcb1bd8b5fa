# --mpi: `mpirun -n R clusterproc --mpi ...` writes the bytes and exits with the
# code of a plain run, for any R (docs/scale-out.md). Without MPI in the binary
# the case is skipped, or FAILS when CLUSTERPROC_REQUIRE_MPI=1 (tools/dev test).

mpi_unavailable() {
  if [ "${CLUSTERPROC_REQUIRE_MPI:-0}" = 1 ]; then
    fail "MPI: $1, but CLUSTERPROC_REQUIRE_MPI=1 (build with -DCLUSTERPROC_MPI=ON, install openmpi-bin)"
  else
    echo "skip MPI cases: $1"
  fi
}

# Runs mpirun as the tests need it here: root allowed, more ranks than cores,
# no binding (the ranks' workers may use every core), and -q: no OpenMPI
# banner for a rank's non-zero exit (3 for bad records is routine).
# A run that hangs (OpenMPI stuck on a network interface, say) is stopped
# after 5 minutes (exit 124) instead of holding up the suite.
mpi() {
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    timeout -k 10 300 mpirun -q --oversubscribe --bind-to none "$@"
}

# mpi_same NAME R ARGS...: mpirun -n R --mpi ARGS and a plain run of ARGS give the
# same stdout and exit code.
mpi_same() {
  local name=$1 r=$2
  shift 2
  "$BIN" -j2 "$@" > "$T/mpi-plain.out" 2> "$T/mpi-plain.err"
  local want=$?
  mpi -n "$r" "$BIN" --mpi -j1 "$@" > "$T/mpi.out" 2> "$T/mpi.err"
  local got=$?
  expect_eq "$name (R=$r): exit code" "$want" "$got"
  expect_same_file "$name (R=$r): stdout" "$T/mpi-plain.out" "$T/mpi.out"
}

mpi_cases() {
  "$GEN" --lines 3000 --seed 81 --bad-every 700 > "$T/m1.jsonl"
  "$GEN" --lines 2500 --seed 82 --bad-every 900 --blank-every 97 > "$T/m2.jsonl"
  "$GEN" --lines 4000 --seed 83 --bad-every 1500 --crlf > "$T/m3.jsonl"
  "$GEN" --lines 3000 --seed 84 > "$T/mclean.jsonl"
  printf '{"a":1}\n{"a":2}\n' > "$T/tiny.jsonl"
  local files=("$T/m1.jsonl" "$T/m2.jsonl" "$T/m3.jsonl")
  local agg='count, count(user.id), sum(bytes), avg(latency_ms), min(ts), max(latency_ms), stddev(latency_ms), count_distinct(path), approx_distinct(user.id), median(latency_ms), quantile_exact(bytes, 0.9), top(method, 2), first(ts), last(path)'

  local r
  for r in 1 2 3 5; do
    mpi_same "--mpi group-by, aggregates, bad records" $r --group-by 'status, method' --agg "$agg" "${files[@]}"
    mpi_same "--mpi summary" $r "${files[@]}"
    mpi_same "--mpi --count --where" $r --count --where 'status >= 400 and bytes > 1000' "${files[@]}"
  done
  expect_eq "--mpi: the group-by run reported bad records (exit 3)" 3 "$(
    mpi -n 3 "$BIN" --mpi --count "${files[@]}" > /dev/null 2>&1; echo $?)"
  for r in 1 5; do
    mpi_same "--mpi, more ranks than lines" $r --group-by a --agg 'count, sum(a), first(a), last(a)' "$T/tiny.jsonl"
    mpi_same "--mpi summary, more ranks than lines" $r "$T/tiny.jsonl"
  done
  mpi_same "--mpi --sort --limit -f csv" 3 --group-by host --agg 'count as n, sum(bytes) as b' --sort 'n desc, host' --limit 4 -f csv "${files[@]}"

  # A clean run prints nothing on stderr: no OpenMPI fork warning, no stray line.
  mpi -n 3 "$BIN" --mpi --group-by host --agg count "$T/mclean.jsonl" > "$T/mpi.out" 2> "$T/mpi.err"
  expect_eq "--mpi clean run: exit 0" 0 "$?"
  expect_eq "--mpi clean run: nothing on stderr" "" "$(cat "$T/mpi.err")"

  # Bad records are reported by the rank that saw them, with the file and line
  # of a plain run (fewer than ten: all of them shown in full).
  "$BIN" --count "${files[@]}" 2>&1 > /dev/null | grep -E '^/.*:[0-9]+: ' | sort > "$T/bad-plain"
  mpi -n 3 "$BIN" --mpi --count "${files[@]}" 2>&1 > /dev/null | grep -E '^/.*:[0-9]+: ' | sort > "$T/bad-mpi"
  expect_eq "--mpi: plain run has bad records to compare" 1 "$([ -s "$T/bad-plain" ] && echo 1)"
  expect_same_file "--mpi: bad-record messages (file, line, reason)" "$T/bad-plain" "$T/bad-mpi"
  "$BIN" --count --bad-records "$T/bad-plain.jsonl" "${files[@]}" > /dev/null 2>&1
  mpi -n 3 "$BIN" --mpi --count --bad-records "$T/bad-mpi.jsonl" "${files[@]}" > /dev/null 2>&1
  expect_same_file "--mpi --bad-records: the plain run's file" "$T/bad-plain.jsonl" "$T/bad-mpi.jsonl"

  # -o FILE: written by rank 0, atomically; no temporary left.
  "$BIN" --group-by host --agg "$agg" -o "$T/o-plain.json" "${files[@]}" 2> /dev/null
  mpi -n 3 "$BIN" --mpi --group-by host --agg "$agg" -o "$T/o-mpi.json" "${files[@]}" > "$T/mpi.out" 2> /dev/null
  expect_eq "--mpi -o: exit 3 (bad records)" 3 "$?"
  expect_same_file "--mpi -o FILE: the plain run's file" "$T/o-plain.json" "$T/o-mpi.json"
  expect_eq "--mpi -o: nothing on stdout" "" "$(cat "$T/mpi.out")"
  expect_eq "--mpi -o: no temporary file" 0 "$(ls -A "$T" | grep -c clusterproc-tmp)"
  # -o into a named pipe: the check that rank 0 can write its outputs must
  # not open the pipe (its reader would take that for the whole output).
  rm -f "$T/mpi.fifo" && mkfifo "$T/mpi.fifo"
  cat "$T/mpi.fifo" > "$T/from-fifo.json" &
  reader=$!
  mpi -n 2 "$BIN" --mpi --group-by host --agg "$agg" -o "$T/mpi.fifo" "${files[@]}" 2> /dev/null
  expect_eq "--mpi -o FIFO: exit 3 (bad records)" 3 "$?"
  reap "--mpi -o FIFO" $reader 20
  "$BIN" --group-by host --agg "$agg" "${files[@]}" > "$T/o-plain.jsonl" 2> /dev/null
  expect_same_file "--mpi -o FIFO: the plain run's result through the pipe" "$T/o-plain.jsonl" "$T/from-fifo.json"

  # --partial: rank 0 writes the merged partial; merged, it is the plain result.
  mpi -n 3 "$BIN" --mpi --group-by host --agg "$agg" --partial "$T/mpi.partial" "${files[@]}" 2> /dev/null
  expect_eq "--mpi --partial: exit 3 (bad records)" 3 "$?"
  "$BIN" merge "$T/mpi.partial" > "$T/mpi.out" 2> /dev/null
  "$BIN" --group-by host --agg "$agg" "${files[@]}" > "$T/mpi-plain.out" 2> /dev/null
  expect_same_file "--mpi --partial, then merge: the plain result" "$T/mpi-plain.out" "$T/mpi.out"
  # --partial - : binary on rank 0's standard output, which is mpirun's
  # pseudo-terminal; it must come through unchanged.
  mpi -n 3 "$BIN" --mpi --group-by host --agg "$agg" --partial - "${files[@]}" 2> /dev/null |
    "$BIN" merge - > "$T/mpi.out" 2> /dev/null
  expect_same_file "--mpi --partial - | merge -: the plain result" "$T/mpi-plain.out" "$T/mpi.out"

  # --checkpoint: each rank keeps DIR/rank-R-of-N; after an interruption
  # (every rank stops after 3 chunks: a test hook), the same command resumes
  # and gives the plain result; the folder is gone afterwards.
  rm -rf "$T/ck"
  CLUSTERPROC_TEST_SIGINT_AFTER_CHUNKS=3 mpi -n 3 "$BIN" --mpi --chunk-size 4K --group-by host \
    --agg "$agg" --checkpoint "$T/ck" -o "$T/ck.json" "${files[@]}" > /dev/null 2>&1
  expect_eq "--mpi --checkpoint, interrupted: exit 130" 130 "$?"
  # The first rank to stop makes mpirun end the others: a rank stopped
  # before its first save has no checkpoint (and starts over), so only
  # "at least one" is certain.
  saved=$(ls "$T"/ck/rank-[0-2]-of-3/checkpoint 2> /dev/null | wc -l)
  [ "$saved" -ge 1 ] && ok "--mpi --checkpoint, interrupted: $saved rank checkpoint(s) saved" ||
    fail "--mpi --checkpoint, interrupted: no rank checkpoint in $T/ck: $(ls "$T/ck" 2>&1)"
  mpi -n 3 "$BIN" --mpi --chunk-size 4K --group-by host --agg "$agg" --checkpoint "$T/ck" \
    -o "$T/ck.json" "${files[@]}" > /dev/null 2> "$T/mpi.err"
  expect_eq "--mpi --checkpoint, resumed: exit 3 (bad records)" 3 "$?"
  expect_eq "--mpi --checkpoint, resumed: every rank with a checkpoint resumed" "$saved" \
    "$(grep -c 'resuming from' "$T/mpi.err")"
  "$BIN" --group-by host --agg "$agg" -f json "${files[@]}" > "$T/mpi-plain.out" 2> /dev/null
  expect_same_file "--mpi --checkpoint, resumed: the plain result" "$T/mpi-plain.out" "$T/ck.json"
  expect_eq "--mpi --checkpoint: the folder is removed after success" 0 "$(ls -d "$T/ck" 2> /dev/null | wc -l)"

  # The gather path for partials beyond 2 GiB (point-to-point pieces), forced
  # with tiny pieces.
  "$BIN" --group-by path --agg "$agg" "${files[@]}" > "$T/mpi-plain.out" 2> /dev/null
  CLUSTERPROC_TEST_MPI_PIECE=100 mpi -n 3 "$BIN" --mpi --group-by path --agg "$agg" "${files[@]}" > "$T/mpi.out" 2> /dev/null
  expect_same_file "--mpi: gather in 100-byte pieces" "$T/mpi-plain.out" "$T/mpi.out"

  # A worker of a rank that crashes (SIGSEGV, sent from outside while the
  # rank runs) is handled as in a plain run: no OpenMPI back trace, the same
  # result and exit code.
  "$GEN" --lines 400000 --seed 12 > "$T/mbig.jsonl"  # a run long enough to find a worker
  "$BIN" -j2 --count "$T/mbig.jsonl" > "$T/mpi-plain.out" 2> /dev/null
  local want=$? victim= run got
  mpi -n 2 "$BIN" --mpi -j1 --chunk-size 4K --count "$T/mbig.jsonl" > "$T/mpi.out" 2> "$T/mpi.err" &
  run=$!
  for _ in $(seq 1 100); do
    # A rank's workers are its children (the same command line).
    victim=$(pgrep -f -- "^$BIN --mpi" | while read -r p; do pgrep -P "$p"; done | head -1)
    [ -n "$victim" ] && break
    sleep 0.05
  done
  [ -n "$victim" ] && kill -SEGV "$victim"
  wait "$run"
  got=$?
  grep -q "worker 0 (pid $victim) died (signal 11 (Segmentation fault))" "$T/mpi.err" &&
    ok "--mpi, a worker crashes: its rank saw it die and ran its chunk again" ||
    fail "--mpi, a worker crashes: no death seen for pid '$victim': $(head -3 "$T/mpi.err")"
  expect_eq "--mpi, a worker crashes: exit code of a plain run" "$want" "$got"
  expect_same_file "--mpi, a worker crashes: stdout of a plain run" "$T/mpi-plain.out" "$T/mpi.out"
  expect_eq "--mpi, a worker crashes: no OpenMPI back trace" 0 \
    "$(grep -c -i -E 'backtrace|process received signal|\*\*\*' "$T/mpi.err")"

  # An input error on one rank: a file missing on one node (each rank runs in
  # its own folder). That rank names itself and the file; all exit 2.
  mkdir -p "$T/node0" "$T/node1" "$T/node2"
  cp "$T/m1.jsonl" "$T/node0/in.jsonl"
  cp "$T/m1.jsonl" "$T/node2/in.jsonl"
  cat > "$T/on-node.sh" <<EOF
#!/bin/sh
cd "$T/node\$OMPI_COMM_WORLD_RANK" && exec "$BIN" "\$@"
EOF
  chmod +x "$T/on-node.sh"
  mpi -n 3 "$T/on-node.sh" --mpi --count in.jsonl > "$T/mpi.out" 2> "$T/mpi.err"
  expect_eq "--mpi, a file missing on one rank: exit 2" 2 "$?"
  expect_eq "--mpi, a file missing on one rank: no output" "" "$(cat "$T/mpi.out")"
  expect_eq "--mpi, a file missing on one rank: one message" 1 "$(grep -c '^clusterproc: ' "$T/mpi.err")"
  expect_eq "--mpi, a file missing on one rank: it names rank and file" 1 \
    "$(grep -c '^clusterproc: rank 1 of 3 (.*): .*in.jsonl' "$T/mpi.err")"
  # The same file with another size on one node: the shards would not fit.
  head -c 1000 "$T/m1.jsonl" > "$T/node1/in.jsonl"
  mpi -n 3 "$T/on-node.sh" --mpi --count in.jsonl > "$T/mpi.out" 2> "$T/mpi.err"
  expect_eq "--mpi, a file of another size on one rank: exit 2" 2 "$?"
  expect_eq "--mpi, a file of another size on one rank: says so" 1 \
    "$(grep -c '^clusterproc: rank 1 of 3 (.*): in.jsonl: 1000 bytes here, [0-9]* bytes on rank 0' "$T/mpi.err")"

  # --max-errors counts the bad records of all ranks: a plain run stops with
  # exit 3 and no output, and so does the MPI run, for a limit that only the
  # whole run exceeds.
  "$BIN" --count --max-errors 5 "${files[@]}" > "$T/mpi-plain.out" 2> /dev/null
  expect_eq "--max-errors 5, plain: exit 3" 3 "$?"
  mpi -n 3 "$BIN" --mpi --count --max-errors 5 "${files[@]}" > "$T/mpi.out" 2> "$T/mpi.err"
  expect_eq "--mpi --max-errors 5: exit 3" 3 "$?"
  expect_eq "--mpi --max-errors 5: no output" "" "$(cat "$T/mpi.out")"
  expect_eq "--mpi --max-errors 5: rank 0 says why" 1 \
    "$(grep -c '^clusterproc: rank 0 of 3 (.*): stopped: the ranks saw [0-9]* bad records (--max-errors 5)' "$T/mpi.err")"

  # What --mpi refuses, as usage errors.
  mpi -n 2 "$BIN" --mpi --where 'status >= 500' "${files[@]}" > /dev/null 2> "$T/mpi.err"
  expect_eq "--mpi --where (streaming): usage error" 1 "$?"
  expect_eq "--mpi --where: says what to do" 1 "$(grep -c -m1 'shard K/N' "$T/mpi.err")"
  "$BIN" --mpi --count < "$T/m1.jsonl" > /dev/null 2> "$T/mpi.err"
  expect_eq "--mpi on standard input: usage error" 1 "$?"
  gzip -c "$T/m1.jsonl" > "$T/m1.jsonl.gz"
  mpi -n 2 "$BIN" --mpi --count "$T/m1.jsonl.gz" > /dev/null 2> "$T/mpi.err"
  expect_eq "--mpi on a gzip file: usage error" 1 "$?"
  expect_eq "--mpi on a gzip file: one message, not one per rank" 1 "$(grep -c '^clusterproc: ' "$T/mpi.err")"
  mpi -n 2 "$BIN" --mpi --count -o "$T/no-such-dir/out.json" "${files[@]}" > /dev/null 2> "$T/mpi.err"
  expect_eq "--mpi -o into a missing folder: exit 2" 2 "$?"
  expect_eq "--mpi -o into a missing folder: said before any bad record is read" 0 \
    "$(grep -c 'invalid JSON' "$T/mpi.err")"

  # SIGTERM / SIGINT to mpirun: it sends SIGTERM to every rank (and to the
  # wrapper, which ignores it to record the rank's code); a rank stops its
  # workers and exits 143; no segment, process or temporary file is left. The
  # signal goes as soon as the ranks' workers run; the job (tiny chunks, -j1)
  # takes seconds after that.
  "$GEN" --lines 150000 --seed 85 > "$T/mslow.jsonl"
  cat > "$T/rank.sh" <<EOF
#!/bin/sh
trap '' INT TERM
"$BIN" --mpi -j1 --chunk-size 256 --group-by host --agg 'count, quantile_exact(bytes, 0.5)' -o "$T/sig.json" "$T/mslow.jsonl" 2> /dev/null
echo \$? > "$T/rc.\$OMPI_COMM_WORLD_RANK"
EOF
  chmod +x "$T/rank.sh"
  local sig pid codes
  for sig in TERM INT; do
    rm -f "$T"/rc.* "$T/sig.json"
    wait_until '[ "$(procs)" -eq 0 ]'  # the processes of earlier runs have left
    # not through mpi(): $! must be mpirun's pid, not a subshell's
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
      mpirun -q --oversubscribe --bind-to none -n 2 "$T/rank.sh" > /dev/null 2>&1 &
    pid=$!
    wait_until '[ "$(procs)" -ge 4 ]'  # two ranks and their workers
    kill -$sig $pid
    wait $pid
    # mpirun SIGKILLs what is left of a rank's process group a second after
    # its SIGTERM, which may take the wrapper before it records the code.
    codes=$(cat "$T"/rc.* 2> /dev/null | sort -u | tr '\n' ' ')
    expect_eq "--mpi and SIG$sig to mpirun: the ranks exit 143" "143 " "$codes"
    expect_eq "--mpi and SIG$sig: no result file" 0 "$(ls "$T"/sig.json 2> /dev/null | wc -l)"
    expect_eq "--mpi and SIG$sig: no temporary file" 0 "$(ls -A "$T" | grep -c 'clusterproc-tmp')"
    expect_clean "--mpi and SIG$sig" 0
  done
}

if ! "$BIN" --version | grep -q '^MPI: built in'; then
  mpi_unavailable "$BIN was built without MPI"
  "$BIN" --mpi --count "$ROOT/data/sample.jsonl" > /dev/null 2> "$T/mpi.err"
  expect_eq "no MPI: --mpi is a usage error" 1 "$?"
  expect_eq "no MPI: the message says how to build it" 1 "$(grep -c 'CLUSTERPROC_MPI=ON' "$T/mpi.err")"
elif ! command -v mpirun > /dev/null; then
  mpi_unavailable "mpirun is not installed (apt-get install openmpi-bin)"
else
  mpi_cases
fi
