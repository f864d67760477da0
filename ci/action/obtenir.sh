#!/usr/bin/env bash
# Puts spro on the PATH of the job: the one already there when it is this action's version;
# else the static release archive of this version (SHA-256 checked) when it is published;
# else built from the action's own source (cargo install --path), which needs Rust.
set -euo pipefail
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "${SPRO_SOURCE:?}/Cargo.toml" | head -n 1)
if command -v spro >/dev/null 2>&1 && spro --version | grep -q " $version\$"; then
  echo "spro $version déjà installé : $(command -v spro)"
  exit 0
fi
bin="${RUNNER_TEMP:-/tmp}/spro-bin"
mkdir -p "$bin"
archive="spro-$version-x86_64-linux.tar.gz"
url="https://github.com/${SPRO_DEPOT:-}/releases/download/v$version"
if [ -n "${SPRO_DEPOT:-}" ] && [ "$(uname -m)" = "x86_64" ] \
  && curl -fsSL -o "$bin/$archive" "$url/$archive" \
  && curl -fsSL -o "$bin/SHA256SUMS" "$url/SHA256SUMS" \
  && (cd "$bin" && grep " $archive\$" SHA256SUMS | sha256sum -c -); then
  tar -xzf "$bin/$archive" -C "$bin" --strip-components=1 "spro-$version-x86_64-linux/spro"
else
  echo "spro : pas d'archive publiée pour $version, construction depuis la source (cargo install)"
  cargo install --locked --quiet --root "$bin/.." --path "$SPRO_SOURCE" --bin spro
  mv "$bin/../bin/spro" "$bin/spro"
fi
echo "$bin" >> "${GITHUB_PATH:-/dev/null}"
"$bin/spro" --version
