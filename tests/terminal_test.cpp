#include "report/terminal.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <sstream>

#include "core/text_width.h"
#include "report/case_facts.h"
#include "report/number_format.h"
#include "report_fixtures.h"

namespace mapstress {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

void ExpectFits(const std::string& text, size_t width = kTerminalWidth) {
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  for (const std::string& line : Lines(text)) {
    EXPECT_LE(DisplayWidth(line), width) << "too wide: \"" << line << "\"";
  }
}

TEST(TerminalTextTest, WidthTruncateAndWrap) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("a × b…"), 6u);
  EXPECT_EQ(TruncateToWidth("abcdef", 6), "abcdef");
  EXPECT_EQ(TruncateToWidth("abcdef", 4), "abc…");
  EXPECT_EQ(TruncateToWidth("a×b×c", 3), "a×…");
  EXPECT_EQ(TruncateToWidth("abc", 0), "");
  EXPECT_EQ(WrapText("one two three four", 9, "", ""), "one two\nthree\nfour\n");
  EXPECT_EQ(WrapText("one two three", 12, "> ", "  "), "> one two\n  three\n");
  EXPECT_EQ(WrapText("para one\npara two", 80, "", "  "), "para one\n  para two\n");
  EXPECT_EQ(WrapText("abcdefghij", 4, "", ""), "abcd\nefgh\nij\n");  // an overlong word is cut
  EXPECT_EQ(WrapText("", 10, "x: ", ""), "x: \n");
  std::string long_text;
  for (int i = 0; i < 60; ++i) long_text += "word" + std::to_string(i) + " ";
  std::string wrapped = WrapText(long_text, 40, "    ", "      ");
  ExpectFits(wrapped, 40);
  EXPECT_NE(wrapped.find("word59"), std::string::npos);
}

TEST(TerminalTextTest, NumberFormats) {
  EXPECT_EQ(FormatPercent(0), "0.0%");
  EXPECT_EQ(FormatPercent(0.412), "41.2%");
  EXPECT_EQ(FormatPercent(1), "100.0%");
  EXPECT_EQ(FormatPercent(0.0001), "<0.1%");
  EXPECT_EQ(FormatCount(950), "950");
  EXPECT_EQ(FormatCount(12345), "12.3k");
  EXPECT_EQ(FormatCount(1.2e6), "1.2M");
  EXPECT_EQ(FormatCount(250e6), "250M");
  EXPECT_EQ(FormatNanos(0.4), "0.4ns");
  EXPECT_EQ(FormatNanos(85), "85ns");
  EXPECT_EQ(FormatNanos(1234), "1.2µs");
  EXPECT_EQ(FormatNanos(3.4e6), "3.4ms");
  EXPECT_EQ(FormatNanos(2.5e9), "2.50s");
}

TEST(TerminalTest, CaseLineShowsVerdictCountsAndWorstAnomaly) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  // Too long for 80 columns: the detail goes on the next line, indented; nothing is cut.
  EXPECT_EQ(RenderCaseLine(cases[1], 2, 6),
            "[2/6] 01-basic-iterate × sharded  PASS  weak\n"
            "      412 not_snapshot, in 412 of 1,000 iterations (41.2%) (acceptable)\n");
  // FORBIDDEN beats ACCEPTABLE even at a lower rate; the share is of iterations (11 had a missing key).
  EXPECT_EQ(RenderCaseLine(cases[2], 3, 6),
            "[3/6] 01-basic-iterate × unsafe  FAIL  weak\n"
            "      12 missing, in 11 of 800 iterations (1.4%) (forbidden)\n");
  EXPECT_EQ(RenderCaseLine(cases[0], 1, 6),
            "[1/6] 01-basic-iterate × locked  PASS  snapshot\n      no anomalies in 1,234 iterations\n");
  EXPECT_EQ(RenderCaseLine(cases[5], 6, 6),
            "[6/6] 02-iterate-while-deleting × unsafe  FAIL  weak\n      crashed SIGSEGV (forbidden)\n");
  std::string unsupported = RenderCaseLine(cases[4], 5, 6);
  ExpectFits(unsupported);
  EXPECT_EQ(unsupported.rfind("[5/6] 02-iterate-while-deleting × sharded  UNSUPPORTED  weak\n      sharded cannot", 0),
            0u)
      << unsupported;
  EXPECT_NE(unsupported.find("\n      it isolated)\n"), std::string::npos) << unsupported;  // not cut
  CaseReport hung = cases[5];
  hung.outcome = Outcome::kHung;
  hung.grading.hung = Grade::kInteresting;
  hung.status = CaseStatus::kPass;
  EXPECT_EQ(RenderCaseLine(hung, 6, 6), "[6/6] 02-iterate-while-deleting × unsafe  PASS  weak  hung (interesting)\n");
  CaseReport loads_only = cases[0];
  loads_only.check.iterations = 0;
  EXPECT_NE(RenderCaseLine(loads_only, 1, 1).find("no anomalies in 5,000 loads"), std::string::npos);
  CaseReport one = cases[0];
  one.scenario = "s";
  one.check.iterations = 1;
  EXPECT_EQ(RenderCaseLine(one, 1, 1), "[1/1] s × locked  PASS  snapshot  no anomalies in 1 iteration\n");
}

TEST(TerminalTest, CaseLineShowsTheGuaranteeOnEveryLine) {
  for (const CaseReport& c : fixtures::FixtureCases()) {
    std::string line = RenderCaseLine(c, 1, 6);
    EXPECT_NE(line.find(std::string("  ") + GuaranteeName(c.guarantee)), std::string::npos) << line;
  }
}

TEST(TerminalTest, CaseLineStaysWithin80ColumnsAndKeepsTheBackend) {
  CaseReport c = fixtures::FixtureFailingCase();
  c.scenario = std::string(120, 's');
  std::string line = RenderCaseLine(c, 100, 120);
  ExpectFits(line);
  EXPECT_NE(line.find("× unsafe  FAIL"), std::string::npos) << line;
  c.backend = std::string(100, 'b');
  line = RenderCaseLine(c, 100, 120);
  ExpectFits(line);
  EXPECT_NE(line.find("FAIL"), std::string::npos);
  EXPECT_NE(line.find("sssssss… × bbbb"), std::string::npos) << line;  // both names, shortened
}

TEST(TerminalTest, FailureTableListsObservedKindsAndExplanations) {
  std::string table = RenderFailureTable(fixtures::FixtureFailingCase());
  ExpectFits(table);
  std::vector<std::string> lines = Lines(table);
  ASSERT_GE(lines.size(), 11u);
  EXPECT_EQ(lines[0], "01-basic-iterate × unsafe: FAIL");
  EXPECT_EQ(lines[1], "  guarantee weak, 800 iterations, 4,000 loads, trials 2/2, seed 42");
  // Occurrences beside the share of iterations (loads for stale_read) that had the kind.
  EXPECT_EQ(lines[2], "ANOMALY           COUNT  EXPECT       SEEN");
  EXPECT_EQ(lines[3], "missing              12  FORBIDDEN    in 11 of 800 iterations (1.4%)");
  EXPECT_EQ(lines[4], "  a key present for the whole iteration was not visited");
  EXPECT_EQ(lines[5], "duplicate             3  FORBIDDEN    in 3 of 800 iterations (0.4%)");
  EXPECT_EQ(lines[7], "stale_read            4  FORBIDDEN    in 4 of 4,000 loads (0.1%)");
  EXPECT_EQ(lines[9], "not_snapshot         86  ACCEPTABLE   in 86 of 800 iterations (10.8%)");
  EXPECT_EQ(table.find("phantom"), std::string::npos);  // count 0: no row
  EXPECT_NE(table.find("first explanations:\n  1. missing, key 17: key 17 was present"), std::string::npos) << table;
  EXPECT_NE(table.find("  2. duplicate, key 5:"), std::string::npos);
  EXPECT_NE(table.find("  3. stale_read, key 9:"), std::string::npos);
  EXPECT_EQ(table.find("  4. "), std::string::npos);  // at most three
  EXPECT_NE(table.find("     - writer-1 store key=17 value=170"), std::string::npos);
}

TEST(TerminalTest, FailureTableOfACrash) {
  std::string table = RenderFailureTable(fixtures::FixtureCases()[5]);
  ExpectFits(table);
  EXPECT_NE(table.find("crashed               -  FORBIDDEN\n  the case's process died of SIGSEGV\n"), std::string::npos)
      << table;
  // The child's output cannot act on the terminal: control characters are shown, not sent.
  EXPECT_NE(table.find("message: free(): invalid pointer <0x55d0> & \"bad\"\\x01 end\n  Aborted\n"), std::string::npos)
      << table;
}

TEST(TerminalTest, MatrixHasScenariosDownBackendsAcrossAndTotals) {
  std::string matrix = RenderMatrix(fixtures::FixtureCases());
  ExpectFits(matrix);
  std::vector<std::string> lines = Lines(matrix);
  ASSERT_EQ(lines.size(), 6u) << matrix;
  EXPECT_EQ(lines[0], "SCENARIO                   locked   sharded  unsafe");
  EXPECT_EQ(lines[1], "01-basic-iterate           pass 0%  pass 0%  FAIL missing");
  EXPECT_EQ(lines[2], "02-iterate-while-deleting  incon.   unsup    crash");
  EXPECT_EQ(lines[3], "N% of iterations had an anomaly (not_snapshot aside); FAIL kind: worst FORBIDDEN");
  EXPECT_EQ(lines[4], "");
  EXPECT_EQ(lines[5], "6 cases: 2 pass, 2 fail, 1 inconclusive, 1 unsupported");
}

// A failing cell names what failed, never "FAIL 0%" (here only loads went wrong).
TEST(TerminalTest, FailingCellNamesItsWorstKind) {
  CaseReport c = fixtures::FixtureBase("s", "b", Guarantee::kSnapshot);
  c.status = CaseStatus::kFail;
  c.check.iterations = 100;
  c.check.snapshot = 100;
  c.check.loads = 1000;
  c.check.anomalies[static_cast<int>(Anomaly::kStaleRead)] = 2;
  c.check.loads_with[static_cast<int>(Anomaly::kStaleRead)] = 2;
  std::string matrix = RenderMatrix({c});
  EXPECT_NE(matrix.find("FAIL stale_read"), std::string::npos) << matrix;
  EXPECT_EQ(matrix.find("FAIL 0%"), std::string::npos) << matrix;
}

// The width is the caller's: names stay whole at 200 columns; at 40 the scenario gives way first.
TEST(TerminalTest, MatrixUsesTheGivenWidthAndKeepsBackendNames) {
  std::vector<CaseReport> cases;
  for (int b = 0; b < 8; ++b) {
    CaseReport c = fixtures::FixtureBase("a-rather-long-scenario-name-of-forty-chars",
                                         "backend-with-long-name-" + std::to_string(b), Guarantee::kWeak);
    c.check.iterations = 10;
    cases.push_back(c);
  }
  std::string wide = RenderMatrix(cases, false, 200);
  ExpectFits(wide, 200);
  EXPECT_EQ(CountOf(wide, "SCENARIO"), 2u) << wide;  // 8 columns of 24 do not fit in one block of 200
  EXPECT_NE(wide.find("\na-rather-long-scenario-name-of-forty-chars  pass 0%"), std::string::npos) << wide;
  std::string narrow = RenderMatrix(cases, false, 40);
  ExpectFits(narrow, 40);
  for (int b = 0; b < 8; ++b) EXPECT_NE(narrow.find("backend-with-long-name-" + std::to_string(b)), std::string::npos);
  EXPECT_NE(narrow.find("\na-rather-long…  pass 0%"), std::string::npos) << narrow;
  std::string line = RenderCaseLine(cases[0], 1, 8, false, 200);
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;  // one line at 200 columns
}

TEST(TerminalTest, TerminalWidthFollowsColumns) {
  setenv("COLUMNS", "132", 1);
  EXPECT_EQ(TerminalWidth(stdout), 132u);
  setenv("COLUMNS", "junk", 1);
  EXPECT_EQ(TerminalWidth(nullptr), kTerminalWidth);  // not a terminal, no usable COLUMNS
  unsetenv("COLUMNS");
  EXPECT_EQ(TerminalWidth(nullptr), kTerminalWidth);
}

TEST(TerminalTest, MatrixSplitsManyBackendsIntoBlocks) {
  std::vector<CaseReport> cases;
  for (int s = 0; s < 3; ++s) {
    for (int b = 0; b < 14; ++b) {
      CaseReport c =
          fixtures::FixtureBase("scenario-" + std::to_string(s), "backend-" + std::to_string(b), Guarantee::kWeak);
      c.check.iterations = 10;
      cases.push_back(c);
    }
  }
  cases.back().status = CaseStatus::kFail;
  cases.back().check.anomalous = 1;
  std::string matrix = RenderMatrix(cases);
  ExpectFits(matrix);
  EXPECT_GE(CountOf(matrix, "SCENARIO"), 3u);
  std::vector<std::string> header_names;
  for (const std::string& line : Lines(matrix)) {
    if (line.rfind("SCENARIO", 0) != 0) continue;
    std::stringstream words(line);
    for (std::string w; words >> w;) {
      if (w != "SCENARIO") header_names.push_back(w);
    }
  }
  ASSERT_EQ(header_names.size(), 14u) << matrix;
  for (int b = 0; b < 14; ++b) EXPECT_EQ(header_names[b], "backend-" + std::to_string(b));
  EXPECT_NE(matrix.find("FAIL 10.0%"), std::string::npos);  // failed with no anomaly kind: the rate
  EXPECT_NE(matrix.find("42 cases: 41 pass, 1 fail\n"), std::string::npos);
}

TEST(TerminalTest, MatrixMarksMissingCombinations) {
  std::vector<CaseReport> cases = {fixtures::FixtureBase("a", "x", Guarantee::kWeak),
                                   fixtures::FixtureBase("b", "y", Guarantee::kWeak)};
  std::vector<std::string> lines = Lines(RenderMatrix(cases));
  EXPECT_EQ(lines[1], "a         pass 0%  -");
  EXPECT_EQ(lines[2], "b         -        pass 0%");
  EXPECT_EQ(RenderTotals({}), "0 cases\n");
  EXPECT_EQ(RenderTotals({cases[0]}), "1 case: 1 pass\n");
}

TEST(TerminalTest, PerformanceSummarisesEachBackend) {
  std::string perf = RenderPerformance(fixtures::FixtureCases());
  ExpectFits(perf);
  std::vector<std::string> lines = Lines(perf);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0], "BACKEND  OP          OPS/S       P50       P99");
  EXPECT_NE(perf.find("sharded  store        1.2M      30ns     360ns"), std::string::npos) << perf;
  EXPECT_NE(perf.find("unsafe   store       90.0k      60ns     720ns"), std::string::npos) << perf;
  EXPECT_NE(perf.find("         erase       26.7k      70ns     840ns"), std::string::npos) << perf;
  // unsafe iterated in both of its cases: 840 iterations in 1.75 s.
  EXPECT_NE(perf.find("         iterate       480     9.0µs     108µs"), std::string::npos) << perf;
  EXPECT_EQ(RenderPerformance({}), "");
  EXPECT_NE(perf.find("(several scenarios"), std::string::npos);
}

TEST(TerminalTest, PerformanceCombinesScenariosOfOneBackend) {
  std::vector<CaseReport> cases(2, fixtures::FixtureBase("a", "x", Guarantee::kWeak));
  cases[1].scenario = "b";
  cases[0].ops[0] = fixtures::FixtureOps(1000, 1.0, 100);  // 1000 ops/s
  cases[1].ops[0] = fixtures::FixtureOps(3000, 1.0, 50);   // 3000 ops/s
  std::string perf = RenderPerformance(cases);
  // 4000 ops in 2 s; the highest of each percentile.
  EXPECT_NE(perf.find("x        store        2.0k     100ns     1.2µs"), std::string::npos) << perf;
  EXPECT_NE(perf.find("(several scenarios"), std::string::npos);
}

TEST(TerminalTest, SettingsFitAndListWarnings) {
  RunContext context = fixtures::FixtureContext();
  std::string settings = RenderSettings(context, {"first warning", std::string(200, 'w')});
  ExpectFits(settings);
  std::vector<std::string> lines = Lines(settings);
  EXPECT_EQ(lines[0], "mapstress 0.1.0  seed 42  duration scenario's  trials scenario's  noise light");
  EXPECT_EQ(lines[1], "CPUs 2  build Release  clock tsc (res 0.4ns, cross-core ok)  fence window 1.0µs");
  EXPECT_EQ(lines[2], "warning: first warning");
  EXPECT_EQ(lines[3].rfind("warning: www", 0), 0u);
  EXPECT_EQ(lines[4].rfind("         www", 0), 0u);
  context.duration = "2s";
  context.trials = 3;
  context.clock.trusted = false;
  context.clock.cross_core_violations = 5;
  context.clock.note = "a read on another core went backwards";
  settings = RenderSettings(context, {});
  EXPECT_NE(settings.find("duration 2s  trials 3"), std::string::npos) << settings;
  EXPECT_NE(settings.find("cross-core 5/10000 backwards, NOT TRUSTED"), std::string::npos) << settings;
  EXPECT_NE(settings.find("clock note: a read on another core went backwards"), std::string::npos);
}

TEST(TerminalTest, ColourOnlyWhenAsked) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  for (bool color : {false, true}) {
    std::string all = RenderSettings(fixtures::FixtureContext(), {"w"}, color) + RenderCaseLine(cases[2], 1, 1, color) +
                      RenderFailureTable(cases[2], color) + RenderMatrix(cases, color) +
                      RenderPerformance(cases, color);
    EXPECT_EQ(all.find('\x1b') != std::string::npos, color);
  }
  EXPECT_NE(RenderCaseLine(cases[2], 1, 1, true).find("\x1b[1;31mFAIL\x1b[0m"), std::string::npos);
}

TEST(TerminalTest, UseColorOnlyForATerminalWithoutNoColor) {
  FILE* file = tmpfile();
  ASSERT_NE(file, nullptr);
  EXPECT_FALSE(UseColor(file));
  fclose(file);
  EXPECT_FALSE(UseColor(nullptr));
  if (isatty(fileno(stdout))) {
    const char* old = getenv("NO_COLOR");
    std::string saved = old != nullptr ? old : "";
    setenv("NO_COLOR", "1", 1);
    EXPECT_FALSE(UseColor(stdout));
    if (old != nullptr) {
      setenv("NO_COLOR", saved.c_str(), 1);
    } else {
      unsetenv("NO_COLOR");
    }
  }
}

TEST(TerminalTest, WorstAnomalyAndExampleOrder) {
  CaseReport c = fixtures::FixtureFailingCase();
  Anomaly worst;
  ASSERT_TRUE(WorstAnomaly(c, &worst));
  EXPECT_EQ(worst, Anomaly::kMissing);  // FORBIDDEN, highest rate among them
  c.grading.Set(Anomaly::kMissing, Grade::kAcceptable);
  ASSERT_TRUE(WorstAnomaly(c, &worst));
  EXPECT_EQ(worst, Anomaly::kDuplicate);
  EXPECT_FALSE(WorstAnomaly(fixtures::FixtureCases()[0], &worst));
  CaseReport failing = fixtures::FixtureFailingCase();
  std::vector<const Example*> order = ExamplesWorstFirst(failing);
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order[0]->kind, Anomaly::kMissing);
  EXPECT_EQ(order[3]->kind, Anomaly::kNotSnapshot);
  EXPECT_DOUBLE_EQ(AnomalyRate(fixtures::FixtureFailingCase(), Anomaly::kStaleRead), 4.0 / 4000);
}

}  // namespace
}  // namespace mapstress
