#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing (apt-get), builds,
# then runs the main job or the test suite. Safe to run again.
#   ./build.sh run [mapstress run args...]   bundled scenarios against the default backends
#   ./build.sh test                          the whole test suite (what CI runs)
#   ./build.sh deps | build                  just one step
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  cmake g++ make pkg-config
  libcli11-dev libfmt-dev nlohmann-json3-dev zlib1g-dev
  libgtest-dev libbenchmark-dev python3-jsonschema libxml2-utils
  libtbb-dev libcuckoo-dev liburcu-dev libcds-dev libck-dev
  libhiredis-dev redis-server golang-1.19-go
)
PRESET=${MAPSTRESS_PRESET:-release}

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "build.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
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
  test)
    install_deps; build
    ctest --preset "$PRESET" -j2
    ;;
  *)
    echo "usage: ./build.sh run [mapstress run args...] | test | deps | build" >&2
    exit 2
    ;;
esac
