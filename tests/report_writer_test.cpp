#include "report/report_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report_fixtures.h"

namespace mapstress {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Paths(const ReportWriter& writer) {
  std::vector<std::string> paths;
  for (const ReportTarget& t : writer.targets()) paths.push_back(std::string(t.reporter->name) + "=" + t.path);
  return paths;
}

TEST(ReportTargetsTest, FromFormatOutAndReportDir) {
  fixtures::TempDir tmp;
  std::string out = tmp / "out";
  std::string error;
  ReportWriter dir_only;
  ASSERT_TRUE(AddReportTargets({}, {}, out, &dir_only, &error)) << error;
  EXPECT_EQ(Paths(dir_only),
            (std::vector<std::string>{"html=" + out + "/mapstress.html", "json=" + out + "/mapstress.json",
                                      "junit=" + out + "/mapstress.xml", "markdown=" + out + "/mapstress.md",
                                      "matrix=" + out + "/mapstress.matrix.md", "tsv=" + out + "/mapstress.tsv"}));
  ReportWriter mixed;
  ASSERT_TRUE(AddReportTargets({"junit", "json", "tsv"}, {"ci/results.xml"}, "", &mixed, &error)) << error;
  EXPECT_EQ(Paths(mixed),
            (std::vector<std::string>{"junit=ci/results.xml", "json=mapstress.json", "tsv=mapstress.tsv"}));
  ReportWriter formats_in_dir;
  ASSERT_TRUE(AddReportTargets({"markdown"}, {}, tmp / "r/", &formats_in_dir, &error)) << error;
  EXPECT_EQ(Paths(formats_in_dir), (std::vector<std::string>{"markdown=" + tmp.path() + "/r/mapstress.md"}));
  ReportWriter none;
  ASSERT_TRUE(AddReportTargets({}, {}, "", &none, &error));
  EXPECT_TRUE(none.empty());

  ReportWriter bad;
  EXPECT_FALSE(AddReportTargets({"json"}, {"a.json", "b.json"}, "", &bad, &error));
  EXPECT_NE(error.find("--out"), std::string::npos) << error;
  EXPECT_FALSE(AddReportTargets({"yaml"}, {}, "", &bad, &error));
  EXPECT_NE(error.find("known: html, json, junit, markdown, matrix, tsv"), std::string::npos) << error;
}

// --report-dir creates the folder and its parents, or says why it cannot.
TEST(ReportTargetsTest, ReportDirIsCreatedWithItsParents) {
  fixtures::TempDir tmp;
  std::string error;
  ReportWriter writer;
  ASSERT_TRUE(AddReportTargets({"json"}, {}, tmp / "a/b/c", &writer, &error)) << error;
  EXPECT_TRUE(std::filesystem::is_directory(tmp / "a/b/c"));
  ASSERT_TRUE(writer.Open(&error)) << error;
  std::ofstream(tmp / "file") << "x";
  ReportWriter blocked;
  EXPECT_FALSE(AddReportTargets({"json"}, {}, tmp / "file", &blocked, &error));
  EXPECT_EQ(error, "--report-dir: '" + tmp / "file" + "' exists and is not a folder");
  EXPECT_FALSE(AddReportTargets({"json"}, {}, tmp / "file/sub", &blocked, &error));
  EXPECT_NE(error.find("--report-dir: cannot create folder '" + tmp / "file/sub" + "': "), std::string::npos) << error;
}

TEST(ReportWriterTest, OpenRejectsBadPathsBeforeTheRun) {
  fixtures::TempDir dir;
  std::string error;
  ReportWriter missing;
  ASSERT_TRUE(missing.Add("json", dir / "nope/r.json", &error));
  EXPECT_FALSE(missing.Open(&error));
  EXPECT_NE(error.find("nope/r.json"), std::string::npos) << error;
  ReportWriter twice;
  ASSERT_TRUE(twice.Add("json", dir / "r", &error));
  ASSERT_TRUE(twice.Add("tsv", dir / "r", &error));
  EXPECT_FALSE(twice.Open(&error));
  EXPECT_NE(error.find("given twice"), std::string::npos) << error;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // checking wrote nothing
  RunContext context = fixtures::FixtureContext();
  std::vector<CaseReport> cases;
  EXPECT_FALSE(missing.Write(ReportInput{context, cases}, &error));  // never opened successfully
}

TEST(ReportWriterTest, RewritesEveryFileAfterEachCase) {
  fixtures::TempDir dir;
  std::string error;
  ReportWriter writer;
  ASSERT_TRUE(AddReportTargets({}, {}, dir.path(), &writer, &error)) << error;
  ASSERT_TRUE(writer.Open(&error)) << error;
  RunContext context = fixtures::FixtureContext();
  std::vector<CaseReport> all = fixtures::FixtureCases(), done;
  for (const CaseReport& c : all) {
    done.push_back(c);
    ASSERT_TRUE(writer.Write(ReportInput{context, done, false}, &error)) << error;
    auto json = nlohmann::json::parse(Slurp(dir / "mapstress.json"));
    EXPECT_EQ(json["cases"].size(), done.size());
  }
  EXPECT_NE(Slurp(dir / "mapstress.md").find("## Failures"), std::string::npos);
  EXPECT_NE(Slurp(dir / "mapstress.xml").find("<testsuites"), std::string::npos);
  std::string tsv = Slurp(dir / "mapstress.tsv");
  EXPECT_EQ(static_cast<size_t>(std::count(tsv.begin(), tsv.end(), '\n')), all.size() + 1);
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 6u);  // one per format, no temp files left
}

TEST(ReportWriterTest, WriteReportsAFolderThatVanished) {
  fixtures::TempDir dir;
  std::string sub = dir / "sub";
  std::filesystem::create_directory(sub);
  std::string error;
  ReportWriter writer;
  ASSERT_TRUE(writer.Add("tsv", sub + "/r.tsv", &error));
  ASSERT_TRUE(writer.Open(&error)) << error;
  std::filesystem::remove(sub);
  RunContext context = fixtures::FixtureContext();
  std::vector<CaseReport> cases;
  EXPECT_FALSE(writer.Write(ReportInput{context, cases}, &error));
  EXPECT_NE(error.find("r.tsv"), std::string::npos) << error;
}

}  // namespace
}  // namespace mapstress
