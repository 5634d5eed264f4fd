// In-process smoke run of the fuzz corpus and random byte mutations of it through
// ParseScenario: each input must load or be rejected with a message, never crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "report_fixtures.h"
#include "scenario/scenario_loader.h"

namespace mapstress {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Corpus() {
  return fixtures::FileContents(fs::path(MAPSTRESS_SOURCE_DIR) / "tests" / "fuzz" / "corpus");
}

// Byte-level edits that reach the interesting corners: cuts, splices, digit and quote flips.
std::string Mutate(std::string s, std::mt19937_64& rng) {
  static const std::string kTokens[] = {
      "-",     "0",       "1.0", "99999999999999999999", "\"", "{", "}", "[", "]", ",", ":", "null", "1e999",
      "\"x\"", "\\u0000", "\xff"};
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 5) {
      case 0: s.resize(pos); break;
      case 1:
        if (!s.empty()) s[pos] = static_cast<char>(rng());
        break;
      case 2: s.insert(pos, kTokens[rng() % std::size(kTokens)]); break;
      case 3:
        if (!s.empty()) s.erase(pos, 1 + rng() % 8);
        break;
      default:
        if (!s.empty()) s.insert(pos, s.substr(rng() % s.size(), rng() % 32));
        break;
    }
  }
  return s;
}

TEST(ScenarioFuzzSmoke, CorpusAndMutationsNeverCrash) {
  std::vector<std::string> corpus = Corpus();
  ASSERT_GE(corpus.size(), 5u);
  std::mt19937_64 rng(20261123);
  size_t accepted = 0;
  size_t rejected = 0;
  auto run = [&](const std::string& text) {
    Scenario s;
    LoadError e;
    if (ParseScenario(text, "fuzz.json", &s, &e)) {
      ++accepted;
      EXPECT_GE(s.TotalThreads(), 1u);
      EXPECT_LE(s.TotalThreads(), kMaxThreads);
      EXPECT_LE(s.keys.prefill, s.keys.count);
    } else {
      ++rejected;
      EXPECT_FALSE(e.message.empty());
    }
  };
  for (const auto& text : corpus) run(text);
  for (int i = 0; i < 4000; ++i) run(Mutate(corpus[rng() % corpus.size()], rng));
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(rejected, 0u);
}

}  // namespace
}  // namespace mapstress
