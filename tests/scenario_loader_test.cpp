#include "scenario/scenario_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace mapstress {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(MAPSTRESS_SOURCE_DIR) / "tests" / "data";

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ErrorOf(const std::string& text, const std::string& file = "s.json") {
  Scenario s;
  LoadError e;
  if (ParseScenario(text, file, &s, &e)) return "ok";
  return e.ToString();
}

// A valid scenario with `extra` spliced into the top-level object.
std::string With(const std::string& keys, const std::string& threads, const std::string& extra = "") {
  return R"({"name": "t", "description": "d", "keys": )" + keys + R"(, "threads": )" + threads + extra + "}";
}

TEST(ScenarioLoader, FillsEveryField) {
  Scenario s;
  LoadError e;
  std::string file = (kData / "good" / "full.json").string();
  ASSERT_TRUE(LoadScenarioFile(file, &s, &e)) << e.ToString();
  EXPECT_EQ(s.path, file);
  EXPECT_EQ(s.name, "full.example_1");
  EXPECT_EQ(s.keys.count, 10000u);
  EXPECT_EQ(s.keys.distribution, Distribution::kHotset);
  EXPECT_DOUBLE_EQ(s.keys.hot_fraction, 0.05);
  EXPECT_DOUBLE_EQ(s.keys.hot_probability, 0.8);
  EXPECT_EQ(s.keys.prefill, 2900u);  // 0.29 * 10000 exactly, no binary rounding down
  ASSERT_TRUE(s.duration.has_value());
  EXPECT_EQ(*s.duration, std::chrono::seconds(90));
  EXPECT_EQ(s.trials, 3u);
  EXPECT_EQ(s.seed, std::optional<uint64_t>(18446744073709551615u));
  ASSERT_EQ(s.threads.size(), 5u);
  const ThreadGroup& w = s.threads[0];
  EXPECT_EQ(w.role, Role::kWriter);
  EXPECT_EQ(w.count, 2u);
  EXPECT_EQ(w.key_lo, std::optional<uint64_t>(0));
  EXPECT_EQ(w.key_hi, std::optional<uint64_t>(5000));
  EXPECT_EQ(w.order, KeyOrder::kSequential);
  EXPECT_EQ(w.ops, 1000u);
  EXPECT_EQ(w.think, std::chrono::microseconds(1));
  EXPECT_EQ(w.start_delay, std::chrono::milliseconds(100));
  EXPECT_EQ(s.threads[1].role, Role::kUpdater);
  EXPECT_FALSE(s.threads[1].key_lo.has_value());
  const ThreadGroup& m = s.threads[2];
  EXPECT_EQ(m.visit_delay, Nanos(200));
  EXPECT_EQ(m.mix.store, 20u);
  EXPECT_EQ(m.mix.update, 10u);
  EXPECT_EQ(m.mix.erase, 10u);
  EXPECT_EQ(m.mix.load, 50u);
  EXPECT_EQ(m.mix.iterate, 10u);
  EXPECT_EQ(s.threads[3].visit_delay, std::chrono::milliseconds(1));
  EXPECT_EQ(s.threads[4].role, Role::kToggler);
  EXPECT_EQ(s.threads[4].lockstep, 16u);
  EXPECT_EQ(s.threads[0].lockstep, 0u);  // default: no barrier
  EXPECT_EQ(s.TotalThreads(), 9u);
  EXPECT_EQ(s.backends, (std::vector<std::string>{"locked", "sharded"}));
  EXPECT_EQ(s.expect.size(), 2u);
  EXPECT_EQ(s.expect.at("not_snapshot"), Grade::kAcceptable);
  EXPECT_EQ(s.expect.at("crashed"), Grade::kInteresting);
  ASSERT_EQ(s.expect_backend.count("sharded"), 1u);
  EXPECT_EQ(s.expect_backend.at("sharded").at("missing"), Grade::kInteresting);
}

TEST(ScenarioLoader, Defaults) {
  Scenario s;
  LoadError e;
  ASSERT_TRUE(ParseScenario(With(R"({"count": 8})", R"([{"role": "reader"}])"), "f", &s, &e)) << e.ToString();
  EXPECT_FALSE(s.duration.has_value());
  EXPECT_EQ(s.trials, 1u);
  EXPECT_FALSE(s.seed.has_value());
  EXPECT_EQ(s.keys.distribution, Distribution::kUniform);
  EXPECT_DOUBLE_EQ(s.keys.theta, 0.99);
  EXPECT_EQ(s.keys.prefill, 0u);
  EXPECT_EQ(s.threads[0].count, 1u);
  EXPECT_EQ(s.threads[0].order, KeyOrder::kRandom);
  EXPECT_TRUE(s.backends.empty());
  EXPECT_TRUE(s.expect.empty());
}

TEST(ScenarioLoader, PrefillIntegerIsCountFloatIsFraction) {
  auto prefill = [](const std::string& count, const std::string& value) -> int64_t {
    Scenario s;
    LoadError e;
    std::string keys = R"({"count": )" + count + R"(, "prefill": )" + value + "}";
    if (!ParseScenario(With(keys, R"([{"role": "reader"}])"), "f", &s, &e)) return -1;
    return static_cast<int64_t>(s.keys.prefill);
  };
  EXPECT_EQ(prefill("10", "1"), 1);
  EXPECT_EQ(prefill("10", "1.0"), 10);
  EXPECT_EQ(prefill("10", "10"), 10);
  EXPECT_EQ(prefill("11", "0.5"), 5);
  EXPECT_EQ(prefill("11", "5e-1"), 5);
  EXPECT_EQ(prefill("100", "0.29"), 29);
  EXPECT_EQ(prefill("100", "0.7"), 70);
  EXPECT_EQ(prefill("4294967296", "2.3283064365386962890625e-10"), 1);  // 1/2^32, exact
  EXPECT_EQ(prefill("4294967296", "2.3283064365386962890624e-10"), 0);
  EXPECT_EQ(prefill("10", "0"), 0);
  EXPECT_EQ(prefill("10", "0.0"), 0);
  EXPECT_EQ(prefill("10", "11"), -1);
  EXPECT_EQ(prefill("10", "1.01"), -1);
}

TEST(ScenarioLoader, RoleRules) {
  // updater: prefill or an explicit range
  EXPECT_EQ(ErrorOf(With(R"({"count": 8, "prefill": 1})", R"([{"role": "updater"}])")), "ok");
  EXPECT_EQ(ErrorOf(With(R"({"count": 8})", R"([{"role": "updater", "keys": [0, 2]}])")), "ok");
  // toggler: range of at least 2 * count
  EXPECT_EQ(ErrorOf(With(R"({"count": 8})", R"([{"role": "toggler", "count": 4}])")), "ok");
  EXPECT_EQ(ErrorOf(With(R"({"count": 7})", R"([{"role": "toggler", "count": 4}])")),
            "s.json: /threads/0: role toggler needs a key range of at least 2 × count = 8 keys, got 7");
  // visit_delay on mixed needs iterate > 0
  EXPECT_EQ(ErrorOf(With(R"({"count": 8})",
                         R"([{"role": "mixed", "visit_delay": "1us", "mix": {"load": 90, "iterate": 10}}])")),
            "ok");
  EXPECT_EQ(ErrorOf(With(R"({"count": 8})", R"([{"role": "mixed", "visit_delay": "1us", "mix": {"load": 100}}])")),
            "s.json: /threads/0/visit_delay: only allowed for role iterator, or mixed with iterate > 0");
  // exactly 1024 threads across groups is fine
  EXPECT_EQ(ErrorOf(With(R"({"count": 8})", R"([{"role": "reader", "count": 1000}, {"role": "reader", "count": 24}])")),
            "ok");
}

TEST(ScenarioLoader, ScalarFormsAndLimits) {
  const std::string t = R"([{"role": "reader"}])";
  EXPECT_EQ(ErrorOf(With(R"({"count": 4294967296})", t)), "ok");
  EXPECT_EQ(ErrorOf(With(R"({"count": 1})", t, R"(, "duration": "24h")")), "ok");
  EXPECT_EQ(ErrorOf(With(R"({"count": 1})", t, R"(, "duration": "1440m1ns")")),
            "s.json: /duration: expected a duration > 0 and ≤ 24h, got \"1440m1ns\"");
  EXPECT_EQ(ErrorOf(With(R"({"count": 1})", t, R"(, "trials": 100000)")), "ok");
  EXPECT_EQ(ErrorOf(With(R"({"count": 1})", t, R"(, "trials": 100001)")),
            "s.json: /trials: expected an integer ≤ 100000, got 100001");
  EXPECT_EQ(ErrorOf(With(R"({"count": 1})", t, R"(, "seed": 18446744073709551616)")),
            "s.json: /seed: expected an integer ≤ 18446744073709551615, got 18446744073709551616");
  EXPECT_EQ(ErrorOf(With(R"({"count": 1})", t, R"(, "name": "x")")), "s.json: duplicate key 'name'");
}

TEST(ScenarioLoader, SyntaxErrorPositions) {
  EXPECT_EQ(ErrorOf("{\n  \"name\": }"),
            "s.json:2:11: syntax error while parsing value: unexpected '}'; expected '[', '{', or a literal");
  EXPECT_EQ(ErrorOf("{} x"),
            "s.json:1:4: syntax error while parsing value: invalid literal; last read: '{} x'; expected end of input");
}

TEST(ScenarioLoader, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_EQ(ErrorOf(deep + std::string(100000, ']')), "s.json:1:33: nesting deeper than 32 levels");
  EXPECT_EQ(ErrorOf("{\"a\": \"[[[\",\n \"b\": " + deep), "s.json:2:38: nesting deeper than 32 levels");
  EXPECT_NE(ErrorOf(deep), "ok");
}

TEST(ScenarioLoader, FailureLeavesOutputUntouched) {
  Scenario s;
  s.name = "keep";
  LoadError e;
  EXPECT_FALSE(ParseScenario("{", "f", &s, &e));
  EXPECT_EQ(s.name, "keep");
}

TEST(ScenarioLoader, UnreadableFile) {
  Scenario s;
  LoadError e;
  ASSERT_FALSE(LoadScenarioFile("/nonexistent/x.json", &s, &e));
  EXPECT_EQ(e.ToString(), "/nonexistent/x.json: cannot read: No such file or directory");
}

TEST(ScenarioLoader, GoodCorpusAndBundledScenariosLoad) {
  std::vector<std::string> files;
  LoadError e;
  ASSERT_TRUE(CollectScenarioFiles({(kData / "good").string(), std::string(MAPSTRESS_SOURCE_DIR) + "/scenarios"}, true,
                                   &files, &e))
      << e.ToString();
  ASSERT_GE(files.size(), 3u);
  for (const auto& f : files) {
    Scenario s;
    EXPECT_TRUE(LoadScenarioFile(f, &s, &e)) << e.ToString();
  }
}

// Every tests/data/bad/*.json has its exact message in expected.txt, and vice versa.
TEST(ScenarioLoader, BadCorpusMessages) {
  std::map<std::string, std::string> expected;
  std::ifstream in(kData / "bad" / "expected.txt");
  ASSERT_TRUE(in) << "missing expected.txt";
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::string file = line.substr(0, line.find(':'));
    EXPECT_TRUE(expected.emplace(file, line).second) << "listed twice: " << file;
  }
  size_t seen = 0;
  for (const auto& entry : fs::directory_iterator(kData / "bad")) {
    if (entry.path().extension() != ".json") continue;
    ++seen;
    std::string name = entry.path().filename().string();
    auto it = expected.find(name);
    ASSERT_NE(it, expected.end()) << "no expected message for " << name;
    Scenario s;
    LoadError e;
    EXPECT_EQ(ErrorOf(ReadText(entry.path()), name), it->second);
    // Through the file API the message is the same, with the path as passed in.
    std::string path = entry.path().string();
    ASSERT_FALSE(LoadScenarioFile(path, &s, &e));
    EXPECT_EQ(e.ToString(), path + it->second.substr(name.size()));
  }
  EXPECT_EQ(seen, expected.size());
  EXPECT_GE(seen, 25u);
}

TEST(ScenarioLoader, CollectScenarioFiles) {
  fs::path dir = fs::temp_directory_path() / ("mapstress_collect_" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  for (const char* f : {"b.json", "a.json", "x.schema.json", "notes.txt", "sub/c.json"}) {
    std::ofstream(dir / f) << "{}";
  }
  std::vector<std::string> files;
  LoadError e;
  ASSERT_TRUE(CollectScenarioFiles({dir.string()}, false, &files, &e));
  EXPECT_EQ(files, (std::vector<std::string>{(dir / "a.json").string(), (dir / "b.json").string()}));
  files.clear();
  ASSERT_TRUE(CollectScenarioFiles({dir.string(), (dir / "notes.txt").string()}, true, &files, &e));
  EXPECT_EQ(files, (std::vector<std::string>{(dir / "a.json").string(), (dir / "b.json").string(),
                                             (dir / "sub" / "c.json").string(), (dir / "notes.txt").string()}));
  files.clear();
  EXPECT_FALSE(CollectScenarioFiles({(dir / "nope").string()}, false, &files, &e));
  EXPECT_EQ(e.ToString(), (dir / "nope").string() + ": cannot read: No such file or directory");
  fs::remove_all(dir);
}

TEST(Duration, Parse) {
  auto parse = [](const std::string& text) -> std::string {
    Nanos d;
    std::string err;
    if (!ParseDuration(text, &d, &err)) return "error: " + err;
    return std::to_string(d.count());
  };
  EXPECT_EQ(parse("0s"), "0");
  EXPECT_EQ(parse("250us"), "250000");
  EXPECT_EQ(parse("500ms"), "500000000");
  EXPECT_EQ(parse("1.5s"), "1500000000");
  EXPECT_EQ(parse("1m30s"), "90000000000");
  EXPECT_EQ(parse("1h"), "3600000000000");
  EXPECT_EQ(parse("7ns"), "7");
  EXPECT_EQ(parse("-1s"), "error: negative durations are not allowed");
  EXPECT_EQ(parse("2"), "error: missing unit after '2' (valid units: ns, us, ms, s, m, h)");
  EXPECT_EQ(parse("2sec"), "error: unknown unit 'sec' (valid units: ns, us, ms, s, m, h)");
  EXPECT_EQ(parse(""), "error: expected a number followed by a unit (valid units: ns, us, ms, s, m, h)");
  EXPECT_EQ(parse("1.5ns"), "error: '1.5ns' is not a whole number of nanoseconds");
  EXPECT_EQ(parse("3000000h"), "error: too large (at most about 292 years)");
  EXPECT_EQ(parse("99999999999999999999999999999999ns"), "error: too large (at most about 292 years)");
}

TEST(Duration, Format) {
  EXPECT_EQ(FormatDuration(std::chrono::milliseconds(500)), "500ms");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(2)), "2s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(std::chrono::microseconds(250)), "250us");
  EXPECT_EQ(FormatDuration(Nanos(0)), "0s");
  EXPECT_EQ(FormatDuration(Nanos(1500)), "1.5us");
  EXPECT_EQ(FormatDuration(std::chrono::hours(25)), "25h");
}

TEST(Duration, FormatThenParseRoundTrips) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    int64_t v = static_cast<int64_t>(rng() >> (1 + rng() % 63));
    Nanos back;
    std::string err;
    ASSERT_TRUE(ParseDuration(FormatDuration(Nanos(v)), &back, &err)) << FormatDuration(Nanos(v)) << ": " << err;
    ASSERT_EQ(back.count(), v) << FormatDuration(Nanos(v));
  }
}

}  // namespace
}  // namespace mapstress
