#!/usr/bin/env bash
# The campaign's costs (issue #39, README « La campagne »), run by hand; figures in
# benches/README.md:
#   - a deposit: `POST /api/reseaux/{code}/depots` against `POST /api/verifier` of the same
#     file (the check alone): the difference is the store's (the file synced, its row committed);
#   - the dashboard of 22 networks × 20 deposits: `GET /api/campagne`, then again with each
#     network's latest deposit a report of 10,193 findings (`bench_cases … rapport-lourd`);
#   - the server's peak RSS.
# Release build, one server on 127.0.0.1. Usage: ./benches/campaign.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q --bin spro
BIN=$PWD/target/release/spro
WORK=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$WORK"' EXIT
store=$WORK/donnees
"$BIN" campagne ouvrir --annee 2025 --date-limite 2026-03-31 --donnees "$store" 2>/dev/null
printf 'courriel,role,reseaux\nanalyste@region.fr,region,\n' > "$WORK/personnes.csv"
"$BIN" campagne inviter "$WORK/personnes.csv" --donnees "$store" 2>/dev/null
token=$("$BIN" campagne jeton analyste@region.fr --donnees "$store")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --listen "127.0.0.1:$port" --donnees "$store" -j 2 2>"$WORK/serve.log" &
server=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/sante" >/dev/null 2>&1 && break; sleep 0.05; done
file=fixtures/bilans/2025/36-CHX.xlsx
codes=$("$BIN" campagne etat --format json --donnees "$store" | python3 -c 'import json,sys; print(" ".join(l["code"] for l in json.load(sys.stdin)["reseaux"]))')
time_of() { curl -s -o /dev/null -w '%{time_total}\n' "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# 20 different files (each deposit writes and syncs a new file: no two have the same digest).
files=$(ls fixtures/cas/*.xlsx | head -20)
echo "== 20 files, each checked then deposited (median, seconds)"
check=$(for f in $files; do time_of -F "fichiers=@$f" "http://127.0.0.1:$port/api/verifier"; done | median)
dep=$(for f in $files; do time_of -H "Authorization: Bearer $token" -F "fichier=@$f" "http://127.0.0.1:$port/api/reseaux/36-CHX/depots"; done | median)
echo "check alone (/api/verifier)   $check"
echo "deposit (/api/…/depots)       $dep"
python3 -c "print(f'deposit − check               {($dep - $check) * 1000:.1f} ms')"
echo "== 22 networks × 20 deposits"
for code in $codes; do
  for _ in $(seq 19); do
    curl -s -o /dev/null -H "Authorization: Bearer $token" -F "fichier=@$file" "http://127.0.0.1:$port/api/reseaux/$code/depots"
  done
done
n=$("$BIN" campagne etat --format json --donnees "$store" | python3 -c 'import json,sys; print(sum(l["depots"] for l in json.load(sys.stdin)["reseaux"]))')
echo "deposits kept                 $n"
dash=$(for _ in $(seq 20); do time_of -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/campagne"; done | median)
python3 -c "print(f'dashboard (/api/campagne)     {$dash * 1000:.1f} ms')"
echo "== the same, each network's latest deposit a report of 10,193 findings"
cargo run --release -q --example bench_cases -- "$WORK/cas" rapport-lourd 2>/dev/null
heavy=$WORK/cas/rapport-lourd/36-CHX-2025.xlsx
for code in $codes; do
  curl -s -o /dev/null -H "Authorization: Bearer $token" -F "fichier=@$heavy" "http://127.0.0.1:$port/api/reseaux/$code/depots"
done
dash=$(for _ in $(seq 20); do time_of -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/campagne"; done | median)
python3 -c "print(f'dashboard (/api/campagne)     {$dash * 1000:.1f} ms')"
page=$(for _ in $(seq 20); do time_of -H "Authorization: Bearer $token" "http://127.0.0.1:$port/campagne"; done | median)
python3 -c "print(f'dashboard page (/campagne)    {$page * 1000:.1f} ms')"
echo "server peak RSS               $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
"$BIN" campagne verifier --donnees "$store"
