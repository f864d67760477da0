#!/usr/bin/env bash
# The check step: annotations on the files (--format github), the summary table of the run
# (--format markdown into $GITHUB_STEP_SUMMARY), a SARIF file given as the output `sarif`.
# Exit code: spro's (1 when there are errors, or warnings with strict; 2 when spro could not
# do its job).
set -uo pipefail
. "$(dirname "$0")/commun.sh"
[ "${SPRO_STRICT:-false}" = "true" ] && spro_args+=(--strict)
sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/spro.sarif"
spro check "${spro_args[@]}" --format sarif --output "$sarif"
echo "sarif=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  spro check "${spro_args[@]}" --format markdown >> "$GITHUB_STEP_SUMMARY"
fi
spro check "${spro_args[@]}" --format github
