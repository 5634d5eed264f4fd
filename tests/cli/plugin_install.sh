# The plugin author's routes, as the README gives them, from folders outside the repo against an
# installed tree: `cmake --install` with DESTDIR and with --prefix; then plain cc + pkg-config (the
# C example), the CMake package (the C++ example), and the C++ adapter in ten lines. Each plugin
# runs under the installed mapstress from a folder without scenarios/ (the installed ones are used).
source "$(dirname "$0")/lib.bash" "$@"
BUILD=$(dirname "$MS")
CC=${CC:-cc}
CXX=${CXX:-c++}
command -v pkg-config >/dev/null || fail "pkg-config is not installed (build.sh installs it)"

# 1. DESTDIR install (the default prefix, under a staging folder).
DESTDIR="$WORK/stage" cmake --install "$BUILD" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "DESTDIR install"; }
PREFIX=$(cmake -L -N "$BUILD" 2>/dev/null | sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p')
STAGE="$WORK/stage$PREFIX"
for f in bin/mapstress include/mapstress/plugin.h include/mapstress/plugin.hpp share/pkgconfig/mapstress-plugin.pc \
  share/cmake/mapstress/mapstressConfig.cmake share/mapstress/scenarios/04-read-mostly.json; do
  [ -e "$STAGE/$f" ] || fail "DESTDIR install lacks $f"
done
# 2. --prefix install: what the routes below build against.
P="$WORK/prefix"
cmake --install "$BUILD" --prefix "$P" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "--prefix install"; }
export PKG_CONFIG_PATH="$P/share/pkgconfig"
cflags=$(pkg-config --cflags mapstress-plugin) || fail "pkg-config --cflags mapstress-plugin"
cflags=$(echo $cflags)  # pkg-config ends it with a space
[ "$cflags" = "-I$P/include" ] || [ "$(realpath -m "${cflags#-I}")" = "$(realpath "$P/include")" ] ||
  fail "pkg-config gives '$cflags', wanted -I$P/include"
# The staged tree's .pc file points into the staging folder too (relocatable).
PKG_CONFIG_PATH="$STAGE/share/pkgconfig" pkg-config --cflags mapstress-plugin | grep -q "$WORK/stage" ||
  fail "the DESTDIR-installed .pc file does not point into its own tree"

run_plugin() {  # $1 = mapstress, $2 = plugin, $3 = backend; from a folder without scenarios/
  mkdir -p "$WORK/elsewhere"
  (cd "$WORK/elsewhere" && "$1" run --plugin "$2" --backend "$3" --filter 04-read-mostly --duration 30ms \
    --trials 1 --no-progress --no-color) >"$WORK/run.out" 2>&1 || { cat "$WORK/run.out"; fail "running $3 exited $?"; }
  grep -q "04-read-mostly × $3  PASS" "$WORK/run.out" || { cat "$WORK/run.out"; fail "$3 did not pass"; }
}

# Route A: plain C compiler + pkg-config, the C example renamed.
mkdir -p "$WORK/ext-c"
sed 's/"c-table"/"my-c-map"/' "$SRC/src/plugin/examples/c_table/c_table_plugin.c" >"$WORK/ext-c/my_map.c"
(cd "$WORK/ext-c" && $CC -std=c11 -O2 -shared -fPIC $(pkg-config --cflags mapstress-plugin) -o libmy_map.so my_map.c \
  -lpthread) || fail "cc + pkg-config build"
run_plugin "$P/bin/mapstress" "$WORK/ext-c/libmy_map.so" my-c-map
# The staged (DESTDIR) mapstress finds its own installed scenarios as well.
run_plugin "$STAGE/bin/mapstress" "$WORK/ext-c/libmy_map.so" my-c-map

# Route B: the CMake package, the C++ example folder copied out of the repo.
cp -r "$SRC/src/plugin/examples/cpp_striped" "$WORK/ext-cmake"
cmake -S "$WORK/ext-cmake" -B "$WORK/ext-cmake/build" -DCMAKE_PREFIX_PATH="$P" -DCMAKE_BUILD_TYPE=Release \
  >"$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log"; fail "find_package(mapstress CONFIG)"; }
cmake --build "$WORK/ext-cmake/build" >"$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log"; fail "CMake package build"; }
run_plugin "$P/bin/mapstress" "$WORK/ext-cmake/build/libmapstress_cpp_striped.so" cpp-striped

# Route C: the C++ adapter, a class in about ten lines, plain compiler + pkg-config.
mkdir -p "$WORK/ext-cpp"
cat >"$WORK/ext-cpp/locked.cpp" <<'CPP'
#include <mapstress/plugin.hpp>
#include <map>
#include <mutex>
struct Locked {
  std::mutex mu;
  std::map<uint64_t, uint64_t> m;
  void store(uint64_t k, uint64_t v) { std::lock_guard g(mu); m[k] = v; }
  bool erase(uint64_t k) { std::lock_guard g(mu); return m.erase(k) > 0; }
  bool load(uint64_t k, uint64_t& v) { std::lock_guard g(mu); auto it = m.find(k); if (it == m.end()) return false; v = it->second; return true; }
  template <class F> void for_each(F&& f) { std::lock_guard g(mu); for (auto& [k, v] : m) if (f(k, v)) return; }
};
MAPSTRESS_PLUGIN_BACKENDS(mapstress::plugin::Backend<Locked>("my-locked", "std::map under one mutex", "snapshot"))
CPP
(cd "$WORK/ext-cpp" && $CXX -std=c++17 -O2 -Wall -Wextra -Werror -shared -fPIC $(pkg-config --cflags mapstress-plugin) \
  -o libmy_locked.so locked.cpp) || fail "C++ adapter build"
run_plugin "$P/bin/mapstress" "$WORK/ext-cpp/libmy_locked.so" my-locked

# With no scenarios anywhere, the error says how to pass a folder.
mv "$P/share/mapstress/scenarios" "$P/share/mapstress/gone"
(cd "$WORK/elsewhere" && "$P/bin/mapstress" run --backend locked --no-progress) >"$WORK/out" 2>"$WORK/err"
[ $? -eq 2 ] || fail "no scenarios: wanted exit 2"
expect_contains "$WORK/err" "Pass scenario files or folders: \`mapstress run path/to/scenarios\`"
echo "plugin install routes: ok"
