#!/usr/bin/env bash
# Prints the path of a Terraform CLI for the tests: the one on PATH, else one built from
# source into .tools/bin (v1.5.7, the last MPL release; about 3 minutes the first time).
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
local_tf="$root/.tools/bin/terraform"
if [ ! -x "$local_tf" ]; then
  echo "terraform not found on PATH: building v1.5.7 into .tools/bin (about 3 minutes)" >&2
  GOBIN="$root/.tools/bin" GOFLAGS=-buildvcs=false go install github.com/hashicorp/terraform@v1.5.7 >&2
fi
echo "$local_tf"
