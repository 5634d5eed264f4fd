# The Rust template works as documented: the map in src/plugin/README.md ("Rust plugins") is built
# from a fresh folder outside the repo, with src/plugin/rust/src/mapstress.rs copied next to it,
# offline against Debian's crates, then loaded and run clean (it declares a snapshot).
source "$(dirname "$0")/lib.bash" "$@"
plugin_or_skip rust
BUILD=$(dirname "$MS")
CRATE=$WORK/my_map
mkdir -p "$CRATE/src"
cp "$SRC/src/plugin/rust/src/mapstress.rs" "$CRATE/src/"
# Our Cargo.toml, renamed and without the dashmap dependency.
sed -e 's/^name = "mapstress_rust"/name = "my_map"/' -e '/^dashmap = /d' "$SRC/src/plugin/rust/Cargo.toml" \
  >"$CRATE/Cargo.toml"
# lib.rs is the README's example, verbatim.
$PY - "$SRC/src/plugin/README.md" "$CRATE/src/lib.rs" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"```rust\n(mod mapstress;.*?)```", text, re.S)
assert m, "no Rust example in the plugin README"
open(sys.argv[2], "w").write(m.group(1))
PY
cargo=/usr/bin/cargo
[ -x $cargo ] || cargo=$(command -v cargo)
(cd "$CRATE" && env -u RUSTUP_TOOLCHAIN CARGO_HOME="$BUILD/plugins/rust/cargo-home" RUSTC=$(dirname $cargo)/rustc \
  $cargo build --release --offline --quiet) >"$WORK/cargo.log" 2>&1 || { cat "$WORK/cargo.log" >&2; fail "cargo build"; }
LIB=$CRATE/target/release/libmy_map.so
expect_exit 0 "$MS" list backends --verbose --plugin "$LIB"
expect_contains "$WORK/out" "my-rwlock-map"
expect_contains "$WORK/out" "iteration holds the read lock: a snapshot"
expect_exit 0 "$MS" run --plugin "$LIB" --backend my-rwlock-map --seed 5 --duration 100ms --trials 1 \
  --filter '0[1-3]-' --no-color "$SRC/scenarios"
expect_contains "$WORK/out" "3 cases: 3 pass"
echo "ok"
