// The report file formats, and golden files for every format and terminal piece
// (tests/golden/; regenerate with tests/golden/approve.sh <build-dir>).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/case_report_json.h"
#include "core/text_width.h"
#include "report/case_facts.h"
#include "report/number_format.h"
#include "report/reporter.h"
#include "report/terminal.h"
#include "report_fixtures.h"

namespace mapstress {
namespace {

using nlohmann::json;

std::string Render(const char* format, const std::vector<CaseReport>& cases, bool interrupted = false) {
  const ReporterInfo* reporter = FindReporter(format);
  EXPECT_NE(reporter, nullptr) << format;
  if (reporter == nullptr) return "";
  RunContext context = fixtures::FixtureContext();
  return reporter->render(ReportInput{context, cases, interrupted});
}

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

TEST(ReporterRegistryTest, HasTheSixFormats) {
  std::vector<std::string> names;
  for (const ReporterInfo& r : Reporters()) {
    names.push_back(r.name);
    EXPECT_NE(r.render, nullptr);
    EXPECT_GT(std::string(r.description).size(), 10u);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"html", "json", "junit", "markdown", "matrix", "tsv"}));
  EXPECT_STREQ(FindReporter("matrix")->extension, "matrix.md") << "must not clash with markdown's in --report-dir";
  EXPECT_STREQ(FindReporter("junit")->extension, "xml");
  EXPECT_STREQ(FindReporter("markdown")->extension, "md");
  EXPECT_STREQ(FindReporter("html")->extension, "html");
  EXPECT_EQ(FindReporter("yaml"), nullptr);
}

TEST(JsonReporterTest, HoldsContextSummaryAndEveryCase) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  json doc = json::parse(Render("json", cases));
  EXPECT_EQ(doc["schema_version"], 2);
  EXPECT_EQ(doc["tool"], "mapstress");
  EXPECT_EQ(doc["interrupted"], false);
  EXPECT_EQ(doc["context"]["seed"], 42u);
  EXPECT_EQ(doc["context"]["clock"]["source"], "tsc");
  EXPECT_EQ(doc["summary"]["pass"], 2);
  EXPECT_EQ(doc["summary"]["fail"], 2);
  EXPECT_EQ(doc["summary"]["inconclusive"], 1);
  EXPECT_EQ(doc["summary"]["unsupported"], 1);
  EXPECT_EQ(doc["summary"]["error"], 0);
  EXPECT_EQ(doc["summary"]["total"], 6u);
  EXPECT_EQ(doc["summary"]["exit_code"], 1);
  ASSERT_EQ(doc["cases"].size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(doc["cases"][i], CaseReportToJson(cases[i]));
  json interrupted = json::parse(Render("json", cases, true));
  EXPECT_EQ(interrupted["interrupted"], true);
  EXPECT_EQ(interrupted["summary"]["exit_code"], 130);
  json empty = json::parse(Render("json", {}));
  EXPECT_TRUE(empty["cases"].is_array());
  EXPECT_EQ(empty["summary"]["exit_code"], 0);
}

// Runs xmllint on `xml` against tests/data/junit.xsd; returns its exit status (-1: no xmllint).
int ValidateJunit(const std::string& xml, std::string* output) {
  if (std::system("xmllint --version > /dev/null 2>&1") != 0) return -1;
  fixtures::TempDir dir;
  std::string file = dir / "report.xml";
  std::ofstream(file) << xml;
  std::string log = dir / "xmllint.log";
  std::string command = "xmllint --noout --schema '" + std::string(MAPSTRESS_SOURCE_DIR) + "/tests/data/junit.xsd' '" +
                        file + "' > '" + log + "' 2>&1";
  int status = std::system(command.c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  *output = text.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

TEST(JunitReporterTest, ValidatesAgainstTheJenkinsSchema) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  // Hostile names and messages: markup, quotes, control characters, invalid UTF-8.
  cases[0].scenario = "01-basic-iterate";
  cases[1].message = "a <b> & \"c\" 'd'\x02\x1f\x7f \xff\xef\xbf\xbf";
  cases[3].backend = "locked<&>\"";
  cases[4].message = "reason\twith\ttabs\r\nand\x0b lines";
  std::string output;
  int status = ValidateJunit(Render("junit", cases), &output);
  if (status == -1) GTEST_SKIP() << "xmllint is not installed";
  EXPECT_EQ(status, 0) << output;
  status = ValidateJunit(Render("junit", {}), &output);
  EXPECT_EQ(status, 0) << output;
  // A sanity check that the validator can fail at all.
  status = ValidateJunit("<testsuites><testsuite name=\"x\"/></testsuites>", &output);
  EXPECT_NE(status, 0) << "xmllint accepted a testsuite without its required attributes";
}

TEST(JunitReporterTest, MapsStatusesToJunitElements) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  CaseReport error = fixtures::FixtureBase("03-error", "locked", Guarantee::kWeak);
  error.status = CaseStatus::kError;
  error.message = "cannot allocate the history buffers";
  cases.push_back(error);
  std::string xml = Render("junit", cases);
  EXPECT_EQ(CountOf(xml, "<testsuite "), 3u);
  EXPECT_EQ(CountOf(xml, "<testcase "), 7u);
  EXPECT_EQ(CountOf(xml, "<failure "), 1u);  // the FORBIDDEN anomalies
  EXPECT_EQ(CountOf(xml, "<error "), 2u);    // the crash and the error
  EXPECT_EQ(CountOf(xml, "<skipped "), 2u);  // unsupported and inconclusive
  EXPECT_NE(xml.find("<testsuites name=\"mapstress\" tests=\"7\" failures=\"1\" errors=\"2\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase name=\"unsafe\" classname=\"mapstress.01-basic-iterate\" time=\"1.000\">"),
            std::string::npos);
  // The same wording as the terminal: occurrences, then the share of iterations (loads) that had the kind.
  EXPECT_NE(xml.find("message=\"FORBIDDEN: 12 missing, in 11 of 800 iterations (1.4%); 3 duplicate, in 3 of 800 "
                     "iterations (0.4%); 4 stale_read, in 4 of 4,000 loads (0.1%)\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("type=\"crashed\""), std::string::npos);
  EXPECT_NE(xml.find("message=\"crashed (SIGSEGV)\""), std::string::npos);
  EXPECT_NE(xml.find("key 17 was present"), std::string::npos);  // the explanation is in the body
  // Escaping: the crash message's markup and control characters.
  EXPECT_NE(
      xml.find(
          "<system-err>free(): invalid pointer &lt;0x55d0&gt; &amp; &quot;bad&quot;\\x01\tend\nAborted</system-err>"),
      std::string::npos)
      << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_NE(Render("junit", cases, true).find("<testsuites name=\"mapstress (interrupted)\""), std::string::npos);
}

TEST(MarkdownReporterTest, MatrixCellsAndFailureSections) {
  std::string md = Render("markdown", fixtures::FixtureCases());
  EXPECT_EQ(md.rfind("# mapstress report\n", 0), 0u);
  EXPECT_NE(md.find("mapstress 0.1.0 · seed 42 · duration scenario's"), std::string::npos);
  EXPECT_NE(md.find("| scenario | locked | sharded | unsafe |\n|---|---|---|---|\n"), std::string::npos);
  EXPECT_NE(md.find("| 01-basic-iterate | ✅ pass 0% | ✅ pass 0% | ❌ FAIL missing |"), std::string::npos) << md;
  EXPECT_NE(md.find("N% of iterations had an anomaly (not\\_snapshot aside); FAIL kind: worst FORBIDDEN"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| 02-iterate-while-deleting | ⚠️ inconclusive | ➖ unsupported | 💥 crashed |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("6 cases: 2 pass, 2 fail, 1 inconclusive, 1 unsupported"), std::string::npos);
  EXPECT_EQ(CountOf(md, "## Failures"), 1u);
  EXPECT_EQ(CountOf(md, "\n### "), 2u);  // the failing and the crashed case
  EXPECT_NE(md.find("| missing | 12 | in 11 of 800 iterations (1.4%) | FORBIDDEN |"), std::string::npos) << md;
  EXPECT_NE(md.find("| stale\\_read | 4 | in 4 of 4,000 loads (0.1%) | FORBIDDEN |"), std::string::npos) << md;
  EXPECT_NE(md.find("| not\\_snapshot | 86 | in 86 of 800 iterations (10.8%) | ACCEPTABLE |"), std::string::npos);
  EXPECT_NE(md.find("| crashed | – | – | FORBIDDEN | the case's process died of SIGSEGV |"), std::string::npos);
  EXPECT_NE(md.find("1. **missing**, key 17:"), std::string::npos);  // FORBIDDEN kinds first
  EXPECT_NE(md.find("free(): invalid pointer \\<0x55d0\\> & \"bad\"\\x01 end"), std::string::npos) << md;
  EXPECT_NE(Render("markdown", fixtures::FixtureCases(), true).find("**Interrupted:**"), std::string::npos);
}

TEST(MatrixReporterTest, CellsShowVerdictSnapshotDeviationAnomalyKindsAndTheRuntimesReason) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  CaseReport go = fixtures::FixtureBase("02-iterate-while-deleting", "go1.22-map", Guarantee::kNone);
  go.outcome = Outcome::kCrashed;
  go.signal = "SIGABRT";
  go.message = "exited 2: fatal error: concurrent map iteration and map write\ngoroutine 5 [running]:";
  cases.push_back(go);
  RunContext context = fixtures::FixtureContext();
  context.backend_builds["go1.22-map"] = "go1.22.12 linux/amd64";
  std::string md = FindReporter("matrix")->render(ReportInput{context, cases});
  std::vector<std::string> lines = Lines(md);
  ASSERT_GE(lines.size(), 6u) << md;
  EXPECT_EQ(lines[2], "| scenario | locked | sharded | unsafe | go1.22-map |");
  // sharded: 412 of 1000 iterations not a snapshot, and the kind seen.
  EXPECT_EQ(lines[4],
            "| 01-basic-iterate | ✅ pass 0.0% | ✅ pass 41.2% not\\_snapshot | ❌ fail 12.5% missing, duplicate, "
            "stale\\_read, not\\_snapshot | – |");
  EXPECT_NE(md.find("💥 crashed: concurrent map iteration and map write |"), std::string::npos) << md;
  EXPECT_NE(md.find("💥 crashed: SIGSEGV |"), std::string::npos) << "no runtime reason: the signal\n" << md;
  EXPECT_NE(md.find("Built with: go1.22-map: go1.22.12 linux/amd64."), std::string::npos) << md;
  EXPECT_EQ(md.find("## "), std::string::npos) << "the table alone, no sections";
}

// A verdict cell gives the share of iterations with an anomaly, or names what failed when no
// iteration did (never "FAIL 0%"), and gives no share of zero iterations.
TEST(HtmlReporterTest, VerdictCellNamesAFailureNoIterationShows) {
  CaseReport erases = fixtures::FixtureBase("erases-only", "b", Guarantee::kSnapshot);
  erases.status = CaseStatus::kFail;
  erases.check.erases = 4;
  erases.check.anomalies[static_cast<int>(Anomaly::kStaleRead)] = 1;
  erases.check.erases_with[static_cast<int>(Anomaly::kStaleRead)] = 1;
  CaseReport loads = fixtures::FixtureBase("loads-only", "b", Guarantee::kSnapshot);
  loads.check.loads = 10;
  const std::string html = Render("html", {erases, loads});
  EXPECT_NE(html.find(">FAIL stale_read<"), std::string::npos) << html;
  EXPECT_EQ(html.find("FAIL 0%"), std::string::npos) << html;
  EXPECT_NE(html.find(">pass<"), std::string::npos) << html;
}

TEST(MarkdownReporterTest, EscapesTableBreakingCharacters) {
  std::vector<CaseReport> cases = {fixtures::FixtureFailingCase()};
  cases[0].backend = "a|b";
  std::string md = Render("markdown", cases);
  EXPECT_NE(md.find("| scenario | a\\|b |"), std::string::npos) << md;
}

TEST(TsvReporterTest, OneLinePerCaseWithFixedColumns) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  cases[1].backend = "tab\there";
  cases[2].scenario = "new\nline";
  cases[4].scenario =
      "bell\x07"
      "esc\x1b[31m";
  std::vector<std::string> lines = Lines(Render("tsv", cases));
  ASSERT_EQ(lines.size(), cases.size() + 1);
  EXPECT_EQ(lines[0],
            "scenario\tbackend\tstatus\toutcome\titerations\tanomalous\titeration_deviation\tsnapshot_deviation\t"
            "key_deviation\tmissing\tphantom\tduplicate\tstale_value\tunknown_value\tstale_read\tnot_snapshot\t"
            "ops_per_sec\ttruncated");
  for (const std::string& line : lines) EXPECT_EQ(CountOf(line, "\t"), 17u) << line;  // 18 columns
  EXPECT_EQ(lines[2].substr(0, 17), "01-basic-iterate\t");
  EXPECT_NE(lines[2].find("\ttab here\tpass\tcompleted\t1000\t0\t0\t0.412\t0\t0\t0\t0\t0\t0\t0\t412\t"),
            std::string::npos)
      << lines[2];
  EXPECT_EQ(lines[3].rfind("new line\tunsafe\tfail\tcompleted\t800\t14\t0.0175\t", 0), 0u) << lines[3];
  EXPECT_NE(lines[6].find("\tcrashed\t"), std::string::npos);
  EXPECT_EQ(lines[5].rfind("bell\\x07esc\\x1b[31m\t", 0), 0u) << lines[5];  // control bytes escaped
  EXPECT_EQ(lines[1].substr(lines[1].size() - 6), "\tfalse");
}

// Golden files: every format and terminal piece for the fixed fixture.
std::string GoldenPath(const std::string& name) { return std::string(MAPSTRESS_SOURCE_DIR) + "/tests/golden/" + name; }

void ExpectGolden(const std::string& name, const std::string& actual) {
  const char* approve = std::getenv("MAPSTRESS_APPROVE");
  if (approve != nullptr && std::string(approve) == "1") {
    std::ofstream(GoldenPath(name), std::ios::binary) << actual;
    return;
  }
  std::ifstream in(GoldenPath(name), std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file tests/golden/" << name << " (run tests/golden/approve.sh <build-dir>)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "tests/golden/" << name
                                    << " differs; if the change is intended, run tests/golden/approve.sh <build-dir>";
}

TEST(GoldenTest, ReportFiles) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  ExpectGolden("report.json", Render("json", cases));
  ExpectGolden("report.xml", Render("junit", cases));
  ExpectGolden("report.md", Render("markdown", cases));
  ExpectGolden("report.tsv", Render("tsv", cases));
}

std::string TerminalSession(bool color) {
  std::vector<CaseReport> cases = fixtures::FixtureCases();
  std::string out = RenderSettings(fixtures::FixtureContext(),
                                   {"scenario 02-iterate-while-deleting: duration "
                                    "shortened to fit --time-budget 10s"},
                                   color);
  for (size_t i = 0; i < cases.size(); ++i) out += RenderCaseLine(cases[i], i + 1, cases.size(), color);
  out += "\n" + RenderMatrix(cases, color) + "\n";
  for (const CaseReport& c : cases) {
    if (c.status == CaseStatus::kFail) out += RenderFailureTable(c, color) + "\n";
  }
  return out + RenderPerformance(cases, color);
}

TEST(GoldenTest, TerminalOutput) {
  ExpectGolden("terminal.txt", TerminalSession(false));
  ExpectGolden("terminal_color.txt", TerminalSession(true));
}

}  // namespace
}  // namespace mapstress
