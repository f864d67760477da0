#!/usr/bin/env bash
# Everything a user sees, written into one folder, to compare two versions of spro byte for
# byte (a reshaping must change none of it): every report format of `check` on the sample
# batches and the rule cases, the annotated copies, the regional workbook (with the year
# before), the synthesis, the open-data package, the template of each version, the rules'
# texts, `spro modeles` and its diff, and the registry verifier's report on the test registry.
#   ./benches/outputs.sh DIR [SPRO]   (SPRO: the binary, target/debug/spro by default)
# Compare: ./benches/outputs.sh /tmp/before old/spro; ./benches/outputs.sh /tmp/after;
#          diff -r /tmp/before /tmp/after
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=$1
SPRO=$(realpath "${2:-target/debug/spro}")
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
run() { # NAME ARGS…: stdout, stderr and exit code of one command
  local name=$1; shift
  "$SPRO" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
  echo $? > "$OUT/$name.code"
}
for format in human json markdown sarif junit github gitlab; do
  run "check-2025-$format" check fixtures/bilans/2025 --annee 2025 --format "$format" -q
  run "check-cas-$format" check fixtures/cas --format "$format" -q
done
run check-2024 check fixtures/bilans/2024 --annee 2024 --format json -q
run check-en check fixtures/bilans/2025 --annee 2025 --lang en -q
run check-versions check fixtures/bilans/2025 --annee 2025 --schemas fixtures/modeles --format json -q
run annote check fixtures/bilans/2025 --annee 2025 --annote "$OUT/annote" -q
run annote-cas check fixtures/cas --annote "$OUT/annote-cas" -q
run consolidate consolidate fixtures/bilans/2025 --annee 2025 --precedent fixtures/bilans/2024 -o "$OUT/regional.xlsx" -q
run consolidate-all consolidate fixtures/bilans/2025 --annee 2025 --inclure-non-conformes --sans-donnees-personnelles -o "$OUT/regional-all.xlsx" -q
run consolidate-versions consolidate fixtures/bilans/2025 --annee 2025 --schemas fixtures/modeles -o "$OUT/regional-versions.xlsx" -q
run synthese synthese fixtures/bilans/2025 --annee 2025 --precedent fixtures/bilans/2024 -o "$OUT/synthese.pdf"
run synthese-en synthese fixtures/bilans/2025 --annee 2025 --lang en -o "$OUT/synthese-en.pdf"
run publier publier fixtures/bilans/2025 --annee 2025 --precedent fixtures/bilans/2024 -o "$OUT/ouvertes"
run template-2025 template --annee 2025 -o "$OUT/modele-2025.xlsx"
run template-2024 template --annee 2024 -o "$OUT/modele-2024.xlsx"
run template-versions template --annee 2025 --schemas fixtures/modeles -o "$OUT/modele-versions.xlsx"
run rules rules
run rules-md rules --markdown
for code in S001 V003 C005 C012 T001 B001; do run "explain-$code" explain "$code"; done
run modeles modeles
run modeles-diff modeles diff 2024.1 2025.1
run modeles-diff-json modeles diff 2024.1 2025.1 --format json
run modeles-verifier modeles verifier fixtures/modeles
# The paths of this run's folder are in some outputs: written the same way on both sides.
find "$OUT" -type f -name '*.out' -o -type f -name '*.err' | while read -r f; do
  sed -i "s#$OUT#OUT#g" "$f"
done
echo "$(find "$OUT" -type f | wc -l) files in $OUT"
