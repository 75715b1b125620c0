// PrefLib ordinal data (.soc, .soi, .toc, .toi), the current format of preflib.org:
//   # NUMBER ALTERNATIVES: 4
//   # ALTERNATIVE NAME 1: Alice
//   12: 1,{2,3},4        ← 12 voters rank 1 first, 2 and 3 tied second, 4 last
// and the format before 2022, which many mirrors and papers' supplements still hold (Mattei & Walsh 2013):
//   4                    ← the number of alternatives
//   1,Alice              ← one line per alternative
//   ...
//   27,27,5              ← voters, sum of the counts, distinct orders
//   12,1,{2,3},4         ← count, then the order
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/ranking/readers.h"
#include "ranking/csv.h"

namespace nlhf {
namespace {

using internal::Trim;

bool ParseInt(std::string_view text, long long& value) {
  text = Trim(text);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// "1,{2,3},4" → {{1}, {2, 3}, {4}}.
std::vector<std::vector<long long>> ParseOrder(std::string_view order, const std::string& where) {
  std::vector<std::vector<long long>> groups;
  size_t i = 0;
  while (i < order.size()) {
    while (i < order.size() && (order[i] == ' ' || order[i] == ',' || order[i] == '\r')) ++i;
    if (i >= order.size()) break;
    std::string_view item;
    if (order[i] == '{') {
      const size_t close = order.find('}', i);
      if (close == std::string_view::npos) throw ParseError(fmt::format("{}: '{{' without '}}'", where));
      item = order.substr(i + 1, close - i - 1);
      i = close + 1;
      std::vector<long long> group;
      size_t k = 0;
      while (k <= item.size()) {
        size_t comma = item.find(',', k);
        if (comma == std::string_view::npos) comma = item.size();
        long long v = 0;
        if (!ParseInt(item.substr(k, comma - k), v)) {
          throw ParseError(fmt::format("{}: '{}' in a tie group is not an alternative number", where, item.substr(k, comma - k)));
        }
        group.push_back(v);
        k = comma + 1;
      }
      groups.push_back(std::move(group));
    } else {
      size_t comma = order.find(',', i);
      if (comma == std::string_view::npos) comma = order.size();
      long long v = 0;
      if (!ParseInt(order.substr(i, comma - i), v)) {
        throw ParseError(fmt::format("{}: '{}' is not an alternative number", where, Excerpt(Trim(order.substr(i, comma - i)))));
      }
      groups.push_back({v});
      i = comma;
    }
  }
  return groups;
}

struct Ballot {
  int line;
  double count;
  std::vector<std::vector<long long>> groups;  // rank groups in order; a group of several is a tie
};

// The file as written: the declared count, the names, the ballots (checked line by line).
struct PreflibFile {
  long long alternatives = -1;
  std::map<long long, std::string> names;
  std::vector<Ballot> ballots;
};

// The lines of `text`, trimmed, with their 1-based numbers; blank lines left out.
std::vector<std::pair<int, std::string_view>> NumberedLines(std::string_view text) {
  std::vector<std::pair<int, std::string_view>> lines;
  int line_number = 0;
  size_t position = 0;
  while (position <= text.size()) {
    size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = Trim(text.substr(position, end - position));
    position = end + 1;
    ++line_number;
    if (!line.empty()) lines.emplace_back(line_number, line);
  }
  return lines;
}

void CheckAlternativeCount(const PreflibFile& file, const std::string& where, std::string_view value) {
  if (file.alternatives < 2) {
    throw ParseError(fmt::format("{}: bad PrefLib header: NUMBER ALTERNATIVES '{}' is not an integer >= 2", where,
                                 Excerpt(value)));
  }
  if (file.alternatives > kMaxCandidates) {
    throw ParseError(fmt::format("{}: PrefLib header declares {} alternatives; nlhf ranks at most {} (its "
                                 "tables are n × n)", where, file.alternatives, kMaxCandidates));
  }
}

// A file in the format before 2022: its first line is the bare number of alternatives.
bool IsLegacyFormat(std::string_view text) {
  const auto lines = NumberedLines(text);
  long long value = 0;
  return !lines.empty() && ParseInt(lines.front().second, value);
}

PreflibFile ReadLegacyLines(std::string_view text, const std::string& path) {
  const auto lines = NumberedLines(text);
  PreflibFile file;
  size_t k = 0;
  const auto where = [&](size_t index) {
    return fmt::format("{}:{}", path, index < lines.size() ? lines[index].first : lines.back().first);
  };
  ParseInt(lines[k].second, file.alternatives);  // IsLegacyFormat checked it
  CheckAlternativeCount(file, where(k) + " (PrefLib's format before 2022)", lines[k].second);
  ++k;
  for (long long a = 1; a <= file.alternatives; ++a, ++k) {
    const size_t comma = k < lines.size() ? lines[k].second.find(',') : std::string_view::npos;
    long long id = 0;
    if (k >= lines.size() || comma == std::string_view::npos || !ParseInt(lines[k].second.substr(0, comma), id) ||
        id != a) {
      throw ParseError(fmt::format("{}: PrefLib's format before 2022 lists the {} alternatives as 'number,name' "
                                   "lines after the count; expected '{},NAME'{}", where(k), file.alternatives, a,
                                   k < lines.size() ? fmt::format(", got '{}'", Excerpt(lines[k].second)) : ""));
    }
    file.names.emplace(id, std::string(Trim(lines[k].second.substr(comma + 1))));
  }
  // "voters,sum of counts,distinct orders": three integers, checked for form only.
  std::vector<long long> totals;
  if (k < lines.size()) {
    const std::string_view part = lines[k].second;
    for (size_t start = 0; start <= part.size();) {
      const size_t end = std::min(part.find(',', start), part.size());
      long long value = 0;
      if (ParseInt(part.substr(start, end - start), value)) totals.push_back(value);
      start = end + 1;
    }
  }
  if (totals.size() != 3) {
    throw ParseError(fmt::format("{}: PrefLib's format before 2022 has a 'voters,sum of counts,distinct orders' "
                                 "line after the alternatives{}", where(k),
                                 k < lines.size() ? fmt::format(", got '{}'", Excerpt(lines[k].second)) : ""));
  }
  for (++k; k < lines.size(); ++k) {
    const auto [number, line] = lines[k];
    const std::string at = fmt::format("{}:{}", path, number);
    const size_t comma = line.find(',');
    long long count = 0;
    if (comma == std::string_view::npos || !ParseInt(line.substr(0, comma), count) || count < 0) {
      throw ParseError(fmt::format("{}: expected 'count,order' (PrefLib's format before 2022, e.g. '3,1,2,{{3,4}}'), "
                                   "got '{}'", at, Excerpt(line)));
    }
    file.ballots.push_back({number, static_cast<double>(count), ParseOrder(line.substr(comma + 1), at)});
  }
  if (file.ballots.empty()) throw ParseError(fmt::format("{}: no 'count,order' lines", path));
  return file;
}

PreflibFile ReadLines(std::string_view text, const std::string& path) {
  PreflibFile file;
  for (const auto& [line_number, line] : NumberedLines(text)) {
    const std::string where = fmt::format("{}:{}", path, line_number);
    if (line.front() == '#') {
      const std::string_view meta = Trim(line.substr(1));
      const size_t colon = meta.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view key = Trim(meta.substr(0, colon));
      const std::string_view value = Trim(meta.substr(colon + 1));
      if (key == "NUMBER ALTERNATIVES") {
        if (!ParseInt(value, file.alternatives)) file.alternatives = -1;
        CheckAlternativeCount(file, where, value);
      } else if (key.starts_with("ALTERNATIVE NAME")) {
        long long id = 0;
        if (!ParseInt(key.substr(std::string_view("ALTERNATIVE NAME").size()), id)) {
          throw ParseError(fmt::format("{}: bad PrefLib header: '{}' has no alternative number", where, key));
        }
        if (!file.names.emplace(id, std::string(value)).second) {
          throw ParseError(fmt::format("{}: ALTERNATIVE NAME {} is given twice", where, id));
        }
      }
      continue;
    }
    const size_t colon = line.find(':');
    long long count = 0;
    if (colon == std::string_view::npos || !ParseInt(line.substr(0, colon), count) || count < 0) {
      throw ParseError(fmt::format("{}: expected 'count: order' (e.g. '3: 1,2,{{3,4}}'), got '{}'", where, Excerpt(line)));
    }
    file.ballots.push_back({line_number, static_cast<double>(count), ParseOrder(line.substr(colon + 1), where)});
  }
  if (file.alternatives < 0) {
    throw ParseError(fmt::format("{}: bad PrefLib header: no '# NUMBER ALTERNATIVES: n' line (a file in PrefLib's "
                                 "format before 2022 starts with the bare number of alternatives)", path));
  }
  if (file.ballots.empty()) throw ParseError(fmt::format("{}: no 'count: order' lines", path));
  return file;
}

// Checks every ballot against the extension's rules and the running total of pairwise outcomes against
// kMaxPairwiseOutcomes (its errors come before any about the file as a whole), then that every declared
// alternative is named or ranked somewhere: a declaration is not data, so what is built afterwards grows
// with the file, not with a number in its header. Returns whether some ballot is incomplete.
bool CheckBallots(const PreflibFile& file, const std::string& path, const std::string& extension) {
  const bool ties_allowed = extension == ".toc" || extension == ".toi" || extension.empty() ||
                            (extension != ".soc" && extension != ".soi");
  const bool complete_required = extension == ".soc" || extension == ".toc";
  const int n = static_cast<int>(file.alternatives);
  bool incomplete_seen = false;
  std::vector<char> described(n, 0);
  for (const auto& [id, name] : file.names) {
    if (id >= 1 && id <= n) described[id - 1] = 1;
  }
  std::vector<char> seen(n, 0);  // reset through the entries each ballot touched
  long long outcomes = 0;         // counted before anything is built
  for (const Ballot& ballot : file.ballots) {
    const std::string where = fmt::format("{}:{}", path, ballot.line);
    int ranked = 0;
    for (const auto& group : ballot.groups) {
      if (group.size() > 1 && !ties_allowed) {
        throw ParseError(fmt::format("{}: a tie group in a {} file (strict orders only; use .toc/.toi)", where, extension));
      }
      for (long long alternative : group) {
        if (alternative < 1 || alternative > n) {
          throw ParseError(fmt::format("{}: alternative {} is outside 1..{}", where, alternative, n));
        }
        if (seen[alternative - 1]) throw ParseError(fmt::format("{}: alternative {} appears twice", where, alternative));
        seen[alternative - 1] = 1;
        described[alternative - 1] = 1;
        ++ranked;
      }
    }
    for (const auto& group : ballot.groups) {
      for (long long alternative : group) seen[alternative - 1] = 0;
    }
    // A ballot ranking k of n alternatives stands for k(n − 1) − k(k − 1)/2 pairwise outcomes.
    outcomes += static_cast<long long>(ranked) * (n - 1) - static_cast<long long>(ranked) * (ranked - 1) / 2;
    if (outcomes > kMaxPairwiseOutcomes) {
      throw ParseError(fmt::format("{}: the ballots up to here stand for {} pairwise comparisons; nlhf holds at "
                                   "most {}", where, outcomes, kMaxPairwiseOutcomes));
    }
    if (ranked < n) {
      if (complete_required) {
        throw ParseError(fmt::format("{}: ranks {} of {} alternatives, but {} files hold complete orders", where, ranked,
                                     n, extension));
      }
      incomplete_seen = true;
    }
  }
  if (const auto missing = std::find(described.begin(), described.end(), 0); missing != described.end()) {
    throw ParseError(fmt::format("{}: NUMBER ALTERNATIVES declares {}, but alternative {} is neither named (# "
                                 "ALTERNATIVE NAME) nor ranked anywhere", path, n, missing - described.begin() + 1));
  }
  return incomplete_seen;
}

// A ballot's pairwise outcomes: pairs with at least one ranked alternative, each once as (a, b) with
// a < b. Two unranked alternatives give no information, and skipping them keeps a short ballot's cost
// to its length times n. `rank` (length n, −1 everywhere) is the caller's scratch, left as it was.
ComparisonUnit BallotOutcomes(const Ballot& ballot, int n, std::vector<int>& rank) {
  std::vector<int> ranked_alternatives;
  for (size_t g = 0; g < ballot.groups.size(); ++g) {
    for (long long alternative : ballot.groups[g]) {
      rank[alternative - 1] = static_cast<int>(g);
      ranked_alternatives.push_back(static_cast<int>(alternative - 1));
    }
  }
  std::sort(ranked_alternatives.begin(), ranked_alternatives.end());
  ComparisonUnit unit;
  unit.multiplicity = ballot.count;
  for (const auto& group : ballot.groups) {
    unit.order.emplace_back();
    for (long long alternative : group) unit.order.back().push_back(static_cast<int>(alternative - 1));
  }
  for (const int r : ranked_alternatives) {
    for (int other = 0; other < n; ++other) {
      if (other == r || (rank[other] >= 0 && other < r)) continue;  // a ranked pair is taken from its smaller side
      const int a = std::min(r, other);
      const int b = std::max(r, other);
      const int ra = rank[a] < 0 ? n : rank[a];  // unranked alternatives rank below every ranked one
      const int rb = rank[b] < 0 ? n : rank[b];
      unit.outcomes.push_back({a, b, ra < rb ? 1.0 : (ra > rb ? 0.0 : 0.5), 1.0});
    }
  }
  for (const int r : ranked_alternatives) rank[r] = -1;
  return unit;
}

}  // namespace

ComparisonData ParsePreflib(std::string_view text, const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool legacy = IsLegacyFormat(text);
  const PreflibFile file = legacy ? ReadLegacyLines(text, path) : ReadLines(text, path);
  const bool incomplete_seen = CheckBallots(file, path, extension);
  const int n = static_cast<int>(file.alternatives);

  ComparisonData data;
  data.source = path;
  data.format = "preflib";
  for (int a = 1; a <= n; ++a) {
    const auto it = file.names.find(a);
    data.candidates.push_back(it != file.names.end() ? it->second : std::to_string(a));
  }
  std::vector<int> rank(n, -1);
  for (const Ballot& ballot : file.ballots) data.units.push_back(BallotOutcomes(ballot, n, rank));
  if (incomplete_seen) {
    data.notes.push_back("incomplete orders: unranked alternatives rank below every ranked one; two unranked "
                         "alternatives are not compared");
  }
  data.notes.push_back("tied alternatives count half a win to each side");
  if (legacy) data.notes.push_back("read in PrefLib's format before 2022 (count line, 'number,name' lines)");
  return data;
}

}  // namespace nlhf
