#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing (apt-get), builds,
# then runs the main job or the test suite. Safe to run again.
#   ./build.sh run [mapstress run args...]   bundled scenarios against the default backends
#   ./build.sh test                          the whole test suite (what CI runs)
#   ./build.sh install [cmake --install args] mapstress, its scenarios, the plugin headers, pkg-config
#                                            file and CMake package under /usr/local (--prefix DIR
#                                            for another place; DESTDIR=... is honoured)
#   ./build.sh deps | build                  just one step
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  cmake g++ make pkg-config
  libcli11-dev libfmt-dev nlohmann-json3-dev zlib1g-dev
  libgtest-dev libbenchmark-dev python3-jsonschema libxml2-utils
  libtbb-dev libcuckoo-dev liburcu-dev libcds-dev libck-dev
  libhiredis-dev redis-server golang-1.19-go
  openjdk-17-jdk-headless rustc cargo librust-dashmap-dev chromium
)
# From bookworm-backports, pinned so that nothing else comes from that suite (see add_backports).
BACKPORTS=(golang-1.21-go golang-1.22-go golang-1.23-go libboost1.83-dev)
PRESET=${MAPSTRESS_PRESET:-release}

# Adds Debian's bookworm-backports suite as an apt source, pinned to -1 for every package but the
# ones named in BACKPORTS. Writes nothing when both files already hold the same text.
add_backports() {
  local src=/etc/apt/sources.list.d/mapstress-backports.sources
  local pin=/etc/apt/preferences.d/mapstress-backports
  local want_src want_pin
  want_src=$'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg'
  want_pin=$'Package: *\nPin: release n=bookworm-backports\nPin-Priority: -1\n\nPackage: golang-1.21* golang-1.22* golang-1.23* libboost1.83-dev\nPin: release n=bookworm-backports\nPin-Priority: 500'
  local changed=""
  if [ "$(cat "$src" 2>/dev/null)" != "$want_src" ]; then
    printf '%s\n' "$want_src" | $sudo tee "$src" >/dev/null; changed=1
  fi
  if [ "$(cat "$pin" 2>/dev/null)" != "$want_pin" ]; then
    printf '%s\n' "$want_pin" | $sudo tee "$pin" >/dev/null; changed=1
  fi
  [ -z "$changed" ] || echo "build.sh: added bookworm-backports (pinned to: ${BACKPORTS[*]})" >&2
}

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}" "${BACKPORTS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "build.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  add_backports
  $sudo apt-get update -qq
  # A package's service (redis-server) must not start: the tests start their own servers.
  local own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local rc=0
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ -z "$own_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
  return $rc
}

build() {
  cmake --preset "$PRESET" >/dev/null
  cmake --build --preset "$PRESET"
}

case "${1:-}" in
  deps) install_deps ;;
  build) install_deps; build ;;
  run)
    shift
    install_deps; build
    exec "build/$PRESET/mapstress" run scenarios "$@"
    ;;
  install)
    shift
    install_deps; build
    cmake --install "build/$PRESET" "$@"
    ;;
  test)
    install_deps; build
    ctest --preset "$PRESET" -j2
    ;;
  *)
    echo "usage: ./build.sh run [mapstress run args...] | test | install [--prefix DIR] | deps | build" >&2
    exit 2
    ;;
esac
