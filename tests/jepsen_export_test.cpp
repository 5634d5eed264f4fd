#include "history/jepsen_export.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <sstream>

namespace mapstress {
namespace {

Op MakeOp(OpKind kind, uint32_t thread, uint64_t key, uint64_t value, bool found, int64_t call, int64_t ret) {
  Op op;
  op.kind = kind;
  op.thread = thread;
  op.key = key;
  op.value = value;
  op.found = found;
  op.call = call;
  op.ret = ret;
  return op;
}

struct EdnOp {
  std::string type, f, key, value;
  uint64_t process = 0;
  int64_t time = 0;
  uint64_t index = 0;
};

// Reads one "{:type :invoke, :f :write, :value [k v], :process p, :time t, :index i}" line
// (with the vector's '[' or ' ' before it and maybe its ']' after); false if it has another shape.
bool ParseOpLine(const std::string& line, EdnOp* op) {
  size_t pos = 1;
  auto take = [&](const std::string& literal) {
    if (line.compare(pos, literal.size(), literal) != 0) return false;
    pos += literal.size();
    return true;
  };
  auto until = [&](char end, std::string* out) {
    size_t stop = line.find(end, pos);
    if (stop == std::string::npos || stop == pos) return false;
    *out = line.substr(pos, stop - pos);
    pos = stop;
    return true;
  };
  auto is_number = [](const std::string& s, bool allow_n) {
    size_t digits = s.size() - (allow_n && !s.empty() && s.back() == 'N' ? 1 : 0);
    size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
    return digits > start && s.find_first_not_of("0123456789", start) >= digits;
  };
  std::string process, time, index;
  bool ok = (line[0] == '[' || line[0] == ' ') && take("{:type ") && until(',', &op->type) && take(", :f ") &&
            until(',', &op->f) && take(", :value [") && until(' ', &op->key) && take(" ") && until(']', &op->value) &&
            take("], :process ") && until(',', &process) && take(", :time ") && until(',', &time) &&
            take(", :index ") && until('}', &index) && take("}") &&
            (pos == line.size() || (take("]") && pos == line.size()));
  ok = ok && (op->type == ":invoke" || op->type == ":ok") && (op->f == ":read" || op->f == ":write") &&
       is_number(op->key, true) && (op->value == "nil" || is_number(op->value, true)) && is_number(process, false) &&
       is_number(time, false) && is_number(index, false);
  if (!ok) return false;
  op->process = std::stoull(process);
  op->time = std::stoll(time);
  op->index = std::stoull(index);
  return true;
}

// Splits the export into comment lines and op maps, checking the vector's shape on the way.
std::vector<EdnOp> ParseExport(const std::string& edn, std::vector<std::string>* comments) {
  std::vector<EdnOp> ops;
  std::istringstream in(edn);
  std::string line;
  bool body = false;
  int depth = 0;
  while (std::getline(in, line)) {
    if (!body && !line.empty() && line[0] == ';') {
      comments->push_back(line);
      continue;
    }
    body = true;
    for (char c : line) {
      if (c == '[' || c == '{') ++depth;
      if (c == ']' || c == '}') --depth;
      EXPECT_GE(depth, 0) << line;
    }
    if (line == "[]") continue;
    EdnOp op;
    if (ParseOpLine(line, &op)) {
      ops.push_back(op);
    } else {
      ADD_FAILURE() << "not an op map: " << line;
    }
  }
  EXPECT_EQ(depth, 0);
  return ops;
}

TEST(JepsenExportTest, ExportsPointOpsAsInvokeOkPairs) {
  History h;
  h.scenario = "sc\"en\nario";
  h.backend = "locked";
  h.initial = {{18, 1002}};
  h.ops.push_back(MakeOp(OpKind::kStore, 0, 17, 4294967297, false, 1000, 1180));
  h.ops.push_back(MakeOp(OpKind::kErase, 1, 18, 0, true, 1100, 1150));
  h.ops.push_back(MakeOp(OpKind::kLoad, 2, 17, 4294967297, true, 1200, 1230));
  h.ops.push_back(MakeOp(OpKind::kLoad, 2, 99, 0, false, 1240, 1260));
  h.ops.push_back(MakeOp(OpKind::kIterate, 3, 0, 0, false, 990, 2000));
  std::string edn = ExportJepsenEdn(h);
  std::string body = edn.substr(edn.find("\n[") + 1);
  EXPECT_EQ(body,
            "[{:type :invoke, :f :write, :value [18 1002], :process 3, :time 999, :index 0}\n"
            " {:type :ok, :f :write, :value [18 1002], :process 3, :time 999, :index 1}\n"
            " {:type :invoke, :f :write, :value [17 4294967297], :process 0, :time 1000, :index 2}\n"
            " {:type :invoke, :f :write, :value [18 nil], :process 1, :time 1100, :index 3}\n"
            " {:type :ok, :f :write, :value [18 nil], :process 1, :time 1150, :index 4}\n"
            " {:type :ok, :f :write, :value [17 4294967297], :process 0, :time 1180, :index 5}\n"
            " {:type :invoke, :f :read, :value [17 nil], :process 2, :time 1200, :index 6}\n"
            " {:type :ok, :f :read, :value [17 4294967297], :process 2, :time 1230, :index 7}\n"
            " {:type :invoke, :f :read, :value [99 nil], :process 2, :time 1240, :index 8}\n"
            " {:type :ok, :f :read, :value [99 nil], :process 2, :time 1260, :index 9}]\n");
  std::vector<std::string> comments;
  ParseExport(edn, &comments);
  ASSERT_FALSE(comments.empty());
  EXPECT_NE(comments[0].find("scenario \"sc\\\"en\\nario\""), std::string::npos) << comments[0];
  EXPECT_NE(edn.find("Iterations are omitted (1 in the recorded history)"), std::string::npos) << edn;
}

TEST(JepsenExportTest, LargeNumbersUseBigIntSyntax) {
  History h;
  h.ops.push_back(MakeOp(OpKind::kStore, 0, UINT64_MAX, (uint64_t{1} << 63), false, 1, 2));
  h.ops.push_back(MakeOp(OpKind::kStore, 0, INT64_MAX, 5, false, 3, 4));
  std::string edn = ExportJepsenEdn(h);
  EXPECT_NE(edn.find(":value [18446744073709551615N 9223372036854775808N]"), std::string::npos) << edn;
  EXPECT_NE(edn.find(":value [9223372036854775807 5]"), std::string::npos) << edn;
}

TEST(JepsenExportTest, EmptyHistoryIsAnEmptyVector) {
  std::string edn = ExportJepsenEdn(History());
  EXPECT_EQ(edn.substr(edn.find("\n[") + 1), "[]\n");
}

TEST(JepsenExportTest, TiesKeepEachProcessSequentialAndOthersConcurrent) {
  History h;
  h.ops.push_back(MakeOp(OpKind::kStore, 0, 1, 10, false, 20, 30));  // B: starts as A returns
  h.ops.push_back(MakeOp(OpKind::kStore, 0, 1, 11, false, 10, 20));  // A
  h.ops.push_back(MakeOp(OpKind::kStore, 1, 2, 12, false, 5, 20));   // C: returns at the same instant
  std::vector<std::string> comments;
  std::vector<EdnOp> ops = ParseExport(ExportJepsenEdn(h), &comments);
  ASSERT_EQ(ops.size(), 6u);
  // A's ok, then B's invoke (so B overlaps C, as the closed intervals allow), then C's ok.
  EXPECT_EQ(ops[2].type + ops[2].value, ":ok11");
  EXPECT_EQ(ops[3].type + ops[3].value, ":invoke10");
  EXPECT_EQ(ops[4].type + ops[4].value, ":ok12");
}

// Ops of one thread that share an interval (a fence window's batch) become concurrent
// processes: a Jepsen process must not have two ops outstanding, and no order may be invented.
TEST(JepsenExportTest, BatchedOpsOfOneThreadGoToSeparateProcesses) {
  History h;
  h.initial.push_back(Entry{9, 90});
  h.ops.push_back(MakeOp(OpKind::kStore, 0, 1, 10, false, 10, 20));  // A, B, C: one batch
  h.ops.push_back(MakeOp(OpKind::kLoad, 0, 1, 10, true, 10, 20));    // B
  h.ops.push_back(MakeOp(OpKind::kStore, 0, 2, 11, false, 10, 20));  // C
  h.ops.push_back(MakeOp(OpKind::kStore, 0, 3, 12, false, 20, 25));  // D: after the batch
  h.ops.push_back(MakeOp(OpKind::kStore, 1, 2, 13, false, 12, 15));  // E: another thread
  std::vector<std::string> comments;
  std::vector<EdnOp> ops = ParseExport(ExportJepsenEdn(h), &comments);
  ASSERT_EQ(ops.size(), 12u);
  std::map<std::string, uint64_t> process_of;  // by value written or read
  std::map<uint64_t, int> open;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(ops[i].time, ops[i - 1].time);
    }
    if (ops[i].type == ":invoke") {
      EXPECT_EQ(open[ops[i].process]++, 0) << "process " << ops[i].process << " invoked twice";
    } else {
      --open[ops[i].process];
    }
    process_of[ops[i].f + ops[i].value] = ops[i].process;
  }
  std::set<uint64_t> batch = {process_of[":write10"], process_of[":read10"], process_of[":write11"]};
  EXPECT_EQ(batch.size(), 3u) << "each op of the batch has its own process";
  EXPECT_EQ(process_of[":write12"], 0u);  // D follows on the thread's first lane
  EXPECT_EQ(process_of[":write13"], 1u);
  EXPECT_EQ(process_of[":write90"], 6u);  // the initial state's process comes after all lanes
  EXPECT_EQ(batch.count(process_of[":write90"]), 0u);
}

// Random sequential threads with many equal timestamps: the export must stay well formed.
TEST(JepsenExportTest, RandomHistoriesAreWellFormed) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    History h;
    size_t point_ops = 0;
    for (uint32_t thread = 0; thread < 4; ++thread) {
      int64_t t = static_cast<int64_t>(rng() % 3);
      for (int i = 0; i < 50; ++i) {
        OpKind kind = static_cast<OpKind>(rng() % kOpKindCount);
        int64_t call = t + static_cast<int64_t>(rng() % 2);
        int64_t ret = call + static_cast<int64_t>(rng() % 3);
        h.ops.push_back(MakeOp(kind, thread * 3, rng() % 4, 100 + h.ops.size(), rng() % 2, call, ret));
        t = ret;
        if (kind != OpKind::kIterate) ++point_ops;
      }
    }
    std::shuffle(h.ops.begin(), h.ops.end(), rng);
    std::vector<std::string> comments;
    std::vector<EdnOp> ops = ParseExport(ExportJepsenEdn(h), &comments);
    ASSERT_EQ(ops.size(), 2 * point_ops);
    std::map<uint64_t, const EdnOp*> open;  // process -> its pending invoke
    std::map<uint64_t, int64_t> last_time;
    for (size_t i = 0; i < ops.size(); ++i) {
      const EdnOp& op = ops[i];
      EXPECT_EQ(op.index, i);
      if (i > 0) {
        EXPECT_GE(op.time, ops[i - 1].time) << "events out of time order at " << i;
      }
      EXPECT_GE(op.time, last_time[op.process]);
      last_time[op.process] = op.time;
      if (op.type == ":invoke") {
        EXPECT_EQ(open.count(op.process), 0u) << "process " << op.process << " invoked twice at " << i;
        open[op.process] = &op;
      } else {
        ASSERT_EQ(open.count(op.process), 1u) << "ok without invoke at " << i;
        EXPECT_EQ(open[op.process]->f, op.f);
        EXPECT_EQ(open[op.process]->key, op.key);
        open.erase(op.process);
      }
    }
    EXPECT_TRUE(open.empty());
  }
}

}  // namespace
}  // namespace mapstress
