#!/usr/bin/env bash
# Runs golangci-lint (pinned version, configured by .golangci.yml) on every package.
# Exits non-zero when the configuration is invalid or any finding is reported.
# Extra arguments go to `golangci-lint run` (for example --fix).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

golangci_lint=$(./scripts/install-tool.sh golangci-lint \
  github.com/golangci/golangci-lint/v2/cmd/golangci-lint v2.15.0 version)

# Schema check first, so a typo in .golangci.yml fails loudly instead of being ignored.
"$golangci_lint" config verify
"$golangci_lint" run "$@" ./...
