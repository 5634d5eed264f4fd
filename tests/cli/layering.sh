#!/bin/bash
# Layering: every #include "part/..." in src/ points down the layer table below (or stays in its
# own part), so the layers cannot lean on each other again. Then proves the check can fail: a
# copy of src/ with one planted upward include and one planted sideways include must be rejected.
# Usage: layering.sh <mapstress-binary> <source-dir>
source "$(dirname "$0")/lib.bash" "$@"

# The layers, bottom up (src/README of the design: cli -> engine/report/plugin ->
# backend/check/history/scenario -> core). A file may include its own part and lower layers only.
declare -A RANK=([core]=0 [backend]=1 [check]=1 [history]=1 [scenario]=1 [engine]=2 [report]=2 [plugin]=2
  [cli]=3 [main.cpp]=4)

# Prints one line per violation under the source tree $1; exit status 1 when there is any.
check_layers() {
  local root=$1 bad=0 file rel part target trank
  while IFS= read -r file; do
    rel=${file#"$root"/}
    part=${rel%%/*}
    if [ -z "${RANK[$part]+x}" ]; then
      echo "$rel: part '$part' is not in the layer table of tests/cli/layering.sh"
      bad=1
      continue
    fi
    while IFS= read -r target; do
      case $target in
        mapstress/*) target=plugin ;;  # the public plugin header, src/plugin/include/mapstress/
        */*) target=${target%%/*} ;;
        *) continue ;;                 # "_cgo_export.h" and the like: generated, same folder
      esac
      if [ -z "${RANK[$target]+x}" ]; then
        echo "$rel: includes a header of '$target', which is not in the layer table"
        bad=1
      elif [ "$target" != "$part" ] && [ "${RANK[$target]}" -ge "${RANK[$part]}" ]; then
        echo "$rel: $part (layer ${RANK[$part]}) includes $target (layer ${RANK[$target]}): includes must point down"
        bad=1
      fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
  done < <(find "$root" -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.c' \) | sort)
  return $bad
}

check_layers "$SRC/src" >"$WORK/real" || { cat "$WORK/real" >&2; fail "src/ has includes that do not point down"; }

# The check must catch a planted upward include (core -> cli) and a sideways one (backend -> scenario).
cp -r "$SRC/src" "$WORK/planted"
echo '#include "cli/options.h"' >>"$WORK/planted/core/contract.h"
echo '#include "scenario/scenario.h"' >>"$WORK/planted/backend/backend.h"
if check_layers "$WORK/planted" >"$WORK/planted.out"; then fail "a planted upward include was not caught"; fi
expect_contains "$WORK/planted.out" "core/contract.h: core (layer 0) includes cli (layer 3): includes must point down"
expect_contains "$WORK/planted.out" "backend/backend.h: backend (layer 1) includes scenario (layer 1)"
[ "$(wc -l <"$WORK/planted.out")" -eq 2 ] || { cat "$WORK/planted.out" >&2; fail "expected exactly the 2 planted violations"; }
echo "layering: ok"
