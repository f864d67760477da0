# Shared by the action's steps: the arguments every spro command of the step takes, from the
# action's inputs (environment variables SPRO_*).
# shellcheck shell=bash
spro_args=()
read -r -a chemins <<< "${SPRO_CHEMINS:-bilans/}"
spro_args+=("${chemins[@]}")
[ -n "${SPRO_ANNEE:-}" ] && spro_args+=(--annee "$SPRO_ANNEE")
[ -n "${SPRO_CONFIG:-}" ] && spro_args+=(--config "$SPRO_CONFIG")
if [ -n "${SPRO_PRECEDENT:-}" ]; then
  read -r -a precedent <<< "$SPRO_PRECEDENT"
  spro_args+=(--precedent "${precedent[@]}")
fi
spro_args+=(--quiet)
