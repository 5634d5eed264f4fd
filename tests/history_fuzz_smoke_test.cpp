// In-process smoke run of the history fuzz corpus (tests/fuzz/history_corpus: real saved
// histories and the hand-written examples) and random byte mutations of it: each input must parse
// and check, or be rejected with a "file:line: " message, never crash. The libFuzzer target is
// tests/fuzz/history_fuzzer.cpp (preset `fuzz`).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "check/checker.h"
#include "history/history_file.h"
#include "report_fixtures.h"

namespace mapstress {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> HistoryCorpus() {
  return fixtures::FileContents(fs::path(MAPSTRESS_SOURCE_DIR) / "tests" / "fuzz" / "history_corpus");
}

// Line-aware edits: cuts, byte flips, JSON tokens, duplicated and dropped lines, blank lines.
std::string MutateHistory(std::string s, std::mt19937_64& rng) {
  static const std::string kTokens[] = {
      "-",  "0",      "18446744073709551616", "\"",      "{",    "}",      "[", "]", ",", ":",
      "\n", "\n\n\n", "\"op\":\"iterate\"",   "\\u0000", "\xff", "[[1,2]]"};
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 6) {
      case 0: s.resize(pos); break;
      case 1:
        if (!s.empty()) s[pos] = static_cast<char>(rng());
        break;
      case 2: s.insert(pos, kTokens[rng() % std::size(kTokens)]); break;
      case 3:
        if (!s.empty()) s.erase(pos, 1 + rng() % 16);
        break;
      case 4: {  // repeat a whole line somewhere else
        size_t start = s.rfind('\n', pos);
        start = start == std::string::npos ? 0 : start + 1;
        size_t end = s.find('\n', pos);
        std::string line = s.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
        s.insert(s.empty() ? 0 : rng() % s.size(), line);
        break;
      }
      default:
        if (!s.empty()) s.insert(pos, s.substr(rng() % s.size(), rng() % 64));
        break;
    }
  }
  return s;
}

TEST(HistoryFuzzSmoke, CorpusAndMutationsNeverCrash) {
  std::vector<std::string> corpus = HistoryCorpus();
  ASSERT_GE(corpus.size(), 10u);
  std::mt19937_64 rng(20261201);
  size_t accepted = 0;
  size_t rejected = 0;
  auto run = [&](const std::string& text) {
    History h;
    std::string error;
    if (ParseHistoryText("fuzz.jsonl", text, &h, &error)) {
      ++accepted;
      CheckResult r = Check(h);
      EXPECT_LE(r.anomalous, r.iterations);
    } else {
      ++rejected;
      EXPECT_EQ(error.rfind("fuzz.jsonl:", 0), 0u) << error;
      EXPECT_TRUE(h.ops.empty());
    }
  };
  for (const auto& text : corpus) run(text);
  EXPECT_EQ(rejected, 0u) << "every corpus file is a valid history";
  for (int i = 0; i < 3000; ++i) run(MutateHistory(corpus[rng() % corpus.size()], rng));
  EXPECT_GT(accepted, corpus.size());
  EXPECT_GT(rejected, 0u);
}

}  // namespace
}  // namespace mapstress
