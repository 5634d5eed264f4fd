# Shared by the CLI tests: `source "$(dirname "$0")/lib.bash" "$@"` (not a test itself).
# $1 = mapstress binary, $2 = source dir. Gives $MS, $SRC, $WORK (a temp dir removed at exit),
# and expect_exit CODE CMD... / expect_contains FILE TEXT.
set -u
MS=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PY=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_exit() {
  local want=$1; shift
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  [ "$got" -eq "$want" ] || { cat "$WORK/out" "$WORK/err" >&2; fail "exit $got, wanted $want: $*"; }
}
expect_contains() {
  grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' not in $1"; }
}
# A quick scenario: $1 = name, $2 = threads JSON list.
quick_scenario() {
  cat >"$WORK/$1.json" <<JSON
{"name": "$1", "description": "cli test", "keys": {"count": 500, "prefill": 250},
 "duration": "40ms", "trials": 1, "threads": $2}
JSON
}
# Exits 77 (CTest: skipped) with the reason the build wrote when a plugin was not built: $1 = its folder
# under the binary's plugins/ (rust, java).
plugin_or_skip() {
  local dir
  dir=$(dirname "$MS")/plugins/$1
  if [ -f "$dir/SKIPPED" ]; then
    echo "SKIP: $(cat "$dir/SKIPPED")"
    exit 77
  fi
}
