#!/usr/bin/env bash
# Proves the release configuration without publishing or signing anything:
#   1. `goreleaser check` validates .goreleaser.yml (all platforms);
#   2. a snapshot release for the local platform only builds the binary, the zip and SHA256SUMS
#      (zip + manifest) into dist/, named exactly as a tagged release names them;
#   3. the result is verified: names, zip content, checksums, manifest.
# RELEASE_CHECK_ALL_PLATFORMS=1 builds every registry platform instead (several minutes).
# Needs only the Go module proxy: goreleaser itself is built from source into .tools/bin.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

project=terraform-provider-ncloudkms
goreleaser=$(./scripts/install-tool.sh goreleaser github.com/goreleaser/goreleaser/v2 v2.16.0 --version)

echo "=== goreleaser check"
"$goreleaser" check

config=.goreleaser.yml
if [ "${RELEASE_CHECK_ALL_PLATFORMS:-}" != 1 ]; then
  goos=$(go env GOOS) goarch=$(go env GOARCH)
  # Same configuration with the target lists narrowed to this machine's platform.
  config=$(mktemp "${TMPDIR:-/tmp}/goreleaser-local.XXXXXX.yml")
  trap 'rm -f "$config"' EXIT
  sed -E -e "s/^( *goos:) \[.*\]$/\1 [$goos]/" -e "s/^( *goarch:) \[.*\]$/\1 [\"$goarch\"]/" \
    .goreleaser.yml > "$config"
  if [ "$(grep -cE "^ *goos: \[$goos\]$" "$config")" != 1 ] ||
     [ "$(grep -cE "^ *goarch: \[\"$goarch\"\]$" "$config")" != 1 ]; then
    echo "release-check: could not narrow the goos/goarch lists of .goreleaser.yml to $goos/$goarch" >&2
    echo "(keep them as one-line lists: goos: [...] and goarch: [...])" >&2
    exit 1
  fi
  echo "=== snapshot release for $goos/$goarch (not published, not signed)"
else
  echo "=== snapshot release for all platforms (not published, not signed)"
fi

"$goreleaser" release --snapshot --clean --skip=publish,sign --config "$config"

echo "=== dist/"
(cd dist && find . -maxdepth 1 -type f | sort | sed 's|^\./||' | while read -r f; do
  printf '%10s  %s\n' "$(wc -c < "$f" | tr -d ' ')" "$f"
done)

# Checks on what a registry release needs; the version is whatever goreleaser picked for the snapshot.
fail() { echo "release-check: $*" >&2; exit 1; }
sha256_of() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}
sums=$(find dist -maxdepth 1 -name "${project}_*_SHA256SUMS" | head -n 1)
[ -n "$sums" ] || fail "no ${project}_<version>_SHA256SUMS in dist/"
version=${sums#dist/${project}_}
version=${version%_SHA256SUMS}
# The manifest is not copied into dist/: SHA256SUMS lists it under its release name, and the
# release uploads terraform-registry-manifest.json under that same name (release.extra_files).
manifest_line=$(grep " ${project}_${version}_manifest.json\$" "$sums" || true)
[ -n "$manifest_line" ] || fail "$sums does not list ${project}_${version}_manifest.json"
manifest_sum=$(sha256_of terraform-registry-manifest.json)
[ "${manifest_line%% *}" = "$manifest_sum" ] || fail "$sums has a wrong checksum for the manifest"

zips=(dist/"${project}_${version}"_*.zip)
[ -f "${zips[0]}" ] || fail "no ${project}_${version}_<os>_<arch>.zip in dist/"
for zip in "${zips[@]}"; do
  grep -q " ${zip#dist/}\$" "$sums" || fail "$sums does not list ${zip#dist/}"
  if command -v unzip >/dev/null; then
    unzip -Z1 "$zip" | grep -Eqx "${project}_v${version}(\.exe)?" ||
      fail "${zip#dist/} does not hold ${project}_v${version}"
  fi
done
[ "$(wc -l < "$sums")" -eq $(( ${#zips[@]} + 1 )) ] || fail "$sums lists other files than the zips and the manifest"

for zip in "${zips[@]}"; do
  [ "$(grep " ${zip#dist/}\$" "$sums" | cut -d' ' -f1)" = "$(sha256_of "$zip")" ] ||
    fail "$sums has a wrong checksum for ${zip#dist/}"
done

echo "=== ${sums#dist/}"
cat "$sums"
for zip in "${zips[@]}"; do
  if command -v unzip >/dev/null; then echo "=== ${zip#dist/}"; unzip -l "$zip"; fi
done
echo "release-check: OK (version $version, ${#zips[@]} platform archive(s), manifest and checksums verified)"
