#include "history/jepsen_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>

namespace mapstress {
namespace {

// An EDN string literal: the escapes Clojure's reader accepts.
std::string EdnString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// EDN integers are signed 64-bit unless suffixed with N (arbitrary precision).
void AppendNumber(std::string* out, uint64_t v) {
  fmt::format_to(std::back_inserter(*out), "{}", v);
  if (v > static_cast<uint64_t>(INT64_MAX)) out->push_back('N');
}

struct Event {
  int64_t time;
  uint8_t phase;   // 0 invoke, 1 ok that frees its thread for an invoke at the same time, 2 other ok
  uint32_t group;  // dense thread index
  uint32_t seq;    // 2 * (op's rank in its thread) + (ok ? 1 : 0)
  uint32_t op;     // index into history.ops
};

void AppendEvent(std::string* out, const Op& op, bool ok, uint64_t process, int64_t time, uint64_t index) {
  bool read = op.kind == OpKind::kLoad;
  fmt::format_to(std::back_inserter(*out), "{{:type {}, :f {}, :value [", ok ? ":ok" : ":invoke",
                 read ? ":read" : ":write");
  AppendNumber(out, op.key);
  out->push_back(' ');
  bool has_value = op.kind == OpKind::kStore || (read && ok && op.found);
  if (has_value) {
    AppendNumber(out, op.value);
  } else {
    out->append("nil");
  }
  fmt::format_to(std::back_inserter(*out), "], :process {}, :time {}, :index {}}}", process, time, index);
}

}  // namespace

std::string ExportJepsenEdn(const History& history) {
  // Point ops grouped by thread, each thread's ops in call order.
  std::vector<uint32_t> order;
  uint64_t max_thread = 0;
  size_t iterations = 0;
  int64_t first_time = 0;
  for (uint32_t i = 0; i < history.ops.size(); ++i) {
    const Op& op = history.ops[i];
    if (op.kind == OpKind::kIterate) {
      ++iterations;
      continue;
    }
    first_time = order.empty() ? op.call : std::min(first_time, op.call);
    max_thread = std::max<uint64_t>(max_thread, op.thread);
    order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Op& x = history.ops[a];
    const Op& y = history.ops[b];
    if (x.thread != y.thread) return x.thread < y.thread;
    if (x.call != y.call) return x.call < y.call;
    if (x.ret != y.ret) return x.ret < y.ret;
    return a < b;
  });
  // A Jepsen process has one op outstanding at a time, but a thread's ops overlap where a
  // fence window gave several one shared interval. Such an op goes to another lane (process
  // thread + lane * (max thread + 1)), so the export claims no order the timestamps lack.
  std::vector<uint64_t> process(history.ops.size(), 0);
  uint64_t lanes = 1;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    std::vector<int64_t> lane_free;  // per lane: return of its last op
    for (; j < order.size() && history.ops[order[j]].thread == history.ops[order[i]].thread; ++j) {
      const Op& op = history.ops[order[j]];
      size_t lane = 0;
      while (lane < lane_free.size() && lane_free[lane] > op.call) ++lane;
      if (lane == lane_free.size()) lane_free.push_back(op.ret);
      lane_free[lane] = op.ret;
      process[order[j]] = op.thread + lane * (max_thread + 1);
    }
    lanes = std::max<uint64_t>(lanes, lane_free.size());
    i = j;
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return process[a] < process[b]; });
  std::vector<Event> events;
  events.reserve(order.size() * 2);
  std::vector<size_t> group_start;  // index into `order` where each group begins
  for (size_t i = 0; i < order.size(); ++i) {
    const Op& op = history.ops[order[i]];
    bool new_group = i == 0 || process[order[i - 1]] != process[order[i]];
    if (new_group) group_start.push_back(i);
    uint32_t group = static_cast<uint32_t>(group_start.size() - 1);
    uint32_t rank = static_cast<uint32_t>(i - group_start.back());
    bool next_same_thread = i + 1 < order.size() && process[order[i + 1]] == process[order[i]];
    bool frees = next_same_thread && history.ops[order[i + 1]].call == op.ret;
    events.push_back({op.call, 0, group, 2 * rank, order[i]});
    events.push_back({op.ret, static_cast<uint8_t>(frees ? 1 : 2), group, 2 * rank + 1, order[i]});
  }
  group_start.push_back(order.size());
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.phase != b.phase) return a.phase < b.phase;
    if (a.group != b.group) return a.group < b.group;
    return a.seq < b.seq;
  });

  std::string out;
  out.reserve(events.size() * 90 + history.initial.size() * 180 + 1024);
  fmt::format_to(std::back_inserter(out),
                 "; mapstress history as a Jepsen history (EDN): scenario {} backend {} guarantee {} trial {} seed {}\n"
                 "; Model: one register per key. store = :write [k v], erase = :write [k nil],\n"
                 "; load = :read [k v-or-nil]; :invoke at the op's call, :ok at its return, :time in ns.\n"
                 "; Iterations are omitted ({} in the recorded history).\n",
                 EdnString(history.scenario), EdnString(history.backend), GuaranteeName(history.guarantee),
                 history.trial, history.seed, iterations);
  uint64_t init_process = order.empty() ? 0 : (max_thread + 1) * lanes;
  int64_t init_time = first_time == INT64_MIN ? first_time : first_time - 1;
  if (!history.initial.empty()) {
    fmt::format_to(std::back_inserter(out), "; The initial state is written by process {} at time {}.\n", init_process,
                   init_time);
  }
  if (history.truncated) out += "; The recorded history was truncated (its buffers filled up).\n";
  out += "[";
  uint64_t index = 0;
  auto begin_line = [&] { out += index == 0 ? "" : "\n "; };
  for (const Entry& e : history.initial) {
    Op op;
    op.kind = OpKind::kStore;
    op.key = e.key;
    op.value = e.value;
    for (bool ok : {false, true}) {
      begin_line();
      AppendEvent(&out, op, ok, init_process, init_time, index++);
    }
  }
  // Emits events in time order, except that each thread's events come out in its own order:
  // an event that arrives early (ties at one instant) waits until its predecessor is out.
  size_t groups = group_start.size() - 1;
  std::vector<uint32_t> next(groups, 0);
  std::vector<uint8_t> arrived(events.size(), 0);  // by group_start[g] * 2 + seq
  auto emit = [&](uint32_t group, uint32_t seq) {
    uint32_t op_index = order[group_start[group] + seq / 2];
    const Op& op = history.ops[op_index];
    bool ok = (seq & 1) != 0;
    begin_line();
    AppendEvent(&out, op, ok, process[op_index], ok ? op.ret : op.call, index++);
  };
  for (const Event& ev : events) {
    size_t base = group_start[ev.group] * 2;
    arrived[base + ev.seq] = 1;
    size_t count = (group_start[ev.group + 1] - group_start[ev.group]) * 2;
    while (next[ev.group] < count && arrived[base + next[ev.group]]) emit(ev.group, next[ev.group]++);
  }
  out += "]\n";
  return out;
}

}  // namespace mapstress
