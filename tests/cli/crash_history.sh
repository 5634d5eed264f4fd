# The history up to a crash (issue 19, item 4): with --save-history, a crashed case's history is
# saved next to the report, marked truncated, and `mapstress check` reads it. faulty-crash (a
# locked map that raises SIGSEGV at its 2000th store) gives the hard assertions: terminal and
# JSON name CrashMap::Store and show each thread's last ops; the saved history is clean. Then
# the real crash of `unsafe` (std::unordered_map without a lock; it crashed in every run of
# 13-toggle-pair-readers tried, within milliseconds) shows the same with UnsafeMap::.
source "$(dirname "$0")/lib.bash" "$@"
cat >"$WORK/crash.json" <<'JSON'
{"name": "crash", "description": "crashes", "keys": {"count": 100, "prefill": 50}, "duration": "5s",
 "threads": [{"role": "writer", "count": 2, "think": "20us"}, {"role": "iterator", "count": 1}]}
JSON

# $1 = saved history file; $2 = least number of ops. Prints nothing; fails unless the header says
# truncated and the file holds at least that many ops.
truncated_history() {  # FILE.mshist MIN_OPS: read back through `export --to jsonl`
  "$MS" export --to jsonl "$1" -o "$WORK/back.jsonl" || fail "$1: cannot be exported"
  "$PY" - "$WORK/back.jsonl" "$2" <<'PY' || fail "$1: not a truncated history with ops"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
header = json.loads(lines[0])
assert header.get("truncated") is True, header
ops = [l for l in lines[1:] if l.strip()]
assert len(ops) >= int(sys.argv[2]), len(ops)
PY
}

expect_exit 1 "$MS" run "$WORK/crash.json" --backend faulty-crash --save-history "$WORK/hist" --no-progress \
  --format json --out "$WORK/crash.report.json"
cp "$WORK/out" "$WORK/crash.out"
expect_contains "$WORK/crash.out" "CrashMap::Store"
expect_contains "$WORK/crash.out" "last ops started per thread"
"$PY" - "$WORK/crash.report.json" <<'PY' || fail "crash details missing from the JSON report"
import json, sys
crash = json.load(open(sys.argv[1]))["cases"][0]["crash"]
assert any("CrashMap::Store" in f for f in crash["backtrace"]), crash["backtrace"]
assert len(crash["threads"]) == 3 and all(t["last_ops"] for t in crash["threads"]), crash["threads"]
PY
saved=$WORK/hist/crash__faulty-crash__trial0.mshist
[ -f "$saved" ] || { ls -l "$WORK/hist" >&2; fail "the history up to the crash was not saved"; }
truncated_history "$saved" 1000
expect_exit 0 "$MS" check "$saved"

# unsafe: a real crash in std::unordered_map. A few seeds, in case one run happens not to crash.
crashed=no
for seed in 1 2 3 4 5; do
  rm -rf "$WORK/uhist"
  "$MS" run "$SRC/scenarios/13-toggle-pair-readers.json" --backend unsafe --allow-unsafe --seed "$seed" \
    --duration 2s --trials 1 --save-history "$WORK/uhist" --no-progress --format json \
    --out "$WORK/unsafe.json" >"$WORK/unsafe.out" 2>"$WORK/unsafe.err"
  if grep -q '"outcome": *"crashed"' "$WORK/unsafe.json"; then crashed=yes; break; fi
done
[ "$crashed" = yes ] || fail "unsafe did not crash in 5 runs of 13-toggle-pair-readers"
expect_contains "$WORK/unsafe.out" "UnsafeMap::"
expect_contains "$WORK/unsafe.out" "last ops started per thread"
"$PY" - "$WORK/unsafe.json" <<'PY' || fail "unsafe's crash details missing from the JSON report"
import json, sys
crash = json.load(open(sys.argv[1]))["cases"][0]["crash"]
assert any("UnsafeMap::" in f for f in crash["backtrace"]), crash["backtrace"]
# A thread that had not started an op when another crashed has none to list.
assert any(t["last_ops"] for t in crash["threads"]), crash["threads"]
assert all(t["last_ops"] or t["ops_started"] == 0 for t in crash["threads"]), crash["threads"]
PY
saved=$WORK/uhist/13-toggle-pair-readers__unsafe__trial0.mshist
[ -f "$saved" ] || { ls -l "$WORK/uhist" >&2; fail "unsafe: the history up to the crash was not saved"; }
truncated_history "$saved" 0
"$MS" check "$saved" >"$WORK/out" 2>"$WORK/err"
code=$?
# 1 when the unlocked map's history shows (real) anomalies; 3 (inconclusive) only when the cut at
# the crash kept no op (a thread that had finished none bounds it at the trial's start); never 2.
ops=$(grep -c . "$WORK/back.jsonl")
if [ "$ops" -le 1 ]; then
  [ "$code" -eq 3 ] || fail "unsafe: check of a history with no op exited $code, not 3 (inconclusive)"
else
  [ "$code" -le 1 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "unsafe: check of the saved history exited $code"; }
fi
echo "ok: crash history"
