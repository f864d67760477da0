#!/usr/bin/env bash
# Builds the release artifacts twice from the last commit, in two different folders with two
# different target directories, and compares them byte for byte (binary, archive, package).
# Run by hand (two full static builds): ./dist/reproducible.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for side in a b; do
  git clone -q . "$work/$side-$RANDOM/spro-bilans"
done
for dir in "$work"/*/spro-bilans; do
  (cd "$dir" && CARGO_TARGET_DIR="$dir/target" dist/build.sh "$dir/out" >/dev/null 2>&1)
done
set -- "$work"/*/spro-bilans
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
status=0
for f in SHA256SUMS "spro-$version-x86_64-linux.tar.gz" "spro_${version}-1_amd64.deb"; do
  if cmp -s "$1/out/$f" "$2/out/$f"; then echo "identique : $f ($(sha256sum < "$1/out/$f" | cut -c1-16)…)"; else echo "DIFFÈRE : $f"; status=1; fi
done
bin=target/x86_64-unknown-linux-gnu/release/spro
cmp -s "$1/$bin" "$2/$bin" && echo "identique : spro" || { echo "DIFFÈRE : spro"; status=1; }
exit $status
