# The schedule noise mode (--noise) is part of the run's settings: on the terminal's settings line,
# in the JSON report's context, kept by merge (JSON, Markdown), and in the plan fingerprint (shards run with
# different noise do not merge as one plan).
source "$(dirname "$0")/lib.bash" "$@"
quick_scenario q1 '[{"role": "writer", "count": 1}, {"role": "iterator", "count": 1}]'
quick_scenario q2 '[{"role": "updater", "count": 1}, {"role": "iterator", "count": 1}]'
mkdir "$WORK/s" && mv "$WORK/q1.json" "$WORK/q2.json" "$WORK/s/"
noise_of() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['context']['noise'])" "$1"; }

expect_exit 0 "$MS" run "$WORK/s" --backend locked --no-progress --format json --out "$WORK/default.json"
head -1 "$WORK/out" | grep -qF "noise light" || { head -3 "$WORK/out" >&2; fail "the settings line lacks 'noise light'"; }
[ "$(noise_of "$WORK/default.json")" = light ] || fail "default: context.noise is not light"

for i in 1 2; do
  expect_exit 0 "$MS" run "$WORK/s" --backend locked --noise heavy --shard "$i/2" --no-progress \
    --format json --out "$WORK/heavy$i.json"
  head -1 "$WORK/out" | grep -qF "noise heavy" || { head -3 "$WORK/out" >&2; fail "shard $i: no 'noise heavy'"; }
  [ "$(noise_of "$WORK/heavy$i.json")" = heavy ] || fail "shard $i: context.noise is not heavy"
done
expect_exit 0 "$MS" merge "$WORK/heavy1.json" "$WORK/heavy2.json" --format json --out "$WORK/merged.json" \
  --format markdown --out "$WORK/merged.md"
[ "$(noise_of "$WORK/merged.json")" = heavy ] || fail "merge lost context.noise"
expect_contains "$WORK/merged.md" "· noise heavy ·"

expect_exit 0 "$MS" run "$WORK/s" --backend locked --noise off --shard 2/2 --no-progress \
  --format json --out "$WORK/off2.json"
expect_exit 2 "$MS" merge "$WORK/heavy1.json" "$WORK/off2.json"
echo "ok: noise in the context"
