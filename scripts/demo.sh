#!/usr/bin/env bash
# The provider's main job on its built-in default: build it, start the mock on loopback, and run
# examples/demo through create, an in-place update, the destroy plan with its warnings and the destroy.
# Writes only to a temporary folder; needs no credentials and no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ncloudkms-demo.XXXXXX")
mock_pid=""
cleanup() {
  if [ -n "$mock_pid" ]; then kill -TERM "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }

step "Building the provider and the mock"
mkdir -p "$work/bin" "$work/config"
(cd "$root" && go build -o "$work/bin/terraform-provider-ncloudkms" . && go build -o "$work/kmsmock" ./internal/cmd/kmsmock)

step "Starting the mock NCloud KMS API on loopback"
"$work/kmsmock" -addr 127.0.0.1:0 >"$work/mock.env" 2>"$work/mock.log" &
mock_pid=$!
for _ in $(seq 1 100); do
  [ "$(grep -c '^NCLOUD_' "$work/mock.env" || true)" -ge 3 ] && break
  sleep 0.1
done
set -a; source <(grep '^NCLOUD_' "$work/mock.env"); set +a
echo "NCLOUD_KMS_ENDPOINT=$NCLOUD_KMS_ENDPOINT"

# Point Terraform at the local build through a temporary CLI configuration.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "ncloudkms/ncloudkms" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_DATA_DIR="$work/.terraform" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
cp "$root/examples/demo/main.tf" "$work/config/"
cd "$work/config"
tf() { terraform "$@" -no-color; }

step "terraform apply: create two keys"
tf apply -auto-approve

step "terraform apply: change the memo in place"
tf apply -auto-approve -var 'memo=updated by make demo'

step "terraform plan -destroy: what destroying these keys means"
tf plan -destroy -var 'memo=updated by make demo'

step "terraform destroy"
tf destroy -auto-approve -var 'memo=updated by make demo'

step "Calls the mock recorded"
base=${NCLOUD_KMS_ENDPOINT%/kms/v1}
curl -fsS "$base/_mock/journal" | jq -r '.[] | "\(.status)  \(.method) \(.path)"'

step "Stopping the mock"
kill -TERM "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; mock_pid=""
echo "done"
