#!/usr/bin/env bash
# Runs every libFuzzer harness of fuzz/ for a bounded time under ASan+UBSan, seeded with the project's test
# data and a dictionary per format. Exits non-zero on the first finding, naming the input that caused it.
#   scripts/fuzz.sh BUILD_DIR SECONDS_PER_HARNESS [HARNESS...]
set -euo pipefail
build_dir=$1
seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)

# harness: dictionary, then seed files (relative to the repository root)
declare -A dict=(
  [text_matrix_fuzzer]=text [json_matrix_fuzzer]=json [npy_matrix_fuzzer]=npy [policy_file_fuzzer]=json
  [json_lines_fuzzer]=json [egpo_text_fuzzer]=text [battles_fuzzer]=csv [json_battles_fuzzer]=json [judgments_fuzzer]=json [pairwise_fuzzer]=csv
  [score_table_fuzzer]=csv [preflib_fuzzer]=preflib [experiment_fuzzer]=yaml)
declare -A seeds=(
  [text_matrix_fuzzer]="data/soccer.txt tests/data/looks_like_json.txt"
  [json_matrix_fuzzer]="fuzz/seeds/game.json fuzz/seeds/payoff.json"
  [npy_matrix_fuzzer]="fuzz/seeds/game_f8.npy fuzz/seeds/game_f4.npy fuzz/seeds/game_fortran.npy fuzz/seeds/game_big_endian.npy fuzz/seeds/batch3.npy"
  [policy_file_fuzzer]="fuzz/seeds/policy.json fuzz/seeds/policy_two.json"
  [json_lines_fuzzer]="fuzz/seeds/batch.jsonl"
  [egpo_text_fuzzer]="tests/data/egpo_batch.txt"
  [battles_fuzzer]="tests/data/ranking/battles.csv tests/data/ranking/battles_onehot.csv"
  [json_battles_fuzzer]="tests/data/ranking/battles.jsonl tests/data/ranking/alpacaeval_annotations.json"
  [judgments_fuzzer]="tests/data/ranking/mtbench_ja_judgments.jsonl"
  [pairwise_fuzzer]="tests/data/ranking/pairwise.csv"
  [score_table_fuzzer]="tests/data/ranking/scores.tsv"
  [preflib_fuzzer]=""
  [experiment_fuzzer]="experiments/quick.yaml experiments/beta_sweep.yaml experiments/egpo_settings_neural.yaml experiments/reproduce/fig2_tabular.yaml experiments/reproduce/fig_bias.yaml experiments/reproduce/fig_marginal.yaml experiments/reproduce/fig2_neural_sampled.yaml")

harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then harnesses=("${!dict[@]}"); fi
IFS=$'\n' harnesses=($(sort <<<"${harnesses[*]}")); unset IFS

for harness in "${harnesses[@]}"; do
  binary="$build_dir/fuzz/$harness"
  [ -x "$binary" ] || { echo "fuzz.sh: $binary is not built (make fuzz builds it)" >&2; exit 2; }
  corpus="$build_dir/fuzz-corpus/$harness"
  artifacts="$build_dir/fuzz-artifacts/$harness/"
  mkdir -p "$corpus" "$artifacts"
  for seed in ${seeds[$harness]}; do cp "$root/$seed" "$corpus/"; done
  if [ "$harness" = preflib_fuzzer ]; then
    # The harness's first byte picks the extension: 0 .soc, 3 .toi.
    { printf '\x00'; cat "$root/tests/data/ranking/votes.soc"; } > "$corpus/votes.soc"
    { printf '\x03'; cat "$root/tests/data/ranking/votes.toi"; } > "$corpus/votes.toi"
    { printf '\x03'; cat "$root/tests/data/ranking/votes_legacy.toi"; } > "$corpus/votes_legacy.toi"
  fi
  echo "fuzz.sh: $harness for ${seconds} s"
  # rss/malloc limits turn a memory bomb (an allocation sized by a declaration, not by the data) into a
  # finding; -timeout does the same for an input that makes a reader loop for ages.
  # One OpenMP thread: the parallel readers still take their OpenMP path, at many times the inputs per second.
  if ! OMP_NUM_THREADS=1 "$binary" "$corpus" -dict="$root/fuzz/dict/${dict[$harness]}.dict" -max_total_time="$seconds" \
      -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 -print_final_stats=1 \
      -artifact_prefix="$artifacts" > "$build_dir/fuzz-artifacts/$harness.log" 2>&1; then
    tail -60 "$build_dir/fuzz-artifacts/$harness.log" >&2
    echo "fuzz.sh: $harness FOUND A BUG; the input is in $artifacts" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$build_dir/fuzz-artifacts/$harness.log" | tr '\n' ' '
  echo
done
echo "fuzz.sh: ${#harnesses[@]} harnesses, ${seconds} s each, no finding"
