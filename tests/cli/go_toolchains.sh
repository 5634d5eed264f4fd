# The bundled Go plugins, one per Go toolchain: listed with their build, the plain map reported
# crashed with the Go runtime's message, the synchronised maps clean over several seeds.
source "$(dirname "$0")/lib.bash" "$@"
GO_DIR=$(dirname "$MS")/plugins/go
[ -s "$GO_DIR/toolchains.txt" ] || { echo "SKIP: no Go toolchain was found by CMake"; exit 0; }
releases=$(cut -d' ' -f1 "$GO_DIR/toolchains.txt")

expect_exit 0 "$MS" list backends --verbose
for r in $releases; do
  for m in syncmap rwmutex-map map; do expect_contains "$WORK/out" "go$r-$m "; done
  expect_contains "$WORK/out" "built with: go$r."
done
# Every Go backend runs point ops in batches (mapstress_batch_for); the C example does not.
batched=$(grep -c "calls: batches of point ops" "$WORK/out")
[ "$batched" -eq $((3 * $(echo $releases | wc -w))) ] || fail "$batched Go backends list batched calls"
expect_exit 0 "$MS" list backends --no-bundled-plugins
if grep -q "^go1\." "$WORK/out"; then fail "--no-bundled-plugins still lists Go backends"; fi
# Naming a bundled plugin again with --plugin is not a name clash.
first=$(ls "$GO_DIR"/*.so | head -1)
expect_exit 0 "$MS" list backends --plugin "$first"
expect_exit 2 "$MS" run "$SRC/scenarios/07-load-light.json" --backend 'nosuch*'
expect_contains "$WORK/err" "no backend matches 'nosuch*'"

# Writers and an iterator on a plain Go map: every toolchain's runtime aborts the child with its
# own fatal error, reported as the case's outcome (INTERESTING for guarantee none: exit 0). The
# race needs two threads on two cores at once, so a backend that finished gets two more runs.
quick_scenario racy '[{"role": "mixed", "count": 3, "mix": {"store": 60, "erase": 30, "iterate": 10}}, {"role": "iterator", "count": 1}]'
sed -i 's/"40ms"/"1s"/' "$WORK/racy.json"
pending=$(for r in $releases; do echo "go$r-map"; done)
for attempt in 1 2 3; do
  [ -n "$pending" ] || break
  args=(); for b in $pending; do args+=(--backend "$b"); done
  expect_exit 0 "$MS" run "$WORK/racy.json" "${args[@]}" --seed $attempt --format json --out "$WORK/crash.json" --no-color
  pending=$($PY - "$WORK/crash.json" <<'PY' || fail "a plain Go map's crash was not reported with the runtime's message"
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    assert c["status"] != "error", (c["backend"], c.get("message"))
    if c["outcome"] != "crashed":
        print(c["backend"])  # not caught this time
        continue
    assert "fatal error: concurrent map" in c.get("message", ""), (c["backend"], c.get("message"))
    print("%s crashed: %s" % (c["backend"], c["message"]), file=sys.stderr)
PY
)
done
[ -z "$pending" ] || fail "never crashed in 3 runs: $pending"

# The synchronised Go maps stay within their guarantee over several seeds, and every report
# says which Go built each backend
# (seeds 1 and 2 in batched calls, seed 3 with one call per op).
for seed in 1 2 3; do
  calls=(); [ $seed -eq 3 ] && calls=(--no-batch-calls)
  expect_exit 0 "$MS" run "$WORK/racy.json" --duration 150ms --seed $seed --backend 'go1.??-syncmap' \
    --backend 'go1.??-rwmutex-map' "${calls[@]}" --format json --out "$WORK/clean$seed.json" --no-color
done
n=$(echo $releases | wc -w)
$PY - $n "$WORK"/clean*.json <<'PY' || fail "correct Go maps not clean, or builds missing from the context"
import json, sys
for path in sys.argv[2:]:
    doc = json.load(open(path))
    builds = doc["context"]["backend_builds"]
    for c in doc["cases"]:
        assert c["status"] == "pass", (path, c["backend"], c["status"])
        assert builds[c["backend"]].startswith(c["backend"].split("-")[0] + "."), (c["backend"], builds)
    assert len(doc["cases"]) == 2 * int(sys.argv[1]), len(doc["cases"])
print("clean over", len(sys.argv) - 2, "seeds")
PY
