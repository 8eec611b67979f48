#!/usr/bin/env bash
# Usage: scripts/ensure-cli.sh terraform|tofu VERSION [--no-build]
#
# Prints the path of that exact CLI version, building it once per machine into a cache outside the
# clone, so that every clone and every CI run on this machine reuses it:
#
#   ${NCLOUDKMS_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-ncloudkms}/<name>-<version>/<name>
#
#   terraform VERSION  the `terraform` on PATH when it reports VERSION; else the cached build; else, for
#                      1.5.x and older, `go install github.com/hashicorp/terraform@vVERSION` (about 4
#                      minutes); for 1.6 and later, a build of its module source (about 5 minutes) once the
#                      nested-module remote-state backends and internal/legacy are dropped: go.mod replaces
#                      them with folders the module zip does not hold, and only the backend table of
#                      internal/backend/init/init.go imports them. The build keeps the local, http, inmem,
#                      remote and cloud backends, which is all the tests use.
#   tofu VERSION       the cached build; else OpenTofu's module source from the Go module proxy, copied to
#                      a writable folder and built with `go build ./cmd/tofu` (about 6 minutes; `go install`
#                      refuses it for its replace directive).
#
# A build goes to a temporary folder in the cache and is renamed into place only once the binary reports
# VERSION, under a lock, so concurrent runs build it once and never see half a binary. --no-build prints
# nothing and exits 3 instead of building. Exit 3 also means "this version cannot be built here".
# Only the Go module proxy is used: no release binary is downloaded. Progress goes to stderr.
set -euo pipefail
export CHECKPOINT_DISABLE=1

if [ "$#" -lt 2 ] || { [ "$1" != terraform ] && [ "$1" != tofu ]; }; then
  echo "usage: $0 terraform|tofu VERSION [--no-build]" >&2
  exit 2
fi
name=$1 version=${2#v} build=1
[ "${3:-}" = --no-build ] && build=0

cache=${NCLOUDKMS_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-ncloudkms}
dir="$cache/$name-$version"
bin="$dir/$name"

# reports FILE: true when FILE runs and `version -json` says VERSION (OpenTofu reports its own
# version in the same terraform_version field).
reports() {
  [ -x "$1" ] && [ "$(TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null | jq -r '.terraform_version // empty' 2>/dev/null)" = "$version" ]
}

if [ "$name" = terraform ] && on_path=$(command -v terraform 2>/dev/null) && reports "$on_path"; then
  echo "$on_path"
  exit 0
fi
if reports "$bin"; then
  echo "$bin"
  exit 0
fi

if [ "$name" = terraform ]; then
  IFS=. read -r major minor _ <<<"$version"
  if [ "$major" != 1 ]; then
    echo "ensure-cli: Terraform $version is not on PATH, and only 1.x can be built here" >&2
    exit 3
  fi
fi
if [ "$build" = 0 ]; then
  exit 3
fi

mkdir -p "$cache"
exec 9>"$cache/.$name-$version.lock"
flock 9
if reports "$bin"; then # another run built it while this one waited for the lock
  echo "$bin"
  exit 0
fi

tmp=$(mktemp -d "$cache/.build-$name-$version.XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"' EXIT
started=$(date +%s)
export GOFLAGS=-buildvcs=false
if [ "$name" = terraform ] && [ "$minor" -le 5 ]; then
  echo "ensure-cli: building Terraform $version with go install into $dir (about 4 minutes, once per machine)" >&2
  GOBIN="$tmp/out" go install "github.com/hashicorp/terraform@v$version" >&2
elif [ "$name" = terraform ]; then
  echo "ensure-cli: building Terraform $version from its module source into $dir (about 5 minutes, once per machine)" >&2
  src=$(cd "$tmp" && go mod download -json "github.com/hashicorp/terraform@v$version" | jq -r .Dir)
  [ -d "$src" ] || { echo "ensure-cli: go mod download gave no source folder for Terraform $version" >&2; exit 1; }
  cp -R "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  (
    cd "$tmp/src"
    nested=$(sed -n 's/^replace \(github.com\/hashicorp\/terraform\/internal\/[^ ]*\) => \.\/.*/\1/p' go.mod)
    [ -n "$nested" ] || { echo "ensure-cli: no nested-module replace lines in Terraform $version's go.mod" >&2; exit 1; }
    edits=()
    for module in $nested; do
      edits+=("-dropreplace=$module" "-droprequire=$module")
      alias=$(sed -n "s|^[[:space:]]*\([A-Za-z0-9_]*\) \"$module\"\$|\1|p" internal/backend/init/init.go)
      [ -z "$alias" ] && continue # internal/legacy: imported by no package the build needs
      # Drop the import line and the backend table's entry that calls alias.New.
      sed -i -e "\|^[[:space:]]*$alias \"$module\"\$|d" -e "/[[:space:]]$alias\.New(/d" internal/backend/init/init.go
    done
    # Go 1.24 removed the tlskyber setting (its key exchange is gone), and the go command now refuses
    # a go.mod that names it (Terraform 1.11 does).
    if grep -q '^godebug tlskyber=' go.mod; then edits+=("-dropgodebug=tlskyber"); fi
    go mod edit "${edits[@]}"
    # version.dev=no is how Terraform's own release build drops the "-dev" suffix from the version.
    go build -trimpath -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$tmp/out/terraform" .
  ) >&2
  chmod -R u+w "$tmp/src"
  rm -rf "$tmp/src"
else
  echo "ensure-cli: building OpenTofu $version from its module source into $dir (about 6 minutes, once per machine)" >&2
  src=$(cd "$tmp" && go mod download -json "github.com/opentofu/opentofu@v$version" | jq -r .Dir)
  [ -d "$src" ] || { echo "ensure-cli: go mod download gave no source folder for OpenTofu $version" >&2; exit 1; }
  cp -R "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  # version.dev=no is how OpenTofu's own release build drops the "-dev" suffix from the version.
  (cd "$tmp/src" && go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$tmp/out/tofu" ./cmd/tofu) >&2
  chmod -R u+w "$tmp/src"
  rm -rf "$tmp/src"
fi
if ! reports "$tmp/out/$name"; then
  echo "ensure-cli: the $name built from v$version does not report version $version:" >&2
  "$tmp/out/$name" version >&2 || true
  exit 1
fi
rm -rf "$dir"
mv "$tmp/out" "$dir"
echo "ensure-cli: $name $version built in $(( $(date +%s) - started ))s: $bin" >&2
echo "$bin"
