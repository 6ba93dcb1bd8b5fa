# docs/scale-out.md: every recipe marked "<!-- recipe: NAME -->" runs here exactly
# as written (Slurm, Hadoop and remote hosts simulated on this machine) and gives
# the result of one plain run over the same files.

# recipe NAME: the code block that follows "<!-- recipe: NAME -->" in the doc.
recipe() {
  awk -v mark="<!-- recipe: $1 -->" '
    $0 == mark { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$ROOT/docs/scale-out.md"
}

recipes_mpi_unavailable() {
  if [ "${CLUSTERPROC_REQUIRE_MPI:-0}" = 1 ]; then
    fail "recipes: $1, but CLUSTERPROC_REQUIRE_MPI=1"
  else
    echo "skip MPI recipes: $1"
  fi
}

recipe_cases() {
  local dir="$T/recipes" name
  mkdir -p "$dir/logs" "$dir/bin"
  ln -sf "$BIN" "$dir/bin/clusterproc"
  "$GEN" --lines 3000 --seed 91 --bad-every 800 > "$dir/logs/a.jsonl"
  "$GEN" --lines 2000 --seed 92 > "$dir/logs/b.jsonl"
  "$GEN" --lines 2500 --seed 93 --bad-every 1100 > "$dir/logs/c.jsonl"
  for name in mpirun sbatch-mpi array-task array-merge hadoop-mapper hadoop-reducer parallel; do
    recipe "$name" > "$dir/$name.sh"
    expect_eq "recipe $name: found in docs/scale-out.md" 1 "$([ -s "$dir/$name.sh" ] && echo 1)"
  done
  # plain AGG [OPTION...]: the reference, one plain run over logs/*.jsonl
  # (-f json for hosts.json: -o picks the format from the extension).
  plain() { (cd "$dir" && "$BIN" --group-by host --agg "$1" "${@:2}" logs/*.jsonl 2> /dev/null); }
  local path="$dir/bin:$PATH"

  # --- MPI: mpirun as written (one machine: one rank), and the sbatch script
  # with srun standing for mpirun -n 3.
  if ! "$BIN" --version | grep -q '^MPI: built in'; then
    recipes_mpi_unavailable "$BIN was built without MPI"
  elif ! command -v mpirun > /dev/null; then
    recipes_mpi_unavailable "mpirun is not installed"
  else
    rm -f "$dir/hosts.json"
    (cd "$dir" && PATH=$path OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
      bash mpirun.sh 2> /dev/null)
    expect_eq "recipe mpirun: exit 3 (bad records seen)" 3 "$?"
    plain 'count, sum(bytes), quantile(latency_ms, 0.99) as p99' -f json > "$T/rec-want"
    expect_same_file "recipe mpirun: hosts.json of a plain run" "$T/rec-want" "$dir/hosts.json"

    mkdir -p "$dir/fakeslurm"
    # srun [--mpi=TYPE] PROGRAM...: the ranks, by mpirun
    cat > "$dir/fakeslurm/srun" <<'EOF'
#!/bin/sh
case "$1" in --mpi=*) shift ;; esac
exec mpirun -q --oversubscribe --bind-to none -n 3 "$@"
EOF
    chmod +x "$dir/fakeslurm/srun"
    rm -f "$dir/hosts.json"
    (cd "$dir" && PATH=$dir/fakeslurm:$path OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
      bash sbatch-mpi.sh 2> /dev/null)
    expect_eq "recipe sbatch-mpi: exit 3 (bad records seen)" 3 "$?"
    plain 'count, sum(bytes)' -f json > "$T/rec-want"
    expect_same_file "recipe sbatch-mpi: hosts.json of a plain run" "$T/rec-want" "$dir/hosts.json"
  fi

  # --- Slurm job array: four tasks, then the merge job.
  rm -rf "$dir/parts" "$dir/hosts.json"
  local k rc=0
  for k in 0 1 2 3; do
    (cd "$dir" && PATH=$path SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=4 bash array-task.sh 2> /dev/null) ||
      rc=$?
  done
  expect_eq "recipe array-task: every task succeeds (bad records are not failures)" 0 "$rc"
  expect_eq "recipe array-task: four partials" 4 "$(ls "$dir/parts" | wc -l)"
  (cd "$dir" && PATH=$path bash array-merge.sh 2> /dev/null)
  expect_eq "recipe array-merge: exit 0" 0 "$?"
  plain 'count, sum(bytes), first(ts)' -f json > "$T/rec-want"
  expect_same_file "recipe Slurm array: hosts.json of a plain run" "$T/rec-want" "$dir/hosts.json"

  # --- Hadoop Streaming: three splits through the mapper, the shuffle's sort,
  # one reducer.
  (cd "$dir" && cat logs/*.jsonl > all.jsonl && split -n l/3 all.jsonl split.)
  rm -f "$dir/mapped"
  rc=0
  for k in "$dir"/split.*; do
    (cd "$dir" && PATH=$path bash hadoop-mapper.sh < "$k" >> mapped 2> /dev/null) || rc=$?
  done
  expect_eq "recipe hadoop-mapper: every map task succeeds" 0 "$rc"
  expect_eq "recipe hadoop-mapper: one line per split" 3 "$(wc -l < "$dir/mapped")"
  (cd "$dir" && sort mapped | PATH=$path bash hadoop-reducer.sh > hadoop.out 2> /dev/null)
  expect_eq "recipe hadoop-reducer: exit 0" 0 "$?"
  plain 'count, sum(bytes), avg(latency_ms)' > "$T/rec-want"
  expect_same_file "recipe Hadoop Streaming: the result of a plain run" "$T/rec-want" "$dir/hadoop.out"

  # --- GNU parallel with --sshlogin : (this machine).
  if ! command -v parallel > /dev/null; then
    fail "recipe parallel: GNU parallel is not installed (apt-get install parallel)"
  else
    rm -f "$dir/hosts.json" "$dir/hosts.partials"
    (cd "$dir" && PATH=$path HOSTS=: bash parallel.sh < /dev/null 2> /dev/null)
    expect_eq "recipe parallel: exit 3 (the merge: bad records in the partials)" 3 "$?"
    plain 'count, sum(bytes), last(ts)' -f json > "$T/rec-want"
    expect_same_file "recipe GNU parallel: hosts.json of a plain run" "$T/rec-want" "$dir/hosts.json"
  fi
  expect_eq "recipes: no clusterproc process left" 0 "$(pgrep -f "^$dir/bin/clusterproc( |\$)" | wc -l)"
}

recipe_cases
