#include "scenario/scenario_writer.h"

#include <nlohmann/json.hpp>

#include "core/duration.h"

namespace mapstress {
namespace {

using Json = nlohmann::ordered_json;

const char* DistributionName(Distribution d) {
  switch (d) {
    case Distribution::kUniform: return "uniform";
    case Distribution::kZipf: return "zipf";
    case Distribution::kHotset: return "hotset";
  }
  return "uniform";
}

Json Grades(const GradeOverrides& grades) {
  Json out = Json::object();
  for (const auto& [kind, grade] : grades) out[kind] = GradeName(grade);
  return out;
}

Json Group(const ThreadGroup& g) {
  Json out;
  out["role"] = RoleName(g.role);
  out["count"] = g.count;
  if (g.key_lo && g.key_hi) out["keys"] = Json::array({*g.key_lo, *g.key_hi});
  if (g.order == KeyOrder::kSequential) out["order"] = "sequential";
  if (g.ops > 0) out["ops"] = g.ops;
  if (g.think.count() > 0) out["think"] = FormatDuration(g.think);
  if (g.start_delay.count() > 0) out["start_delay"] = FormatDuration(g.start_delay);
  if (g.visit_delay.count() > 0) out["visit_delay"] = FormatDuration(g.visit_delay);
  if (g.role == Role::kMixed) {
    Json mix = Json::object();
    const std::pair<const char*, uint32_t> shares[] = {{"store", g.mix.store},
                                                       {"update", g.mix.update},
                                                       {"erase", g.mix.erase},
                                                       {"load", g.mix.load},
                                                       {"iterate", g.mix.iterate}};
    for (const auto& [name, share] : shares) {
      if (share > 0) mix[name] = share;
    }
    out["mix"] = mix;
  }
  return out;
}

}  // namespace

std::string ScenarioToJson(const Scenario& s) {
  Json root;
  root["name"] = s.name;
  root["description"] = s.description.empty() ? s.name : s.description;
  Json keys;
  keys["count"] = s.keys.count;
  if (s.keys.distribution != Distribution::kUniform) keys["distribution"] = DistributionName(s.keys.distribution);
  if (s.keys.distribution == Distribution::kZipf) keys["theta"] = s.keys.theta;
  if (s.keys.distribution == Distribution::kHotset) {
    keys["hot_fraction"] = s.keys.hot_fraction;
    keys["hot_probability"] = s.keys.hot_probability;
  }
  if (s.keys.prefill > 0) keys["prefill"] = s.keys.prefill;
  root["keys"] = keys;
  if (s.duration) root["duration"] = FormatDuration(*s.duration);
  if (s.trials != Scenario{}.trials) root["trials"] = s.trials;  // the loader's default
  if (s.seed) root["seed"] = *s.seed;
  Json threads = Json::array();
  for (const auto& g : s.threads) threads.push_back(Group(g));
  root["threads"] = threads;
  if (!s.backends.empty()) root["backends"] = s.backends;
  if (!s.expect.empty() || !s.expect_backend.empty()) {
    Json expect = Grades(s.expect);
    if (!s.expect_backend.empty()) {
      Json per = Json::object();
      for (const auto& [backend, grades] : s.expect_backend) per[backend] = Grades(grades);
      expect["backends"] = per;
    }
    root["expect"] = expect;
  }
  return root.dump(2) + "\n";
}

}  // namespace mapstress
