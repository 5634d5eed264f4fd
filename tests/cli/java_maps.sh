# The Java plugin (src/plugin/java, JNI): the four backends are listed with their documented
# promises; java-chm, java-skiplist and java-synchronized-locked come out clean over two seeds;
# java-synchronized (iterated without its lock, misuse on purpose) is reported as what it did
# (anomalies or a crash with the Java exception's message), graded INTERESTING, never a tool error.
source "$(dirname "$0")/lib.bash" "$@"
plugin_or_skip java
P=$(dirname "$MS")/plugins/java/libmapstress_java.so
[ -f "$P" ] || fail "$P was not built (and no SKIPPED note says why)"

# Bundled: listed without --plugin, and not with --no-bundled-plugins.
expect_exit 0 "$MS" list backends
grep -q '^java-chm ' "$WORK/out" || fail "java-chm not listed without --plugin"
expect_exit 0 "$MS" list backends --no-bundled-plugins
! grep -q '^java-chm ' "$WORK/out" || fail "java-chm listed with --no-bundled-plugins"

expect_exit 0 "$MS" list backends --verbose --plugin "$P"
for name in java-chm java-skiplist java-synchronized java-synchronized-locked; do
  expect_contains "$WORK/out" "$name"
done
expect_contains "$WORK/out" "guaranteed to traverse elements as they existed upon construction exactly once"
expect_contains "$WORK/out" "It is imperative that the user manually synchronize on the returned map"

for seed in 1 2; do
  expect_exit 0 "$MS" run --plugin "$P" --backend java-chm --backend java-skiplist \
    --backend java-synchronized-locked --seed $seed --duration 150ms --trials 2 \
    --filter '0[1-3]-' --no-color "$SRC/scenarios"
  expect_contains "$WORK/out" "9 cases: 9 pass"
done

# Misuse: exit 0 (INTERESTING is not a failure), and the run says what happened.
expect_exit 0 "$MS" run "$SRC/scenarios" --plugin "$P" --backend java-synchronized --seed 1 --duration 150ms \
  --trials 1 --filter '0[1-3]-' --no-color --format json --out "$WORK/sync.json"
$PY - "$WORK/sync.json" <<'PY' || fail "java-synchronized: no case reported its misbehaviour"
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
seen = 0
for c in cases:
    assert c["grading"]["crashed"] == "INTERESTING", c["grading"]
    assert c["status"] != "error", c
    wrong = {k: v for k, v in c["anomalies"].items() if v and k != "not_snapshot"}
    print(c["scenario"], c["status"], c["outcome"], c.get("message", ""), wrong)
    seen += (c["outcome"] == "crashed" and "Exception" in c.get("message", "")) or bool(wrong)
sys.exit(0 if seen else 1)
PY
echo "ok"
