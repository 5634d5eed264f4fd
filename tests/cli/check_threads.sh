# `--check-threads`: `check` gives the same report (counts, verdicts, examples) on 1 and on 3
# threads for histories of a faulty and a correct backend; out-of-range values exit 2.
source "$(dirname "$0")/lib.bash" "$@"
quick_scenario dup '[{"role": "updater", "count": 1}, {"role": "iterator", "count": 1}, {"role": "reader", "count": 1}]'
expect_exit 1 "$MS" run "$WORK/dup.json" --backend faulty-double-visit --backend locked --no-progress \
  --check-threads 2 --save-history "$WORK/h" --format json --out "$WORK/live.json"
for t in 1 3; do
  "$MS" check "$WORK/h" --check-threads $t --format json --out "$WORK/t$t.json" >/dev/null 2>&1
  [ $? -le 1 ] || fail "check --check-threads $t failed"
done
$PY - "$WORK/t1.json" "$WORK/t3.json" "$WORK/live.json" <<'PY' || fail "reports differ between thread counts"
import json, sys
def cases(path):
    return {(c["scenario"], c["backend"]): c for c in json.load(open(path))["cases"]}
one, three, live = cases(sys.argv[1]), cases(sys.argv[2]), cases(sys.argv[3])
assert len(one) == 2 and one.keys() == three.keys() == live.keys(), (one.keys(), three.keys())
for key in one:
    for field in ("anomalies", "iterations", "loads", "status", "grading", "examples", "iterations_with", "events"):
        assert one[key][field] == three[key][field], (key, field)
        assert one[key][field] == live[key][field], (key, field, "live")
assert sum(one[("dup", "faulty-double-visit")]["anomalies"].values()) > 0
print("same on 1 and 3 threads")
PY
expect_exit 2 "$MS" check "$WORK/h" --check-threads 0
expect_contains "$WORK/err" "check-threads"
expect_exit 2 "$MS" run "$WORK/dup.json" --check-threads 2000
