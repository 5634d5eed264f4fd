# Live -> file -> `check`: identical anomaly counts and verdicts for every bundled scenario and
# default backend; then `export --to jepsen` and malformed files.
source "$(dirname "$0")/lib.bash" "$@"
expect_exit 0 "$MS" run "$SRC/scenarios" --duration 30ms --trials 1 --no-progress --save-history "$WORK/h" \
  --format json --out "$WORK/live.json"
n=$(ls "$WORK/h" | wc -l)
[ "$n" -ge 50 ] || fail "only $n history files saved"
"$MS" check "$WORK/h" --format json --out "$WORK/checked.json" >"$WORK/check.out" 2>&1 || {
  code=$?; [ "$code" -eq 0 ] || { cat "$WORK/check.out" >&2; fail "check exited $code"; }
}
$PY - "$WORK/live.json" "$WORK/checked.json" <<'PY' || fail "live and re-checked reports differ"
import json, sys
live = {(c["scenario"], c["backend"]): c for c in json.load(open(sys.argv[1]))["cases"]}
checked = {(c["scenario"], c["backend"]): c for c in json.load(open(sys.argv[2]))["cases"]}
compared = 0
for key, c in live.items():
    if c["outcome"] != "completed":
        continue  # a crashed child saved no history for the trial that crashed
    assert key in checked, f"{key} missing from check"
    d = checked[key]
    assert c["anomalies"] == d["anomalies"], (key, c["anomalies"], d["anomalies"])
    assert c["iterations"] == d["iterations"], (key, c["iterations"], d["iterations"])
    assert c["status"] == d["status"], (key, c["status"], d["status"])
    assert c["grading"] == d["grading"], (key, c["grading"], d["grading"])
    compared += 1
assert compared >= 50, compared
print(f"{compared} cases identical")
PY
one=$(ls "$WORK/h" | head -1)
expect_exit 0 "$MS" export --to jepsen "$WORK/h/$one" -o "$WORK/one.edn"
expect_contains "$WORK/one.edn" ":invoke"
# Saved histories are binary (.mshist); JSON Lines and back gives the same bytes, and `check`
# reads both the same.
case "$one" in *.mshist) ;; *) fail "saved history $one is not .mshist" ;; esac
expect_exit 0 "$MS" export --to jsonl "$WORK/h/$one" -o "$WORK/one.jsonl"
expect_contains "$WORK/one.jsonl" '"format":"mapstress-history"'
expect_exit 0 "$MS" export --to binary "$WORK/one.jsonl" -o "$WORK/again.mshist"
cmp "$WORK/h/$one" "$WORK/again.mshist" || fail "binary -> jsonl -> binary changed the file"
expect_exit 2 "$MS" export --to jsonl "$WORK/h/$one"
expect_contains "$WORK/err" "needs an output file"
# Re-grading under another contract.
expect_exit 0 "$MS" check "$WORK/h" --guarantee none
printf '{"format":"mapstress-history","version":1}\n' >"$WORK/bad.jsonl"
expect_exit 2 "$MS" check "$WORK/bad.jsonl"
expect_contains "$WORK/err" "bad.jsonl:1: missing field"
echo "history round trip: ok"
