# Report files on hostile targets (issue 16, items 5, 8, 9, 11): /dev/stdout streams the report,
# a device or FIFO is never replaced, a report that cannot be written is an error at the end
# (exit 2 unless a FORBIDDEN outcome says 1) naming the stale file, --report-dir on a device says
# "not a folder", and a run's JSON says it is incomplete until every planned case is in.
source "$(dirname "$0")/lib.bash" "$@"
good=$SRC/tests/data/histories/clean_weak.jsonl
bad=$SRC/tests/data/histories/missing.jsonl

expect_exit 0 "$MS" check "$good" --format json --out /dev/stdout --no-color
$PY -c "import json,sys; t=open(sys.argv[1]).read(); d=json.loads(t[t.index('{\n'):]); assert d['complete'] is True" \
  "$WORK/out" || fail "--out /dev/stdout did not stream the JSON report"
[ -c /dev/null ] || fail "/dev/null is no longer a character device"

mkfifo "$WORK/report.fifo"
cat "$WORK/report.fifo" >"$WORK/from_fifo" &
expect_exit 0 "$MS" check "$good" --format tsv --out "$WORK/report.fifo"
wait
expect_contains "$WORK/from_fifo" "example-clean-weak"
[ -p "$WORK/report.fifo" ] || fail "the FIFO was replaced by a file"

# /dev/full: every write fails with ENOSPC, like a full disk.
expect_exit 2 "$MS" check "$good" --format json --out /dev/full
expect_contains "$WORK/err" "cannot write /dev/full: No space left on device"
expect_exit 1 "$MS" check "$bad" --format json --out /dev/full
quick_scenario quick '[{"role": "writer"}, {"role": "iterator"}]'
expect_exit 2 "$MS" run "$WORK/quick.json" --backend locked --no-progress --format json --out /dev/full
expect_contains "$WORK/err" "these report files could not be written and are stale or missing: /dev/full"

expect_exit 2 "$MS" check "$good" --report-dir /dev/full
expect_contains "$WORK/err" "'/dev/full' exists and is not a folder"

# A killed run's last JSON: planned cases and "complete": false (the first rewrite says so).
quick_scenario slow '[{"role": "writer"}, {"role": "iterator"}]'
"$MS" run "$WORK/quick.json" "$WORK/slow.json" --backend locked --backend sharded --duration 1s --no-progress \
  --format json --out "$WORK/killed.json" >/dev/null 2>&1 &
runner=$!
for _ in $(seq 600); do
  [ -s "$WORK/killed.json" ] && break
  sleep 0.05
done
kill -9 "$runner"
wait "$runner" 2>/dev/null
$PY - "$WORK/killed.json" <<'PY' || fail "a killed run's JSON does not say it is incomplete"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["complete"] is False, d["complete"]
assert d["summary"]["planned"] == 4, d["summary"]
assert d["summary"]["total"] < 4 and d["summary"]["exit_code"] is None, d["summary"]
PY
echo "ok: report targets"
