#!/usr/bin/env bash
# The GPU checks of issue 20 (docs/gpu.md), in two halves, because the GPU machine is lent for minutes and
# has no network and none of the Debian libraries nlhf builds against:
#
#   scripts/gpu-check.sh build    here: builds the CUDA parts into build-gpu/ (the command line, the GPU
#                                 tests, the GPU benchmark) and gathers them with the shared libraries they
#                                 need into build-gpu/bundle, which runs on the GPU machine as it is
#   scripts/gpu-check.sh run      there (carry build-gpu/bundle): the GPU tests (the device's iterates equal the
#                                 CPU's to 1e-12; every gap recomputed on the CPU), the benchmark beside the
#                                 same OMWU loop in PyTorch on the same GPU, and `nlhf batch --device cuda`
#                                 against the CPU on 100,000 games; prints a table and leaves the logs in
#                                 $OUT (or ./gpu-check-out). Meant to finish in under 8 minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build-gpu"
mode=${1:-}

if [ "$mode" = build ]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNLHF_CUDA=ON -DNLHF_TORCH=OFF \
    -DNLHF_PYTHON=OFF -DNLHF_MPI=OFF -DNLHF_NATIVE=OFF > /dev/null
  cmake --build "$build" --target nlhf_cli batch_omwu_test nlhf_gpu_bench
  # The three programs and every shared library they load but the C library's own (the GPU machine's
  # newer one serves), in build-gpu/bundle: what travels (about 30 MB of the 64 MiB a call may carry).
  bundle="$build/bundle"
  rm -rf "$bundle" && mkdir -p "$bundle/lib"
  cp "$build/nlhf" "$build/src/cuda/batch_omwu_test" "$build/nlhf_gpu_bench" "$bundle/"
  for binary in "$bundle/nlhf" "$bundle/batch_omwu_test" "$bundle/nlhf_gpu_bench"; do
    ldd "$binary" | awk '/=> \// { print $3 }'
  done | sort -u | grep -v -E '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' | xargs -I{} cp -L {} "$bundle/lib/"
  du -sh "$bundle"
  echo "ready: run 'scripts/gpu-check.sh run' on the GPU machine with build-gpu/bundle carried"
  exit 0
fi

if [ "$mode" != run ]; then
  echo "usage: scripts/gpu-check.sh build|run" >&2
  exit 2
fi

# From here every step runs whatever the one before gave: one lent GPU run should say everything it can.
set +e
bundle="$build/bundle"
[ -x "$bundle/nlhf" ] || { echo "no $bundle/nlhf: run 'scripts/gpu-check.sh build' here and carry build-gpu/bundle" >&2; exit 2; }
out=${OUT:-$here/gpu-check-out}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Only nlhf's own programs see the carried libraries (python3's PyTorch keeps its own).
ours() { LD_LIBRARY_PATH="$bundle/lib" "$@"; }
step() { echo; echo "== $* ($(date +%T))"; }

step "device"
nvidia-smi -L || true

step "GPU tests: the device's iterates against the CPU's small-game OMWU, gaps recomputed on the CPU"
ours "$bundle/batch_omwu_test" 2>&1 | tee "$out/gpu_tests.txt" | tail -25

step "nlhf's CUDA batch: 100,000 games of n = 10"
ours "$bundle/nlhf_gpu_bench" 100000 10 1000 1e-10 | tee "$out/gpu_bench.jsonl"

step "the same OMWU loop in PyTorch (float64, eager) on the same GPU"
python3 "$here/scripts/gpu_torch_omwu.py" 100000 10 300 | tee "$out/torch_loop.jsonl" || true

step "nlhf batch --device cuda against the CPU on the same file"
ours "$bundle/nlhf" generate random --n 10 --count 100000 --seed 3 --out "$work/games.jsonl"
( time ours "$bundle/nlhf" batch "$work/games.jsonl" --tol 1e-10 --device cuda --out "$work/gpu.jsonl" ) 2>&1 | tee "$out/batch_gpu.txt"
( time ours "$bundle/nlhf" batch "$work/games.jsonl" --tol 1e-10 --out "$work/cpu.jsonl" ) 2>&1 | tee "$out/batch_cpu.txt"
python3 - "$work/gpu.jsonl" "$work/cpu.jsonl" <<'PY' | tee "$out/batch_compare.txt"
import json, math, sys
gpu = [json.loads(line) for line in open(sys.argv[1])]
cpu = [json.loads(line) for line in open(sys.argv[2])]
assert len(gpu) == len(cpu), (len(gpu), len(cpu))
def certified(r): return r.get("converged", r.get("termination") == "converged")
worst = 0.0
for g, c in zip(gpu, cpu):
    p, q = g.get("policy"), c.get("policy")
    if isinstance(p, list) and isinstance(q, list):
        worst = max(worst, max(abs(a - b) for a, b in zip(p, q)))
print(json.dumps({"games": len(gpu), "certified_gpu": sum(map(certified, gpu)),
                  "certified_cpu": sum(map(certified, cpu)),
                  "largest_gap_gpu": max(r["duality_gap"] for r in gpu),
                  "largest_policy_difference": worst}))
PY

step "table"
python3 - "$out/gpu_bench.jsonl" "$out/torch_loop.jsonl" <<'PY' | tee "$out/table.md"
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
torch = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
fixed = next(r for r in ours if r["measure"] == "fixed_iterations")
solved = next(r for r in ours if r["measure"] == "to_tolerance")
loop = next((r for r in torch if r.get("games") == fixed["games"]), None)
print("| work | nlhf CUDA | PyTorch eager | ratio |")
print("| --- | --- | --- | --- |")
if loop:
    print(f"| {fixed['games']:,} games of n = {fixed['n']}, µs per iteration | {fixed['microseconds_per_iteration']:.3g} | "
          f"{loop['microseconds_per_iteration']:.3g} | {loop['microseconds_per_iteration'] / fixed['microseconds_per_iteration']:.0f}x |")
print(f"| the whole batch to gap <= {solved['tolerance']:g} (kernel) | {solved['kernel_seconds']:.3g} s, "
      f"{solved['certified_on_cpu']:,} certified on the CPU, {solved['most_iterations']} iterations at most | | |")
PY
