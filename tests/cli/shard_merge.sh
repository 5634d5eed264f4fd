# Three shards merged give the same cases and verdict counts as one unsharded run.
source "$(dirname "$0")/lib.bash" "$@"
mkdir -p "$WORK/s"
for i in 1 2 3 4; do
  cat >"$WORK/s/q$i.json" <<JSON
{"name": "q$i", "description": "shard test", "keys": {"count": 300, "prefill": 150}, "duration": "20ms",
 "threads": [{"role": "mixed", "count": 1, "mix": {"store": 40, "erase": 20, "load": 30, "iterate": 10}}]}
JSON
done
args=("$WORK/s" --backend locked --backend cow --backend faulty-double-visit --no-color)
expect_exit 1 "$MS" run "${args[@]}" --format json --out "$WORK/all.json"
for i in 1 2 3; do
  "$MS" run "${args[@]}" --shard "$i/3" --format json --out "$WORK/shard$i.json" >/dev/null 2>&1
done
expect_exit 1 "$MS" merge "$WORK/shard1.json" "$WORK/shard2.json" "$WORK/shard3.json" --format json \
  --out "$WORK/merged.json" --format tsv --out "$WORK/merged.tsv"
/usr/bin/python3 - "$WORK/all.json" "$WORK/merged.json" <<'PY' || fail "merged differs"
import json, sys, collections
def load(p):
    r = json.load(open(p))
    return sorted((c["scenario"], c["backend"]) for c in r["cases"]), \
        collections.Counter(c["status"] for c in r["cases"])
a_cases, a_status = load(sys.argv[1])
m_cases, m_status = load(sys.argv[2])
assert a_cases == m_cases, (a_cases, m_cases)
assert a_status == m_status, (a_status, m_status)
assert len(a_cases) == 12
PY
# Each shard ran a disjoint, non-empty subset.
for i in 1 2 3; do
  n=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['cases']))" "$WORK/shard$i.json")
  [ "$n" -eq 4 ] || fail "shard $i has $n cases"
done
expect_exit 2 "$MS" merge "$WORK/shard1.json" "$WORK/shard1.json"
expect_exit 2 "$MS" run "${args[@]}" --shard 4/3
echo "shard/merge: ok"
