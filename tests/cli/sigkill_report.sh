# SIGKILL mid-run leaves a JSON report that parses and lists the finished cases.
source "$(dirname "$0")/lib.bash" "$@"
for i in 1 2 3; do
  quick_scenario "s$i" '[{"role": "writer", "count": 1}, {"role": "iterator", "count": 1}]'
done
cat >"$WORK/s4.json" <<'JSON'
{"name": "s4", "description": "long", "keys": {"count": 500}, "duration": "20s",
 "threads": [{"role": "writer", "count": 1, "think": "10us"}, {"role": "iterator", "count": 1}]}
JSON
"$MS" run "$WORK" --backend locked --format json --out "$WORK/report.json" --format junit \
  --out "$WORK/report.xml" >"$WORK/out" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  grep -q "s3" "$WORK/out" 2>/dev/null && break
  sleep 0.05
done
sleep 0.3
kill -KILL $pid
wait $pid 2>/dev/null
/usr/bin/python3 - "$WORK/report.json" <<'PY' || fail "report after SIGKILL"
import json, sys
r = json.load(open(sys.argv[1]))
names = sorted(c["scenario"] for c in r["cases"])
assert names == ["s1", "s2", "s3"], names
PY
if command -v xmllint >/dev/null; then
  xmllint --noout --schema "$SRC/tests/data/junit.xsd" "$WORK/report.xml" || fail "junit after SIGKILL"
fi
ls "$WORK" | grep -q '\.tmp' && fail "temp files left: $(ls "$WORK")"
echo "sigkill: ok"
