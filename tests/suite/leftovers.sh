#!/usr/bin/env bash
# The suite's first and last test (CTest fixture `suite`): every test runs with
# MAPSTRESS_TEST_SUITE=<build dir> in its environment and TMPDIR=<build dir>/test-tmp.
# This script runs without the marker, so neither it nor its children are counted.
#   leftovers.sh start <tmpdir> <marker>   empties the private TMPDIR
#   leftovers.sh check <tmpdir> <marker>   fails if a process carrying the marker is still running
#                                          (a mapstress child, a plugin's grandchild, a redis-server)
#                                          or anything is left in the private TMPDIR
set -u
mode=$1
tmp=$2
marker="MAPSTRESS_TEST_SUITE=$3"
if [ "$mode" = start ]; then
  rm -rf "$tmp"
  mkdir -p "$tmp"
  exit 0
fi
# Give killed processes a moment to be reaped before looking.
status=0
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  left=()
  for env in /proc/[0-9]*/environ; do
    pid=${env#/proc/}
    pid=${pid%/environ}
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || continue
    [ "$state" = Z ] && continue
    # Braces: a process that exits or is not ours fails the redirection itself, quietly.
    if { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qxF "$marker"; then
      left+=("$pid $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | cut -c1-120)")
    fi
  done
  [ ${#left[@]} -eq 0 ] && break
  sleep 0.5
done
if [ ${#left[@]} -gt 0 ]; then
  echo "FAIL: processes started by the test suite are still running:" >&2
  printf '  %s\n' "${left[@]}" >&2
  status=1
fi
dirs=$(find "$tmp" -mindepth 1 -maxdepth 1 2>/dev/null)
if [ -n "$dirs" ]; then
  echo "FAIL: the test suite left temp files or dirs in $tmp:" >&2
  echo "$dirs" | sed 's/^/  /' >&2
  status=1
fi
[ $status -eq 0 ] && echo "ok: no process and no temp file or dir left by the suite"
exit $status
