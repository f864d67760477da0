# Sourced by dist/build.sh and dist/check.sh: how the static spro is built (target and
# flags), so that pre-commit's own `cargo install` in dist/check.sh reuses what build.sh built.
# Static, stripped, with the kernel's getrandom called directly (no C library, no
# /dev/urandom needed), and no path of this machine left in the binary.
static_target=x86_64-unknown-linux-gnu
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static -C strip=symbols --cfg getrandom_backend=\"linux_raw\" --remap-path-prefix=$root=/spro --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
