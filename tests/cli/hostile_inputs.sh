# `check` on hostile inputs (issue 16, items 1, 2, 13): blank-line bombs, devices, symlinks to
# devices, over-long lines, endless input, FIFOs with and without a writer, empty folders.
source "$(dirname "$0")/lib.bash" "$@"
good=$SRC/tests/data/histories/clean_weak.jsonl

# 1. A header, 5*10^7 blank lines and the ops (a 50 KB gzip): memory must follow the ops, not the
# newlines. Run under a 1 GiB address-space cap (sanitizers reserve more than that: skipped there).
$PY - "$good" "$WORK/blank.jsonl.gz" <<'PY'
import gzip, sys
lines = open(sys.argv[1]).read().splitlines(True)
with gzip.open(sys.argv[2], "wb", compresslevel=9) as f:
    f.write(lines[0].encode())
    chunk = b"\n" * (1 << 20)
    for _ in range(48):
        f.write(chunk)
    f.write("".join(lines[1:]).encode())
PY
if grep -qa -e __asan_init -e __tsan_init -e __ubsan_handle "$MS"; then
  echo "skip: the blank-line bomb under ulimit -v (sanitized build)"
else
  (ulimit -v 1048576; exec "$MS" check "$WORK/blank.jsonl.gz" --no-color) >"$WORK/out" 2>"$WORK/err"
  code=$?
  [ "$code" -eq 0 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "blank-line bomb: exit $code, wanted 0"; }
fi

# 2. Devices and symlinks to them are refused by their type, at once.
expect_exit 2 timeout 10 "$MS" check /dev/zero
expect_contains "$WORK/err" "/dev/zero: cannot read a character device: a history must be a regular file or a FIFO"
ln -s /dev/zero "$WORK/zero.jsonl"
expect_exit 2 timeout 10 "$MS" check "$WORK/zero.jsonl"
expect_contains "$WORK/err" "zero.jsonl: cannot read a character device"

# Caps: a line past --max-line-mb, a file past --max-input-mb (both named in the message).
$PY -c "import sys; sys.stdout.write(open(sys.argv[1]).readline() + '{\"thread\":0,\"x\":\"' + 'a' * (3 << 20) + '\"}\n')" \
  "$good" >"$WORK/long.jsonl"
expect_exit 2 "$MS" check "$WORK/long.jsonl" --max-line-mb 1
expect_contains "$WORK/err" "long.jsonl:2: line is longer than 1 MiB (--max-line-mb changes the cap)"
expect_exit 2 "$MS" check "$WORK/blank.jsonl.gz" --max-input-mb 2
expect_contains "$WORK/err" "blank.jsonl.gz:"
expect_contains "$WORK/err" "input is larger than 2 MiB (--max-input-mb changes the cap)"
"$MS" check --help >"$WORK/help"
expect_contains "$WORK/help" "--max-line-mb"
expect_contains "$WORK/help" "(default 256)"
expect_contains "$WORK/help" "--max-input-mb"

# 13. A FIFO: with a writer it is read like a file; with none it fails after --input-timeout; an
# endless writer stops at the cap.
mkfifo "$WORK/pipe.jsonl"
(cat "$good" >"$WORK/pipe.jsonl") &
expect_exit 0 timeout 20 "$MS" check "$WORK/pipe.jsonl"
wait
start=$(date +%s)
expect_exit 2 timeout 20 "$MS" check "$WORK/pipe.jsonl" --input-timeout 1s
expect_contains "$WORK/err" "pipe.jsonl:1: the FIFO sent nothing for 1s"
[ $(($(date +%s) - start)) -lt 10 ] || fail "the FIFO without a writer was not bounded by --input-timeout"
(head -1 "$good"; yes '' 2>/dev/null) >"$WORK/pipe.jsonl" &
writer=$!
expect_exit 2 timeout 20 "$MS" check "$WORK/pipe.jsonl" --max-input-mb 1
expect_contains "$WORK/err" "input is larger than 1 MiB"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null

# 13. An empty folder (or one without history files) is an input error.
mkdir "$WORK/empty"
expect_exit 2 "$MS" check "$WORK/empty"
expect_contains "$WORK/err" "empty: no history files (*.mshist, *.jsonl, *.jsonl.gz) in this folder"
touch "$WORK/empty/notes.txt"
expect_exit 2 "$MS" check "$WORK/empty"
echo "ok: hostile inputs"
