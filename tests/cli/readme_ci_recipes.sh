# The README's CI recipes cannot rot: every `mapstress` command in the YAML blocks of its "CI recipes"
# section names a real subcommand, and every flag it uses is one `mapstress <command> --help` lists,
# with a valid value where the value is checkable (--format, --shard, --seed, --time-budget).
source "$(dirname "$0")/lib.bash" "$@"
MS=$(realpath "$MS")  # the recipes run from a folder of their own
$PY - "$MS" "$SRC/README.md" <<'PY' || fail "README CI recipes"
import re, shlex, subprocess, sys
ms, readme = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
section = readme.split("\n## CI recipes\n", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
assert len(blocks) == 2, f"expected the GitHub and GitLab blocks, found {len(blocks)}"
subst = {"${{ matrix.i }}": "1", "${CI_NODE_INDEX}": "1", "${CI_NODE_TOTAL}": "4"}
formats = subprocess.run([ms, "list", "formats"], capture_output=True, text=True, check=True).stdout.split()
helps, seen = {}, []
for block in blocks:
    for line in block.splitlines():
        m = re.search(r"(?:run: |- )(mapstress .*)$", line)
        if not m:
            continue
        cmd = m.group(1)
        for k, v in subst.items():
            cmd = cmd.replace(k, v)
        argv = shlex.split(cmd)
        sub = argv[1]
        if sub not in helps:
            r = subprocess.run([ms, sub, "--help"], capture_output=True, text=True)
            assert r.returncode == 0, f"`mapstress {sub} --help` exited {r.returncode}: {cmd}"
            helps[sub] = r.stdout
        flags = set(re.findall(r"(--[a-z][a-z-]*)", helps[sub]))
        for i, a in enumerate(argv[2:], 2):
            if not a.startswith("--"):
                continue
            flag = a.split("=")[0]
            assert flag in flags, f"{flag} is not a flag of `mapstress {sub}`: {cmd}"
            value = argv[i + 1] if i + 1 < len(argv) else ""
            if flag == "--format":
                assert value in formats, f"--format {value}: not one of {formats}"
            if flag == "--shard":
                assert re.fullmatch(r"[1-9][0-9]*/[1-9][0-9]*", value), f"--shard {value}"
            if flag == "--seed":
                assert value.isdigit(), f"--seed {value}"
            if flag == "--time-budget":
                assert re.fullmatch(r"[0-9]+(ms|s|m|h)", value), f"--time-budget {value}"
        seen.append(sub)
# Both recipes shard and merge.
assert seen.count("run") == 2 and seen.count("merge") == 2, seen
print("checked", len(seen), "commands")
PY
# The same commands really run: a sharded run and the merge, as the recipes write them (small).
cd "$WORK" || exit 1
mkdir -p s
cat >s/q.json <<JSON
{"name": "q", "description": "ci recipe", "keys": {"count": 200, "prefill": 100}, "duration": "20ms", "trials": 1,
 "threads": [{"role": "mixed", "count": 1, "mix": {"store": 40, "erase": 20, "load": 30, "iterate": 10}}]}
JSON
for i in 1 2; do
  expect_exit 0 "$MS" run s --backend locked --backend cow --shard $i/2 --seed 42 --time-budget 100ms --report-dir reports/shard-$i --no-progress
done
expect_exit 0 "$MS" merge reports/shard-*/mapstress.json --format markdown --out merged.md --format junit --out merged.xml
expect_contains merged.md "2 cases: 2 pass"
rm -r reports/shard-2
expect_exit 2 "$MS" merge reports/shard-*/mapstress.json --format markdown --out merged.md
expect_contains "$WORK/err" "missing shard 2/2"
echo "README CI recipes: ok"
