#!/usr/bin/env bash
# Instructions executed (valgrind --tool=callgrind), the measure of speed that does not move
# with this VM's clock: the same binary's wall and CPU times vary by ±30 % from run to run here,
# its instruction count by less than 0.1 %. Ratios against calamine alone (examples/floor.rs),
# one thread, release build. Run by hand: ./benches/instructions.sh (about 10 minutes).
#   batch   the first 10 workbooks of benches/run.sh's batch (200 × 2,000 actions): the floor
#           reading every sheet whole, `check --format json`, `consolidate`
#   limits  the Accueil of benches/memory.sh's limits case cut to 12,000 rows × 199 columns
#           (its `prescan` workbook, the same rows): calamine streaming every cell, `check`
# Needs valgrind (apt-get install -y valgrind). Results: benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BATCH=${SPRO_BENCH_DIR:-/tmp/spro-bench}/200
LIMITS=${SPRO_BENCH_MEMORY_DIR:-/tmp/spro-bench-memory}/prescan/36-CHX-2025.xlsx
[ -f "$BATCH/reseaux.json" ] || { echo "run ./benches/run.sh first (it generates $BATCH)"; exit 1; }
[ -f "$LIMITS" ] || { echo "run ./benches/memory.sh first (it generates $LIMITS)"; exit 1; }
cargo build --release -q --bin spro --example floor
BIN=target/release
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/10"
find "$BATCH" -name '*.xlsx' | sort | head -n 10 | xargs -I{} cp {} "$WORK/10/"
REF="$BATCH/reseaux.json"

# count LABEL CMD...: instructions of one run, printed and kept in I_<LABEL>.
count() {
  local label=$1; shift
  # spro exits with 1 when it finds errors (the limits slice has some): not a failure here.
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$@" > /dev/null 2> "$WORK/cg.err" || true
  local n
  n=$(grep -o 'Collected : [0-9]*' "$WORK/cg.err" | awk '{print $3}')
  printf '%-28s %15s\n' "$label" "$n"
  printf -v "I_$label" '%s' "$n"
}
ratio() { awk "BEGIN{printf \"%.3f\", $1 / $2}"; }

echo "== 10 workbooks × 2,000 actions, 1 thread"
count floor "$BIN/examples/floor" "$WORK/10" -j 1
count check "$BIN/spro" check "$WORK/10" --referentiel "$REF" --annee 2025 --format json -j 1
count consolidate "$BIN/spro" consolidate "$WORK/10" --referentiel "$REF" --annee 2025 -o "$WORK/regional.xlsx" -j 1
echo "check / floor        $(ratio "$I_check" "$I_floor")"
echo "consolidate / floor  $(ratio "$I_consolidate" "$I_floor")"
echo "== Accueil of 12,000 rows × 199 columns, every row wrong"
count streaming "$BIN/examples/floor" "$LIMITS" --flux
count check_limits "$BIN/spro" check "$LIMITS" --format json
echo "check / streaming    $(ratio "$I_check_limits" "$I_streaming")"
