#!/usr/bin/env bash
# Command-line tests on the real binary: tests/cli/run.sh CLUSTERPROC GEN [PATTERN]
# PATTERN (a glob, default *) picks case files of cases/, e.g. '8*'.
# Each check prints "ok" or "FAIL" with details; the script exits 1 on any FAIL.
set -u
BIN=$(readlink -f "$1")
GEN=$(readlink -f "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/clusterproc-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0

ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
# expect_eq NAME WANT GOT
expect_eq() { if [ "$2" == "$3" ]; then ok "$1"; else fail "$1: want [$2] got [$3]"; fi; }
expect_same_file() { if cmp -s "$2" "$3"; then ok "$1"; else fail "$1: $2 and $3 differ"; diff <(head -c 2000 "$2") <(head -c 2000 "$3") | head -5; fi; }
# Segments in /dev/shm left by a run: named clusterproc-<master pid>-...; one
# whose master is gone, or older than a second, is a leak (a live run unlinks
# its segment at once).
shm_count() {
  local f pid n=0
  for f in /dev/shm/clusterproc-*; do
    [ -e "$f" ] || continue
    pid=${f#/dev/shm/clusterproc-}
    pid=${pid%%-*}
    if [ ! -d "/proc/$pid" ] || [ -n "$(find "$f" -maxdepth 0 ! -newermt '-1 second' 2>/dev/null)" ]; then
      n=$((n + 1))
    fi
  done
  echo "$n"
}
# clusterproc processes of this test run (master and workers share its command line)
procs() { pgrep -f "^$BIN( |\$)" | wc -l; }
# wait_until CONDITION [SECONDS]: evaluates the shell condition every 0.05 s
# until it holds (status 0) or SECONDS (default 10: generous, for a loaded
# machine) have passed (status 1). It returns as soon as the condition holds.
wait_until() {
  local deadline=$((SECONDS + ${2:-10}))
  until eval "$1"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.05
  done
}
# running PID: the process exists and has not ended (a zombie has).
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
# reap NAME PID [SECONDS]: waits for a background helper of a test (a FIFO's
# reader or writer); one still running after SECONDS (default 60) is
# stopped, with its children, and counted as a failure, never waited on
# for ever. Returns the helper's exit status.
reap() {
  if ! wait_until "! running $2" "${3:-60}"; then
    fail "$1: helper process $2 still running after ${3:-60} s: stopped"
    kill_tree "$2"
  fi
  wait "$2" 2> /dev/null
}
# kill_tree PID: PID and every process below it, children first.
kill_tree() {
  local child
  for child in $(pgrep -P "$1"); do kill_tree "$child"; done
  kill -KILL "$1" 2> /dev/null
}
# expect_clean NAME [SEGMENTS]: after a run ends, no clusterproc process is
# left, no more than SEGMENTS (default: as many as before the suite) leaked
# segments are in /dev/shm, and no temporary output file is left in $T.
expect_clean() {
  local segments=${2:-$shm_before_suite}
  wait_until '[ "$(procs)" -eq 0 ]'
  expect_eq "$1: no clusterproc process left" 0 "$(procs)"
  wait_until "[ \"\$(shm_count)\" -le $segments ]" 3
  local n
  n=$(shm_count)
  if [ "$n" -le "$segments" ]; then ok "$1: no segment left in /dev/shm"; else fail "$1: $n segments in /dev/shm (want $segments)"; fi
  expect_eq "$1: no temporary file left" "" "$(find "$T" -name '*.clusterproc-tmp-*' 2>/dev/null)"
}
shm_before_suite=$(shm_count)

# tmux_screen SCRIPT COLS ROWS: runs bash SCRIPT in a fresh tmux terminal of
# COLS x ROWS until the screen shows a line "done N" (the script's last
# words; ~1 s alone, longer under load, 20 s at most), then prints the screen.
tmux_screen() {
  local sock="$T/tmux.$RANDOM.sock" screen=""
  tmux -S "$sock" -f /dev/null new-session -d -x "$2" -y "$3" "bash '$1'; sleep 30"
  for _ in $(seq 1 200); do
    screen=$(tmux -S "$sock" capture-pane -p 2> /dev/null)
    grep -q "^done [0-9]" <<< "$screen" && break
    sleep 0.1
  done
  tmux -S "$sock" kill-server 2> /dev/null
  printf '%s\n' "$screen"
}

# Each case file runs in a subshell of its own: a variable, cd or trap it
# sets cannot reach the next. Its failures come back as its exit status. Its
# standard input is /dev/null (a test never waits on the terminal or on
# CI's input), and a case still running after CASE_LIMIT seconds (default
# 600; the slowest takes about a minute) is stopped and counted as a
# failure, so that a hang names its case instead of stopping the suite.
CASE_LIMIT=${CLUSTERPROC_CASE_LIMIT:-600}
for f in "$HERE"/cases/${3:-*}.sh; do
  case_start=$SECONDS
  # shellcheck source=/dev/null
  (
    failures=0
    source "$f"
    exit $((failures > 255 ? 255 : failures))
  ) < /dev/null &
  case_pid=$!
  (
    sleep "$CASE_LIMIT"
    kill_tree "$case_pid"
  ) &
  watchdog=$!
  wait "$case_pid" 2> /dev/null
  status=$?
  kill_tree "$watchdog"
  wait "$watchdog" 2> /dev/null
  if [ $((SECONDS - case_start)) -ge "$CASE_LIMIT" ]; then
    fail "$(basename "$f"): still running after $CASE_LIMIT s: stopped"
  else
    failures=$((failures + status))
  fi
  echo "== case $(basename "$f") took $((SECONDS - case_start))s"
done

echo "== $failures failure(s)"
[ "$failures" -eq 0 ]
