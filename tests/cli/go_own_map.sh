# "Your own Go map" (src/plugin/README.md) done by a user: the template and both examples are
# copied to a fresh folder outside the repository, built with exactly the documented commands,
# and run with --plugin.
source "$(dirname "$0")/lib.bash" "$@"
GO_DIR=$(dirname "$MS")/plugins/go
[ -s "$GO_DIR/toolchains.txt" ] || { echo "SKIP: no Go toolchain was found by CMake"; exit 0; }
# The newest toolchain, as `go` on PATH; the build tree's Go cache keeps it fast (the documented
# commands use the user's default cache).
GO=$(sort -V "$GO_DIR/toolchains.txt" | tail -1 | cut -d' ' -f2)
export PATH=$(dirname "$GO"):$PATH GOCACHE=$(cd "$(dirname "$MS")" && pwd)/go-cache/build GOPATH=$WORK/gopath GOTOOLCHAIN=local
MAPSTRESS=$SRC
quick_scenario mix '[{"role": "mixed", "count": 2, "mix": {"store": 45, "erase": 35, "load": 20}}, {"role": "iterator", "count": 1}]'

build() {  # $1 = folder; the commands are those of src/plugin/README.md
  (cd "$1" && "${@:2}") >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "in $1: ${*:2}"; }
}

# The template, from an empty folder.
mkdir "$WORK/mymap" && cp "$SRC/src/plugin/go/examples/template/main.go" "$WORK/mymap/"
build "$WORK/mymap" go mod init mymap
build "$WORK/mymap" go mod edit -require=mapstress.local/mapstress@v0.0.0 \
  -replace=mapstress.local/mapstress=$MAPSTRESS/src/plugin/go/mapstress
build "$WORK/mymap" env GOPROXY=off go build -buildmode=c-shared -o libmymap.so .
# The examples, copied with their go.mod: point the replace at the package, then build.
for ex in sharded cow; do
  cp -r "$SRC/src/plugin/go/examples/$ex" "$WORK/$ex"
  build "$WORK/$ex" go mod edit -replace=mapstress.local/mapstress=$MAPSTRESS/src/plugin/go/mapstress
  build "$WORK/$ex" env GOPROXY=off go build -buildmode=c-shared -o lib$ex.so .
done

# A false promise is caught: the sharded map (weak) built claiming snapshot must fail.
cp -r "$SRC/src/plugin/go/examples/sharded" "$WORK/liar"
sed -i 's/mapstress.Weak/mapstress.Snapshot/; s/"go-sharded-map"/"go-sharded-claims-snapshot"/' "$WORK/liar/main.go"
build "$WORK/liar" go mod edit -replace=mapstress.local/mapstress=$MAPSTRESS/src/plugin/go/mapstress
build "$WORK/liar" env GOPROXY=off go build -buildmode=c-shared -o libliar.so .
expect_exit 1 "$MS" run "$SRC/scenarios/10-toggler-snapshot.json" --no-bundled-plugins --plugin "$WORK/liar/libliar.so" \
  --backend go-sharded-claims-snapshot --duration 300ms --no-color
expect_contains "$WORK/out" "not_snapshot"

plugins=(--plugin "$WORK/mymap/libmymap.so" --plugin "$WORK/sharded/libsharded.so" --plugin "$WORK/cow/libcow.so")
expect_exit 0 "$MS" list backends --no-bundled-plugins "${plugins[@]}" --verbose
expect_contains "$WORK/out" "my-map                 snapshot"
expect_contains "$WORK/out" "go-sharded-map         weak"
expect_contains "$WORK/out" "go-cow-map             snapshot"
expect_contains "$WORK/out" "built with: go"
expect_exit 0 "$MS" run "$WORK/mix.json" --no-bundled-plugins "${plugins[@]}" --backend my-map \
  --backend go-sharded-map --backend go-cow-map --duration 150ms --format json --out "$WORK/r.json" --no-color
$PY - "$WORK/r.json" <<'PY' || fail "the user's Go maps did not run clean"
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
assert sorted(c["backend"] for c in cases) == ["go-cow-map", "go-sharded-map", "my-map"], cases
for c in cases:
    assert c["status"] == "pass", (c["backend"], c["status"], c.get("message"))
    assert c["iterations"]["total"] > 0, c["backend"]
print("built outside the repo and clean:", ", ".join(c["backend"] for c in cases))
PY
