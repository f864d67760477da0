#!/usr/bin/env bash
# Load benchmark of `spro serve` (run by hand; figures in benches/README.md):
# concurrent clients on 127.0.0.1 uploading real workbooks, p50/p99 latency, throughput,
# 503s, and the server's peak RSS, which must stay under 1 GiB, even with files as large as
# the limits allow. Usage: ./benches/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${SPRO_BENCH_DIR:-/tmp/spro-bench-serve}
cargo build --release -q --bin spro --example generate --example serve_load
BIN=target/release
mkdir -p "$WORK"
# The largest sheet the limits allow (100,000 rows per sheet): 99,000 actions.
[ -f "$WORK/grand/18-AAAA.xlsx" ] || "$BIN/examples/generate" "$WORK/grand" --classeurs 1 --actions 99000
# The largest file the limits allow (50 MiB): the same workbook with 42 MB of incompressible
# pictures, as a workbook full of photos would be.
if [ ! -f "$WORK/plein/18-AAAA-photos.xlsx" ]; then
  mkdir -p "$WORK/plein"
  python3 - "$WORK/grand/18-AAAA.xlsx" "$WORK/plein/18-AAAA-photos.xlsx" <<'PY'
import os, shutil, sys, zipfile
src, dst = sys.argv[1:]
shutil.copy(src, dst)
with zipfile.ZipFile(dst, "a", compression=zipfile.ZIP_STORED) as z:
    for i in range(6):
        z.writestr(f"xl/media/photo{i}.jpeg", os.urandom(7 * 1024 * 1024))
PY
fi
ls -l "$WORK"/grand/*.xlsx "$WORK"/plein/*.xlsx
load() { "$BIN/examples/serve_load" --spro "$BIN/spro" "$@"; }
echo "== fixtures (5 bilans + 40 cas, 2 à 30 Ko)"
load --clients 8 --requetes 50 -j 2 fixtures/bilans/2025 fixtures/cas
echo "== surcharge : 64 clients, fixtures"
load --clients 64 --requetes 20 -j 2 fixtures/bilans/2025 fixtures/cas
echo "== feuille la plus grande permise (99 000 actions)"
load --clients 4 --requetes 3 -j 2 "$WORK/grand"
echo "== fichier le plus lourd permis (50 Mio), 8 clients"
load --clients 8 --requetes 2 -j 2 "$WORK/plein"
echo "== requête la plus lourde : 3 fichiers de 49 Mo par requête, 4 clients"
load --clients 4 --requetes 1 --fichiers-par-requete 3 -j 2 "$WORK/plein"
echo "== surcharge de gros fichiers : 16 clients, attente 10 s"
load --clients 16 --requetes 2 -j 2 "$WORK/grand"
