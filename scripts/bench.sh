#!/usr/bin/env bash
# `make bench`: nlhf's OMWU iteration beside the hand-written NumPy and PyTorch loops (docs/benchmarks.md), measured in one run
# on this machine, with the ratio to the memory-bandwidth floor; the exact solvers side by side (with HiGHS
# where SciPy is installed); then the Google Benchmark suite.
set -euo pipefail
nlhf=${1:-build/nlhf}
suite=${2:-build/bench/nlhf_benchmarks}
sizes=(10 100 1000 8192)
declare -A numpy torch
while read -r n us; do numpy[$n]=$us; done < <(/usr/bin/python3 "$(dirname "$0")/bench_numpy.py" "${sizes[@]}")
# The same loop in PyTorch (the second reference loop of docs/benchmarks.md), where Debian's python3-torch is installed.
if /usr/bin/python3 -c 'import torch' 2> /dev/null; then
  while read -r n us; do torch[$n]=$us; done < <(/usr/bin/python3 "$(dirname "$0")/bench_numpy.py" --torch "${sizes[@]}")
fi

printf '| n | storage | nlhf µs/iter | NumPy f64 µs/iter | speed-up | PyTorch f64 µs/iter | speed-up | ratio to bandwidth floor |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  # About 0.02–0.1 s of iterations per size: at n = 10 fewer would time the first call (page faults,
  # start-up) as much as the iterations.
  iters=$(( 200000000 / (n * n + 200) + 100 ))  # at least 100: at n = 8192, 22 timed the first iterations (5.6 against 3.4 ms)
  for config in "f64 dense" "f64 packed" "f32 packed"; do
    set -- $config
    json=$("$nlhf" bench --n "$n" --iters "$iters" --storage "$1" --layout "$2" --json)
    /usr/bin/python3 - "$n" "$1 $2" "${numpy[$n]}" "${torch[$n]:-nan}" <<PY
import json, math, sys
r = json.loads('''$json''')
n, config, numpy, torch = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
us = r["microseconds_per_iteration"]
versus_torch = "— | —" if math.isnan(torch) else f"{torch:.4g} | {torch / us:.1f}x"
print(f"| {n} | {config} | {us:.4g} | {numpy:.4g} | {numpy / us:.1f}x | {versus_torch} | {r['ratio_to_floor']:.2f} (probe {r['read_bandwidth_gb_per_second']:.0f} GB/s) |")
PY
  done
done
# One neural training iteration (EGPO MLP, OMWU loss, exact feedback, plain SGD, the gap every iteration),
# nlhf train beside the same loop written with PyTorch, one thread each.
if "$nlhf" train --generate rps --iters 1 > /dev/null 2>&1; then  # built with LibTorch
  train_sizes=(100 1000)
  declare -A torch_loop
  while read -r n us; do torch_loop[$n]=$us; done < <(/usr/bin/python3 "$(dirname "$0")/bench_torch_train.py" --threads 1 "${train_sizes[@]}")
  printf '\n| n | nlhf train backend | nlhf µs/iter | PyTorch loop µs/iter | speed-up |\n|---|---|---|---|---|\n'
  for n in "${train_sizes[@]}"; do
    for backend in fused autograd; do
      TRAIN_JSON=$("$nlhf" train --generate random --n "$n" --policy mlp --iters 3000 --threads 1 --backend "$backend" --json) \
        /usr/bin/python3 -c '
import json, os, sys
r = json.loads(os.environ["TRAIN_JSON"])
n, backend, loop = sys.argv[1], sys.argv[2], float(sys.argv[3])
us = r["microseconds_per_iteration"]
print(f"| {n} | {backend} | {us:.4g} | {loop:.4g} | {loop / us:.1f}x |")' "$n" "$backend" "${torch_loop[$n]}"
    done
  done
  # One transformer training iteration on sequence games (OMWU, exact weighting over every response,
  # plain SGD, the exact gap every iteration) beside the same model and loss written with PyTorch, which
  # runs one decoder row per response; one thread each, interleaved.
  printf '\n| sequence game | nlhf train µs/iter | PyTorch loop µs/iter | speed-up |\n|---|---|---|---|\n'
  for config in "3 4 2" "16 3 1"; do
    read -r v t c <<< "$config"
    loop=$(/usr/bin/python3 "$(dirname "$0")/bench_torch_sequence.py" --threads 1 --vocab "$v" --length "$t" --prompts "$c" --iters 30)
    TRAIN_JSON=$("$nlhf" train --vocab "$v" --length "$t" --prompts "$c" --policy transformer --iters 30 --threads 1 --json) \
      /usr/bin/python3 -c '
import json, os, sys
r = json.loads(os.environ["TRAIN_JSON"])
v, t, c, loop = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
us = r["microseconds_per_iteration"]
n = len(r["sequences"]["responses"])
print(f"| V = {v}, T = {t}, {c} prompt(s), {n} responses | {us:.4g} | {loop:.4g} | {loop / us:.1f}x |")' "$v" "$t" "$c" "$loop"
  done
fi
# Many small games: `nlhf batch` (whole process: reading, solving, writing the answers) and `nlhf.solve_batch`
# (np.load and the solve, where the Python module is built: make python) beside the NumPy batched loop (the
# loop alone) at equal iterations, from JSON Lines and from one (games, n, n) .npy array: 100,000 games, the
# size of docs/benchmarks.md's tables (at 20,000 the fixed costs of a run weigh more).
batch_dir=$(mktemp -d)
"$nlhf" generate random --n 10 --count 100000 --seed 1 --out "$batch_dir/games.jsonl" 2> /dev/null
"$nlhf" generate random --n 10 --count 100000 --seed 1 --out "$batch_dir/games.npy" 2> /dev/null
python_module=$(dirname "$nlhf")/python
printf '\n| 100,000 games of n = 10 | nlhf batch .npy s | nlhf batch .jsonl s | nlhf.solve_batch s | NumPy loop s | speed-up (.npy, .jsonl, solve_batch) |\n|---|---|---|---|---|---|\n'
seconds() { local TIMEFORMAT=%R; { time "$@" > /dev/null 2>&1; } 2>&1; }  # bash's own timer: wall seconds
for iters in 200 500 1000; do
  npy=$(seconds "$nlhf" batch "$batch_dir/games.npy" --no-polish --iters "$iters" --tol 0 --out "$batch_dir/r.jsonl")
  jsonl=$(seconds "$nlhf" batch "$batch_dir/games.jsonl" --no-polish --iters "$iters" --tol 0 --out "$batch_dir/r.jsonl")
  python=nan
  if ls "$python_module"/nlhf.*.so > /dev/null 2>&1; then
    python=$(PYTHONPATH="$python_module" /usr/bin/python3 "$(dirname "$0")/bench_batch_python.py" "$batch_dir/games.npy" "$iters")
  fi
  loop=$(/usr/bin/python3 "$(dirname "$0")/bench_batch_numpy.py" "$batch_dir/games.npy" "$iters" 0 | sed 's/.*seconds \([0-9.]*\).*/\1/')
  /usr/bin/python3 -c 'import sys; i, a, b, p, c = sys.argv[1], *map(float, sys.argv[2:]); print(f"| {i} plain OMWU iterations | {a:.2f} | {b:.2f} | {p:.2f} | {c:.2f} | {c / a:.1f}x, {c / b:.1f}x, {c / p:.1f}x |")' \
    "$iters" "$npy" "$jsonl" "$python" "$loop"
done
rm -rf "$batch_dir"
# The exact solvers on the same random preference games (seed 0), gaps recomputed from each answer; HiGHS
# (SciPy's linprog) beside them where Debian's python3-scipy is installed (apt-get install python3-scipy).
printf '\n| n | solver | seconds | recomputed gap |\n|---|---|---|---|\n'
for n in 200 500 1000; do
  EXACT_JSON=$("$nlhf" bench --exact --n "$n" --json) /usr/bin/python3 -c '
import json, os
r = json.loads(os.environ["EXACT_JSON"])
n = r["n"]
for s in r["solvers"]:
    name, seconds, gap = s["algorithm"], s["median_seconds"], max(s["gaps"])
    print(f"| {n} | nlhf {name} | {seconds:.3f} | {gap:.2e} |")'
  if /usr/bin/python3 -c 'import scipy' 2> /dev/null; then
    game=$(mktemp --suffix=.npy)
    "$nlhf" generate random --n "$n" --seed 0 --out "$game" 2> /dev/null
    read -r seconds gap < <(/usr/bin/python3 "$(dirname "$0")/bench_highs.py" "$game")
    printf '| %s | HiGHS (scipy linprog) | %.3f | %s |\n' "$n" "$seconds" "$gap"
    rm -f "$game"
  fi
done
if [ -x "$suite" ]; then
  "$suite" --benchmark_min_time=0.2
fi
