# The Rust plugin (src/plugin/rust): rust-dashmap is listed with its documented promise, and
# graded runs over three seeds of the bundled iterate-while-writing scenarios are clean (exit 0).
source "$(dirname "$0")/lib.bash" "$@"
plugin_or_skip rust
P=$(dirname "$MS")/plugins/rust/libmapstress_rust.so
[ -f "$P" ] || fail "$P was not built (and no SKIPPED note says why)"

# Bundled: listed without --plugin, and not with --no-bundled-plugins.
expect_exit 0 "$MS" list backends
grep -q '^rust-dashmap ' "$WORK/out" || fail "rust-dashmap not listed without --plugin"
expect_exit 0 "$MS" list backends --no-bundled-plugins
! grep -q '^rust-dashmap ' "$WORK/out" || fail "rust-dashmap listed with --no-bundled-plugins"

expect_exit 0 "$MS" list backends --verbose --plugin "$P"
expect_contains "$WORK/out" "rust-dashmap"
expect_contains "$WORK/out" "Creates an iterator over a DashMap yielding immutable references"
expect_contains "$WORK/out" "duplicate=FORBIDDEN"
expect_contains "$WORK/out" "not_snapshot=ACCEPTABLE"

for seed in 1 2 3; do
  expect_exit 0 "$MS" run --plugin "$P" --backend rust-dashmap --seed $seed --duration 120ms --trials 1 \
    --filter '0[1-3]-|11-' --no-color "$SRC/scenarios"
  expect_contains "$WORK/out" "4 cases: 4 pass"
done
echo "ok"
