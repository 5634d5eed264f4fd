# The HTML report in a real browser (Debian's headless Chromium): a failing run, a 1,000-case
# merge. The DOM holds every case and the timelines, with and without JavaScript; no console
# errors; screenshots are kept in ./browser-artifacts for a person to look at.
source "$(dirname "$0")/lib.bash" "$@"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  echo "SKIP: chromium is not installed (build.sh's install step brings it)"
  exit 0
fi
ART="$(pwd)/browser-artifacts"
mkdir -p "$ART"
browse() {  # browse OUT_PREFIX FILE [extra flags...]: dump-dom to OUT.dom, console to OUT.log
  local out=$1 file=$2; shift 2
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
    --enable-logging=stderr --v=0 "$@" --dump-dom "file://$file" >"$out.dom" 2>"$out.log" \
    || fail "chromium failed on $file: $(tail -5 "$out.log")"
}
# Growth from empty, so the faulty map resizes (and skips) many times in each trial.
cat >"$WORK/growing.json" <<'JSON'
{"name": "growing", "description": "cli test", "keys": {"count": 20000, "prefill": 0},
 "duration": "150ms", "trials": 3, "threads": [{"role": "writer", "count": 1}, {"role": "iterator", "count": 1}]}
JSON
expect_exit 1 "$MS" run "$WORK/growing.json" --backend locked --backend faulty-skip-on-resize --no-color \
  --no-progress --format html --out "$WORK/small.html" --format json --out "$WORK/small.json"
browse "$WORK/small" "$WORK/small.html"
for want in 'id="verdicts"' 'id="snapshot"' 'id="latency"' 'id="settings"' 'growing' 'faulty-skip-on-resize' \
  'locked' 'class="timeline"' 'id="case-2"' 'g class="op '; do
  expect_contains "$WORK/small.dom" "$want"
done
if grep -E 'Uncaught|CONSOLE\(.*(rror|arning)' "$WORK/small.log"; then fail "console errors on small.html"; fi
# Without JavaScript the same content is there (only clicking an op needs it): the page with its
# scripts cut out. (Chromium's --blink-settings=scriptEnabled=false makes --dump-dom print nothing.)
"$PY" - "$WORK/small.html" "$WORK/nojs.html" <<'PY' || fail "could not cut the scripts out"
import re, sys
page = open(sys.argv[1]).read()
cut, n = re.subn(r"<script\b.*?</script>", "", page, flags=re.S)
assert n >= 1, "the page has no script to cut"
open(sys.argv[2], "w").write(cut)
PY
browse "$WORK/nojs" "$WORK/nojs.html"
expect_contains "$WORK/nojs.dom" 'class="timeline"'
expect_contains "$WORK/nojs.dom" 'id="case-2"'
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
  --screenshot="$ART/failing.png" --window-size=1400,2000 "file://$WORK/small.html" >/dev/null 2>&1 \
  || fail "screenshot failed"
[ -s "$ART/failing.png" ] || fail "no screenshot"
# 1,000 cases: 40 scenarios x 25 backends, from the small report's cases, merged into one page.
"$PY" - "$WORK/small.json" "$WORK/big.json" <<'PY' || fail "could not build the big report"
import json, sys, copy
r = json.load(open(sys.argv[1]))
cases = []
for s in range(40):
    for b in range(25):
        c = copy.deepcopy(r["cases"][(s + b) % len(r["cases"])])
        c["scenario"] = "scenario-%02d%s" % (s, ["-light", "-medium", "-heavy", ""][s % 4])
        c["backend"] = "backend-%02d" % b
        cases.append(c)
r["cases"] = cases
json.dump(r, open(sys.argv[2], "w"))
PY
"$MS" merge "$WORK/big.json" --format html --out "$WORK/big.html" --no-color >/dev/null 2>&1
[ -s "$WORK/big.html" ] || fail "no big.html"
start=$(date +%s%N)
browse "$WORK/big" "$WORK/big.html"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
size=$(stat -c %s "$WORK/big.html")
echo "1000-case page: $size bytes, headless Chromium dump-dom in ${ms} ms"
[ "$size" -lt 2000000 ] || fail "1000-case page is $size bytes (the limit: 2,000,000)"
cells=$(grep -o 'class="cell"' "$WORK/big.dom" | wc -l)
[ "$cells" -ge 1000 ] || fail "only $cells matrix cells in the big page's DOM"
# Every failing case is in the DOM, and each one's first example has its timeline.
failing=$("$PY" -c 'import json,sys; print(sum(c["status"] == "fail" for c in json.load(open(sys.argv[1]))["cases"]))' \
  "$WORK/big.json")
sections=$(grep -o '<section class="case" id="case-[0-9]*">' "$WORK/big.dom" | wc -l)
firsts=$("$PY" -c 'import re,sys; print(len(re.findall(r"id=\"case-\d+-ex-1\">(?:(?!</div>).)*?<svg class=\"timeline\"",
  open(sys.argv[1]).read(), re.S)))' "$WORK/big.dom")
[ "$failing" -ge 400 ] || fail "the big report has only $failing failing cases"
[ "$sections" -eq "$failing" ] || fail "$sections case sections for $failing failing cases"
[ "$firsts" -eq "$failing" ] || fail "$firsts first examples with a timeline for $failing failing cases"
expect_contains "$WORK/big.dom" 'scenario-39'
if grep -E 'Uncaught|CONSOLE\(.*(rror|arning)' "$WORK/big.log"; then fail "console errors on big.html"; fi
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
  --screenshot="$ART/large.png" --window-size=1400,2000 "file://$WORK/big.html" >/dev/null 2>&1 || true
echo "screenshots: $ART/failing.png $ART/large.png"
