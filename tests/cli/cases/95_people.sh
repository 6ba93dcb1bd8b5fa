# The interface for people: help, unknown options, man page, completions,
# --stats/--stats-json and the progress line (in a real terminal, with tmux).
SAMPLE="$ROOT/data/sample.jsonl"

# --help, --version, unknown options.
"$BIN" --help > "$T/help" 2> "$T/e"
expect_eq "--help: exit 0, nothing on stderr" "0:" "$?:$(cat "$T/e")"
for group in Arguments Input Job Output Engine Errors Monitoring Examples; do
  grep -q "^$group:" "$T/help" && ok "--help has the group $group" || fail "--help lacks the group $group"
done
for ex in "--where '" "--select '" "--group-by " "--sort 'p99 desc' --limit" "--exec '" "-f table" "--stats-json "; do
  sed -n '/^Examples:/,$p' "$T/help" | grep -q -- "$ex" && ok "--help example with $ex" || fail "--help: no example with $ex"
done
expect_eq "--version" "clusterproc 0.1.0" "$("$BIN" --version | head -1)"
expect_eq "--version says whether MPI is built in" 1 \
  "$("$BIN" --version | grep -c -E '^MPI: (built in \(.+\)|not built in)')"
"$BIN" --wher 'status == 200' "$SAMPLE" > "$T/o" 2> "$T/e"
expect_eq "unknown option: exit 1, nothing on stdout" "1:" "$?:$(cat "$T/o")"
expect_eq "unknown option: nearest one suggested" \
  "clusterproc: unknown option '--wher'; did you mean '--where'?" "$(cat "$T/e")"
expect_eq "unknown option with =: suggestion" \
  "clusterproc: unknown option '--stat'; did you mean '--stats'?" "$("$BIN" --stat=1 "$SAMPLE" 2>&1)"
expect_eq "transposed letters: suggestion" \
  "clusterproc: unknown option '--cuont'; did you mean '--count'?" "$("$BIN" --cuont "$SAMPLE" 2>&1)"
expect_eq "start of one option's name: suggestion" \
  "clusterproc: unknown option '--bad'; did you mean '--bad-records'?" "$("$BIN" --bad x "$SAMPLE" 2>&1)"
expect_eq "far from every option: no guess" \
  "clusterproc: unknown option '--frobnicate' (see clusterproc --help)" "$("$BIN" --frobnicate "$SAMPLE" 2>&1)"

# Every long option of --help is in the man page and both completions.
long_opts=$(sed -n 's/^  \(-[^ ]*\).*/\1/p' "$T/help" | tr ',' '\n' | grep '^--' | sort -u)
[ "$(wc -l <<< "$long_opts")" -ge 20 ] && ok "--help lists the options" || fail "--help options: $long_opts"
missing=""
for opt in $long_opts; do
  grep -q -- "$(sed 's/-/\\\\-/g' <<< "$opt")\\b" "$ROOT/docs/clusterproc.1" || missing+=" man:$opt"
  grep -q -- "$opt\\b" "$ROOT/completions/clusterproc.bash" || missing+=" bash:$opt"
  grep -q -- "$opt\\b" "$ROOT/completions/_clusterproc" || missing+=" zsh:$opt"
done
expect_eq "man page and completions cover every option" "" "$missing"

# The man page renders without warnings.
if command -v man > /dev/null; then
  warnings=$(MANWIDTH=80 man --warnings -l "$ROOT/docs/clusterproc.1" 2>&1 > "$T/man.txt")
  expect_eq "man -l docs/clusterproc.1: no warnings" "" "$warnings"
  grep -q "^EXIT STATUS" "$T/man.txt" && grep -q -- "--stats-json FILE" "$T/man.txt" &&
    ok "man page renders its sections" || fail "man page rendering: $(head -5 "$T/man.txt")"
else
  ok "man page: man is not installed, not checked"
fi

# bash completion: options, -f values, files.
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _clusterproc; echo "${COMPREPLY[*]}"' \
    _ "$ROOT/completions/clusterproc.bash" "$@"
}
expect_eq "bash: --wh completes to --where" "--where" "$(complete_bash clusterproc --wh)"
expect_eq "bash: --stat" "--stats --stats-json" "$(complete_bash clusterproc --stat)"
expect_eq "bash: -f values" "jsonl json csv tsv table" "$(complete_bash clusterproc -f '')"
expect_eq "bash: --format=t" "tsv table" "$(complete_bash clusterproc --format = t)"
expect_eq "bash: file names" "$ROOT/data/sample-bad.jsonl $ROOT/data/sample.jsonl" \
  "$(complete_bash clusterproc "$ROOT/data/sam" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "bash: nothing to offer for an expression" "" "$(complete_bash clusterproc --where '')"

# zsh completion, typed in a real zsh inside tmux.
if command -v zsh > /dev/null && command -v tmux > /dev/null; then
  zsock="$T/zsh.sock"
  tmux -S "$zsock" -f /dev/null new-session -d -x 100 -y 10 \
    "env -i HOME='$T' TERM=screen PATH='$PATH' zsh -f"
  tmux -S "$zsock" send-keys "fpath=('$ROOT/completions' \$fpath); autoload -Uz compinit; compinit -u -d '$T/zcompdump'; PS1='> '; clear" Enter
  # compinit can take seconds on a loaded machine: wait for the prompt
  # that follows it (up to 60 s) before typing.
  for _ in $(seq 1 300); do
    tmux -S "$zsock" capture-pane -p | grep -q '^>' && break
    sleep 0.2
  done
  zscreen=""
  for _ in $(seq 1 100); do
    sleep 0.1
    tmux -S "$zsock" send-keys C-u "clusterproc --wh" Tab
    sleep 0.1
    zscreen=$(tmux -S "$zsock" capture-pane -p)
    grep -q "clusterproc --where" <<< "$zscreen" && break
  done
  tmux -S "$zsock" kill-server 2> /dev/null
  grep -q "clusterproc --where" <<< "$zscreen" && ok "zsh: --wh completes to --where" ||
    fail "zsh completion: $zscreen"
else
  ok "zsh completion: zsh or tmux is not installed, not checked"
fi

# cmake --install puts the man page and the completions in place.
if [ -f "$(dirname "$BIN")/CMakeCache.txt" ]; then
  cmake --install "$(dirname "$BIN")" --prefix "$T/inst" > /dev/null 2>&1
  installed=""
  for f in bin/clusterproc share/man/man1/clusterproc.1 \
    share/bash-completion/completions/clusterproc share/zsh/site-functions/_clusterproc; do
    [ -f "$T/inst/$f" ] || installed+=" $f"
  done
  expect_eq "cmake --install: binary, man page, completions" "" "$installed"
fi

# --stats: a summary on stderr, stdout unchanged.
"$BIN" -j2 --count --stats "$SAMPLE" > "$T/o" 2> "$T/e"
expect_eq "--stats: exit 0, result on stdout" '0:{"count":2000}' "$?:$(cat "$T/o")"
grep -q "^  records in    2000$" "$T/e" && grep -q "^  records out   1$" "$T/e" &&
  grep -q "^  bytes         679433 (679 kB)$" "$T/e" && grep -q "^  workers       2$" "$T/e" &&
  ok "--stats: the figures" || fail "--stats: $(cat "$T/e")"

# --stats-json: one JSON object with the documented fields, also on failure.
stats_field() { jq -c ".$2" "$1"; }  # stats_field FILE NAME: the field as JSON
"$BIN" -j2 --where 'status >= 500' -o "$T/rows.jsonl" --stats-json "$T/run.json" "$SAMPLE"
expect_eq "--stats-json: exit 0" 0 "$?"
python3 - "$T/run.json" "$T/rows.jsonl" "$SAMPLE" << 'EOF' && ok "--stats-json: fields and types" || fail "--stats-json: $(cat "$T/run.json")"
import json, sys
s = json.load(open(sys.argv[1]))
types = {"version": int, "started_at": str, "seconds": (int, float), "exit_code": int, "complete": bool,
         "records_in": int, "records_out": int, "bad_records": int, "bytes": int,
         "mb_per_s": (int, float), "workers": int, "retries": int, "inputs": list, "output": str}
assert set(s) == set(types) | {"error"}, sorted(s)
for k, t in types.items():
    assert isinstance(s[k], t) and (t is bool or not isinstance(s[k], bool)), k
rows = sum(1 for _ in open(sys.argv[2]))
assert (s["exit_code"], s["error"], s["records_in"], s["records_out"], s["bad_records"]) == (0, None, 2000, rows, 0), s
assert s["bytes"] == 679433 and s["workers"] == 2 and s["inputs"] == [sys.argv[3]], s
assert s["output"] == sys.argv[2] and s["started_at"].endswith("Z"), s
EOF
"$BIN" --count --stats-json "$T/run.json" "$T/no-such.jsonl" > /dev/null 2>&1
expect_eq "--stats-json on an input error: exit 2 and message" \
  "2 2 \"cannot open input: $T/no-such.jsonl: No such file or directory\"" \
  "$? $(stats_field "$T/run.json" exit_code) $(stats_field "$T/run.json" error)"
"$BIN" --count --max-errors 0 --stats-json "$T/run.json" "$ROOT/data/sample-bad.jsonl" > /dev/null 2>&1
expect_eq "--stats-json after --max-errors: exit 3, not complete, message" \
  '3 false stopped after 1 bad records (--max-errors 0) 1' \
  "$(jq -r '[.exit_code, .complete, .error, .bad_records] | map(tostring) | join(" ")' "$T/run.json")"
"$BIN" --count --stats-json "$T/run.json" "$ROOT/data/sample-bad.jsonl" > /dev/null 2>&1
expect_eq "--stats-json with bad records: exit 3, complete, counts" '3 true 4 bad records 36' \
  "$(jq -r '[.exit_code, .complete, .error, .records_in] | map(tostring) | join(" ")' "$T/run.json")"
mkdir -p "$T/usage"
"$BIN" --where 'status = = 1' --stats-json "$T/usage/run.json" "$SAMPLE" > /dev/null 2>&1
expect_eq "usage error: exit 1, no --stats-json file, no temporary left" "1:" "$?:$(ls -A "$T/usage")"
"$BIN" --count --stats-json "$T/no-such-dir/run.json" "$SAMPLE" > "$T/o" 2> "$T/e"
expect_eq "unwritable --stats-json: exit 2 before the run" "2:" "$?:$(cat "$T/o")"
"$GEN" --size 8M --seed 9 > "$T/people-big.jsonl"
mkdir -p "$T/pipe"
"$BIN" -j2 --where true --stats-json "$T/pipe/run.json" "$T/people-big.jsonl" 2> "$T/e" | head -1 > /dev/null
expect_eq "| head -1 with --stats-json: quiet, exit 141 recorded, no temporary left" \
  ":141 run.json" "$(cat "$T/e"):$(stats_field "$T/pipe/run.json" exit_code) $(ls -A "$T/pipe")"

# The progress line: off when stderr is not a terminal, forced by --progress,
# and erased at the end; the last of --progress/--no-progress wins.
slow_feed() {  # slow_feed FIFO: the sample in ten steps over ~1 s, a bad line in the middle
  for i in 1 2 3 4 5 6 7 8 9 10; do
    sed -n "$(((i - 1) * 200 + 1)),$((i * 200))p" "$SAMPLE"
    if [ "$i" -eq 5 ]; then echo '{bad'; fi
    sleep 0.1
  done > "$1"
}
"$BIN" --count "$SAMPLE" 2> "$T/e" > /dev/null
expect_eq "no progress when stderr is not a terminal" "" "$(cat "$T/e")"
rm -f "$T/slow.fifo" && mkfifo "$T/slow.fifo"
slow_feed "$T/slow.fifo" &
feeder=$!
"$BIN" -j2 --progress --count --chunk-size 4K "$T/slow.fifo" > "$T/o" 2> "$T/e"
reap "--progress" $feeder
python3 - "$T/e" "$T/slow.fifo" << 'EOF' && ok "--progress: drawn on stderr, erased at the end" || fail "--progress: $(cat -v "$T/e" | head -c 600)"
import sys
err = open(sys.argv[1], "rb").read()
assert b"rec/s" in err and b"workers " in err, err
assert err.endswith(b"\r\x1b[K"), err[-40:]
# The bad-record line starts on an erased line, never after the bar's text.
bad = sys.argv[2].encode() + b":1001: invalid JSON"
i = err.index(bad)
assert i == 0 or err[:i].endswith(b"\r\x1b[K"), err[max(0, i - 40):i + 40]
EOF
expect_eq "--progress: stdout has the result only" '{"count":2000}' "$(cat "$T/o")"
rm -f "$T/slow.fifo" && mkfifo "$T/slow.fifo"
slow_feed "$T/slow.fifo" &
feeder=$!
"$BIN" --progress --no-progress --count "$T/slow.fifo" > /dev/null 2> "$T/e"
reap "--progress --no-progress" $feeder
expect_eq "--progress --no-progress: the last wins" \
  "$T/slow.fifo:1001: invalid JSON at column 2: expected '\"' to start a member name, found 'b'" "$(cat "$T/e")"

# In a real terminal (tmux): the line shows while a slow stream is read, and
# the final screen has the result and the bad-record line, no leftover bar.
if command -v tmux > /dev/null; then
  psock="$T/progress.sock"
  rm -f "$T/slow.fifo" "$T/progress.rc" && mkfifo "$T/slow.fifo"
  cat > "$T/progress.sh" << EOF
$(declare -f slow_feed)
SAMPLE='$SAMPLE'
slow_feed '$T/slow.fifo' &
'$BIN' -j2 --count --chunk-size 4K '$T/slow.fifo'
echo \$? > '$T/progress.rc'
EOF
  tmux -S "$psock" -f /dev/null new-session -d -x 120 -y 20 "bash '$T/progress.sh'; sleep 30"
  seen=""
  for _ in $(seq 1 60); do  # at most ~6 s; the run takes ~1 s
    screen=$(tmux -S "$psock" capture-pane -p 2> /dev/null)
    if grep -q "rec/s.*workers [0-2]/2  bad [01]" <<< "$screen"; then seen=$screen; fi
    [ -s "$T/progress.rc" ] && break
    sleep 0.1
  done
  sleep 0.1
  final=$(tmux -S "$psock" capture-pane -p)
  tmux -S "$psock" kill-server 2> /dev/null
  [ -n "$seen" ] && ok "tmux: the progress line shows while running" ||
    fail "tmux: no progress line seen; last screen: $screen"
  expect_eq "tmux: exit 3 (one bad record)" 3 "$(cat "$T/progress.rc" 2> /dev/null)"
  grep -q "rec/s" <<< "$final" && fail "tmux: a bar is left on the final screen: $final" ||
    ok "tmux: the final screen has no leftover bar"
  expect_eq "tmux: the final screen" \
    "$T/slow.fifo:1001: invalid JSON at column 2: expected '\"' to start a member name, found 'b'
{\"count\":2000}" "$(grep -v '^$' <<< "$final")"
else
  ok "progress in a terminal: tmux is not installed, not checked"
fi
