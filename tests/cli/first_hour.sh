# What a new user hits first: a run with no case, a typo'd flag or argument, --report-dir that
# does not exist yet, and exit-code footers that list only what each command can return.
source "$(dirname "$0")/lib.bash" "$@"
quick_scenario read-mostly '[{"role": "reader", "count": 1}, {"role": "writer", "count": 1}]'
quick_scenario iterate-growing '[{"role": "iterator", "count": 1}, {"role": "writer", "count": 1}]'
mkdir -p "$WORK/s" && mv "$WORK"/*.json "$WORK/s/"

# No case after --filter: an input error naming the filter and the nearest scenario name.
expect_exit 2 "$MS" run "$WORK/s" --filter nomatch --backend locked --no-progress
expect_contains "$WORK/err" "--filter 'nomatch' matches none of the 2 scenarios loaded; their names: iterate-growing, read-mostly"
expect_exit 2 "$MS" run "$WORK/s" --filter read-mostli --backend locked --no-progress
expect_contains "$WORK/err" "(did you mean 'read-mostly'?)"
# More shards than cases would leave a shard with nothing to run.
expect_exit 2 "$MS" run "$WORK/s" --backend locked --shard 3/3 --no-progress
expect_contains "$WORK/err" "--shard 3/3: the plan has only 2 cases, so shard 3 would run none; use at most 2 shards"

# Typos: flags and arguments get a suggestion.
expect_exit 2 "$MS" run "$WORK/s" --duraton 50ms
expect_contains "$WORK/err" "mapstress run: unknown flag '--duraton' (did you mean '--duration'?)"
expect_exit 2 "$MS" list backend
expect_contains "$WORK/err" "'backend' is not one of backends, scenarios, formats (did you mean 'backends'?)"
expect_exit 2 "$MS" merge a.json --alow-partial
expect_contains "$WORK/err" "unknown flag '--alow-partial' (did you mean '--allow-partial'?)"

# Comma-separated --backend and --format lists are the same as repeating the flag; a typo in a
# list is named with its suggestion.
expect_exit 0 "$MS" run "$WORK/s" --backend locked,sharded --duration 20ms --trials 1 --no-progress \
  --format json,tsv --out "$WORK/list.json" --out "$WORK/list.tsv"
expect_contains "$WORK/out" "4 cases: 4 pass"
[ "$(grep -c $'\tsharded\t' "$WORK/list.tsv")" = 2 ] || fail "--backend locked,sharded: no sharded rows in the TSV"
grep -q '"backend": "sharded"' "$WORK/list.json" || fail "--format json,tsv: no sharded case in the JSON"
expect_exit 2 "$MS" run "$WORK/s" --backend locked,shardd --duration 20ms --no-progress
expect_contains "$WORK/err" "--backend: unknown backend 'shardd' (did you mean 'sharded'?)"
# A report's JSON given as a scenario: the keys a scenario may have.
expect_exit 2 "$MS" run "$WORK/list.json" --backend locked --no-progress
expect_contains "$WORK/err" "unknown key 'cases' (expected one of: name, description, keys,"

# --report-dir creates the folder and its parents; a file in the way is named.
expect_exit 0 "$MS" run "$WORK/s" --backend locked --duration 20ms --trials 1 --no-progress --report-dir "$WORK/r/a/b"
for ext in json xml md tsv; do [ -s "$WORK/r/a/b/mapstress.$ext" ] || fail "no mapstress.$ext in the new --report-dir"; done
expect_contains "$WORK/out" "2 cases: 2 pass"
: >"$WORK/blocker"
expect_exit 2 "$MS" run "$WORK/s" --backend locked --duration 20ms --no-progress --report-dir "$WORK/blocker/x"
expect_contains "$WORK/err" "--report-dir: cannot create folder '$WORK/blocker/x': "

# Each report records its shard and the plan; shards of one run share the plan.
"$MS" run "$WORK/s" --backend locked --duration 20ms --trials 1 --no-progress --shard 1/2 --format json \
  --out "$WORK/p1.json" >/dev/null 2>&1
"$MS" run "$WORK/s" --backend locked --duration 20ms --trials 1 --no-progress --shard 2/2 --format json \
  --out "$WORK/p2.json" >/dev/null 2>&1
"$MS" run "$WORK/s" --backend locked --duration 20ms --trials 1 --no-progress --shard 2/2 --seed 7 --format json \
  --out "$WORK/other.json" >/dev/null 2>&1
$PY - "$WORK/p1.json" "$WORK/p2.json" "$WORK/other.json" <<'PY' || fail "shard/plan fields"
import json, sys
a, b, o = (json.load(open(p))["context"] for p in sys.argv[1:])
assert a["shard"] == {"index": 1, "count": 2} and b["shard"] == {"index": 2, "count": 2}, (a["shard"], b["shard"])
assert a["plan"] == b["plan"] and len(a["plan"]) == 16, (a["plan"], b["plan"])
assert o["plan"] != b["plan"]  # another seed is another plan
assert a["plan_cases"] == 2 and a["partial"] is False
PY
expect_exit 0 "$MS" merge "$WORK/p1.json" "$WORK/p2.json"
expect_exit 2 "$MS" merge "$WORK/p1.json"
expect_contains "$WORK/err" "missing shard 2/2 of plan"
expect_exit 2 "$MS" merge "$WORK/p1.json" "$WORK/other.json"
expect_contains "$WORK/err" "the reports come from different runs"
expect_exit 0 "$MS" merge "$WORK/p1.json" --allow-partial --format json --out "$WORK/partial.json"
expect_contains "$WORK/err" "note: partial merge: missing shard 2/2 of plan"
$PY -c "import json,sys; assert json.load(open(sys.argv[1]))['context']['partial'] is True" "$WORK/partial.json" ||
  fail "partial merge not marked"

# Exit-code footers list only the codes each command can return.
for cmd in validate list export; do
  "$MS" $cmd --help >"$WORK/help" 2>&1
  grep -q "Exit codes: 0 " "$WORK/help" || fail "$cmd --help has no exit codes"
  ! grep -qE "\b(1|3|130) (a FORBIDDEN|inconclusive|interrupted)" "$WORK/help" || { cat "$WORK/help"; fail "$cmd --help lists codes it cannot return"; }
done
"$MS" merge --help >"$WORK/help" 2>&1
expect_contains "$WORK/help" "shards missing, repeated or from another run"
# Help fits the terminal: at COLUMNS=80 no line of any command's --help is wider than 80.
for cmd in "" run shrink validate list check merge export; do
  COLUMNS=80 "$MS" $cmd --help >"$WORK/help" 2>&1
  $PY -c "import sys; w = [l for l in open(sys.argv[1]).read().splitlines() if len(l) > 80]; assert not w, w" \
    "$WORK/help" || fail "mapstress $cmd --help is wider than 80 columns at COLUMNS=80"
done
echo "first hour: ok"
