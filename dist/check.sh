#!/usr/bin/env bash
# Tests the release artifacts as those who install them would use them, on a fresh machine, as
# root (run by .ci/run; changes the machine: installs then purges the package):
#   1. dist/build.sh builds the archive, the package and SHA256SUMS;
#   2. lintian reports no error on the package;
#   3. dpkg -i: spro --version, man -w spro, the completions, systemd-analyze verify of the
#      unit (installed, neither enabled nor started); the unit's ExecStart run as an
#      unprivileged user answers /sante; dpkg --purge leaves no file behind;
#   4. the static binary: no dynamic dependency (ldd); check and serve inside an empty chroot
#      holding only the binary, a fixture, /dev/null and /dev/urandom (what a FROM scratch
#      container gets), then without /dev/urandom, give the findings of the normal build;
#   5. the CI files (action, GitLab template, hooks, the example's) are valid YAML naming
#      scripts and inputs that exist;
#   6. the pre-commit hook (pre-commit try-repo, language: rust): a file with an error blocks
#      the commit and shows the finding, a clean one passes.
# Installs what it needs (apt-get: lintian, systemd, man-db, curl, git; pip: pre-commit;
# cargo: cargo-deb). Prints one line per check; stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
out=$root/target/dist
ok() { printf 'dist/check.sh: ok — %s\n' "$*"; }

need=()
command -v lintian >/dev/null || need+=(lintian)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v man >/dev/null || need+=(man-db)
command -v curl >/dev/null || need+=(curl)
command -v git >/dev/null || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v pre-commit >/dev/null || python3 -m pip install -q pre-commit
# --install-only: the downloads only (.ci/run, while clippy builds).
if [ "${1:-}" = "--install-only" ]; then exit 0; fi
command -v cargo-deb >/dev/null || cargo install --locked --quiet cargo-deb

# 1. Build.
start=$(date +%s)
dist/build.sh "$out" >/dev/null
deb=$out/spro_${version}-1_amd64.deb
archive=$out/spro-$version-x86_64-linux.tar.gz
(cd "$out" && sha256sum -c --quiet SHA256SUMS)
tar -tzf "$archive" | sort > "$out/contents.txt"
for f in spro spro.1 README.md LICENSE spro.toml completions/spro.bash completions/_spro completions/spro.fish; do
  grep -qx "spro-$version-x86_64-linux/$f" "$out/contents.txt" || { echo "missing from the archive: $f"; exit 1; }
done
ok "artifacts built in $(( $(date +%s) - start )) s: $(cd "$out" && ls -s --block-size=K | tr '\n' ' ')"

# 2. lintian.
lintian --fail-on error --tag-display-limit 0 "$deb" | tee "$out/lintian.txt"
ok "lintian: no error ($(grep -c '^W:' "$out/lintian.txt" || true) warning(s))"

# 3. The package installed, its service run, then purged.
dpkg -i "$deb" >/dev/null
spro --version | grep -qx "spro $version"
man -w spro >/dev/null
for f in /usr/share/bash-completion/completions/spro /usr/share/zsh/vendor-completions/_spro /usr/share/fish/vendor_completions.d/spro.fish /etc/spro/spro.toml /usr/share/doc/spro/copyright; do
  test -f "$f" || { echo "missing after dpkg -i: $f"; exit 1; }
done
unit=$(dpkg -L spro | grep '/systemd/system/spro.service$')
systemd-analyze verify "$unit"
# The unit bounds the service: its memory, and its descriptors for the connections cap.
grep -qx 'MemoryMax=1G' "$unit" && grep -qx 'LimitNOFILE=8192' "$unit"
# The campaign's store in /var/lib/spro, the one place the service writes; the daily reminders
# installed beside it, not enabled.
grep -qx 'StateDirectory=spro' "$unit" && grep -qx 'ProtectSystem=strict' "$unit" && grep -qx 'DynamicUser=yes' "$unit"
# The service and its reminders share one dynamic user (one UID owns /var/lib/spro).
for u in "$unit" "$(dpkg -L spro | grep '/systemd/system/spro-relance.service$')"; do grep -qx 'User=spro' "$u" || { echo "$u: no User=spro"; exit 1; }; done
for u in spro-relance.service spro-relance.timer; do
  f=$(dpkg -L spro | grep "/systemd/system/$u\$") || { echo "missing after dpkg -i: $u"; exit 1; }
  systemd-analyze verify "$f"
done
if [ -e /etc/systemd/system/timers.target.wants/spro-relance.timer ]; then echo "the timer was enabled"; exit 1; fi
if [ -e /etc/systemd/system/multi-user.target.wants/spro.service ]; then echo "the unit was enabled"; exit 1; fi
ok "dpkg -i: spro --version, man -w spro, completions, conffile, systemd-analyze verify $unit and spro-relance.{service,timer} (not enabled; StateDirectory=spro)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The store in a folder nobody may write (systemd gives the unit /var/lib/spro).
state=$(mktemp -d)
chown nobody "$state"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | sed "s/127.0.0.1:8080/127.0.0.1:$port/; s#/var/lib/spro#$state#")
# shellcheck disable=SC2086
runuser -u nobody -- $exec_start 2>"$out/serve.log" &
serve=$!
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/sante" >"$out/sante.txt" 2>/dev/null && break; sleep 0.1; done
kill "$serve"; wait "$serve" || true
grep -qx ok "$out/sante.txt" || { echo "/sante did not answer"; cat "$out/serve.log"; exit 1; }
ok "the unit's ExecStart as nobody answers /sante"
files=$(dpkg -L spro | grep -v '^/\.$')
dpkg --purge spro >/dev/null
left=""
for f in $files; do
  if [ -f "$f" ] || [ -L "$f" ]; then left="$left $f"; fi
done
[ -d /etc/spro ] && left="$left /etc/spro"
[ -z "$left" ] || { echo "left after dpkg --purge:$left"; exit 1; }
ok "dpkg --purge leaves no file"

# 4. The static binary, alone in an empty chroot.
tar -xzf "$archive" -C "$out"
static=$out/spro-$version-x86_64-linux/spro
if ldd "$static" 2>&1 | grep -q '=>'; then ldd "$static"; exit 1; fi
fixture=fixtures/cas/C005-logo-manquant.xlsx
cargo build -q --bin spro
findings() { python3 -c 'import json,sys; print(json.dumps([[f["code"], f.get("sheet"), f.get("cell"), f["message"]] for f in json.load(sys.stdin)["files"][0]["findings"]]))'; }
# spro check exits 1 on a file with errors: the status is not what is compared.
target/debug/spro check "$fixture" --format json --quiet --annee 2025 > "$out/normal.json" || true
normal=$(findings < "$out/normal.json")
jail=$(mktemp -d)
mkdir -p "$jail/dev"
cp "$static" "$jail/spro"
cp "$fixture" "$jail/bilan.xlsx"
mknod -m 666 "$jail/dev/null" c 1 3
mknod -m 444 "$jail/dev/urandom" c 1 9
chroot "$jail" /spro check /bilan.xlsx --format json --quiet --annee 2025 > "$out/chroot.json" || true
in_jail=$(findings < "$out/chroot.json")
[ "$in_jail" = "$normal" ] || { echo "chroot check differs: $in_jail"; exit 1; }
chroot "$jail" /spro serve --listen "127.0.0.1:$port" --annee 2025 2>"$out/serve-chroot.log" &
serve=$!
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/sante" >/dev/null 2>&1 && break; sleep 0.1; done
served=$(curl -fsS -F "fichiers=@$fixture;filename=bilan.xlsx" "http://127.0.0.1:$port/api/verifier" | findings)
kill "$serve"; wait "$serve" || true
[ "$served" = "$normal" ] || { echo "chroot serve differs: $served"; cat "$out/serve-chroot.log"; exit 1; }
rm "$jail/dev/urandom"
chroot "$jail" /spro check /bilan.xlsx --format json --quiet --annee 2025 > "$out/chroot-sans-urandom.json" || true
without=$(findings < "$out/chroot-sans-urandom.json")
[ "$without" = "$normal" ] || { echo "chroot without /dev/urandom differs: $without"; exit 1; }
rm -rf "$jail"
ok "static binary: no dynamic dependency; check and serve in an empty chroot (and check without /dev/urandom) give the normal build's findings"

# 5. The CI files are valid YAML and name what exists (PyYAML comes with pre-commit).
python3 - <<'PY'
import os, re, yaml
files = ["action.yml", "ci/spro.gitlab-ci.yml", ".pre-commit-hooks.yaml",
         "examples/depot-bilans/.github/workflows/bilans.yml", "examples/depot-bilans/.gitlab-ci.yml",
         "examples/depot-bilans/.pre-commit-config.yaml"]
docs = {f: yaml.safe_load(open(f, encoding="utf-8")) for f in files}
action = docs["action.yml"]
assert action["runs"]["using"] == "composite"
for step in action["runs"]["steps"]:
    script = re.search(r"ci/action/[a-z]+\.sh", step["run"]).group(0)
    assert os.access(script, os.X_OK), script
for name in ("chemins", "annee", "precedent", "config", "strict", "consolider"):
    assert name in action["inputs"], name
assert {"spro:verifier", "spro:consolider"} <= set(docs["ci/spro.gitlab-ci.yml"])
assert docs[".pre-commit-hooks.yaml"][0]["id"] == "spro-check"
assert docs[".pre-commit-hooks.yaml"][0]["language"] == "rust"
PY
ok "action.yml, the GitLab template, the pre-commit hooks and the example's CI files are valid YAML naming scripts and inputs that exist"

# 6. The pre-commit hook, from this repository.
repo=$(mktemp -d)
git -C "$repo" init -q
cp "$fixture" "$repo/36-CHX.xlsx"
cp fixtures/bilans/2025/37-TOU.xlsx "$repo/37-TOU.xlsx"
git -C "$repo" add .
# pre-commit installs the hook with its own `cargo install` (language: rust); given
# build.sh's target folder, target and flags, it reuses the dependencies built in step 1
# (Typst's included) and compiles only spro itself.
. dist/static-flags.sh
export CARGO_TARGET_DIR=$root/target CARGO_BUILD_TARGET=$static_target
if (cd "$repo" && pre-commit try-repo "$root" spro-check --files 36-CHX.xlsx >"$out/pre-commit-erreur.txt" 2>&1); then
  echo "pre-commit passed a file with errors"; cat "$out/pre-commit-erreur.txt"; exit 1
fi
grep -q "C005 logo-manquant" "$out/pre-commit-erreur.txt" || { cat "$out/pre-commit-erreur.txt"; exit 1; }
(cd "$repo" && pre-commit try-repo "$root" spro-check --files 37-TOU.xlsx >"$out/pre-commit-ok.txt" 2>&1) || { cat "$out/pre-commit-ok.txt"; exit 1; }
rm -rf "$repo"
ok "pre-commit try-repo: a file with an error is refused with its finding, a clean one passes"
