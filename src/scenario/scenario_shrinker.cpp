#include "scenario/scenario_shrinker.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/duration.h"
#include "scenario/scenario_loader.h"
#include "scenario/scenario_writer.h"

namespace mapstress {
namespace {

std::string GroupLabel(const Scenario& s, size_t i) {
  return fmt::format("threads[{}] ({} ×{})", i, RoleName(s.threads[i].role), s.threads[i].count);
}

// x scaled from a key space of `from` keys to one of `to` keys.
uint64_t ScaleKey(uint64_t x, uint64_t from, uint64_t to) {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(x) * to / from);
}

// Greatest cut first: the floor, then half way down. Only values below x.
std::vector<uint64_t> Cuts(uint64_t x, uint64_t floor) {
  std::vector<uint64_t> out;
  if (x > floor) out.push_back(floor);
  uint64_t half = x / 2;
  if (half > floor && half < x) out.push_back(half);
  return out;
}

void AddGroupRemovals(const Scenario& s, std::vector<ShrinkCandidate>* out) {
  const size_t n = s.threads.size();
  if (n < 2) return;
  // Delta debugging's chunks: halves first, then quarters, ..., then single groups.
  for (size_t chunk = n / 2; chunk >= 1; chunk /= 2) {
    for (size_t first = 0; first + chunk <= n; first += chunk) {
      if (chunk == n) continue;
      ShrinkCandidate c{"", s};
      c.scenario.threads.erase(c.scenario.threads.begin() + static_cast<std::ptrdiff_t>(first),
                               c.scenario.threads.begin() + static_cast<std::ptrdiff_t>(first + chunk));
      c.what = chunk == 1 ? "remove " + GroupLabel(s, first)
                          : fmt::format("remove threads[{}..{}]", first, first + chunk - 1);
      out->push_back(std::move(c));
    }
    if (chunk == 1) break;
  }
}

void AddThreadCounts(const Scenario& s, std::vector<ShrinkCandidate>* out) {
  for (size_t i = 0; i < s.threads.size(); ++i) {
    for (uint64_t count : Cuts(s.threads[i].count, 1)) {
      ShrinkCandidate c{fmt::format("{}: {} → {} threads", GroupLabel(s, i), s.threads[i].count, count), s};
      c.scenario.threads[i].count = static_cast<uint32_t>(count);
      out->push_back(std::move(c));
    }
  }
}

void AddKeyCounts(const Scenario& s, std::vector<ShrinkCandidate>* out) {
  const uint64_t from = s.keys.count;
  for (uint64_t to : Cuts(from, 1)) {
    ShrinkCandidate c{"", s};
    KeySpec& keys = c.scenario.keys;
    keys.count = to;
    keys.prefill = s.keys.prefill == from ? to : std::min(to, ScaleKey(s.keys.prefill, from, to));
    for (ThreadGroup& g : c.scenario.threads) {
      if (!g.key_lo || !g.key_hi) continue;
      uint64_t lo = std::min(ScaleKey(*g.key_lo, from, to), to - 1);
      g.key_lo = lo;
      g.key_hi = std::clamp(ScaleKey(*g.key_hi, from, to), lo + 1, to);
    }
    c.what = fmt::format("keys.count {} → {}", from, to);
    if (keys.prefill != s.keys.prefill)
      c.what += fmt::format(" (prefill {} → {}, key ranges scaled)", s.keys.prefill, keys.prefill);
    out->push_back(std::move(c));
  }
}

void AddPrefill(const Scenario& s, std::vector<ShrinkCandidate>* out) {
  for (uint64_t to : Cuts(s.keys.prefill, 0)) {
    ShrinkCandidate c{fmt::format("keys.prefill {} → {}", s.keys.prefill, to), s};
    c.scenario.keys.prefill = to;
    out->push_back(std::move(c));
  }
}

void AddMixes(const Scenario& s, std::vector<ShrinkCandidate>* out) {
  for (size_t i = 0; i < s.threads.size(); ++i) {
    const ThreadGroup& g = s.threads[i];
    if (g.role != Role::kMixed) continue;
    const std::pair<const char*, uint32_t OpMix::*> shares[] = {{"store", &OpMix::store},
                                                                {"update", &OpMix::update},
                                                                {"erase", &OpMix::erase},
                                                                {"load", &OpMix::load},
                                                                {"iterate", &OpMix::iterate}};
    for (const auto& [name, drop] : shares) {
      if (g.mix.*drop == 0 || g.mix.*drop == 100) continue;
      // Its share goes to the largest other kind.
      const std::pair<const char*, uint32_t OpMix::*>* to = nullptr;
      for (const auto& other : shares) {
        if (other.second != drop && (to == nullptr || g.mix.*(other.second) > g.mix.*(to->second))) to = &other;
      }
      ShrinkCandidate c{fmt::format("{}: drop {} {}% (to {})", GroupLabel(s, i), name, g.mix.*drop, to->first), s};
      OpMix& mix = c.scenario.threads[i].mix;
      mix.*(to->second) += mix.*drop;
      mix.*drop = 0;
      if (mix.iterate == 0) c.scenario.threads[i].visit_delay = Nanos{0};
      out->push_back(std::move(c));
    }
  }
}

void AddDelays(const Scenario& s, std::vector<ShrinkCandidate>* out) {
  for (size_t i = 0; i < s.threads.size(); ++i) {
    const std::pair<const char*, Nanos ThreadGroup::*> delays[] = {{"think", &ThreadGroup::think},
                                                                   {"visit_delay", &ThreadGroup::visit_delay},
                                                                   {"start_delay", &ThreadGroup::start_delay}};
    for (const auto& [name, field] : delays) {
      const Nanos from = s.threads[i].*field;
      for (uint64_t to : Cuts(static_cast<uint64_t>(from.count()), 0)) {
        ShrinkCandidate c{
            fmt::format("{}: {} {} → {}", GroupLabel(s, i), name, FormatDuration(from), FormatDuration(Nanos(to))), s};
        c.scenario.threads[i].*field = Nanos(static_cast<int64_t>(to));
        out->push_back(std::move(c));
      }
    }
  }
}

void AddDurations(const Scenario& s, const ShrinkOptions& options, std::vector<ShrinkCandidate>* out) {
  if (s.duration) {
    const auto from = static_cast<uint64_t>(s.duration->count());
    for (uint64_t to : Cuts(from, static_cast<uint64_t>(options.min_duration.count()))) {
      ShrinkCandidate c{fmt::format("duration {} → {}", FormatDuration(*s.duration), FormatDuration(Nanos(to))), s};
      c.scenario.duration = Nanos(static_cast<int64_t>(to));
      out->push_back(std::move(c));
    }
  }
  for (size_t i = 0; i < s.threads.size(); ++i) {
    if (s.threads[i].ops == 0) continue;
    for (uint64_t to : Cuts(s.threads[i].ops, 1)) {
      ShrinkCandidate c{fmt::format("{}: ops {} → {}", GroupLabel(s, i), s.threads[i].ops, to), s};
      c.scenario.threads[i].ops = to;
      out->push_back(std::move(c));
    }
  }
}

void AddTrials(const Scenario& s, std::vector<ShrinkCandidate>* out) {
  for (uint64_t to : Cuts(s.trials, 1)) {
    ShrinkCandidate c{fmt::format("trials {} → {}", s.trials, to), s};
    c.scenario.trials = static_cast<uint32_t>(to);
    out->push_back(std::move(c));
  }
}

bool Valid(const Scenario& s) {
  Scenario reloaded;
  LoadError error;
  return ParseScenario(ScenarioToJson(s), s.path, &reloaded, &error);
}

}  // namespace

ScenarioSize SizeOf(const Scenario& s) {
  ScenarioSize z;
  z.groups = s.threads.size();
  z.threads = s.TotalThreads();
  z.keys = s.keys.count;
  z.prefill = s.keys.prefill;
  for (const ThreadGroup& g : s.threads) {
    if (g.role == Role::kMixed) {
      for (uint32_t share : {g.mix.store, g.mix.update, g.mix.erase, g.mix.load, g.mix.iterate})
        z.mix_kinds += share > 0;
    }
    z.think_ns += static_cast<uint64_t>((g.think + g.visit_delay + g.start_delay).count());
    z.ops += g.ops;
  }
  z.duration_ns = s.duration ? static_cast<uint64_t>(s.duration->count()) : 0;
  z.trials = s.trials;
  return z;
}

bool StrictlySmaller(const ScenarioSize& a, const ScenarioSize& b) {
  const uint64_t ScenarioSize::*fields[] = {
      &ScenarioSize::groups,      &ScenarioSize::threads,   &ScenarioSize::keys,
      &ScenarioSize::prefill,     &ScenarioSize::mix_kinds, &ScenarioSize::think_ns,
      &ScenarioSize::duration_ns, &ScenarioSize::ops,       &ScenarioSize::trials};
  bool smaller = false;
  for (auto field : fields) {
    if (a.*field > b.*field) return false;
    smaller |= a.*field < b.*field;
  }
  return smaller;
}

std::string DescribeSize(const ScenarioSize& z) {
  std::string text = fmt::format("{} group{}, {} thread{}, {} keys, prefill {}", z.groups, z.groups == 1 ? "" : "s",
                                 z.threads, z.threads == 1 ? "" : "s", z.keys, z.prefill);
  if (z.mix_kinds > 0) text += fmt::format(", {} mixed op kinds", z.mix_kinds);
  if (z.think_ns > 0) text += ", delays " + FormatDuration(Nanos(static_cast<int64_t>(z.think_ns)));
  if (z.duration_ns > 0) text += ", " + FormatDuration(Nanos(static_cast<int64_t>(z.duration_ns))) + " per trial";
  if (z.ops > 0) text += fmt::format(", {} ops", z.ops);
  return text + fmt::format(", {} trial{}", z.trials, z.trials == 1 ? "" : "s");
}

std::vector<ShrinkCandidate> ShrinkCandidates(const Scenario& s, const ShrinkOptions& options) {
  std::vector<ShrinkCandidate> all;
  auto stage = [&](int number, auto&& add) {
    size_t first = all.size();
    add();
    for (size_t i = first; i < all.size(); ++i) all[i].stage = number;
  };
  stage(0, [&] { AddGroupRemovals(s, &all); });
  stage(1, [&] { AddThreadCounts(s, &all); });
  stage(2, [&] { AddKeyCounts(s, &all); });
  stage(3, [&] { AddPrefill(s, &all); });
  stage(4, [&] { AddMixes(s, &all); });
  stage(5, [&] { AddDelays(s, &all); });
  stage(6, [&] { AddDurations(s, options, &all); });
  stage(7, [&] { AddTrials(s, &all); });
  const ScenarioSize size = SizeOf(s);
  std::vector<ShrinkCandidate> out;
  for (auto& c : all) {
    if (StrictlySmaller(SizeOf(c.scenario), size) && Valid(c.scenario)) out.push_back(std::move(c));
  }
  return out;
}

ShrinkResult Shrink(const Scenario& start, const StillFails& still_fails, const ShrinkOptions& options) {
  ShrinkResult result;
  result.minimal = start;
  result.kept_chain = {start};
  std::set<std::string> tried;  // candidates already measured, as JSON
  for (bool pass_kept = true; pass_kept;) {
    pass_kept = false;
    for (int from_stage = 0;;) {
      bool kept = false;
      for (ShrinkCandidate& c : ShrinkCandidates(result.minimal, options)) {
        if (c.stage < from_stage || !tried.insert(ScenarioToJson(c.scenario)).second) continue;
        if (options.out_of_budget && options.out_of_budget()) {
          result.budget_exhausted = true;
          return result;
        }
        ShrinkStep step;
        step.index = result.steps.size() + 1;
        step.what = c.what;
        step.result = still_fails(c.scenario);
        step.kept = step.result.fails;
        result.steps.push_back(step);
        if (options.on_step) options.on_step(step);
        if (step.kept) {
          result.minimal = std::move(c.scenario);
          result.kept_chain.push_back(result.minimal);
          ++result.kept;
          from_stage = c.stage;
          kept = pass_kept = true;
          break;
        }
      }
      if (!kept) break;  // this pass has tried every candidate from `from_stage` on
    }
  }
  return result;
}

}  // namespace mapstress
