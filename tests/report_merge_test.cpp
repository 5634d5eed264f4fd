#include "report/report_merge.h"

#include <gtest/gtest.h>

#include <fstream>

#include "report/exit_code.h"
#include "report/reporter.h"
#include "report_fixtures.h"

namespace mapstress {
namespace {

// Writes a JSON report of `cases` and returns its path.
std::string WriteReport(const fixtures::TempDir& dir, const std::string& name, const RunContext& context,
                        const std::vector<CaseReport>& cases, bool interrupted = false) {
  std::string path = dir / name;
  std::ofstream(path) << FindReporter("json")->render(ReportInput{context, cases, interrupted});
  return path;
}

// The fixture's context as shard i/n of its plan.
RunContext Shard(uint32_t i, uint32_t n) {
  RunContext c = fixtures::FixtureContext();
  c.shard_index = i;
  c.shard_count = n;
  return c;
}

TEST(ReportMergeTest, ConcatenatesShardsUnderTheFirstContext) {
  fixtures::TempDir dir;
  std::vector<CaseReport> all = fixtures::FixtureCases();
  RunContext first = Shard(1, 2);
  RunContext second = Shard(2, 2);
  second.host = "other-runner";
  // As --shard i/2 splits the plan: even cases in shard 1, odd ones in shard 2.
  std::vector<CaseReport> even, odd;
  for (size_t i = 0; i < all.size(); ++i) (i % 2 == 0 ? even : odd).push_back(all[i]);
  std::string a = WriteReport(dir, "a.json", first, even);
  std::string b = WriteReport(dir, "b.json", second, odd);
  MergedReport merged;
  std::string error;
  // Given in any order, the shards come back in the plan's order.
  ASSERT_TRUE(MergeReports({b, a}, &merged, &error)) << error;
  EXPECT_EQ(merged.context.host, "other-runner");
  EXPECT_FALSE(merged.interrupted);
  EXPECT_TRUE(merged.notes.empty());
  ASSERT_EQ(merged.cases.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(merged.cases[i].scenario, all[i].scenario);
    EXPECT_EQ(merged.cases[i].backend, all[i].backend);
    EXPECT_EQ(merged.cases[i].status, all[i].status);
    EXPECT_EQ(merged.cases[i].check.examples.size(), all[i].check.examples.size());
  }
  EXPECT_EQ(ExitCodeFor(merged.cases, merged.interrupted), 1);
  // The merged report renders like the original run.
  RunContext context = fixtures::FixtureContext();
  EXPECT_EQ(FindReporter("tsv")->render(ReportInput{merged.context, merged.cases}),
            FindReporter("tsv")->render(ReportInput{context, all}));
}

TEST(ReportMergeTest, NotesADifferentSeedAndKeepsInterruption) {
  fixtures::TempDir dir;
  std::vector<CaseReport> all = fixtures::FixtureCases();
  RunContext other = Shard(2, 2);
  other.seed = 7;
  std::string a = WriteReport(dir, "a.json", Shard(1, 2), {all[0]});
  std::string b = WriteReport(dir, "b.json", other, {all[1]}, /*interrupted=*/true);
  MergedReport merged;
  std::string error;
  ASSERT_TRUE(MergeReports({a, b}, &merged, &error)) << error;
  ASSERT_EQ(merged.notes.size(), 1u);
  EXPECT_NE(merged.notes[0].find("seed 7"), std::string::npos) << merged.notes[0];
  EXPECT_NE(merged.notes[0].find("b.json"), std::string::npos);
  EXPECT_EQ(merged.context.seed, 42u);
  EXPECT_TRUE(merged.interrupted);
}

TEST(ReportMergeTest, StructuredWitnessesSurviveAndSchema1StillMerges) {
  fixtures::TempDir dir;
  CaseReport checked = fixtures::FixtureCheckedCase();
  std::string a = WriteReport(dir, "a.json", Shard(1, 2), {checked});
  // A schema 1 report (the other shard): text-only examples, no spread.
  auto old =
      nlohmann::json::parse(std::ifstream(WriteReport(dir, "tmp.json", Shard(2, 2), {fixtures::FixtureFailingCase()})));
  old["schema_version"] = 1;
  std::string b = dir / "old.json";
  std::ofstream(b) << old.dump();
  MergedReport merged;
  std::string error;
  ASSERT_TRUE(MergeReports({a, b}, &merged, &error)) << error;
  ASSERT_EQ(merged.cases.size(), 2u);
  EXPECT_EQ(merged.cases[0].check.examples, checked.check.examples);
  EXPECT_EQ(merged.cases[1].check.examples.size(), 4u);
  ASSERT_EQ(merged.notes.size(), 1u);
  EXPECT_NE(merged.notes[0].find("old.json is a schema_version 1 report"), std::string::npos) << merged.notes[0];
  // Merged and written again, the structured examples are still there.
  std::string c = WriteReport(dir, "c.json", merged.context, merged.cases);
  ParsedReport again;
  ASSERT_TRUE(ReadJsonReport(c, &again, &error)) << error;
  EXPECT_EQ(again.schema_version, 2);
  EXPECT_EQ(again.cases[0].check.examples, checked.check.examples);
}

TEST(ReportMergeTest, RejectsTheSameCaseTwice) {
  fixtures::TempDir dir;
  std::vector<CaseReport> all = fixtures::FixtureCases();
  std::string a = WriteReport(dir, "a.json", Shard(1, 2), {all[0], all[1]});
  std::string b = WriteReport(dir, "b.json", Shard(2, 2), {all[1]});
  MergedReport merged;
  std::string error;
  EXPECT_FALSE(MergeReports({a, b}, &merged, &error));
  EXPECT_NE(error.find("01-basic-iterate × sharded appears in both"), std::string::npos) << error;
  EXPECT_NE(error.find("a.json"), std::string::npos);
  EXPECT_NE(error.find("b.json"), std::string::npos);
}

// CI must not pass on nothing: every shard of one plan, each once.
TEST(ReportMergeTest, RejectsMissingRepeatedAndForeignShards) {
  fixtures::TempDir dir;
  std::vector<CaseReport> all = fixtures::FixtureCases();
  std::string s1 = WriteReport(dir, "s1.json", Shard(1, 3), {all[0], all[1]});
  std::string s2 = WriteReport(dir, "s2.json", Shard(2, 3), {all[2], all[3]});
  std::string s3 = WriteReport(dir, "s3.json", Shard(3, 3), {all[4], all[5]});
  RunContext foreign = Shard(3, 3);
  foreign.plan = "00000000deadbeef";
  std::string other = WriteReport(dir, "other.json", foreign, {all[4], all[5]});
  RunContext old = Shard(1, 1);
  old.shard_index = old.shard_count = 0;
  old.plan.clear();
  std::string unmarked = WriteReport(dir, "old.json", old, all);
  struct Bad {
    std::vector<std::string> files;
    std::string expected;
  };
  std::vector<Bad> bad = {
      {{s1}, "missing shards 2/3, 3/3 of plan 5f3c0d2a9b8e7f61 (seed 42)"},
      {{s1, s3}, "missing shard 2/3 of plan 5f3c0d2a9b8e7f61"},
      {{s1, s2, s2, s3}, "shard 2/3 is given 2 times (" + s2 + ", " + s2 + ")"},
      {{s1, s2, other},
       "the reports come from different runs (each run's shards share one plan: the same scenarios, --backend, "
       "--filter, --seed, settings and shard count): plan 00000000deadbeef of 3 shards, seed 42: " +
           other + " (3/3); plan 5f3c0d2a9b8e7f61 of 3 shards, seed 42: " + s1 + " (1/3), " + s2 + " (2/3)"},
      {{unmarked}, unmarked + " records no shard or plan (written before mapstress recorded them)"},
  };
  for (const Bad& b : bad) {
    MergedReport merged;
    std::string error;
    EXPECT_FALSE(MergeReports(b.files, &merged, &error)) << b.expected;
    EXPECT_NE(error.find(b.expected), std::string::npos) << "got: " << error;
    EXPECT_NE(error.find("(--allow-partial merges them anyway, marked partial)"), std::string::npos) << error;
  }
  MergedReport merged;
  std::string error;
  ASSERT_TRUE(MergeReports({s3, s1, s2}, &merged, &error)) << error;  // any order
  EXPECT_FALSE(merged.context.partial);
  EXPECT_EQ(merged.cases.size(), 6u);
  EXPECT_EQ(merged.context.shard_count, 1u);
}

TEST(ReportMergeTest, AllowPartialMergesAndMarksTheOutput) {
  fixtures::TempDir dir;
  std::vector<CaseReport> all = fixtures::FixtureCases();
  std::string s1 = WriteReport(dir, "s1.json", Shard(1, 3), {all[0], all[1]});
  MergedReport merged;
  std::string error;
  ASSERT_TRUE(MergeReports({s1}, &merged, &error, /*allow_partial=*/true)) << error;
  EXPECT_TRUE(merged.context.partial);
  ASSERT_EQ(merged.notes.size(), 1u);
  EXPECT_EQ(merged.notes[0], "partial merge: missing shards 2/3, 3/3 of plan 5f3c0d2a9b8e7f61 (seed 42)");
  ReportInput input{merged.context, merged.cases};
  auto json = nlohmann::json::parse(FindReporter("json")->render(input));
  EXPECT_EQ(json["context"]["partial"], true);
  EXPECT_NE(FindReporter("markdown")->render(input).find("> **Partial:**"), std::string::npos);
  EXPECT_NE(FindReporter("junit")->render(input).find("<testsuites name=\"mapstress (partial)\""), std::string::npos);
  // Merging the partial output again keeps the mark.
  std::string again = WriteReport(dir, "again.json", merged.context, merged.cases);
  ASSERT_TRUE(MergeReports({again}, &merged, &error)) << error;
  EXPECT_TRUE(merged.context.partial);
}

TEST(ReportMergeTest, RejectsBadFilesNamingThem) {
  fixtures::TempDir dir;
  std::string good = WriteReport(dir, "good.json", fixtures::FixtureContext(), {fixtures::FixtureFailingCase()});
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  auto doc = nlohmann::json::parse(std::ifstream(good));
  auto v2 = doc;
  v2["schema_version"] = 3;
  auto bad_case = doc;
  bad_case["cases"][0]["iterations"].erase("weak");
  struct Bad {
    std::string path, expected;
  };
  std::vector<Bad> bad = {
      {write("v2.json", v2.dump()),
       "v2.json: schema_version 3 is not supported (this mapstress reads versions 1 to 2)"},
      {write("none.json", "{\"cases\": []}"), "none.json: not a mapstress JSON report (no schema_version)"},
      {write("text.json", "not json"), "text.json: not valid JSON"},
      {write("case.json", bad_case.dump()), "case.json: cases[0]: iterations.weak: missing"},
      {dir / "absent.json", "absent.json: cannot be read"},
  };
  for (const Bad& b : bad) {
    MergedReport merged;
    std::string error;
    EXPECT_FALSE(MergeReports({good, b.path}, &merged, &error)) << b.expected;
    EXPECT_NE(error.find(b.expected), std::string::npos) << "got: " << error;
  }
}

}  // namespace
}  // namespace mapstress
