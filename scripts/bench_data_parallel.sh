#!/usr/bin/env bash
# Data-parallel nlhf train on one machine: 2 ranks x 1 LibTorch thread (c10d/Gloo over the loopback
# interface) against 1 process x 2 threads, the same runs side by side, alternating, 3 rounds each
# (median of the run's own microseconds per iteration, from --json), for docs/benchmarks.md. Each pair's
# final mean gaps must agree to 1e-6.
#   scripts/bench_data_parallel.sh [build/nlhf]
set -euo pipefail
nlhf=$(realpath "${1:-build/nlhf}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
field() { sed -n "s/.*\"$1\": *\([0-9.e+-]*\).*/\1/p" | head -1; }
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
port=$((29600 + $$ % 300))
printf '%-92s %11s %11s %7s\n' "nlhf train (µs per iteration)" "1 x 2 thr" "2 x 1 thr" "ratio"
for spec in \
  "--generate random --n 300 --contexts 32 --policy contextual --iters 100 --log-every 20" \
  "--generate random --n 1000 --contexts 16 --policy tabular --backend autograd --iters 50 --log-every 10" \
  "--vocab 4 --length 4 --prompts 8 --policy transformer --iters 20 --log-every 5"; do
  one=() two=()
  for round in 1 2 3; do
    "$nlhf" train $spec --threads 2 --json > one.json
    port=$((port + 1))
    "$nlhf" train $spec --threads 1 --world-size 2 --rank 1 --master 127.0.0.1:$port > /dev/null 2>&1 &
    "$nlhf" train $spec --threads 1 --world-size 2 --rank 0 --master 127.0.0.1:$port --json > two.json
    wait
    awk -v a="$(field mean_gap < one.json)" -v b="$(field mean_gap < two.json)" \
      'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-6) }' || { echo "final gaps differ: $spec" >&2; exit 1; }
    one+=("$(field microseconds_per_iteration < one.json)")
    two+=("$(field microseconds_per_iteration < two.json)")
  done
  a=$(median "${one[@]}") b=$(median "${two[@]}")
  printf '%-92s %11.0f %11.0f %7.2f\n' "$spec" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')"
done
