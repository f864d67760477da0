#!/usr/bin/env bash
# Seeds the fuzzers' corpora with the fixtures: for check_bytes each file prefixed by the byte
# that selects its format (0 xlsx, 1 xls, 2 ods, 3 xlsb); for annotate_xlsx the .xlsx files;
# and the hostile files of issue #29 kept in seeds/ (a declared uniqueCount of 4,294,967,295,
# 4,000,000 cell formats, an external styles relationship, rows out of order; names that no
# PDF could print, for synthese_data).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/check_bytes
for f in ../fixtures/bilans/2025/* ../fixtures/cas/*.xlsx ../fixtures/cas/libreoffice/* seeds/*.xlsx; do
  case "$f" in
    *.xlsx) sel='\x00' ;; *.xls) sel='\x01' ;; *.ods) sel='\x02' ;; *) continue ;;
  esac
  { printf "$sel"; cat "$f"; } > "corpus/check_bytes/$(basename "$f")"
done
# annotate_xlsx takes an .xlsx as it is.
mkdir -p corpus/annotate_xlsx
cp ../fixtures/cas/*.xlsx ../fixtures/bilans/2025/*.xlsx seeds/*.xlsx corpus/annotate_xlsx/
mkdir -p corpus/synthese_data
cp seeds/*.txt corpus/synthese_data/
ls corpus/check_bytes corpus/annotate_xlsx | wc -l
