#!/usr/bin/env bash
# nlhf across MPI ranks on one machine: 2 ranks x 1 thread against 1 process x 2 threads, side by side on
# the same files, alternating, 3 rounds each (median), for docs/benchmarks.md: the batch mode, and one game
# split by row blocks (solve --matrix-free, whose seconds per iteration are the solve's own, from --json).
#   scripts/bench_mpi.sh [build/nlhf]
set -euo pipefail
nlhf=$(realpath "${1:-build/nlhf}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
"$nlhf" generate random --n 10 --count 100000 --out small.jsonl > /dev/null
"$nlhf" generate random --n 10 --count 100000 --out small.npy > /dev/null
"$nlhf" generate random --n 60 --count 2000 --out medium.jsonl > /dev/null
"$nlhf" generate random --n 4096 --out large.npy > /dev/null
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'; }
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
printf '%-46s %12s %12s %8s\n' "batch" "1 x 2 thr (s)" "2 x 1 thr (s)" "ratio"
for spec in "small.jsonl:" "small.npy:" "medium.jsonl:--algo omwu --iters 2000"; do
  file=${spec%%:*}
  flags=${spec#*:}
  one=() two=()
  for round in 1 2 3; do
    one+=("$(OMP_NUM_THREADS=2 seconds "$nlhf" batch "$file" $flags --out one.jsonl)")
    two+=("$(seconds mpirun --oversubscribe -np 2 -x OMP_NUM_THREADS=1 "$nlhf" batch "$file" $flags --out two.jsonl)")
  done
  cmp -s one.jsonl two.jsonl || { echo "outputs differ for $file" >&2; exit 1; }
  a=$(median "${one[@]}") b=$(median "${two[@]}")
  printf '%-46s %12.3f %12.3f %8.2f\n' "$file $flags" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')"
done
# One game of n = 4,096: milliseconds per iteration of 300 OMWU iterations (the solve's own time).
per_iteration() { "$@" 2> /dev/null | sed -n 's/.*"seconds": *\([0-9.e+-]*\).*/\1/p' | awk '{ print 1000 * $1 / 300 }'; }
one=() two=()
for round in 1 2 3; do
  one+=("$(OMP_NUM_THREADS=2 per_iteration "$nlhf" solve large.npy --matrix-free --algo omwu --iters 300 --tol 0 --json)")
  two+=("$(per_iteration mpirun --oversubscribe -np 2 -x OMP_NUM_THREADS=1 "$nlhf" solve large.npy --matrix-free --algo omwu --iters 300 --tol 0 --json)")
done
a=$(median "${one[@]}") b=$(median "${two[@]}")
printf '%-46s %12.3f %12.3f %8.2f   (ms per iteration)\n' "large.npy n=4096 omwu" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')"
