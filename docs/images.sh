#!/usr/bin/env bash
# The guide's pictures, made again from the fixtures: ./docs/images.sh → docs/images/*.png.
#   - the page and its results, a campaign's dashboard, a network's page and a deposit
#     (Debian's Chromium, driven by tests/browser's playwright-core: tests/browser/images.mjs);
#   - a marked cell and the `Anomalies` sheet of an annotated copy, the regional workbook's
#     `Synthèse` and `Indicateurs` (LibreOffice's PDF export, then pdftoppm);
#   - two pages of the synthesis (pdftoppm).
# Needs what ./test.sh installs (LibreOffice, poppler-utils, Chromium, tests/browser/node_modules).
# Each picture's text alternative is written where the guide shows it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --release -q --bin spro
BIN=$ROOT/target/release/spro
OUT=$ROOT/docs/images
WORK=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# The first page of PDF $1 whose text holds $2.
page_with() {
  local pages
  pages=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
  for p in $(seq 1 "$pages"); do
    if pdftotext -f "$p" -l "$p" "$1" - | grep -qF "$2"; then echo "$p"; return 0; fi
  done
  echo "no page of $1 holds « $2 »" >&2
  return 1
}
# Part of page $2 of PDF $1, at $3 dpi, as docs/images/$8.png: the rectangle from fraction $4
# of its width and $5 of its height, $6 wide and $7 high (fractions too).
picture() {
  local w h
  read -r w h < <(pdfinfo -f "$2" -l "$2" "$1" | awk -v p="$2" '$1 == "Page" && $2 == p && $3 == "size:" {print $4, $6}')
  px() { awk -v l="$1" -v r="$2" -v f="$3" 'BEGIN {print int(l / 72 * r * f)}'; }
  pdftoppm -f "$2" -l "$2" -png -r "$3" -singlefile \
    -x "$(px "$w" "$3" "$4")" -y "$(px "$h" "$3" "$5")" -W "$(px "$w" "$3" "$6")" -H "$(px "$h" "$3" "$7")" \
    "$1" "$OUT/$8"
}
# $1 as PDF into $WORK/pdf, by LibreOffice in French (« 4 415 »); $2: its export options.
to_pdf() {
  LC_ALL=fr_FR.UTF-8 LANG=fr_FR.UTF-8 soffice -env:UserInstallation="file://$WORK/profil" --headless \
    --convert-to "pdf${2:+:calc_pdf_Export:$2}" --outdir "$WORK/pdf" "$1" >/dev/null 2>&1
}

# The Drouais' bilan (a tool without the SPRO logo, a truncated e-mail), annotated; each sheet
# of the copy on one page, as wide as the sheet.
"$BIN" check fixtures/bilans/2025/28-DRE.xlsx --annee 2025 --annote "$WORK/annote" -q || true
to_pdf "$WORK/annote/28-DRE.annote.xlsx" '{"SinglePageSheets":{"type":"boolean","value":"true"}}'
copy=$WORK/pdf/28-DRE.annote.pdf
picture "$copy" "$(page_with "$copy" "Comment corriger")" 110 0 0 1 1 copie-anomalies
# The sheet Actions, its right-hand columns: the logos, P2 marked.
picture "$copy" "$(page_with "$copy" "Type d'action")" 130 0.79 0 0.21 1 copie-cellule

# The regional workbook and the synthesis of the sample batch, against 2024 (relative paths:
# the workbook names the files as given).
"$BIN" consolidate fixtures/bilans/2025 --annee 2025 --precedent fixtures/bilans/2024 --synthese \
  -o "$WORK/reports/bilan-regional-2025.xlsx" -q || true
to_pdf "$WORK/reports/bilan-regional-2025.xlsx"
book=$WORK/pdf/bilan-regional-2025.pdf
picture "$book" "$(page_with "$book" "Synthèse — page")" 130 0 0.04 1 0.30 classeur-synthese
picture "$book" "$(page_with "$book" "Indicateurs — page")" 110 0 0 1 1 classeur-indicateurs
synthesis=$WORK/reports/synthese-regionale-2025.pdf
picture "$synthesis" 1 80 0 0 1 1 synthese-page-1
picture "$synthesis" 2 80 0 0 1 1 synthese-page-2

# A campaign in March 2026: four networks have deposited, the Région has decided on two.
store=$WORK/donnees
export SPRO_MAINTENANT=2026-03-20T09:30:00Z
"$BIN" campagne ouvrir --annee 2025 --date-limite 2026-03-31 --donnees "$store" 2>/dev/null
printf 'courriel,role,reseaux\ncoordination@spro-dreux.fr,reseau,28-DRE\nanalyste@centrevaldeloire.fr,region,\n' >"$WORK/personnes.csv"
"$BIN" campagne inviter "$WORK/personnes.csv" --donnees "$store" 2>/dev/null
region=$("$BIN" campagne jeton analyste@centrevaldeloire.fr --donnees "$store")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --listen "127.0.0.1:$port" --donnees "$store" 2>"$WORK/serve.log" &
server=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/sante" >/dev/null 2>&1 && break; sleep 0.05; done
api() { curl -fsS -o /dev/null -H "Authorization: Bearer $region" "$@"; }
for f in 36-CHX.xlsx 18-BOU.xlsx 37-TOU.xlsx 28-DRE.xlsx; do
  api -F "fichier=@fixtures/bilans/2025/$f" "http://127.0.0.1:$port/api/reseaux/${f%.xlsx}/depots"
done
api -X POST "http://127.0.0.1:$port/api/depots/1/accepter"
api -d "message=Apposez le logo du SPRO sur l'outil de l'action DRE-1 et complétez le courriel de la coordinatrice." \
  "http://127.0.0.1:$port/api/depots/4/corriger"
coordinator=$("$BIN" campagne lien coordination@spro-dreux.fr --donnees "$store" | sed "s#http://127.0.0.1:8080#http://127.0.0.1:$port#")
analyst=$("$BIN" campagne lien analyste@centrevaldeloire.fr --donnees "$store" | sed "s#http://127.0.0.1:8080#http://127.0.0.1:$port#")
(cd tests/browser && node images.mjs "http://127.0.0.1:$port" "$coordinator" "$analyst" \
  "$ROOT/fixtures/bilans/2025/28-DRE.xlsx" "$OUT")
ls -l "$OUT"
