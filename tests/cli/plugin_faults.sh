# Plugins that fork, hang or print (issue 16, items 3, 4, 10, 12): a case ends when its child
# exits, whatever the child forked is killed with it, Ctrl-C / SIGTERM stop a hung case at once,
# SIGKILL of mapstress leaves nothing running, and a plugin's stdout stays out of ours.
source "$(dirname "$0")/lib.bash" "$@"
bad=$(dirname "$MS")/plugins/bad
fork_plugin=$bad/libbad_plugin_fork.so
fork_init_plugin=$bad/libbad_plugin_fork_init.so
noisy_plugin=$bad/libbad_plugin_noisy.so
[ -f "$fork_plugin" ] && [ -f "$fork_init_plugin" ] && [ -f "$noisy_plugin" ] || { echo "SKIP: bad plugins not built (build mapstress_tests)"; exit 0; }
quick_scenario forky '[{"role": "writer", "count": 1}, {"role": "iterator", "count": 1}]'
pids=$WORK/pids

alive() {  # any pid listed in $pids still running (zombies do not count)
  local p state
  for p in $(cat "$pids" 2>/dev/null); do
    state=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
    [ -n "$state" ] && [ "$state" != Z ] && { echo "$p"; return 0; }
  done
  return 1
}
gone_within() {  # $1 tenths of a second
  for _ in $(seq "$1"); do
    alive >/dev/null || return 0
    sleep 0.1
  done
  return 1
}
wait_pids() {  # until the child and its grandchild wrote their pids
  for _ in $(seq 100); do
    [ "$(wc -l <"$pids" 2>/dev/null)" -ge 2 ] && return 0
    sleep 0.1
  done
  fail "the plugin's child and grandchild never started"
}
cleanup() { for p in $(cat "$pids" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT

# 3. create() forks a sleeping grandchild: the 40 ms case ends in seconds (not after the hang
# grace), is not `hung`, and the grandchild is gone.
start=$(date +%s)
BAD_PLUGIN_PIDS=$pids "$MS" run "$WORK/forky.json" --plugin "$fork_plugin" --backend dup --hang-grace 300s \
  --no-progress --format json --out "$WORK/fork.json" >"$WORK/out" 2>"$WORK/err"
code=$?
[ "$code" -le 1 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "forking plugin: exit $code"; }
# (the bug waited out the hang grace: 300 s; 60 s leaves room for a loaded CI machine)
[ $(($(date +%s) - start)) -lt 60 ] || fail "forking plugin: the case waited for the grandchild's pipes"
$PY -c "import json,sys; c=json.load(open(sys.argv[1]))['cases'][0]; assert c['outcome']=='completed', c" \
  "$WORK/fork.json" || fail "forking plugin: the case is not 'completed'"
gone_within 30 || fail "forking plugin: process $(alive) left running"

# 3 (the load probe). The plugin's initialiser forks a sleeping grandchild holding the probe's
# pipe: `list backends` answers at once (not after the 10 s probe timeout), and no process of
# the plugin remains; nor after a run (the initialiser runs again in the case's child).
: >"$pids"
start=$(date +%s)
BAD_PLUGIN_PIDS=$pids "$MS" list backends --plugin "$fork_init_plugin" >"$WORK/out" 2>"$WORK/err"
code=$?
[ "$code" -eq 0 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "forking initialiser: list exit $code"; }
[ $(($(date +%s) - start)) -lt 5 ] || fail "forking initialiser: the probe waited for the grandchild's pipe"
expect_contains "$WORK/out" "dup"
[ "$(wc -l <"$pids")" -eq 2 ] || fail "forking initialiser: expected the probe and its grandchild in $pids"
gone_within 30 || fail "forking initialiser: process $(alive) outlived the load probe"
: >"$pids"
start=$(date +%s)
BAD_PLUGIN_PIDS=$pids "$MS" run "$WORK/forky.json" --plugin "$fork_init_plugin" --backend dup --hang-grace 60s \
  --no-progress >"$WORK/out" 2>"$WORK/err"
code=$?
[ "$code" -le 1 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "forking initialiser: run exit $code"; }
[ $(($(date +%s) - start)) -lt 20 ] || fail "forking initialiser: the run waited for a grandchild's pipe"
[ "$(wc -l <"$pids")" -ge 4 ] || fail "forking initialiser: expected probe, case child and their grandchildren"
gone_within 30 || fail "forking initialiser: process $(alive) outlived the run"

# 10. A hung case (store() spins) stops at once on the first SIGINT, and on SIGTERM, exit 130.
for sig in INT TERM; do
  : >"$pids"
  BAD_PLUGIN_PIDS=$pids BAD_PLUGIN_SPIN=1 "$MS" run "$WORK/forky.json" --plugin "$fork_plugin" --backend dup \
    --hang-grace 60s --no-progress >"$WORK/out" 2>"$WORK/err" &
  runner=$!
  wait_pids
  sleep 0.3
  start=$(date +%s)
  kill -s "$sig" "$runner"
  wait "$runner"
  code=$?
  [ "$code" -eq 130 ] || { cat "$WORK/out" "$WORK/err" >&2; fail "SIG$sig on a hung case: exit $code, wanted 130"; }
  [ $(($(date +%s) - start)) -lt 5 ] || fail "SIG$sig: the hung case was not stopped at once"
  gone_within 30 || fail "SIG$sig: process $(alive) left running"
done

# 4. SIGKILL of mapstress mid-hung-case: the child and the grandchild die with it.
: >"$pids"
BAD_PLUGIN_PIDS=$pids BAD_PLUGIN_SPIN=1 "$MS" run "$WORK/forky.json" --plugin "$fork_plugin" --backend dup \
  --hang-grace 60s --no-progress >/dev/null 2>&1 &
runner=$!
wait_pids
kill -9 "$runner"
wait "$runner" 2>/dev/null
gone_within 30 || fail "SIGKILL: process $(alive) outlived mapstress"

# 12. A plugin printing on stdout: not one line of it in ours; the report counts it.
expect_exit 1 "$MS" run "$WORK/forky.json" --plugin "$noisy_plugin" --backend dup --no-progress \
  --format json --out "$WORK/noisy.json"
if grep -q "^noisy plugin: store" "$WORK/out"; then fail "the plugin's stdout leaked into mapstress's"; fi
$PY - "$WORK/noisy.json" <<'PY' || fail "the report does not count the plugin's stdout"
import json, re, sys
message = json.load(open(sys.argv[1]))["cases"][0]["message"]
m = re.search(r"the backend wrote (\d+) line\(s\) to stdout", message)
assert m and int(m.group(1)) > 100, message
assert "noisy plugin: store" in message, message
PY
echo "ok: plugin faults"
