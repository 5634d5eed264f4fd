#!/usr/bin/env bash
# Rewrites the golden files in this folder from the current reporters and terminal renderers.
# Usage: tests/golden/approve.sh <build-dir>   (then review the diff with `git diff tests/golden`)
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 <build-dir>" >&2
  exit 2
fi
tests="$1/tests/mapstress_tests"
if [[ ! -x "$tests" ]]; then
  echo "$tests not found: build the mapstress_tests target first" >&2
  exit 2
fi
MAPSTRESS_APPROVE=1 "$tests" --gtest_filter='GoldenTest.*' --gtest_brief=1
# A second run without approval proves the files now match.
"$tests" --gtest_filter='GoldenTest.*' --gtest_brief=1
echo "golden files rewritten; review them with: git diff -- $(dirname "$0")"
