// "did you mean ...?" for misspelt names (edit distance).
#pragma once

#include <string>
#include <vector>

namespace mapstress {

size_t EditDistance(const std::string& a, const std::string& b);
// The closest candidate within a small edit distance, or "" when none is close.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mapstress
