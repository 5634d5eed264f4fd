// ScenarioToJson writes what the strict loader reads back to the same scenario.
#include "scenario/scenario_writer.h"

#include <gtest/gtest.h>

#include "scenario/scenario_loader.h"

namespace mapstress {
namespace {

void ExpectSameScenario(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.keys.count, b.keys.count);
  EXPECT_EQ(a.keys.prefill, b.keys.prefill);
  EXPECT_EQ(a.keys.distribution, b.keys.distribution);
  EXPECT_DOUBLE_EQ(a.keys.theta, b.keys.theta);
  EXPECT_DOUBLE_EQ(a.keys.hot_fraction, b.keys.hot_fraction);
  EXPECT_DOUBLE_EQ(a.keys.hot_probability, b.keys.hot_probability);
  EXPECT_EQ(a.duration, b.duration);
  EXPECT_EQ(a.trials, b.trials);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.backends, b.backends);
  EXPECT_EQ(a.expect, b.expect);
  EXPECT_EQ(a.expect_backend, b.expect_backend);
  ASSERT_EQ(a.threads.size(), b.threads.size());
  for (size_t i = 0; i < a.threads.size(); ++i) {
    const ThreadGroup& x = a.threads[i];
    const ThreadGroup& y = b.threads[i];
    EXPECT_EQ(x.role, y.role);
    EXPECT_EQ(x.count, y.count);
    EXPECT_EQ(x.key_lo, y.key_lo);
    EXPECT_EQ(x.key_hi, y.key_hi);
    EXPECT_EQ(x.order, y.order);
    EXPECT_EQ(x.ops, y.ops);
    EXPECT_EQ(x.think, y.think);
    EXPECT_EQ(x.start_delay, y.start_delay);
    EXPECT_EQ(x.visit_delay, y.visit_delay);
    EXPECT_EQ(x.mix.store, y.mix.store);
    EXPECT_EQ(x.mix.update, y.mix.update);
    EXPECT_EQ(x.mix.erase, y.mix.erase);
    EXPECT_EQ(x.mix.load, y.mix.load);
    EXPECT_EQ(x.mix.iterate, y.mix.iterate);
  }
}

TEST(ScenarioWriterTest, BundledScenariosRoundTrip) {
  std::vector<std::string> files;
  LoadError error;
  ASSERT_TRUE(CollectScenarioFiles({std::string(MAPSTRESS_SOURCE_DIR) + "/scenarios"}, true, &files, &error))
      << error.ToString();
  ASSERT_GT(files.size(), 10u);
  for (const auto& file : files) {
    Scenario original, again;
    ASSERT_TRUE(LoadScenarioFile(file, &original, &error)) << error.ToString();
    std::string text = ScenarioToJson(original);
    ASSERT_TRUE(ParseScenario(text, file, &again, &error)) << error.ToString() << "\n" << text;
    SCOPED_TRACE(file);
    ExpectSameScenario(original, again);
  }
}

TEST(ScenarioWriterTest, EveryOptionalFieldRoundTrips) {
  const char* text = R"({"name": "all", "description": "every field",
    "keys": {"count": 1000, "distribution": "hotset", "hot_fraction": 0.05, "hot_probability": 0.75, "prefill": 300},
    "duration": "150ms", "trials": 3, "seed": 7,
    "threads": [
      {"role": "mixed", "count": 2, "keys": [10, 900], "ops": 5000, "think": "1.5us", "start_delay": "2ms",
       "visit_delay": "40ns", "mix": {"store": 40, "update": 10, "erase": 20, "load": 20, "iterate": 10}},
      {"role": "writer", "order": "sequential", "keys": [300, 1000]},
      {"role": "toggler", "count": 2, "keys": [0, 4]}],
    "backends": ["locked", "sharded"],
    "expect": {"not_snapshot": "INTERESTING", "backends": {"sharded": {"missing": "ACCEPTABLE"}}}})";
  Scenario original, again;
  LoadError error;
  ASSERT_TRUE(ParseScenario(text, "all.json", &original, &error)) << error.ToString();
  std::string written = ScenarioToJson(original);
  ASSERT_TRUE(ParseScenario(written, "all.json", &again, &error)) << error.ToString() << "\n" << written;
  ExpectSameScenario(original, again);
}

}  // namespace
}  // namespace mapstress
