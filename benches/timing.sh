# Sourced by the bench scripts. run LABEL CMD...: the best of $RUNS (default 3) wall-clock
# seconds of CMD and the peak RSS of that run (GNU time, files in $WORK), printed and kept in
# T_<LABEL> (non-alphanumerics as `_`).
run() {
  local label=$1; shift
  local best="" rss=""
  for _ in $(seq "${RUNS:-3}"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > /dev/null 2>&1 || true
    read -r t m < <(tail -n 1 "$WORK/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; rss=$m; fi
  done
  printf '%-36s %8.2f s %10d KiB\n' "$label" "$best" "$rss"
  eval "T_${label//[^a-zA-Z0-9]/_}=$best"
}
