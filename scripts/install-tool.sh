#!/usr/bin/env bash
# Usage: scripts/install-tool.sh NAME PACKAGE VERSION [VERSION_ARGS...]
#
# Prints the path of .tools/bin/NAME after making sure it is the pinned VERSION.
# A binary already there is kept when `NAME VERSION_ARGS...` mentions VERSION;
# otherwise PACKAGE@VERSION is built from source with `go install` (the Go module
# proxy is the only download, so this also works where release binaries cannot be
# fetched). Progress goes to stderr so callers can capture the path from stdout.
set -euo pipefail

if [ "$#" -lt 3 ]; then
  echo "usage: $0 NAME PACKAGE VERSION [VERSION_ARGS...]" >&2
  exit 2
fi
name=$1 package=$2 version=$3
shift 3
version_args=("$@")
[ "${#version_args[@]}" -gt 0 ] || version_args=(--version)

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin_dir="$repo_root/.tools/bin"
bin="$bin_dir/$name"

# "2.15.0" must not match "2.15.01" or "12.15.0"; a leading "v" is optional.
bare=${version#v}
pattern="(^|[^0-9.])v?${bare//./\\.}([^0-9.]|$)"

has_pinned_version() {
  [ -x "$bin" ] && "$bin" "${version_args[@]}" 2>&1 | grep -Eq "$pattern"
}

if has_pinned_version; then
  echo "$name $version: using $bin" >&2
else
  echo "$name $version: installing with go install $package@$version ..." >&2
  mkdir -p "$bin_dir"
  started=$(date +%s)
  GOBIN="$bin_dir" go install "$package@$version"
  echo "$name $version: installed in $(( $(date +%s) - started ))s" >&2
  if ! has_pinned_version; then
    echo "$name: $bin does not report version $version after install" >&2
    exit 1
  fi
fi
printf '%s\n' "$bin"
