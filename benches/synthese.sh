#!/usr/bin/env bash
# What the synthesis costs on top of the consolidation, for a region of 22 networks (the size
# of the referential), with and without the year before: best of 5 wall-clock runs (GNU time)
# of `spro consolidate` and of `spro consolidate --synthese`, and of `spro synthese` alone.
# Target (issue #21): under 2 s more than consolidate. Then `consolidate --publier` (the
# open-data package, issue #32: under 10 % more than consolidate) and `publier` alone.
# Run by hand: ./benches/synthese.sh [ACTIONS=2000]
# Needs GNU time (/usr/bin/time; apt-get install -y time). Results: benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
M=${1:-2000}
WORK=${SPRO_BENCH_DIR:-/tmp/spro-bench-synthese}
# SPRO_BIN: a spro already built (e.g. dist/build.sh's static one) instead of a release build.
if [ -n "${SPRO_BIN:-}" ]; then
  SPRO=$SPRO_BIN
  cargo build -q --example generate
  GENERATE=target/debug/examples/generate
else
  cargo build --release -q --bin spro --example generate
  SPRO=target/release/spro
  GENERATE=target/release/examples/generate
fi
[ -f "$WORK/22/reseaux.json" ] || "$GENERATE" "$WORK/22" --classeurs 22 --actions "$M"
[ -f "$WORK/22-2024/reseaux.json" ] || "$GENERATE" "$WORK/22-2024" --classeurs 22 --actions "$M" --annee 2024
REF="$WORK/22/reseaux.json"
cat "$WORK"/22*/*.xlsx > /dev/null

# run LABEL CMD...: best of 5 (benches/timing.sh).
RUNS=5
source benches/timing.sh

echo "== 22 classeurs × $M actions, $(nproc) cœurs"
common=("$WORK/22" --referentiel "$REF" --annee 2025 -q)
run consolidate "$SPRO" consolidate "${common[@]}" -o "$WORK/out/regional.xlsx"
run consolidate_synthese "$SPRO" consolidate "${common[@]}" -o "$WORK/out/regional.xlsx" --synthese
run synthese_seule "$SPRO" synthese "${common[@]}" -o "$WORK/out/synthese.pdf"
run consolidate_precedent "$SPRO" consolidate "${common[@]}" --precedent "$WORK/22-2024" -o "$WORK/out/regional.xlsx"
run consolidate_precedent_synthese "$SPRO" consolidate "${common[@]}" --precedent "$WORK/22-2024" -o "$WORK/out/regional.xlsx" --synthese
awk -v a="$T_consolidate" -v b="$T_consolidate_synthese" -v c="$T_consolidate_precedent" -v d="$T_consolidate_precedent_synthese" \
  'BEGIN { printf "synthèse en plus de consolidate : %.2f s (sans précédent), %.2f s (avec) — objectif < 2 s\n", b - a, d - c }'
ls -l "$WORK/out/synthese-regionale-2025.pdf" | awk '{ printf "synthèse : %d octets\n", $5 }'
run consolidate_publier "$SPRO" consolidate "${common[@]}" -o "$WORK/out/regional.xlsx" --publier "$WORK/out/donnees"
run publier_seul "$SPRO" publier "${common[@]}" -o "$WORK/out/donnees"
awk -v a="$T_consolidate" -v b="$T_consolidate_publier" \
  'BEGIN { printf "données ouvertes en plus de consolidate : %.2f s (%+.1f %%) — objectif < 10 %%\n", b - a, 100 * (b - a) / a }'
du -sh "$WORK/out/donnees" | awk '{ printf "données ouvertes : %s\n", $1 }'
