# Exit codes 0 / 1 / 2 / 3 / 130, as documented in README and --help.
source "$(dirname "$0")/lib.bash" "$@"
quick_scenario mixed '[{"role": "mixed", "count": 2, "mix": {"store": 30, "erase": 20, "load": 40, "iterate": 10}}]'
quick_scenario writers-only '[{"role": "writer", "count": 2}]'
quick_scenario deleting '[{"role": "deleter", "count": 1}, {"role": "iterator", "count": 1}]'

expect_exit 0 "$MS" run "$WORK/mixed.json" --backend locked --backend rwlocked --no-color
expect_contains "$WORK/out" "2 cases: 2 pass"
# A faulty backend's FORBIDDEN anomaly fails the run.
# 3 trials of 300 ms: one 40 ms trial on a loaded 2-core machine may see no erase during an iteration.
expect_exit 1 "$MS" run "$WORK/deleting.json" --backend faulty-lingering-erase --duration 300ms --trials 3
expect_contains "$WORK/out" "phantom"
# Nothing checkable (no iteration, no load): inconclusive.
expect_exit 3 "$MS" run "$WORK/writers-only.json" --backend locked
# Usage and input errors.
expect_exit 2 "$MS" run "$WORK/mixed.json" --backend lockd
expect_contains "$WORK/err" "unknown backend 'lockd' (did you mean 'locked'?)"
expect_exit 2 "$MS" rnu
expect_contains "$WORK/err" "unknown command 'rnu' (did you mean 'run'?)"
expect_exit 2 "$MS" run "$WORK/mixed.json" --format jsn --out "$WORK/r.json"
expect_contains "$WORK/err" "did you mean 'json'?"
expect_exit 2 "$MS" run "$WORK/mixed.json" --format json --out /nonexistent-dir/r.json
expect_exit 2 "$MS" run "$WORK/missing.json"
expect_exit 2 "$MS" run "$WORK/mixed.json" --duration 5parsecs
expect_exit 2 "$MS" run "$WORK/mixed.json" --filter '('
expect_exit 2 "$MS" run "$WORK/mixed.json" --fence-window 2furlongs
expect_contains "$WORK/err" "--fence-window: "
expect_exit 2 "$MS" run "$WORK/mixed.json" --fence-window 1s
expect_contains "$WORK/err" "--fence-window: expected at most 100ms, got 1s"
expect_exit 2 "$MS" run "$WORK/mixed.json" --noise ligth
expect_contains "$WORK/err" "--noise: expected off, light, heavy or pct, got 'ligth' (did you mean 'light'?)"
# Every op fenced, and a wide window: both run clean on a correct map.
expect_exit 0 "$MS" run "$WORK/mixed.json" --backend locked --fence-window 0
expect_contains "$WORK/out" "fence every op"
expect_exit 0 "$MS" run "$WORK/mixed.json" --backend locked --fence-window 50us --format json --out "$WORK/fw.json"
expect_contains "$WORK/fw.json" '"fence_window_ns": 50000'
expect_exit 2 "$MS" run --no-such-flag
expect_exit 0 "$MS" --version
expect_exit 0 "$MS" run --help
expect_contains "$WORK/out" "Exit codes"
# A total time budget is divided across cases and printed before the run.
expect_exit 0 "$MS" run "$WORK/mixed.json" --backend locked --backend cow --time-budget 1s
expect_contains "$WORK/out" "time budget 1s: 2 cases, 2 trials, 400ms per trial"
expect_exit 2 "$MS" run "$WORK/mixed.json" --time-budget 1ms
# Ctrl-C: the current case stops, reports keep what finished, exit 130.
cat >"$WORK/long.json" <<'JSON'
{"name": "long", "description": "cli test", "keys": {"count": 500, "prefill": 250},
 "duration": "3s", "trials": 3, "threads": [{"role": "mixed", "count": 1, "think": "10us",
 "mix": {"store": 50, "load": 40, "iterate": 10}}]}
JSON
"$MS" run "$WORK/mixed.json" "$WORK/long.json" --backend locked --format json --out "$WORK/int.json" \
  >"$WORK/out" 2>"$WORK/err" &
pid=$!
for _ in $(seq 1 100); do
  [ -s "$WORK/int.json" ] && break
  sleep 0.1
done
sleep 0.5
kill -INT $pid
wait $pid
code=$?
[ "$code" -eq 130 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "exit $code after SIGINT, wanted 130"; }
$PY - "$WORK/int.json" <<'PY' || fail "interrupted report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["interrupted"] is True, r["interrupted"]
names = [c["scenario"] for c in r["cases"]]
assert "mixed" in names, names
PY
echo "exit codes: ok"
