#!/usr/bin/env bash
# The consolidation step: on a push to the default branch (consolider: auto), or always
# (true), writes the regional workbook, the regional synthesis (PDF) beside it and the open-data
# package (reports/donnees-ouvertes-N/), from one reading, and gives their paths as the outputs
# `classeur`, `synthese` and `donnees`.
set -uo pipefail
. "$(dirname "$0")/commun.sh"
case "${SPRO_CONSOLIDER:-auto}" in
  true) ;;
  false) echo "spro : consolidation désactivée (consolider: false)"; exit 0 ;;
  *)
    if [ "${GITHUB_REF:-}" != "refs/heads/${SPRO_BRANCHE_PAR_DEFAUT:-main}" ] || [ "${GITHUB_EVENT_NAME:-push}" != "push" ]; then
      echo "spro : pas de consolidation hors d'un push sur la branche par défaut (${GITHUB_REF:-?})"
      exit 0
    fi
    ;;
esac
annee=${SPRO_ANNEE:-}
if [ -z "$annee" ]; then
  config=${SPRO_CONFIG:-spro.toml}
  [ -f "$config" ] && annee=$(sed -n 's/^annee *= *\([0-9]\{4\}\).*/\1/p' "$config" | head -n 1)
fi
classeur="reports/bilan-regional${annee:+-$annee}.xlsx"
donnees="reports/donnees-ouvertes${annee:+-$annee}"
mkdir -p reports
spro consolidate "${spro_args[@]}" -o "$classeur" --synthese --publier "$donnees" || exit $?
synthese=$(ls reports/synthese-regionale-*.pdf 2>/dev/null | head -n 1)
[ -n "$annee" ] && synthese="reports/synthese-regionale-$annee.pdf"
{
  echo "classeur=$classeur"
  echo "synthese=$synthese"
  echo "donnees=$donnees"
} >> "${GITHUB_OUTPUT:-/dev/null}"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '\nClasseur régional écrit : `%s` ; synthèse régionale : `%s` ; données ouvertes : `%s`\n' "$classeur" "$synthese" "$donnees" >> "$GITHUB_STEP_SUMMARY"
fi
