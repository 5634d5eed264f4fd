#!/bin/bash
# Schema parity: scenarios/scenario.schema.json accepts the good corpus and every bundled scenario,
# and rejects every bad-corpus file except those in tests/data/bad/schema_cannot_express.txt.
# When the binary has a `validate` subcommand, the loader must agree file by file too.
# Usage: schema_parity.sh <mapstress-binary> <source-dir>
set -u
bin=$1
src=$2
py=/usr/bin/python3
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
  echo "FAIL: $py has no jsonschema module; install Debian's python3-jsonschema" >&2
  exit 1
fi
"$py" - "$src" <<'PY' || exit 1
import json, pathlib, sys
import jsonschema

src = pathlib.Path(sys.argv[1])
schema = json.loads((src / "scenarios/scenario.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
allow = {}
for line in (src / "tests/data/bad/schema_cannot_express.txt").read_text().splitlines():
    if line.strip() and not line.startswith("#"):
        name, _, reason = line.partition(" ")
        allow[name] = reason

def schema_ok(path):
    try:
        doc = json.loads(path.read_text())
    except ValueError:
        return False
    return validator.is_valid(doc)

failures = []
good = sorted((src / "tests/data/good").glob("*.json")) + sorted(
    p for p in (src / "scenarios").rglob("*.json") if not p.name.endswith(".schema.json"))
for p in good:
    if not schema_ok(p):
        errors = [e.message for e in validator.iter_errors(json.loads(p.read_text()))]
        failures.append(f"schema rejects good file {p}: {errors[:1]}")
bad = sorted((src / "tests/data/bad").glob("*.json"))
for p in bad:
    ok = schema_ok(p)
    if p.name in allow and not ok:
        failures.append(f"{p.name} is in schema_cannot_express.txt but the schema rejects it; remove the line")
    elif p.name not in allow and ok:
        failures.append(f"schema accepts bad file {p}")
for name in allow:
    if not (src / "tests/data/bad" / name).exists():
        failures.append(f"schema_cannot_express.txt names a missing file {name}")
for f in failures:
    print("FAIL:", f)
print(f"schema side: {len(good)} good, {len(bad)} bad ({len(allow)} allow-listed), {len(failures)} failures")
sys.exit(1 if failures else 0)
PY
# Loader side, once the CLI has `validate` (until then the gtest BadCorpusMessages covers it).
if ! "$bin" validate --help >/dev/null 2>&1; then
  echo "note: '$bin validate' not available; loader side checked by mapstress_tests only"
  exit 0
fi
status=0
for f in "$src"/tests/data/good/*.json $(find "$src/scenarios" -name '*.json' ! -name '*.schema.json' | sort); do
  out=$("$bin" validate "$f" 2>&1) || { echo "FAIL: loader rejects good file: $out"; status=1; }
done
for f in "$src"/tests/data/bad/*.json; do
  if out=$("$bin" validate "$f" 2>&1); then echo "FAIL: loader accepts bad file $f"; status=1; fi
  want=$(grep -F "$(basename "$f"):" "$src/tests/data/bad/expected.txt" | head -1)
  if [[ "$out" != *"${want#$(basename "$f")}"* ]]; then echo "FAIL: $f: got '$out', want suffix '${want#$(basename "$f")}'"; status=1; fi
done
exit $status
