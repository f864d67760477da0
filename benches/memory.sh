#!/usr/bin/env bash
# Memory and time of single large workbooks (issue #19, README « Performances »), against
# the two floors: calamine streaming every cell (nothing kept: the physical limit for memory)
# and calamine reading every sheet whole. Run by hand: ./benches/memory.sh
# Cases (examples/bench_cases.rs, generated once in $SPRO_BENCH_DIR, default /tmp/spro-bench-memory):
#   limites             Accueil of 89,998 rows × 199 columns (the default limits), every row wrong
#   limites-distinctes  the same, no two rows alike (no two findings share a message)
#   actions             99,000 valid actions
#   prescan             12,000 × 199 cells, converted to .ods and .xls by LibreOffice when there
#   actions-ods         78,000 valid actions, converted to .ods
#   textes-ods/-xls     a sheet of 20 × 48,000 (.ods) or 31,000 (.xls) texts all different
#                       (the last three near what the prescan lets in, with texts)
# Then `spro serve` (-j 2): 8 uploads of the limits-sized workbook at once, its results page,
# and /consolider with ten workbooks of 99,000 actions. Needs GNU time (apt-get install -y time).
# Results: benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${SPRO_BENCH_DIR:-/tmp/spro-bench-memory}
cargo build --release -q --bin spro --example bench_cases --example floor
BIN=target/release
[ -f "$WORK/textes-xls/36-CHX-2025.xlsx" ] || "$BIN/examples/bench_cases" "$WORK"
# convert CASE EXT: the case's workbook saved as EXT by LibreOffice, once.
convert() {
  command -v soffice >/dev/null || return 0
  [ -f "$WORK/$1/36-CHX-2025.$2" ] && return 0
  soffice -env:UserInstallation="file://$WORK/soffice-profile" --headless --calc --convert-to "$2" \
    --outdir "$WORK/$1" "$WORK/$1/36-CHX-2025.xlsx" >/dev/null 2>&1 || true
}
convert prescan ods; convert prescan xls
convert actions-ods ods; convert textes-ods ods; convert textes-xls xls

# measure LABEL CMD... : wall-clock seconds and peak RSS (MiB) of one run.
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2>/dev/null || true
  read -r t m < <(tail -n 1 "$WORK/time.txt")
  printf '%-44s %8.2f s %8d MiB\n' "$label" "$t" "$((m / 1024))"
}

for case in limites limites-distinctes actions; do
  f="$WORK/$case/36-CHX-2025.xlsx"
  echo "== $case ($(du -h "$f" | cut -f1))"
  measure "floor: calamine streaming" "$BIN/examples/floor" "$f" --flux
  measure "floor: calamine whole" "$BIN/examples/floor" "$f"
  measure "spro check --format json" "$BIN/spro" check "$f" --format json
  printf '%-44s %10s\n' "  report" "$(du -h "$WORK/out.txt" | cut -f1)"
  measure "spro check (human)" "$BIN/spro" check "$f"
  rm -rf "$WORK/annote"
  measure "spro check --annote" "$BIN/spro" check "$f" --annote "$WORK/annote"
  measure "spro consolidate" "$BIN/spro" consolidate "$f" --annee 2025 -o "$WORK/regional.xlsx"
done
for f in prescan/36-CHX-2025.ods prescan/36-CHX-2025.xls actions-ods/36-CHX-2025.ods \
    textes-ods/36-CHX-2025.ods textes-xls/36-CHX-2025.xls; do
  [ -f "$WORK/$f" ] || { echo "== $f: absent (LibreOffice missing)"; continue; }
  echo "== $f ($(du -h "$WORK/$f" | cut -f1), near what the prescan lets in)"
  measure "floor: calamine whole" "$BIN/examples/floor" "$WORK/$f"
  measure "spro check --format json" "$BIN/spro" check "$WORK/$f" --format json
  grep -q F003 "$WORK/out.txt" && echo "  refused by the prescan (F003)"
  rm -rf "$WORK/annote"
  measure "spro check --annote" "$BIN/spro" check "$WORK/$f" --annote "$WORK/annote"
done

# serve: peak RSS of the server (VmHWM) over a scenario.
serve_peak() {
  grep VmHWM "/proc/$(cat "$WORK/serve.pid")/status" | awk '{printf "%d MiB\n", $2 / 1024}'
}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/spro" serve --listen "127.0.0.1:$PORT" -j 2 2> "$WORK/serve.log" &
echo $! > "$WORK/serve.pid"
trap 'kill "$(cat "$WORK/serve.pid")" 2>/dev/null || true' EXIT
sleep 1
URL="http://127.0.0.1:$PORT"
ORIGIN="Origin: $URL"
echo "== serve -j 2"
LIMITS="$WORK/limites/36-CHX-2025.xlsx"
curl -s -o "$WORK/page.html" -w "results page of the limits-sized workbook: HTTP %{http_code}, %{size_download} bytes, %{time_total} s\n" \
  -H "$ORIGIN" -F "fichiers=@$LIMITS" "$URL/verifier"
echo "server peak after one upload: $(serve_peak)"
for i in 1 2 3 4 5 6 7 8; do
  curl -s -o /dev/null -w "upload $i: HTTP %{http_code} in %{time_total} s\n" -H "$ORIGIN" -F "fichiers=@$LIMITS" "$URL/api/verifier" &
done
wait $(jobs -p | grep -v "$(cat "$WORK/serve.pid")") 2>/dev/null || true
echo "server peak after 8 uploads at once: $(serve_peak)"
ACTIONS="$WORK/actions/36-CHX-2025.xlsx"
mkdir -p "$WORK/dix"
args=()
for i in 0 1 2 3 4 5 6 7 8 9; do
  cp "$ACTIONS" "$WORK/dix/36-CHX-2025-$i.xlsx"
  args+=(-F "fichiers=@$WORK/dix/36-CHX-2025-$i.xlsx")
done
curl -s -o "$WORK/consolider.out" -w "/consolider, ten workbooks of 99,000 actions: HTTP %{http_code}, %{size_download} bytes, %{time_total} s\n" \
  -H "$ORIGIN" -F annee=2025 "${args[@]}" "$URL/consolider"
echo "server peak at the end: $(serve_peak)"

# A new server: four results pages (annotated copies included) of the .xls at the prescan's
# bound at once, each weighed by its cells before it is read.
XLS="$WORK/prescan/36-CHX-2025.xls"
if [ -f "$XLS" ]; then
  kill "$(cat "$WORK/serve.pid")" 2>/dev/null || true
  sleep 1
  "$BIN/spro" serve --listen "127.0.0.1:$PORT" -j 2 2> "$WORK/serve.log" &
  echo $! > "$WORK/serve.pid"
  sleep 1
  for i in 1 2 3 4; do
    curl -s -o "$WORK/page-xls-$i.html" -w "results page $i of the .xls at the bound: HTTP %{http_code} in %{time_total} s\n" \
      -H "$ORIGIN" -F "fichiers=@$XLS" "$URL/verifier" &
  done
  wait $(jobs -p | grep -v "$(cat "$WORK/serve.pid")") 2>/dev/null || true
  echo "  pages with their copy: $(grep -l telechargements "$WORK"/page-xls-*.html | wc -l) of 4"
  echo "server peak after 4 .xls at once: $(serve_peak)"
fi
