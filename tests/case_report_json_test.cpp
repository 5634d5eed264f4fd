#include "core/case_report_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

#include "report_fixtures.h"

namespace mapstress {
namespace {

using nlohmann::json;

CaseReport RoundTrip(const CaseReport& in) {
  // Through text, as the isolated child's pipe and `merge` do.
  json parsed = json::parse(CaseReportToJson(in).dump());
  CaseReport out;
  std::string error;
  EXPECT_TRUE(CaseReportFromJson(parsed, &out, &error)) << error;
  return out;
}

void ExpectSameCase(const CaseReport& a, const CaseReport& b) {
  EXPECT_EQ(a.scenario, b.scenario);
  EXPECT_EQ(a.scenario_path, b.scenario_path);
  EXPECT_EQ(a.backend, b.backend);
  EXPECT_EQ(a.guarantee, b.guarantee);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.signal, b.signal);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.trials, b.trials);
  EXPECT_EQ(a.trials_completed, b.trials_completed);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.duration_s, b.duration_s);  // exact: doubles are written with full precision
  EXPECT_EQ(a.truncated, b.truncated);
  EXPECT_EQ(a.isolated, b.isolated);
  for (int k = 0; k < kOpKindCount; ++k) {
    EXPECT_EQ(a.ops[k].count, b.ops[k].count) << k;
    EXPECT_EQ(a.ops[k].per_sec, b.ops[k].per_sec) << k;
    EXPECT_EQ(a.ops[k].p50_ns, b.ops[k].p50_ns) << k;
    EXPECT_EQ(a.ops[k].p99_ns, b.ops[k].p99_ns) << k;
    EXPECT_EQ(a.ops[k].p999_ns, b.ops[k].p999_ns) << k;
    EXPECT_EQ(a.ops[k].max_ns, b.ops[k].max_ns) << k;
  }
  EXPECT_EQ(a.check.iterations, b.check.iterations);
  EXPECT_EQ(a.check.snapshot, b.check.snapshot);
  EXPECT_EQ(a.check.weak, b.check.weak);
  EXPECT_EQ(a.check.anomalous, b.check.anomalous);
  EXPECT_EQ(a.check.loads, b.check.loads);
  EXPECT_EQ(a.check.anomalies, b.check.anomalies);
  EXPECT_EQ(a.check.key_wrong, b.check.key_wrong);
  EXPECT_EQ(a.check.key_total, b.check.key_total);
  EXPECT_EQ(a.check.events, b.check.events);
  ASSERT_EQ(a.check.examples.size(), b.check.examples.size());
  for (size_t i = 0; i < a.check.examples.size(); ++i) {
    EXPECT_EQ(a.check.examples[i].kind, b.check.examples[i].kind);
    EXPECT_EQ(a.check.examples[i].key, b.check.examples[i].key);
    EXPECT_EQ(a.check.examples[i].explanation, b.check.examples[i].explanation);
    EXPECT_EQ(a.check.examples[i].witnesses, b.check.examples[i].witnesses);
  }
  EXPECT_EQ(a.grading.anomaly, b.grading.anomaly);
  EXPECT_EQ(a.grading.crashed, b.grading.crashed);
  EXPECT_EQ(a.grading.hung, b.grading.hung);
}

TEST(CaseReportJsonTest, FixtureCasesRoundTripLosslessly) {
  for (const CaseReport& c : fixtures::FixtureCases()) {
    SCOPED_TRACE(c.scenario + " x " + c.backend);
    ExpectSameCase(c, RoundTrip(c));
  }
}

TEST(CaseReportJsonTest, EveryEnumValueAndExtremeNumberSurvives) {
  CaseReport c = fixtures::FixtureFailingCase();
  c.seed = std::numeric_limits<uint64_t>::max();
  c.duration_s = 0.1 + 0.2;  // not representable in few digits
  c.ops[0].per_sec = 1.0 / 3.0;
  c.ops[0].max_ns = std::numeric_limits<uint64_t>::max() - 1;
  c.truncated = true;
  c.isolated = true;
  c.grading.crashed = Grade::kInteresting;
  c.grading.hung = Grade::kAcceptable;
  c.grading.Set(Anomaly::kPhantom, Grade::kInteresting);
  for (CaseStatus s : {CaseStatus::kPass, CaseStatus::kFail, CaseStatus::kInconclusive, CaseStatus::kError,
                       CaseStatus::kUnsupported}) {
    for (Outcome o : {Outcome::kCompleted, Outcome::kCrashed, Outcome::kHung}) {
      for (Guarantee g : {Guarantee::kSnapshot, Guarantee::kWeak, Guarantee::kNone}) {
        c.status = s;
        c.outcome = o;
        c.guarantee = g;
        c.signal = o == Outcome::kCrashed ? "SIGABRT" : "";
        ExpectSameCase(c, RoundTrip(c));
      }
    }
  }
}

TEST(CaseReportJsonTest, OptionalFieldsAppearOnlyWhenMeaningful) {
  CaseReport c = fixtures::FixtureFailingCase();
  json j = CaseReportToJson(c);
  EXPECT_FALSE(j.contains("signal"));
  EXPECT_FALSE(j.contains("message"));
  c.outcome = Outcome::kCrashed;
  c.signal = "SIGSEGV";
  c.message = "last words";
  j = CaseReportToJson(c);
  EXPECT_EQ(j["signal"], "SIGSEGV");
  EXPECT_EQ(j["message"], "last words");
}

TEST(CaseReportJsonTest, FieldsHaveTheDocumentedShape) {
  CaseReport c = fixtures::FixtureFailingCase();
  json j = CaseReportToJson(c);
  EXPECT_EQ(j["status"], "fail");
  EXPECT_EQ(j["outcome"], "completed");
  EXPECT_EQ(j["guarantee"], "weak");
  EXPECT_EQ(j["ops"]["store"]["count"], 90000u);
  EXPECT_EQ(j["ops"]["store"]["latency_ns"]["p99"], 720u);
  EXPECT_EQ(j["iterations"]["total"], 800u);
  EXPECT_EQ(j["iterations"]["anomalous"], 14u);
  EXPECT_EQ(j["anomalies"]["missing"], 12u);
  EXPECT_EQ(j["anomalies"]["stale_read"], 4u);
  EXPECT_EQ(j["grading"]["not_snapshot"], "ACCEPTABLE");
  EXPECT_EQ(j["grading"]["missing"], "FORBIDDEN");
  EXPECT_EQ(j["grading"]["crashed"], "FORBIDDEN");
  EXPECT_EQ(j["key_counts"]["wrong"], 15u);
  EXPECT_EQ(j["examples"][1]["kind"], "missing");
  EXPECT_EQ(j["examples"][1]["key"], 17u);
  EXPECT_EQ(j["examples"][1]["witnesses"].size(), 2u);
  Rates rates = ComputeRates(c.check);
  EXPECT_EQ(j["rates"]["iteration_deviation"]["count"], 14u);
  EXPECT_EQ(j["rates"]["iteration_deviation"]["total"], 800u);
  EXPECT_DOUBLE_EQ(j["rates"]["iteration_deviation"]["value"].get<double>(), rates.iteration_deviation.value);
  EXPECT_DOUBLE_EQ(j["rates"]["iteration_deviation"]["lo"].get<double>(), rates.iteration_deviation.lo);
  EXPECT_DOUBLE_EQ(j["rates"]["iteration_deviation"]["hi"].get<double>(), rates.iteration_deviation.hi);
  EXPECT_EQ(j["rates"]["iteration_deviation"]["bound"], "wilson95");
  c.check.anomalous = 0;
  EXPECT_EQ(CaseReportToJson(c)["rates"]["iteration_deviation"]["bound"], "rule_of_three");
}

TEST(CaseReportJsonTest, InvalidUtf8IsReplacedSoDumpCannotThrow) {
  CaseReport c = fixtures::FixtureFailingCase();
  c.message = std::string("child said \xff\xfe then \xc3\x28 and caf\xc3\xa9");
  c.check.examples[0].witnesses.push_back("bad \x80 byte");
  std::string text;
  ASSERT_NO_THROW(text = CaseReportToJson(c).dump());
  CaseReport back;
  std::string error;
  ASSERT_TRUE(CaseReportFromJson(json::parse(text), &back, &error)) << error;
  EXPECT_EQ(back.message, "child said \xEF\xBF\xBD\xEF\xBF\xBD then \xEF\xBF\xBD( and caf\xc3\xa9");
  EXPECT_EQ(ValidUtf8("ok \xe2\x9c\x85 \xf0\x9f\x92\xa5"), "ok \xe2\x9c\x85 \xf0\x9f\x92\xa5");
  EXPECT_EQ(ValidUtf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(ValidUtf8("\xe2\x9c"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // cut short
}

TEST(CaseReportJsonTest, BadInputIsRejectedWithTheFieldNamed) {
  json good = CaseReportToJson(fixtures::FixtureFailingCase());
  struct Bad {
    std::function<void(json&)> edit;
    std::string expected;
  };
  std::vector<Bad> cases = {
      {[](json& j) { j.erase("backend"); }, "backend: missing"},
      {[](json& j) { j["status"] = "passed"; }, "status: \"passed\" is not one of"},
      {[](json& j) { j["trials"] = -1; }, "trials: expected a non-negative integer"},
      {[](json& j) { j["trials"] = 5000000000ULL; }, "trials: out of range"},
      {[](json& j) { j["truncated"] = "no"; }, "truncated: expected true or false"},
      {[](json& j) { j["iterations"].erase("total"); }, "iterations.total: missing"},
      {[](json& j) { j["ops"]["load"]["latency_ns"]["p99"] = "x"; }, "ops.load.latency_ns.p99: expected"},
      {[](json& j) { j["grading"]["hung"] = "FATAL"; }, "grading.hung: \"FATAL\" is not one of"},
      {[](json& j) { j["examples"][2]["kind"] = "torn"; }, "examples[2].kind"},
      {[](json& j) { j["examples"][0]["witnesses"][0] = 3; }, "examples[0].witnesses[0]: expected a string"},
      {[](json& j) { j["anomalies"] = json::array(); }, "anomalies: expected an object"},
  };
  for (const Bad& bad : cases) {
    json j = good;
    bad.edit(j);
    CaseReport out;
    out.scenario = "untouched";
    std::string error;
    EXPECT_FALSE(CaseReportFromJson(j, &out, &error)) << bad.expected;
    EXPECT_NE(error.find(bad.expected), std::string::npos) << "got: " << error;
    EXPECT_EQ(out.scenario, "untouched");
  }
  std::string error;
  CaseReport out;
  EXPECT_FALSE(CaseReportFromJson(json::array(), &out, &error));
  EXPECT_NE(error.find("expected an object"), std::string::npos) << error;
}

TEST(CaseReportJsonTest, RatesAreDerivedNotRead) {
  json j = CaseReportToJson(fixtures::FixtureFailingCase());
  j.erase("rates");
  CaseReport out;
  std::string error;
  EXPECT_TRUE(CaseReportFromJson(j, &out, &error)) << error;
}

TEST(CaseReportJsonTest, RunContextRoundTrips) {
  RunContext c = fixtures::FixtureContext();
  c.sanitized = true;
  c.build_type = "Debug (asan)";
  c.duration = "2s";
  c.trials = 3;
  c.clock.cross_core_violations = 7;
  c.clock.trusted = false;
  c.clock.note = "cross-core reads went backwards";
  RunContext back;
  std::string error;
  ASSERT_TRUE(RunContextFromJson(json::parse(RunContextToJson(c).dump()), &back, &error)) << error;
  EXPECT_EQ(RunContextToJson(back), RunContextToJson(c));
  EXPECT_EQ(back.clock.resolution_ns, 0.4);
  EXPECT_EQ(back.clock.note, c.clock.note);
  json j = RunContextToJson(c);
  j["clock"].erase("trusted");
  EXPECT_FALSE(RunContextFromJson(j, &back, &error));
  EXPECT_NE(error.find("context.clock.trusted: missing"), std::string::npos) << error;
}

// The noise mode is kept; a report written before it was recorded reads as "" (not shown).
TEST(CaseReportJsonTest, NoiseRoundTripsAndIsOptional) {
  RunContext c = fixtures::FixtureContext();
  c.noise = "pct";
  json j = RunContextToJson(c);
  EXPECT_EQ(j["noise"], "pct");
  RunContext back;
  std::string error;
  ASSERT_TRUE(RunContextFromJson(json::parse(j.dump()), &back, &error)) << error;
  EXPECT_EQ(back.noise, "pct");
  j.erase("noise");
  ASSERT_TRUE(RunContextFromJson(j, &back, &error)) << error;
  EXPECT_EQ(back.noise, "");
}

TEST(CaseReportJsonTest, BackendBuildsRoundTripAndAreLeftOutWhenEmpty) {
  RunContext c = fixtures::FixtureContext();
  EXPECT_FALSE(RunContextToJson(c).contains("backend_builds")) << "older readers and golden files unchanged";
  c.backend_builds = {{"go1.19-syncmap", "go1.19.8 linux/amd64"}, {"go1.23-map", "go1.23.5 linux/amd64"}};
  json j = RunContextToJson(c);
  EXPECT_EQ(j["backend_builds"]["go1.23-map"], "go1.23.5 linux/amd64");
  RunContext back;
  std::string error;
  ASSERT_TRUE(RunContextFromJson(json::parse(j.dump()), &back, &error)) << error;
  EXPECT_EQ(back.backend_builds, c.backend_builds);
  j["backend_builds"]["go1.23-map"] = 5;
  EXPECT_FALSE(RunContextFromJson(j, &back, &error));
  EXPECT_EQ(error, "context.backend_builds.go1.23-map: expected a string");
}

TEST(CaseReportJsonTest, CheckResultRoundTrips) {
  CheckResult check = fixtures::FixtureFailingCase().check;
  CheckResult back;
  std::string error;
  ASSERT_TRUE(CheckResultFromJson(json::parse(CheckResultToJson(check).dump()), &back, &error)) << error;
  EXPECT_EQ(CheckResultToJson(back), CheckResultToJson(check));
  EXPECT_EQ(back.examples.size(), 4u);
  EXPECT_EQ(back.examples[3].witnesses[1], "reader-1 load key=9 -> 90 [0.500100s..0.500120s]");
}

// src/report/README.md: its example must be a report this version reads, and every field a
// case or the context has must be documented there.
std::string ReadSchemaDoc() {
  std::ifstream in(std::string(MAPSTRESS_SOURCE_DIR) + "/src/report/README.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

json DocExample(const std::string& doc) {
  size_t start = doc.find("```json\n");
  if (start == std::string::npos) return json();
  start += 8;
  size_t end = doc.find("\n```", start);
  return json::parse(doc.substr(start, end - start), nullptr, false);
}

void CollectKeys(const json& j, const std::string& prefix, std::set<std::string>* keys) {
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    keys->insert(it.key());
    CollectKeys(it.value(), prefix + it.key() + ".", keys);
  }
}

TEST(ReportSchemaDocTest, ExampleParsesAndRoundTrips) {
  std::string doc = ReadSchemaDoc();
  ASSERT_FALSE(doc.empty()) << "src/report/README.md is missing";
  json example = DocExample(doc);
  ASSERT_TRUE(example.is_object()) << "the first ```json block of src/report/README.md is not a JSON object";
  EXPECT_EQ(example["schema_version"], 2);
  EXPECT_EQ(example["tool"], "mapstress");
  RunContext context;
  std::string error;
  ASSERT_TRUE(RunContextFromJson(example["context"], &context, &error)) << error;
  EXPECT_EQ(RunContextToJson(context), example["context"]);
  ASSERT_TRUE(example["cases"].is_array());
  ASSERT_FALSE(example["cases"].empty());
  for (const json& c : example["cases"]) {
    CaseReport report;
    ASSERT_TRUE(CaseReportFromJson(c, &report, &error)) << error;
    json again = CaseReportToJson(report);
    // Everything but the derived rates must come back identical; the rates must match the counts.
    json a = again, b = c;
    a.erase("rates");
    b.erase("rates");
    EXPECT_EQ(a, b);
    for (const char* rate : {"iteration_deviation", "snapshot_deviation", "key_deviation"}) {
      for (const char* field : {"value", "lo", "hi"}) {
        EXPECT_NEAR(again["rates"][rate][field].get<double>(), c["rates"][rate][field].get<double>(), 1e-6)
            << rate << "." << field;
      }
      EXPECT_EQ(again["rates"][rate]["bound"], c["rates"][rate]["bound"]);
    }
  }
}

TEST(CaseReportJsonTest, StructuredExamplesRoundTrip) {
  CaseReport c = fixtures::FixtureCheckedCase();
  ASSERT_EQ(c.check.examples.size(), 2u);
  ASSERT_FALSE(c.check.examples[0].ops.empty());
  CaseReport back;
  std::string error;
  ASSERT_TRUE(CaseReportFromJson(CaseReportToJson(c), &back, &error)) << error;
  ASSERT_EQ(back.check.examples.size(), c.check.examples.size());
  for (size_t i = 0; i < c.check.examples.size(); ++i) EXPECT_EQ(back.check.examples[i], c.check.examples[i]) << i;
  for (int k = 0; k < kAnomalyCount; ++k) {
    EXPECT_EQ(back.check.tallies[k].occasions, c.check.tallies[k].occasions);
    EXPECT_EQ(back.check.tallies[k].distinct_keys, c.check.tallies[k].distinct_keys);
    EXPECT_EQ(back.check.tallies[k].top_key, c.check.tallies[k].top_key);
  }
  EXPECT_EQ(CaseReportToJson(back), CaseReportToJson(c));
}

TEST(CaseReportJsonTest, BadStructuredWitnessNamesTheField) {
  json j = CaseReportToJson(fixtures::FixtureCheckedCase());
  j["examples"][0]["witness_ops"][1]["call"] = "soon";
  CaseReport back;
  std::string error;
  EXPECT_FALSE(CaseReportFromJson(j, &back, &error));
  EXPECT_EQ(error, "examples[0].witness_ops[1].call: expected an integer or null");
  j = CaseReportToJson(fixtures::FixtureCheckedCase());
  j["examples"][1]["present"] = json::array({1});
  EXPECT_FALSE(CaseReportFromJson(j, &back, &error));
  EXPECT_EQ(error, "examples[1].present[0]: expected [integer or null, integer or null]");
}

TEST(ReportSchemaDocTest, EveryFieldIsDocumented) {
  std::string doc = ReadSchemaDoc();
  std::set<std::string> keys;
  CaseReport crashed = fixtures::FixtureCases()[5];
  CollectKeys(CaseReportToJson(crashed), "", &keys);
  CollectKeys(CaseReportToJson(fixtures::FixtureFailingCase()), "", &keys);
  CollectKeys(CaseReportToJson(fixtures::FixtureCheckedCase()), "", &keys);
  CollectKeys(RunContextToJson(fixtures::FixtureContext()), "", &keys);
  for (const char* top : {"schema_version", "tool", "context", "interrupted", "summary", "cases", "exit_code"}) {
    keys.insert(top);
  }
  for (const std::string& key : keys) {
    EXPECT_NE(doc.find("`" + key + "`"), std::string::npos) << "src/report/README.md does not mention `" << key << "`";
  }
}

}  // namespace
}  // namespace mapstress
