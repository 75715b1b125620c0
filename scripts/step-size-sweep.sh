#!/usr/bin/env bash
# Measures how many OMWU iterations (plain, no polishing) each step size η needs to reach duality gap
# 1e-9 on the test instances (nlhf generate), and how often it gets there on 100 random n = 10 games. This is the
# evidence behind the default η (docs/solver-options.md). Usage: scripts/step-size-sweep.sh [build/nlhf]
set -euo pipefail
nlhf=$(realpath "${1:-build/nlhf}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
etas=(0.5 1 1.5 2 3)

outcome() {  # prints iterations, or "—(gap)" when the budget ran out
  "$nlhf" solve "$1" --no-polish --eta "$2" --iters "$3" --json |
    /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["iterations"] if d["converged"] else "— (%.0e)" % d["duality_gap"])'
}

"$nlhf" generate rps -o rps.txt 2>/dev/null
"$nlhf" generate cyclic3 -o cyclic3.txt 2>/dev/null
cp "$(dirname "$nlhf")/../data/soccer.txt" soccer.txt 2>/dev/null || true
for s in 1 2 3; do
  "$nlhf" generate random --n 10 --seed $s -o random10_s$s.txt 2>/dev/null
  "$nlhf" generate planted --n 10 --seed $s -o planted10_s$s.txt 2>/dev/null
  "$nlhf" generate transitive --n 10 --seed $s -o transitive10_s$s.txt 2>/dev/null
done

printf '| instance (start) |'; for eta in "${etas[@]}"; do printf ' η = %s |' "$eta"; done; printf '\n|---|'
for eta in "${etas[@]}"; do printf -- '---|'; done; printf '\n'
printf '{"log_policy": [0.3, -0.2, 0.1]}' > tilted.json
for case in "rps.txt tilted.json" cyclic3.txt soccer.txt random10_s1.txt random10_s2.txt random10_s3.txt \
            planted10_s1.txt planted10_s2.txt planted10_s3.txt transitive10_s1.txt; do
  set -- $case
  [ -f "$1" ] || continue
  printf '| %s%s |' "${1%.txt}" "${2:+ (tilted start)}"
  for eta in "${etas[@]}"; do
    if [ -n "${2:-}" ]; then
      r=$("$nlhf" solve "$1" --no-polish --eta "$eta" --iters 1000000 --init "$2" --json |
          /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["iterations"] if d["converged"] else "— (%.0e)" % d["duality_gap"])')
    else
      r=$(outcome "$1" "$eta" 1000000)
    fi
    printf ' %s |' "$r"
  done
  printf '\n'
done

printf '\nRandom n = 10 games, seeds 100–199, budget 200,000 iterations: converged / median iterations\n\n'
for eta in "${etas[@]}"; do
  counts=()
  for s in $(seq 100 199); do
    "$nlhf" generate random --n 10 --seed "$s" -o r.txt 2>/dev/null
    counts+=("$(outcome r.txt "$eta" 200000)")
  done
  printf '%s\n' "${counts[@]}" | /usr/bin/python3 -c "
import sys
v=[l.strip() for l in sys.stdin if l.strip()]
ok=sorted(int(x) for x in v if x.isdigit())
print('- η = $eta: %d/100 converged, median %s iterations' % (len(ok), ok[len(ok)//2] if ok else '—'))"
done
