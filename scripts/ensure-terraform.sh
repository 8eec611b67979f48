#!/usr/bin/env bash
# Prints the path of the CLI for the tests (make test, make demo, ...), the first of:
#   1. TF_ACC_TERRAFORM_PATH when it is set (it may be OpenTofu's tofu);
#   2. Terraform 1.16.4, the newest release the matrix runs, when it is on PATH or in the CLI cache: every
#      test runs on it, none skips for a missing feature;
#   3. the `terraform` on PATH, whatever its version (tests of features it lacks skip, naming them);
#   4. Terraform 1.16.4 built by scripts/ensure-cli.sh, once per machine, into its cache outside the
#      clone (about 5 minutes the first time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
newest=1.16.4
if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && [ -x "${TF_ACC_TERRAFORM_PATH}" ]; then
  echo "${TF_ACC_TERRAFORM_PATH}"
  exit 0
fi
if tf=$("$root/scripts/ensure-cli.sh" terraform "$newest" --no-build 2>/dev/null); then
  echo "$tf"
  exit 0
fi
if tf=$(command -v terraform 2>/dev/null); then
  echo "$tf"
  exit 0
fi
echo "terraform not found on PATH: using Terraform $newest from the CLI cache" >&2
exec "$root/scripts/ensure-cli.sh" terraform "$newest"
