#!/bin/bash
# --save-history MODE:DIR keeps only failing (or failing + interesting) cases' histories, a bare
# DIR keeps all as before, and the run ends with a note of what was kept, how big, and where.
source "$(dirname "$0")/lib.bash" "$@"
cd "$WORK" || exit 1
quick_scenario over '[{"role": "updater", "count": 2, "think": "2us"}, {"role": "iterator"}]'
run() { "$MS" run over.json --backend locked --backend faulty-old-version --no-progress "$@"; }

expect_exit 1 run --save-history failures:kept
expect_contains "$WORK/out" "histories (failures): 1 file"
expect_contains "$WORK/out" "of 1 case in kept/"
expect_contains "$WORK/out" "other case removed (1 file: not failing)"
[ -e kept/over__faulty-old-version__trial0.mshist ] || fail "the failing case's history is missing"
[ ! -e kept/over__locked__trial0.mshist ] || fail "the passing case's history was kept"
expect_exit 1 "$MS" check kept/over__faulty-old-version__trial0.mshist

expect_exit 1 run --save-history all-here
expect_contains "$WORK/out" "histories (all): 2 files"
[ -e all-here/over__locked__trial0.mshist ] || fail "a bare folder keeps every case"

expect_exit 1 run --save-history=interesting
expect_contains "$WORK/out" "in mapstress-histories/"
[ -e mapstress-histories/over__faulty-old-version__trial0.mshist ] || fail "MODE alone uses ./mapstress-histories"

expect_exit 2 run --save-history failures:
expect_contains "$WORK/err" "expected a folder after 'failures:'"
echo "ok"
