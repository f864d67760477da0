#!/usr/bin/env bash
# The server under the uploads of issue #29, with its defaults (-j 2, 512 MiB for checks,
# 256 MiB of downloads), as the packaged unit runs it under MemoryMax=1G: its peak (VmHWM)
# and what it holds once idle again (VmRSS), each scenario on a new server. And `spro check`
# of the hostile files alone. Run by hand: ./benches/hostile.sh (needs python3, curl, GNU
# time). Files are made in $SPRO_BENCH_DIR (default /tmp/spro-bench-hostile). Results:
# benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${SPRO_BENCH_DIR:-/tmp/spro-bench-hostile}
mkdir -p "$WORK"
cargo build --release -q --bin spro
BIN=$PWD/target/release/spro

# The hostile files, from the Châteauroux bilan of the sample batch.
python3 - "$WORK" <<'EOF'
import os, re, sys, zipfile
work = sys.argv[1]
src = "fixtures/bilans/2025/36-CHX.xlsx"
def rebuild(out, edit=None, stored=0):
    if os.path.exists(out):
        return
    z = zipfile.ZipFile(src)
    o = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for n in z.namelist():
        d = z.read(n)
        o.writestr(n, edit(n, d) if edit else d)
    if stored:
        o.writestr(zipfile.ZipInfo("xl/media/image1.png"), os.urandom(stored), zipfile.ZIP_STORED)
    o.close()
def styles(n_xf):
    return lambda n, d: d.replace(b"</cellXfs>", b"<xf/>" * n_xf + b"</cellXfs>") if n == "xl/styles.xml" else d
rebuild(f"{work}/unique-count.xlsx", lambda n, d: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4294967295"', d) if n == "xl/sharedStrings.xml" else d)
rebuild(f"{work}/styles-4m.xlsx", styles(4_000_000))
rebuild(f"{work}/styles-40m.xlsx", styles(40_000_000))
rebuild(f"{work}/styles-250k.xlsx", styles(250_000))
rebuild(f"{work}/image-36m.xlsx", stored=36 * 1024 * 1024)
# Five networks of the sample batch, each with the picture (no B001 between them).
for code in ["18-BOU", "28-DRE", "36-CHX", "37-TOU", "41-VEN"]:
    src = f"fixtures/bilans/2025/{code}.xlsx"
    rebuild(f"{work}/image-36m-{code}.xlsx", stored=36 * 1024 * 1024)
EOF

echo "== spro check of each hostile file (exit code, peak)"
for f in unique-count styles-4m styles-40m styles-250k image-36m; do
  set +e
  /usr/bin/time -f "%M" -o "$WORK/time.txt" "$BIN" check "$WORK/$f.xlsx" --format json > "$WORK/out.json" 2>/dev/null
  code=$?
  set -e
  printf '%-22s exit %d  %5d MiB  %s\n' "$f" "$code" "$(( $(tail -n 1 "$WORK/time.txt") / 1024 ))" \
    "$(grep -o '"code": *"F00[0-9]"' "$WORK/out.json" | head -1)"
done

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
ORIGIN="Origin: $URL"
PID=
start() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  "$BIN" serve --listen "127.0.0.1:$PORT" -j 2 2> "$WORK/serve.log" &
  PID=$!
  sleep 1
}
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null || true' EXIT
memory() {
  sleep 2
  awk '/VmHWM/ { p = $2 } /VmRSS/ { r = $2 } END { printf "peak %d MiB, idle after %d MiB\n", p / 1024, r / 1024 }' "/proc/$PID/status"
}
health() {
  curl -s -o /dev/null -w "/sante %{http_code} in %{time_total} s" "$URL/sante"
}
parallel_uploads() { # FILE N ROUTE
  for _ in $(seq "$2"); do
    curl -s -o /dev/null -w "%{http_code} " -H "$ORIGIN" -F "fichiers=@$1" "$URL/$3" &
  done
  wait $(jobs -p | grep -v "^$PID$") 2>/dev/null || true
  echo
}

for scenario in "styles-250k 2" "styles-250k 4" "styles-4m 4" "styles-40m 2" "unique-count 4"; do
  set -- $scenario
  start
  echo "== $2 × $1 at once on /verifier: $(parallel_uploads "$WORK/$1.xlsx" "$2" verifier)  $(memory); $(health)"
done

start
args=()
for i in $(seq 30); do args+=(-F "fichiers=@$WORK/image-36m.xlsx;filename=36-CHX-$i.xlsx"); done
echo "== /consolider, 30 parts of 36 MiB: $(curl -s -o /dev/null -w "%{http_code} in %{time_total} s" -H "$ORIGIN" -F annee=2025 "${args[@]}" "$URL/consolider")  $(memory); $(health)"
start
echo "== the same, chunked (no length announced): $(curl -s -o /dev/null -w "%{http_code} in %{time_total} s" -H "$ORIGIN" -H "Transfer-Encoding: chunked" -F annee=2025 "${args[@]}" "$URL/consolider")  $(memory); $(health)"

# verify_links LABEL CURL-ARGS...: the results page, its links and how many work.
verify_links() {
  local label=$1; shift
  start
  curl -s -o "$WORK/page.html" -H "$ORIGIN" "$@" "$URL/verifier"
  tokens=$(grep -o '/telechargements/[0-9a-f]*' "$WORK/page.html" | sort -u)
  working=0
  for t in $tokens; do
    [ "$(curl -s -o /dev/null -w "%{http_code}" "$URL$t")" = 200 ] && working=$((working + 1))
  done
  echo "== /verifier, $label: $(echo "$tokens" | grep -c .) links (the JSON report included), $working working, $(grep -c 'annote DOSSIER' "$WORK/page.html") files told why they have none;  $(memory); $(health)"
}
for n in 30 12; do
  args=()
  for i in $(seq "$n"); do args+=(-F "fichiers=@$WORK/image-36m.xlsx;filename=36-CHX-$i.xlsx"); done
  verify_links "$n copies of one file with a 36 MiB image (B001: copies made again, from at most 32 MiB kept)" "${args[@]}"
done
args=()
for code in 18-BOU 28-DRE 36-CHX 37-TOU 41-VEN; do args+=(-F "fichiers=@$WORK/image-36m-$code.xlsx"); done
verify_links "five networks, each with a 36 MiB image (a quarter of 256 MiB of downloads each request)" "${args[@]}"
