# Scenarios `validate` accepts but that would exhaust memory (issue 16, item 6): refused before
# anything runs, with the estimate and the knobs; huge key spaces get a capped capacity hint.
source "$(dirname "$0")/lib.bash" "$@"
cat >"$WORK/huge_prefill.json" <<'JSON'
{"name": "huge-prefill", "description": "cli test", "keys": {"count": 4294967296, "prefill": 4294967296},
 "duration": "40ms", "trials": 1, "threads": [{"role": "writer"}, {"role": "iterator"}]}
JSON
expect_exit 0 "$MS" validate "$WORK/huge_prefill.json"
expect_exit 2 timeout 20 "$MS" run "$WORK/huge_prefill.json" --backend locked --no-progress
expect_contains "$WORK/err" "huge_prefill.json: a case of this scenario needs about"
expect_contains "$WORK/err" "lower keys.count or keys.prefill in the scenario, or --max-history-mb"
# A large history budget alone is refused the same way (--max-history-mb 1 TiB).
quick_scenario small '[{"role": "writer"}, {"role": "iterator"}]'
expect_exit 2 "$MS" run "$WORK/small.json" --backend locked --no-progress --max-history-mb 1048576
expect_contains "$WORK/err" "for the history budget"

# keys.count 2^32 without prefill: every map gets a capped hint and the case runs in seconds.
cat >"$WORK/huge_keys.json" <<'JSON'
{"name": "huge-keys", "description": "cli test", "keys": {"count": 4294967296},
 "duration": "40ms", "trials": 1, "threads": [{"role": "writer"}, {"role": "deleter"}, {"role": "iterator"}]}
JSON
for b in sharded locked rwlocked cow; do
  "$MS" run "$WORK/huge_keys.json" --backend "$b" --no-progress --max-history-mb 64 >"$WORK/out" 2>"$WORK/err"
  code=$?
  [ "$code" -le 1 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "keys.count 2^32 on $b: exit $code"; }
  if grep -q "bad_alloc" "$WORK/out" "$WORK/err"; then fail "keys.count 2^32 on $b: a bare bad_alloc"; fi
done
echo "ok: memory guard"
