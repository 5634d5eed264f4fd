#!/usr/bin/env bash
# SIGKILL a `mapstress run` on a redis backend mid-run: its private redis-server must not survive.
# Usage: redis_no_orphan.sh <mapstress-binary> <source-dir>
set -u
bin=$1
src=$2
if ! command -v redis-server >/dev/null; then echo "SKIP: redis-server not installed"; exit 0; fi
if ! "$bin" list backends 2>/dev/null | grep -q redis-hscan; then echo "SKIP: built without hiredis"; exit 0; fi

"$bin" run "$src/scenarios/02-iterate-while-deleting.json" --backend redis-hscan --duration 30s --trials 1 \
  >/dev/null 2>&1 &
runner=$!
server=""
for _ in $(seq 100); do
  server=$(pgrep -P "$runner" redis-server | head -1)
  [ -n "$server" ] && break
  sleep 0.1
done
if [ -z "$server" ]; then echo "FAIL: no private redis-server appeared under mapstress ($runner)"; kill -9 "$runner"; exit 1; fi
# redis-server rewrites its title to "redis-server unixsocket:<dir>/redis.sock".
dir=$(tr '\0' ' ' < "/proc/$server/cmdline" | grep -o '/[^ ]*mapstress-redis-[A-Za-z0-9]*' | head -1)
if [ -z "$dir" ]; then echo "FAIL: cannot find the socket dir of redis-server $server"; kill -9 "$runner"; exit 1; fi
alive() {  # the server pid, or any process naming the dir, still running (a zombie does not count)
  local stat
  stat=$(ps -o stat= -p "$server" 2>/dev/null)
  [ -n "$stat" ] && [ "${stat:0:1}" != Z ] && return 0
  pgrep -f "$dir" >/dev/null
}
sleep 0.5
kill -9 "$runner"
wait "$runner" 2>/dev/null
for _ in $(seq 50); do
  alive || break
  sleep 0.1
done
status=0
if alive; then
  echo "FAIL: redis-server $server left running for $dir"; kill -9 "$server"; status=1
else
  echo "ok: redis-server ($server, $dir) exited with mapstress"
fi
# The janitor removes the temp dir once the server is gone.
for _ in $(seq 50); do
  [ -e "$dir" ] || break
  sleep 0.1
done
if [ -e "$dir" ]; then
  echo "FAIL: the temp dir $dir was left behind"; rm -rf "$dir"; status=1
else
  echo "ok: the temp dir $dir was removed"
fi
exit $status
