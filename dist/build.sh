#!/usr/bin/env bash
# Builds the release artifacts of spro into dist/out/ (or $1):
#   spro-VERSION-x86_64-linux.tar.gz  a statically linked spro (any x86_64 Linux, whatever its
#                                     C library, even an empty container), its man page, its
#                                     completions (bash, zsh, fish), README.md, LICENSE and a
#                                     commented spro.toml
#   SHA256SUMS                        of the archive and the package
#   spro_VERSION-1_amd64.deb          the same binary for Debian, with the spro.service unit
#                                     (installed, not started) and /etc/spro/spro.toml (conffile)
# Reproducible: the timestamps come from the last commit (SOURCE_DATE_EPOCH), the build's
# folders are remapped out of the binary; two builds of one commit in two folders give the
# same bytes. Needs Rust and cargo-deb (cargo install cargo-deb), nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$(realpath -m "${1:-dist/out}")
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
. dist/static-flags.sh
target=$static_target
cargo build --release --locked --target "$target" --bin spro
bin="${CARGO_TARGET_DIR:-target}/$target/release/spro"

rm -rf "$out" && mkdir -p "$out"
stage="$out/spro-$version-x86_64-linux"
mkdir -p "$stage/completions"
cp "$bin" "$stage/spro"
"$bin" man > "$stage/spro.1"
"$bin" completions bash > "$stage/completions/spro.bash"
"$bin" completions zsh > "$stage/completions/_spro"
"$bin" completions fish > "$stage/completions/spro.fish"
cp README.md LICENSE "$stage/"
cp dist/spro.toml "$stage/spro.toml"
touch -d "@$SOURCE_DATE_EPOCH" "$stage" "$stage"/* "$stage"/completions/*
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  -C "$out" -cf - "spro-$version-x86_64-linux" | gzip -9n > "$out/spro-$version-x86_64-linux.tar.gz"

# The package takes the same binary and the files just written (paths in Cargo.toml,
# [package.metadata.deb], relative to dist/out/deb-assets).
assets="$root/target/deb-assets"
rm -rf "$assets" && mkdir -p "$assets"
cp -r "$stage"/. "$assets/"
gzip -9n "$assets/spro.1"
cargo deb --no-build --no-strip --target "$target" --deb-revision 1 --output "$out/spro_${version}-1_amd64.deb"
rm -rf "$stage"
(cd "$out" && sha256sum "spro-$version-x86_64-linux.tar.gz" "spro_${version}-1_amd64.deb" > SHA256SUMS)
cat "$out/SHA256SUMS"
