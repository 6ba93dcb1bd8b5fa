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
# older than a second is a leak (a live run unlinks its segment at once).
shm_count() { find /dev/shm -maxdepth 1 -name 'clusterproc-*' ! -newermt '-1 second' 2>/dev/null | wc -l; }
# clusterproc processes of this test run (master and workers share its command line)
procs() { pgrep -f "^$BIN( |\$)" | wc -l; }

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

# shellcheck source=/dev/null
for f in "$HERE"/cases/${3:-*}.sh; do source "$f"; done

echo "== $failures failure(s)"
[ "$failures" -eq 0 ]
