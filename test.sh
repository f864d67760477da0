#!/usr/bin/env bash
# Runs every test of spro-bilans. First installs what the tests need when it is missing:
#   - LibreOffice (Debian package libreoffice-calc-nogui): proves real spreadsheet software
#     opens what we write, and converts the .ods/.xls fixtures; pdftotext (poppler-utils)
#     reads back its PDF export of the regional workbook, page by page;
#   - Chromium (Debian package chromium) and Node.js packages playwright-core + axe-core
#     (tests/browser, exact versions, never a browser download): the browser test of spro serve;
#   - openpyxl (pip): fills the template the way another program would;
#   - frictionless (pip, frictionless-py): validates the open-data package (`spro publier`);
#   - aiosmtpd (pip): the SMTP server the campaign's e-mails go to (127.0.0.1, a maildir);
#   - mdBook (crates.io, cargo install, a pinned version): builds the guide (docs/), whose links
#     and commands tests/it/guide.rs checks.
# Python packages at pinned versions.
# Debian packages are installed with apt-get, as root (or through sudo when available).
# Extra arguments go to cargo test (e.g. ./test.sh serve:: for the page's tests; the
# integration tests are one crate, tests/it/, a module per file); ./test.sh --install-only
# installs and stops (.ci/run does it while clippy builds).
set -euo pipefail
cd "$(dirname "$0")"

apt_packages=()
command -v soffice >/dev/null 2>&1 || apt_packages+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || apt_packages+=(poppler-utils)
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs npm)
python3 -m pip --version >/dev/null 2>&1 || apt_packages+=(python3 python3-pip)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "test.sh: installing ${apt_packages[*]} (apt-get)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "test.sh: ${apt_packages[*]} missing and not root: install them with apt-get, then run again" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

# A Debian python3 refuses pip installs outside a virtual environment unless told (PEP 668);
# the tests run the tools as `python3 -m …`, wherever pip put their scripts.
export PIP_BREAK_SYSTEM_PACKAGES=1
python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install -q "openpyxl==3.1.5"
python3 -c "import frictionless" 2>/dev/null || python3 -m pip install -q "frictionless==5.18.1"
python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install -q "aiosmtpd==1.4.6"

if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ]; then
  echo "test.sh: installing playwright-core and axe-core (npm, tests/browser)" >&2
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi

command -v mdbook >/dev/null 2>&1 || {
  echo "test.sh: installing mdbook (cargo install, a few minutes)" >&2
  cargo install -q mdbook --version 0.4.52 --locked --no-default-features --features search
}

if [ "${1:-}" = "--install-only" ]; then exit 0; fi
exec cargo test --no-fail-fast "$@"
