#!/usr/bin/env bash
# The tests on every CLI the provider is proven on, one leg per CLI:
#
#   1. Terraform 1.16.4 (make test's CLI when it has it): every test of the module, unit and acceptance,
#      exactly as `make test` runs them;
#   2. Terraform 1.11.4: the acceptance tests (TestAcc*);
#   3. Terraform 1.5.7: the acceptance tests;
#   4. OpenTofu 1.12.6: the acceptance tests, with TF_ACC_PROVIDER_HOST=registry.opentofu.org.
#
# The CLIs come from scripts/ensure-cli.sh, which takes a CLI of that exact version from PATH or builds it
# once per machine into a cache outside the clone. Every leg sets TF_ACC_TOFU_PATH, so the OpenTofu gate
# test compares each Terraform with OpenTofu. A leg whose CLI is the same version as an earlier leg's is
# not run again.
#
# Each leg prints its time and a summary line with its pass, fail and skip counts, then the tests it
# skipped with their reasons and its ten slowest tests; the last line adds the legs up. Exits non-zero
# when any test failed. The first leg runs alone; the others run MATRIX_JOBS at a time (default 2; 1 runs
# them one by one). The `go test -json` output of each leg is kept under MATRIX_LOG_DIR (default: a new
# temporary folder).
#   MATRIX_LEGS   legs to run, by name (default "terraform-1.16.4 terraform-1.11.4 terraform-1.5.7 tofu-1.12.6")
#   MATRIX_SKIPS  1 (default) lists every skipped test with its reason; 0 prints only the counts
#   MATRIX_RUN    a go test -run pattern for every leg, on ./internal/provider/ only (e.g. TestAccGuide)
#   MATRIX_TIMEOUT go test -timeout of each leg (default 20m)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CHECKPOINT_DISABLE=1 GOFLAGS=${GOFLAGS:--buildvcs=false}
unset TF_ACC_PROVIDER_HOST TF_ACC_PROVIDER_NAMESPACE TF_ACC_TERRAFORM_VERSION

# About three times a leg's measured time (6 to 7 minutes), as make test's TEST_TIMEOUT.
timeout=${MATRIX_TIMEOUT:-20m}
legs=${MATRIX_LEGS:-terraform-1.16.4 terraform-1.11.4 terraform-1.5.7 tofu-1.12.6}
log_dir=${MATRIX_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ncloudkms-matrix.XXXXXX")}
mkdir -p "$log_dir"

# cli_for LEG: the path of the leg's CLI (building it when needed).
cli_for() {
  case $1 in
    terraform-*) "$root/scripts/ensure-cli.sh" terraform "${1#terraform-}" ;;
    tofu-*) "$root/scripts/ensure-cli.sh" tofu "${1#tofu-}" ;;
    *) echo "testacc-matrix: unknown leg $1" >&2; return 2 ;;
  esac
}

# cli_name PATH: "Terraform 1.11.4" or "OpenTofu 1.12.6", from the first line of `version`.
cli_name() {
  TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | sed -nE '1s/^(Terraform|OpenTofu) v/\1 /p'
}

tofu=$(cli_for tofu-1.12.6)
export TF_ACC_TOFU_PATH="$tofu"

# summarize FILE: the counts of a go test -json log. Top-level tests and subtests are counted apart;
# a test that is neither passed, failed nor skipped (a panic, a timeout) counts as failed.
summarize() {
  jq -rs '
    [.[] | select(.Test != null and (.Action == "pass" or .Action == "fail" or .Action == "skip" or .Action == "run"))]
    | group_by(.Package + " " + .Test)
    | map({test: .[0].Test, top: (.[0].Test | contains("/") | not),
           result: ([.[].Action | select(. != "run")] | last // "fail")})
    | def count(f): map(select(f)) | {passed: map(select(.result == "pass")) | length,
                                      failed: map(select(.result == "fail")) | length,
                                      skipped: map(select(.result == "skip")) | length};
      {tests: count(.top), subtests: count(.top | not)}
    | "\(.tests.passed) \(.tests.failed) \(.tests.skipped) \(.subtests.passed) \(.subtests.failed) \(.subtests.skipped)"
  ' "$1"
}

# skip_reasons FILE: "TestX: reason" for every skipped top-level test.
skip_reasons() {
  jq -rs '
    (reduce (.[] | select(.Test != null and .Action == "output")) as $e ({};
      .[$e.Test] += [$e.Output])) as $out
    | .[] | select(.Test != null and .Action == "skip" and (.Test | contains("/") | not))
    | "\(.Test): " + ([$out[.Test][]? | select(test("^\\s+\\S+\\.go:[0-9]+: ")) | sub("^\\s+\\S+\\.go:[0-9]+: "; "") | rtrimstr("\n")] | join(" / "))
  ' "$1"
}

# slowest FILE: the ten slowest top-level tests of a go test -json log, "12.3s TestX", slowest first.
slowest() {
  jq -rs '
    [.[] | select(.Test != null and (.Test | contains("/") | not) and (.Action == "pass" or .Action == "fail"))]
    | sort_by(-.Elapsed) | .[:10][] | "\(.Elapsed)s \(.Test)"
  ' "$1"
}

# failures FILE: the output of every failed test, for the log.
failures() {
  jq -js '
    ([.[] | select(.Test != null and .Action == "fail") | .Package + " " + .Test]) as $failed
    | .[] | select(.Test != null and .Action == "output" and ((.Package + " " + .Test) as $k | $failed | index($k)))
    | .Output
  ' "$1" | sed 's/\r$//'
}

# run_leg LEG CLI NAME FIRST: runs one leg and prints its report; its counts go to LEG.counts.
run_leg() {
  local leg=$1 cli=$2 name=$3 first=$4 what args env log started leg_status=0 seconds
  local passed failed skipped sub_passed sub_failed sub_skipped
  env=(TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" PATH="$(dirname "$cli"):$PATH")
  case $name in OpenTofu*) env+=(TF_ACC_PROVIDER_HOST=registry.opentofu.org) ;; esac
  if [ -n "${MATRIX_RUN:-}" ]; then
    what="tests matching $MATRIX_RUN"
    args=(./internal/provider/... -run "$MATRIX_RUN" -count=1 -timeout "$timeout")
  elif [ "$first" = 1 ]; then
    what="all tests (unit and acceptance, as make test)"
    args=(./... -count=1 -timeout "$timeout")
  else
    what="acceptance tests"
    args=(./internal/provider/... ./internal/tfcli/... -run '^TestAcc' -count=1 -timeout "$timeout")
  fi
  log="$log_dir/$leg.jsonl"
  echo "=== leg $leg: $what on $name ($cli)"
  started=$(date +%s)
  env "${env[@]}" go test -json "${args[@]}" >"$log" 2>"$log_dir/$leg.stderr" || leg_status=$?
  seconds=$(( $(date +%s) - started ))
  read -r passed failed skipped sub_passed sub_failed sub_skipped <<<"$(summarize "$log")"
  if [ "$leg_status" != 0 ] && [ "$failed" = 0 ]; then
    failed=1 # the build or the test binary failed outside any test
  fi
  if [ -s "$log_dir/$leg.stderr" ]; then cat "$log_dir/$leg.stderr"; fi
  # go test's own package lines, as a plain `go test` prints them.
  jq -r 'select(.Test == null and (.Action == "pass" or .Action == "fail" or .Action == "skip")) |
    "\(.Action | ascii_upcase | if . == "PASS" then "ok  " elif . == "SKIP" then "?   " else "FAIL" end)\t\(.Package)\t\((.Elapsed // 0) * 100 | floor / 100)s"' "$log"
  if [ "$failed" != 0 ]; then
    echo "--- failures on $name:"
    failures "$log" | tail -n 400
  fi
  printf '%-18s %d passed, %d failed, %d skipped (subtests: %d passed, %d failed, %d skipped) in %dm%02ds\n' \
    "$name:" "$passed" "$failed" "$skipped" "$sub_passed" "$sub_failed" "$sub_skipped" $((seconds / 60)) $((seconds % 60)) |
    tee "$log_dir/$leg.line"
  if [ "${MATRIX_SKIPS:-1}" = 1 ] && [ "$skipped" != 0 ]; then
    skip_reasons "$log" | sed 's/^/    skipped /'
  fi
  echo "  the ten slowest tests on $name:"
  slowest "$log" | sed 's/^/    /'

  echo "$passed $failed $skipped" >"$log_dir/$leg.counts"
}

# The CLIs first, one after the other (a missing one is built), so that legs never build at once.
run_legs=() names=() clis=()
summary=()
for leg in $legs; do
  cli=$(cli_for "$leg")
  name=$(cli_name "$cli")
  if printf '%s\n' "${names[@]+"${names[@]}"}" | grep -qxF "$name"; then
    echo "=== leg $leg: $name is the CLI of an earlier leg; not run again"
    summary+=("$(printf '%-18s not run again (the CLI of an earlier leg)' "$name:")")
    continue
  fi
  run_legs+=("$leg") names+=("$name") clis+=("$cli")
done

# The first leg alone (it compiles everything); the others MATRIX_JOBS at a time (default 2): they
# wait on Terraform processes and the mock far more than they use the CPU.
matrix_started=$(date +%s)
jobs=${MATRIX_JOBS:-2}
i=0
while [ "$i" -lt "${#run_legs[@]}" ]; do
  if [ "$i" = 0 ] || [ "$jobs" -le 1 ]; then
    run_leg "${run_legs[$i]}" "${clis[$i]}" "${names[$i]}" $((i == 0 ? 1 : 0))
    i=$((i + 1))
    continue
  fi
  batch=()
  while [ "$i" -lt "${#run_legs[@]}" ] && [ "${#batch[@]}" -lt "$jobs" ]; do
    leg=${run_legs[$i]}
    echo "=== leg $leg: starting on ${names[$i]}, alongside the other legs of this batch (their times overlap)"
    run_leg "$leg" "${clis[$i]}" "${names[$i]}" 0 >"$log_dir/$leg.out" 2>&1 &
    batch+=("$leg")
    i=$((i + 1))
  done
  wait
  for leg in "${batch[@]}"; do cat "$log_dir/$leg.out"; done
done

total_passed=0 total_failed=0 total_skipped=0
for leg in "${run_legs[@]}"; do
  if [ -s "$log_dir/$leg.counts" ]; then
    read -r passed failed skipped <"$log_dir/$leg.counts"
    summary+=("$(cat "$log_dir/$leg.line")")
  else
    passed=0 failed=1 skipped=0
    summary+=("$leg: did not finish")
  fi
  total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed)) total_skipped=$((total_skipped + skipped))
done
seconds=$(( $(date +%s) - matrix_started ))

echo
echo "=== CLI matrix in $((seconds / 60))m$(printf '%02d' $((seconds % 60)))s (go test -json logs in $log_dir)"
printf '%s\n' "${summary[@]}"
echo "matrix: $total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" = 0 ]
