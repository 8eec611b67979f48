#!/usr/bin/env bash
# Prints the path of the Terraform CLI for the tests (make test, make demo, ...): TF_ACC_TERRAFORM_PATH
# when it is set (it may be OpenTofu's tofu), else the `terraform` on PATH, else Terraform v1.5.7 (the
# last MPL release) from scripts/ensure-cli.sh, which builds it once per machine into its cache outside
# the clone (about 4 minutes the first time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && [ -x "${TF_ACC_TERRAFORM_PATH}" ]; then
  echo "${TF_ACC_TERRAFORM_PATH}"
  exit 0
fi
if tf=$(command -v terraform 2>/dev/null); then
  echo "$tf"
  exit 0
fi
echo "terraform not found on PATH: using Terraform v1.5.7 from the CLI cache" >&2
exec "$root/scripts/ensure-cli.sh" terraform 1.5.7
