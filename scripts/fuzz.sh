#!/usr/bin/env bash
# Runs every fuzz target of internal/kmsapi for a bounded time each, one after the other.
# Exits non-zero when a target reports a finding; go test then saves the failing input under
# internal/kmsapi/testdata/fuzz/<Target>/ (commit it with the fix: it becomes a regression seed).
#   FUZZTIME          time per target (default 20s; go test's -fuzztime syntax, e.g. 1m or 10000x)
#   FUZZMINIMIZETIME  time spent shrinking a new input (default 5s, so that short runs keep fuzzing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fuzztime="${FUZZTIME:-20s}"
minimizetime="${FUZZMINIMIZETIME:-5s}"
package=./internal/kmsapi/
targets=(FuzzSign FuzzDecodeError)

log=$(mktemp)
trap 'rm -f "$log"' EXIT

failed=()
summary=()
for target in "${targets[@]}"; do
  echo "=== ${target} for ${fuzztime}"
  if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimizetime" "$package" 2>&1 | tee "$log"; then
    status=ok
  else
    status=FAILED
    failed+=("$target")
  fi
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  summary+=("$(printf '%-16s %-7s %s executions' "$target" "$status" "${execs:-0}")")
done

echo
echo "=== fuzz summary (${fuzztime} per target)"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "findings in: ${failed[*]} (failing inputs are in ${package}testdata/fuzz/)" >&2
  exit 1
fi
