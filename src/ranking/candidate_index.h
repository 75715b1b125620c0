// Candidate names to indices, in order of first appearance.
#ifndef NLHF_SRC_RANKING_CANDIDATE_INDEX_H_
#define NLHF_SRC_RANKING_CANDIDATE_INDEX_H_

#include <map>
#include <string>
#include <vector>

namespace nlhf::internal {

class CandidateIndex {
 public:
  int IndexOf(const std::string& name) {
    const auto [it, inserted] = index_.try_emplace(name, static_cast<int>(names_.size()));
    if (inserted) names_.push_back(name);
    return it->second;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::map<std::string, int> index_;
  std::vector<std::string> names_;
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_RANKING_CANDIDATE_INDEX_H_
