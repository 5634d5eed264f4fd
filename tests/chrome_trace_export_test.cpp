// The chrome trace export, validated against the trace-event format: it parses, every event
// has the fields its phase needs, complete slices nest per thread, flows pair up.
#include "history/chrome_trace_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "check/checker.h"
#include "report_fixtures.h"

namespace mapstress {
namespace {

using nlohmann::json;

std::string Export(const History& h, const std::vector<Example>& examples, const ChromeTraceOptions& options = {}) {
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buf, &size);
  EXPECT_TRUE(WriteChromeTrace(h, examples, options, out));
  std::fclose(out);
  std::string text(buf, size);
  free(buf);
  return text;
}

// Checks the trace-event rules this exporter relies on; returns the parsed document.
json Validate(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << text.substr(0, 400);
  if (doc.is_discarded()) return json();
  EXPECT_TRUE(doc["traceEvents"].is_array());
  std::map<int, std::vector<std::pair<double, double>>> slices;  // tid -> (ts, end)
  std::map<int64_t, int> flows;                                  // id -> starts - finishes
  std::set<int> named;
  for (const json& e : doc["traceEvents"]) {
    for (const char* f : {"name", "ph", "pid", "tid"}) EXPECT_TRUE(e.contains(f)) << f << " in " << e.dump();
    std::string ph = e["ph"];
    EXPECT_TRUE(ph == "X" || ph == "M" || ph == "i" || ph == "s" || ph == "f") << e.dump();
    if (ph == "M") {
      EXPECT_TRUE(e["args"]["name"].is_string()) << e.dump();
      if (e["name"] == "thread_name") named.insert(e["tid"].get<int>());
      continue;
    }
    EXPECT_TRUE(e["ts"].is_number()) << e.dump();
    if (ph == "X") {
      EXPECT_TRUE(e["dur"].is_number() && e["dur"].get<double>() >= 0) << e.dump();
      EXPECT_TRUE(e["args"]["call_ns"].is_number_integer()) << e.dump();
      slices[e["tid"].get<int>()].push_back({e["ts"].get<double>(), e["ts"].get<double>() + e["dur"].get<double>()});
    }
    if (ph == "i") {
      EXPECT_EQ(e["s"], "t") << e.dump();
    }
    if (ph == "s") ++flows[e["id"].get<int64_t>()];
    if (ph == "f") {
      --flows[e["id"].get<int64_t>()];
      EXPECT_EQ(e["bp"], "e");
    }
  }
  for (auto& [tid, list] : slices) {
    EXPECT_TRUE(named.count(tid)) << "no thread_name for tid " << tid;
    // Complete events of one thread must nest: each starts after the enclosing one ended, or ends within it.
    std::sort(list.begin(), list.end(),
              [](auto a, auto b) { return a.first < b.first || (a.first == b.first && a.second > b.second); });
    std::vector<double> open;
    for (auto [ts, end] : list) {
      while (!open.empty() && open.back() <= ts) open.pop_back();
      if (!open.empty()) {
        EXPECT_LE(end, open.back()) << "tid " << tid << " slice at " << ts << " overlaps its parent";
      }
      open.push_back(end);
    }
  }
  for (auto [id, balance] : flows) EXPECT_EQ(balance, 0) << "flow " << id;
  return doc;
}

TEST(ChromeTraceExportTest, TracksPerThreadSlicesAndMarkedExamples) {
  History h = fixtures::FixtureHistory();
  std::vector<Example> examples = Check(h).examples;
  json doc = Validate(Export(h, examples));
  int slices = 0, instants = 0, flow_starts = 0;
  for (const json& e : doc["traceEvents"]) {
    slices += e["ph"] == "X";
    instants += e["ph"] == "i";
    flow_starts += e["ph"] == "s";
    if (e["ph"] == "X" && e["name"] == "load 17") {
      EXPECT_EQ(e["args"]["value"], 170);
      EXPECT_EQ(e["args"]["found"], true);
      EXPECT_EQ(e["args"]["call_ns"], 73'400'001'200);
      EXPECT_EQ(e["ts"].get<double>(), 0.2);  // µs after the first call (73400001000)
      EXPECT_EQ(e["dur"].get<double>(), 0.01);
    }
  }
  EXPECT_EQ(slices, static_cast<int>(h.ops.size()));
  EXPECT_EQ(instants, 2);     // the missing key and the stale read
  EXPECT_EQ(flow_starts, 4);  // their witnesses: store+erase, store+store
  EXPECT_EQ(doc["otherData"]["origin_ns"], 73'400'001'000);
}

TEST(ChromeTraceExportTest, WindowKeepsOnlyOverlappingOps) {
  History h = fixtures::FixtureHistory();
  std::vector<Example> examples = Check(h).examples;
  ChromeTraceOptions window;
  std::string error;
  ASSERT_TRUE(ParseTraceWindow("73400001190:73400001300", examples, &window, &error)) << error;
  json doc = Validate(Export(h, examples, window));
  int slices = 0;
  for (const json& e : doc["traceEvents"]) slices += e["ph"] == "X";
  EXPECT_EQ(slices, 2);  // the load and the iteration
  ASSERT_TRUE(ParseTraceWindow("example:2:0", examples, &window, &error)) << error;
  EXPECT_EQ(window.lo, examples[1].view.lo);
  EXPECT_FALSE(ParseTraceWindow("example:9", examples, &window, &error));
  EXPECT_EQ(error, "--window: example 9 does not exist (the history has 2 examples)");
  EXPECT_FALSE(ParseTraceWindow("5-3", examples, &window, &error));
  EXPECT_NE(error.find("expected LO:HI"), std::string::npos) << error;
}

TEST(ChromeTraceExportTest, OddThreadNamesStayValidJson) {
  History h = fixtures::FixtureHistory();
  h.thread_names[0] = "wri\"ter\\\n\x01";
  Validate(Export(h, {}));
}

}  // namespace
}  // namespace mapstress
