// Readers for real comparison data. Every error names the file, the line and the rule broken
// (ParseError); the format is detected from the extension and the content unless given.
//
// battles      CSV with a header naming model_a, model_b, winner, or JSON Lines / a JSON array of records
//              with those fields (other names through ComparisonReadOptions' columns); the winner is
//              model_a | a | model_b | b | tie | tie (bothbad) | draw, a model's name, a number on the
//              --score-range scale, or one-hot columns winner_model_a, winner_model_b[, winner_tie];
//              ties count half to each side; optional context and weight columns.
// judgments    long format, one score per (model, item): CSV/TSV with a header, JSON Lines or a JSON array
//              of records (MT-bench's single-answer grading: question_id, model, score, turn); each item
//              ranks the models scored on it (scores of one model on one item averaged).
// pairwise     CSV rows a,b,score: a's result against b on the scale --score-range LO,HI (optional header).
// score-table  rows are tasks or voters, columns candidates (the other way round with `transpose`), higher
//              is better; a header row names the candidates; values like 1,234.5 or 12.3±0.4; each row
//              ranks the candidates; rows shorter than the header have their last cells missing.
// preflib      PrefLib .soc .soi .toc .toi (`# ALTERNATIVE NAME i: name`, `count: order` lines, `{}` ties).
// matrix       a preference matrix as `nlhf solve` reads it.
#ifndef NLHF_RANKING_READERS_H_
#define NLHF_RANKING_READERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "nlhf/ranking/comparisons.h"

namespace nlhf {

// The most candidates a ranking takes: its tables and preference matrix are n × n doubles (0.8 GB each at
// this size), so a file declaring more is refused before anything that size is allocated.
constexpr long long kMaxCandidates = 10000;
// The most pairwise outcomes a file may expand to (24 bytes each: 2.4 GB). A score-table row or a ranking
// ballot over k candidates stands for k(k − 1)/2 of them, so a small file can ask for far more than it
// holds; it is refused, counted before anything is built.
constexpr long long kMaxPairwiseOutcomes = 100000000;

struct ComparisonReadOptions {
  std::string format;  // empty: detect; else battles, judgments, pairwise, score-table, preflib or matrix
  std::string model_a_column = "model_a";  // battles: the columns (or JSON fields) of the two models
  std::string model_b_column = "model_b";
  std::string winner_column = "winner";    // battles: the outcome; absent: one-hot winner_model_a/_b/_tie
  std::string context_column;  // battles: the column that names the context (e.g. question_id)
  std::string weight_column;   // battles: a column of non-negative weights
  // battles, judgments: the column whose value groups comparisons the bootstrap resamples together (e.g.
  // question_id: battles on one question are not independent).
  std::string cluster_column;
  std::string model_column = "model";     // judgments: the model judged
  std::string score_column = "score";     // judgments: its score (higher is better)
  // judgments: the fields that together name the item judged; empty: the first of question_id, item,
  // item_id, prompt_id, ... present, with turn beside it where there is one (MT-bench's two turns).
  std::vector<std::string> item_columns;
  double score_low = 0;        // pairwise: the score that means a lost; battles: the winner value for model_b
  double score_high = 1;       // pairwise: the score that means a won; battles: the winner value for model_a
  bool score_range_given = false;  // battles: numeric winner values are read on the score range
  bool transpose = false;  // score-table: rows are candidates and columns tasks (swapped before reading)
};

ComparisonData ReadComparisonFile(const std::string& path, const ComparisonReadOptions& options = {});

// The same over text in memory (a data frame written as CSV, say): `extension` (".csv", ".jsonl", "" for
// none) helps detect the format as a file's would; `path` labels the messages. Not for .npy.
ComparisonData ParseComparisonText(std::string_view text, const std::string& path, const std::string& extension,
                                   const ComparisonReadOptions& options = {});

// The individual readers, over text already in memory (`path` labels the messages).
ComparisonData ParseBattles(std::string_view text, const std::string& path, const ComparisonReadOptions& options);
// Battles as JSON Lines (one record per line) or as one JSON array of records.
ComparisonData ParseJsonBattles(std::string_view text, const std::string& path, const ComparisonReadOptions& options);
ComparisonData ParseJudgments(std::string_view text, const std::string& path, const ComparisonReadOptions& options);
ComparisonData ParsePairwiseScores(std::string_view text, const std::string& path, const ComparisonReadOptions& options);
ComparisonData ParseScoreTable(std::string_view text, const std::string& path);
ComparisonData ParseScoreTable(std::string_view text, const std::string& path, const ComparisonReadOptions& options);
ComparisonData ParsePreflib(std::string_view text, const std::string& path);

// Battles given as columns (e.g. from a data frame): one entry per battle; `contexts` and `weights` may
// be null. Errors name `source` and the 0-based row.
ComparisonData BattlesFromColumns(const std::vector<std::string>& model_a,
                                  const std::vector<std::string>& model_b,
                                  const std::vector<std::string>& winner,
                                  const std::vector<std::string>* contexts,
                                  const std::vector<double>* weights,
                                  const std::string& source);

}  // namespace nlhf

#endif  // NLHF_RANKING_READERS_H_
