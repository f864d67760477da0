#!/usr/bin/env bash
# Seeds the fuzzer's corpus with the fixtures: each file, prefixed by the byte that selects
# its format (0 xlsx, 1 xls, 2 ods, 3 xlsb).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/check_bytes
for f in ../fixtures/bilans/2025/* ../fixtures/cas/*.xlsx ../fixtures/cas/libreoffice/*; do
  case "$f" in
    *.xlsx) sel='\x00' ;; *.xls) sel='\x01' ;; *.ods) sel='\x02' ;; *) continue ;;
  esac
  { printf "$sel"; cat "$f"; } > "corpus/check_bytes/$(basename "$f")"
done
ls corpus/check_bytes | wc -l
