// A scenario: which threads do what to which keys, for how long. Plain data; the loader
// (scenario_loader.h) fills it strictly, and every default lives in this file.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/contract.h"
#include "core/duration.h"
#include "core/limits.h"
#include "core/workload_traits.h"

namespace mapstress {

enum class Role : uint8_t { kWriter, kUpdater, kDeleter, kReader, kIterator, kMixed, kToggler };
const char* RoleName(Role role);

enum class Distribution : uint8_t { kUniform, kZipf, kHotset };
enum class KeyOrder : uint8_t { kRandom, kSequential };

struct KeySpec {
  uint64_t count = 0;  // keys are 0 .. count-1
  Distribution distribution = Distribution::kUniform;
  double theta = 0.99;           // zipf skew, in (0, 1) ∪ (1, 10]
  double hot_fraction = 0.01;    // hotset: fraction of keys that are hot, (0, 1]
  double hot_probability = 0.9;  // hotset: probability an op picks a hot key, [0, 1]
  uint64_t prefill = 0;          // keys 0 .. prefill-1 are present before the start
};

// Percentages for role `mixed`; they sum to 100.
struct OpMix {
  uint32_t store = 0;   // store a fresh value to a key from the group's range
  uint32_t update = 0;  // overwrite a prefilled key
  uint32_t erase = 0;
  uint32_t load = 0;
  uint32_t iterate = 0;
};

struct ThreadGroup {
  Role role = Role::kReader;
  uint32_t count = 1;
  std::optional<uint64_t> key_lo;  // key range [key_lo, key_hi); defaults depend on the role
  std::optional<uint64_t> key_hi;
  KeyOrder order = KeyOrder::kRandom;  // sequential: walk the range in order (growth/shrink)
  uint64_t ops = 0;                    // per-thread op budget; 0 = until the time budget ends
  Nanos think{0};                      // busy-wait between ops (lower load)
  Nanos start_delay{0};                // start this long after the gate opens (phases)
  Nanos visit_delay{0};                // iterators: busy-wait per visited entry (widens the window)
  OpMix mix;                           // role mixed only
};

struct Scenario {
  std::string path;  // file it came from ("" when built in code)
  std::string name;
  std::string description;
  KeySpec keys;
  std::optional<Nanos> duration;  // per trial
  uint32_t trials = 1;
  std::optional<uint64_t> seed;
  std::vector<ThreadGroup> threads;
  std::vector<std::string> backends;                     // default list; empty = the tool's default set
  GradeOverrides expect;                                 // all backends
  std::map<std::string, GradeOverrides> expect_backend;  // per backend name

  uint32_t TotalThreads() const;
  bool HasRole(Role role) const;
  // True if any thread erases (deleter, or mixed with erase > 0).
  bool Erases() const;
  // Number of threads that store (writer, updater, toggler, mixed with store/update).
  uint32_t WritingThreads() const;
  // The facts a backend's unsupported_reason looks at.
  WorkloadTraits Traits() const;
};

// Limits and defaults in one place.
inline constexpr Nanos kMaxDuration = std::chrono::hours(24);
inline constexpr Nanos kDefaultDuration = std::chrono::milliseconds(500);
inline constexpr uint32_t kDefaultTrials = 1;
inline constexpr uint64_t kMaxKeys = uint64_t{1} << 32;
inline constexpr uint64_t kDefaultSeed = 42;

}  // namespace mapstress
