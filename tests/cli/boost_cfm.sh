# boost-cfm (Boost.Unordered concurrent_flat_map): listed with its documented promise, and graded
# runs over three seeds of four bundled scenarios are clean (exit 0). Skipped without Boost >= 1.83.
source "$(dirname "$0")/lib.bash" "$@"
"$MS" list backends --verbose >"$WORK/list" 2>&1
if ! grep -q '^boost-cfm ' "$WORK/list"; then
  echo "SKIP: boost-cfm not compiled in (Boost >= 1.83 not found; install libboost1.83-dev from bookworm-backports)"
  exit 77
fi
expect_contains "$WORK/list" "Successively invokes f with references to each of the elements in the table"
expect_contains "$WORK/list" "duplicate=INTERESTING"
for seed in 1 2 3; do
  expect_exit 0 "$MS" run --backend boost-cfm --seed $seed --duration 120ms --trials 1 \
    --filter '0[1-3]-|11-' --no-color "$SRC/scenarios"
  expect_contains "$WORK/out" "4 cases: 4 pass"
done
echo "ok"
