#!/usr/bin/env bash
# Benchmark of spro against the floor (calamine alone reading every cell of every sheet), on
# one generated batch, with 1 thread and with all cores; peak memory (RSS) of each; memory of
# `check` and `consolidate` on N vs 4×N files. Run by hand: ./benches/run.sh [N=200] [ACTIONS=2000]
# Needs GNU time (/usr/bin/time; apt-get install -y time). Results: benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
M=${2:-2000}
CORES=$(nproc)
WORK=${SPRO_BENCH_DIR:-/tmp/spro-bench}
cargo build --release -q --bin spro --example generate --example floor
BIN=target/release
gen() { [ -f "$WORK/$1/reseaux.json" ] || "$BIN/examples/generate" "$WORK/$1" --classeurs "$1" --actions "$M"; }
gen "$N"
gen $((N * 4))
REF="$WORK/$N/reseaux.json"
# A page cache full of earlier runs' data slows the writing of temporary files (the kernel
# reclaims as it goes: twice the system time seen here). Start clean when allowed, then read
# the inputs once so that every run finds them in memory.
sync
echo 1 2>/dev/null > /proc/sys/vm/drop_caches || echo "(cache système non vidé : pas root)"
cat "$WORK/$N"/*.xlsx "$WORK/$((N * 4))"/*.xlsx > /dev/null

# run LABEL CMD...: best of 3 (benches/timing.sh).
source benches/timing.sh

echo "== $N classeurs × $M actions, $CORES cœurs ($(du -sh "$WORK/$N" | cut -f1) sur disque)"
run floor_j1 "$BIN/examples/floor" "$WORK/$N" -j 1
run floor_jN "$BIN/examples/floor" "$WORK/$N" -j "$CORES"
run check_j1 "$BIN/spro" check "$WORK/$N" --referentiel "$REF" --annee 2025 --format json -j 1
run check_jN "$BIN/spro" check "$WORK/$N" --referentiel "$REF" --annee 2025 --format json -j "$CORES"
run consolidate_j1 "$BIN/spro" consolidate "$WORK/$N" --referentiel "$REF" --annee 2025 -o "$WORK/out/regional.xlsx" -j 1
run consolidate_jN "$BIN/spro" consolidate "$WORK/$N" --referentiel "$REF" --annee 2025 -o "$WORK/out/regional.xlsx" -j "$CORES"
# The same with the year before (--precedent): the same networks, generated for 2024.
[ -f "$WORK/$N-2024/reseaux.json" ] || "$BIN/examples/generate" "$WORK/$N-2024" --classeurs "$N" --actions "$M" --annee 2024
run consolidate_precedent_jN "$BIN/spro" consolidate "$WORK/$N" --referentiel "$REF" --annee 2025 --precedent "$WORK/$N-2024" -o "$WORK/out/regional-precedent.xlsx" -j "$CORES"
run check_4x_files_jN "$BIN/spro" check "$WORK/$((N * 4))" --referentiel "$WORK/$((N * 4))/reseaux.json" --annee 2025 --format json -j "$CORES"
# What consolidate writes: the workbook, and the sheet XML inside it (what the writer streams).
python3 - "$WORK/out/regional.xlsx" <<'PY'
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
xml = sum(i.file_size for i in z.infolist())
print(f"classeur régional : {os.path.getsize(sys.argv[1]) / 2**20:.1f} Mio ({xml / 2**20:.0f} Mio de XML)")
PY
# consolidate on more files: as many of the 4×N batch as one sheet holds (1,048,575 rows).
MANY=$(( 1048575 / M < N * 4 ? 1048575 / M : N * 4 ))
mapfile -t MANY_FILES < <(find "$WORK/$((N * 4))" -name '*.xlsx' | sort | head -n "$MANY")
run consolidate_${MANY}_files_jN "$BIN/spro" consolidate "${MANY_FILES[@]}" --referentiel "$WORK/$((N * 4))/reseaux.json" --annee 2025 -o "$WORK/out/regional-many.xlsx" -j "$CORES"

ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }
echo "== ratios"
echo "check / floor (1 fil)          $(ratio "$T_check_j1" "$T_floor_j1")"
echo "check / floor ($CORES fils)          $(ratio "$T_check_jN" "$T_floor_jN")"
echo "consolidate / floor (1 fil)    $(ratio "$T_consolidate_j1" "$T_floor_j1")"
echo "consolidate / floor ($CORES fils)    $(ratio "$T_consolidate_jN" "$T_floor_jN")"
echo "check 1 fil / $CORES fils            $(ratio "$T_check_j1" "$T_check_jN")"
echo "consolidate 1 fil / $CORES fils      $(ratio "$T_consolidate_j1" "$T_consolidate_jN")"
echo "consolidate --precedent / sans ($CORES fils)    $(ratio "$T_consolidate_precedent_jN" "$T_consolidate_jN")"
echo "floor 1 fil / $CORES fils            $(ratio "$T_floor_j1" "$T_floor_jN")"
