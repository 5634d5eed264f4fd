// The per-key timeline at 80 and 200 columns (golden files), in ASCII, and the spread lines.
#include "report/timeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "check/checker.h"
#include "core/text_width.h"
#include "report/terminal.h"
#include "report_fixtures.h"

namespace mapstress {
namespace {

std::string Golden(const std::string& name, const std::string& actual) {
  std::string path = std::string(MAPSTRESS_SOURCE_DIR) + "/tests/golden/" + name;
  if (std::getenv("MAPSTRESS_APPROVE") != nullptr) std::ofstream(path) << actual;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void ExpectFits(const std::string& text, size_t width) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) EXPECT_LE(DisplayWidth(line), width) << line;
}

TEST(TimelineTest, MissingKeyAt80And200Columns) {
  CaseReport c = fixtures::FixtureCheckedCase();
  const Example& missing = c.check.examples[0];
  ASSERT_EQ(missing.kind, Anomaly::kMissing);
  for (size_t width : {80, 200}) {
    std::string text = RenderTimeline(missing, TimelineStyle{width, true, false});
    ExpectFits(text, width);
    std::string name = fmt::format("timeline_{}.txt", width);
    EXPECT_EQ(text, Golden(name, text)) << "tests/golden/" << name << " differs; MAPSTRESS_APPROVE=1 rewrites it\n"
                                        << text;
  }
}

TEST(TimelineTest, StaleReadInAscii) {
  CaseReport c = fixtures::FixtureCheckedCase();
  const Example& stale = c.check.examples[1];
  ASSERT_EQ(stale.kind, Anomaly::kStaleRead);
  std::string text = RenderTimeline(stale, TimelineStyle{80, false, false});
  ExpectFits(text, 80);
  for (unsigned char ch : text) EXPECT_LT(ch, 0x80) << text;
  EXPECT_NE(text.find("load->170"), std::string::npos) << text;
  EXPECT_NE(text.find("store 171"), std::string::npos) << text;
  EXPECT_NE(text.find("reader-1"), std::string::npos) << text;
}

// Keys 0 and 1 are each absent only briefly, never together, and the iteration visits neither:
// not_snapshot, explained by a key the iteration did not visit.
TEST(TimelineTest, NotSnapshotLabelClaimsNoVisit) {
  History h;
  h.thread_names = {"toggler-1", "iterator-1"};
  h.initial = {Entry{0, 1}, Entry{1, 2}};
  auto write = [&](OpKind kind, int64_t call, uint64_t key, uint64_t value) {
    Op op;
    op.kind = kind, op.call = call, op.ret = call + 10, op.key = key, op.value = value, op.found = true;
    h.ops.push_back(op);
  };
  write(OpKind::kErase, 100, 0, 0);
  write(OpKind::kStore, 120, 0, 3);
  write(OpKind::kErase, 200, 1, 0);
  write(OpKind::kStore, 220, 1, 4);
  Op it;
  it.kind = OpKind::kIterate, it.thread = 1, it.call = 50, it.ret = 300;
  h.ops.push_back(it);
  CheckResult r = Check(h, CheckOptions{});
  ASSERT_EQ(r.Count(Anomaly::kNotSnapshot), 1u);
  ASSERT_EQ(r.examples.size(), 1u);
  const Example& ex = r.examples[0];
  ASSERT_NE(ex.explanation.find("visited neither key"), std::string::npos) << ex.explanation;
  std::string text = RenderTimeline(ex, TimelineStyle{200, true, false});
  EXPECT_NE(text.find("iterate"), std::string::npos) << text;
  EXPECT_EQ(text.find("visited key"), std::string::npos) << text;
}

TEST(TimelineTest, NothingForTextOnlyExamples) {
  CaseReport c = fixtures::FixtureFailingCase();
  for (const Example& e : c.check.examples) EXPECT_EQ(RenderTimeline(e, TimelineStyle{}), "");
}

TEST(TimelineTest, SpreadLineTellsHowManyKeys) {
  CaseReport c = fixtures::FixtureCheckedCase();
  EXPECT_EQ(SpreadLine(c, Anomaly::kMissing), "missing: in 1 of 1 iterations, always key 17");
  c.check.tallies[static_cast<int>(Anomaly::kMissing)] = {};
  auto& t = c.check.tallies[static_cast<int>(Anomaly::kMissing)];
  t.occasions = 40;
  t.distinct_keys = 12;
  t.top_key = 3250;
  t.top_key_occasions = 37;
  c.check.iterations = 812;
  EXPECT_EQ(SpreadLine(c, Anomaly::kMissing),
            "missing: in 40 of 812 iterations, 12 distinct keys; key 3250 in 37 of them");
  std::string table = RenderFailureTable(c, false);
  EXPECT_NE(table.find("  missing: in 40 of 812 iterations"), std::string::npos) << table;
  EXPECT_NE(table.find("key 17: missing in iteration #1 by iterator-1"), std::string::npos) << table;
}

// stale_read counts loads, and erases once one was wrong; a history without loads says erases.
TEST(TimelineTest, SpreadLineNamesTheOpsStaleReadCounts) {
  CaseReport c = fixtures::FixtureCheckedCase();
  const int k = static_cast<int>(Anomaly::kStaleRead);
  c.check.anomalies[k] = 2;
  c.check.tallies[k] = {};
  c.check.tallies[k].occasions = 2;
  c.check.loads = 0;
  c.check.erases = 9;
  c.check.erases_with[k] = 2;
  EXPECT_EQ(SpreadLine(c, Anomaly::kStaleRead), "stale_read: in 2 of 9 erases");
  c.check.loads = 30;
  EXPECT_EQ(SpreadLine(c, Anomaly::kStaleRead), "stale_read: in 2 of 39 loads and erases");
  c.check.erases_with[k] = 0;
  c.check.loads_with[k] = 2;
  EXPECT_EQ(SpreadLine(c, Anomaly::kStaleRead), "stale_read: in 2 of 30 loads");
}

}  // namespace
}  // namespace mapstress
