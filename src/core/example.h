// One anomaly's proof as plain data: the operations that prove it, with their times in the
// history's own nanoseconds, and the windows the checker derived from them. Renderers (text,
// terminal timeline, HTML, trace) draw from these fields; src/check/README.md defines them.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/contract.h"
#include "core/history.h"

namespace mapstress {

// Stand-ins for "before every op" (the initial state) and "never superseded".
inline constexpr int64_t kTimeBeforeAll = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kTimeAfterAll = std::numeric_limits<int64_t>::max();

// A closed interval of history times; either end may be kTimeBeforeAll / kTimeAfterAll.
struct TimeSpan {
  int64_t lo = 0;
  int64_t hi = 0;
  bool operator==(const TimeSpan&) const = default;
};

// What a witness is to the proof.
enum class WitnessRole : uint8_t {
  kSubject,     // the iteration or load that got it wrong
  kWrite,       // a write whose value was seen, or that is in effect (the key must be present)
  kSuperseder,  // the write that ended another write's possible interval
  kErase,       // the next erase: the earliest the key could be absent again
  kOther,       // another write that bounds the instant (not_snapshot) or owns a value, or a load
                // that returned a store's value before the store returned (it took effect by then)
};
inline constexpr int kWitnessRoleCount = 5;
const char* WitnessRoleName(WitnessRole role);  // "subject", "write", "superseder", "erase", "other"
bool ParseWitnessRole(const std::string& text, WitnessRole* out);

// One recorded operation, or the initial state of a key (`initial`: a prefill is a store, an
// unfilled key an erase; call = ret = kTimeBeforeAll).
struct WitnessOp {
  WitnessRole role = WitnessRole::kSubject;
  std::string thread;  // thread name ("writer-1"); "" for the initial state
  OpKind op = OpKind::kStore;
  bool initial = false;
  uint64_t key = 0;      // unused for iterate
  uint64_t value = 0;    // store: written; load: read (when found)
  bool found = false;    // load: found; erase: removed something
  uint32_t entries = 0;  // iterate: entries visited
  int64_t call = 0;
  int64_t ret = 0;
  // Writes (store, erase, initial): when the write could be in effect, [call, S(w)].
  bool has_effect = false;
  TimeSpan effect;

  bool operator==(const WitnessOp&) const = default;
};

struct Example {
  Anomaly kind = Anomaly::kMissing;
  uint64_t key = 0;  // 0 for not_snapshot when no single key is to blame
  std::string explanation;
  std::vector<std::string> witnesses;  // one line per op, WitnessText(ops[i]); kept for readers of text
  // Structured proof (schema 2). Empty ops: read from an older report.
  uint32_t trial = 0;      // History::trial the example came from
  uint64_t iteration = 0;  // #n of the iteration (1-based, by call time); 0 for a load
  TimeSpan window;         // the subject's [call, return]
  std::vector<WitnessOp> ops;
  // When `key` could be present / absent (the checker's P_k and A_k), cut to `view`: the
  // window and every finite time of the ops.
  TimeSpan view;
  std::vector<TimeSpan> present;
  std::vector<TimeSpan> absent;

  bool operator==(const Example&) const = default;
};

// What the example's subject (its first op) is: "iteration", "erase" or "load".
const char* SubjectNoun(const Example& example);
// "writer-1 store key=17 value=170 call=1000 return=1180": grep-able in the history file.
std::string WitnessText(const WitnessOp& op);
// "1000" or "the start" / "the end".
std::string HistoryTimeText(int64_t t);

}  // namespace mapstress
