#include "history/history_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <tuple>

#include "check/checker.h"
#include "report_fixtures.h"

namespace mapstress {
namespace {

namespace fs = std::filesystem;

// One fresh folder per process (CTest runs these tests in parallel), removed at exit.
std::string TempPath(const std::string& name) {
  static const fixtures::TempDir dir;
  return dir / name;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// An op with its iteration entries inlined, so histories compare independently of op order.
using Canonical = std::tuple<int, uint32_t, int64_t, int64_t, uint64_t, uint64_t, bool, std::vector<uint64_t>>;

std::vector<Canonical> CanonicalOps(const History& h) {
  std::vector<Canonical> out;
  for (const Op& op : h.ops) {
    std::vector<uint64_t> entries;
    if (op.kind == OpKind::kIterate) {
      for (uint64_t i = op.first_entry; i < op.first_entry + op.entry_count; ++i) {
        entries.push_back(h.entries[i].key);
        entries.push_back(h.entries[i].value);
      }
    }
    out.emplace_back(static_cast<int>(op.kind), op.thread, op.call, op.ret, op.key, op.value, op.found, entries);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ExpectSameHistory(const History& a, const History& b) {
  EXPECT_EQ(a.scenario, b.scenario);
  EXPECT_EQ(a.backend, b.backend);
  EXPECT_EQ(a.guarantee, b.guarantee);
  EXPECT_EQ(a.trial, b.trial);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.thread_names, b.thread_names);
  EXPECT_EQ(a.truncated, b.truncated);
  ASSERT_EQ(a.initial.size(), b.initial.size());
  for (size_t i = 0; i < a.initial.size(); ++i) {
    EXPECT_EQ(a.initial[i].key, b.initial[i].key);
    EXPECT_EQ(a.initial[i].value, b.initial[i].value);
  }
  EXPECT_EQ(CanonicalOps(a), CanonicalOps(b));
}

// A random history with extreme numbers; store values are unique per key as the format requires.
History RandomHistory(uint32_t seed) {
  std::mt19937_64 rng(seed);
  History h;
  h.scenario = "rand \"quoted\" \\ back\nslash \x01 \xc3\xa9";
  h.backend = "sharded";
  h.guarantee = static_cast<Guarantee>(seed % 3);
  h.trial = UINT32_MAX - seed;
  h.seed = UINT64_MAX - seed;
  h.truncated = seed % 2 == 0;
  if (seed % 2 == 1) h.thread_names = {"writer-1", "", "it\"er"};
  const uint64_t keys[] = {0, 1, 17, UINT64_MAX, UINT64_MAX - 1, uint64_t{1} << 63};
  h.initial = {{UINT64_MAX, UINT64_MAX}, {0, 0}, {17, 5}};
  uint64_t next_value = 1000;
  for (int i = 0; i < 200; ++i) {
    Op op;
    op.kind = static_cast<OpKind>(rng() % kOpKindCount);
    op.thread = static_cast<uint32_t>(rng() % 5);
    if (i == 7) op.thread = UINT32_MAX;
    op.call = static_cast<int64_t>(rng() % 100000) - 50000;
    op.ret = op.call + static_cast<int64_t>(rng() % 1000);
    if (i == 3) {
      op.call = INT64_MIN;
      op.ret = INT64_MAX;
    }
    op.key = keys[rng() % std::size(keys)];
    switch (op.kind) {
      case OpKind::kStore: op.value = i == 11 ? UINT64_MAX - 7 : next_value++; break;
      case OpKind::kErase: op.found = rng() % 2; break;
      case OpKind::kLoad:
        op.found = rng() % 2;
        op.value = op.found ? (rng() % 2 ? UINT64_MAX : rng()) : 0;
        break;
      case OpKind::kIterate:
        op.key = 0;
        op.first_entry = h.entries.size();
        op.entry_count = static_cast<uint32_t>(rng() % 6);
        for (uint32_t e = 0; e < op.entry_count; ++e) h.entries.push_back({keys[rng() % std::size(keys)], rng()});
        break;
    }
    h.ops.push_back(op);
  }
  return h;
}

TEST(HistoryFileTest, RoundTripsPlainAndGzip) {
  for (uint32_t seed = 0; seed < 4; ++seed) {
    History h = RandomHistory(seed);
    for (const char* name : {"round.jsonl", "round.jsonl.gz"}) {
      std::string path = TempPath(name);
      std::string error;
      ASSERT_TRUE(WriteHistoryFile(path, h, &error)) << error;
      History back;
      ASSERT_TRUE(ReadHistoryFile(path, &back, &error)) << error;
      ExpectSameHistory(h, back);
    }
  }
}

TEST(HistoryFileTest, GzipFileIsCompressed) {
  History h = RandomHistory(1);
  std::string error;
  std::string plain = TempPath("size.jsonl");
  std::string gz = TempPath("size.jsonl.gz");
  ASSERT_TRUE(WriteHistoryFile(plain, h, &error)) << error;
  ASSERT_TRUE(WriteHistoryFile(gz, h, &error)) << error;
  std::ifstream in(gz, std::ios::binary);
  unsigned char magic[2] = {};
  in.read(reinterpret_cast<char*>(magic), 2);
  EXPECT_EQ(magic[0], 0x1f);
  EXPECT_EQ(magic[1], 0x8b);
  EXPECT_LT(fs::file_size(gz), fs::file_size(plain) / 2);
}

TEST(HistoryFileTest, WritesThroughTempFileAndLeavesNoneBehind) {
  fs::path dir = fs::path(TempPath("atomic"));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string error;
  History h = RandomHistory(2);
  ASSERT_TRUE(WriteHistoryFile((dir / "h.jsonl.gz").string(), h, &error)) << error;
  ASSERT_TRUE(WriteHistoryFile((dir / "h.jsonl.gz").string(), h, &error)) << error;  // replaces
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"h.jsonl.gz"});
  EXPECT_FALSE(WriteHistoryFile((dir / "no-such-dir" / "h.jsonl").string(), h, &error));
  EXPECT_NE(error.find("no-such-dir/h.jsonl: cannot write"), std::string::npos) << error;
}

TEST(HistoryFileTest, RefusesOpsReferringToMissingEntries) {
  History h;
  Op op;
  op.kind = OpKind::kIterate;
  op.first_entry = 3;
  op.entry_count = 1;
  h.ops.push_back(op);
  std::string error;
  EXPECT_FALSE(WriteHistoryFile(TempPath("bad.jsonl"), h, &error));
  EXPECT_NE(error.find("refers to entries beyond"), std::string::npos) << error;
  EXPECT_FALSE(WriteHistoryFile(TempPath("bad.mshist"), h, &error));  // checked while encoding
  EXPECT_EQ(error, TempPath("bad.mshist") + ": op 0 refers to entries beyond the history's 0");
  EXPECT_FALSE(fs::exists(TempPath("bad.mshist")));
}

// A value may repeat across keys (the file requires uniqueness per key only): reading sorts the
// claims only then, and still finds a real repeat, in both formats.
TEST(HistoryFileTest, ValuesRepeatedAcrossKeysAreAcceptedRepeatsOfAKeyAreNot) {
  History h;
  h.initial = {{1, 7}};
  for (uint64_t i = 0; i < 3; ++i) {
    Op op;
    op.thread = static_cast<uint32_t>(i);
    op.key = 2 + i;
    op.value = 7;  // the initial value of key 1, stored under keys 2, 3, 4
    op.call = static_cast<int64_t>(10 * i);
    op.ret = op.call + 5;
    h.ops.push_back(op);
  }
  for (const char* name : {"repeat.jsonl", "repeat.mshist"}) {
    std::string path = TempPath(name), error;
    History back;
    ASSERT_TRUE(WriteHistoryFile(path, h, &error)) << error;
    EXPECT_TRUE(ReadHistoryFile(path, &back, &error)) << name << ": " << error;
    History twice = h;
    twice.ops[2].key = 3;  // ops 1 and 2 both store 7 under key 3: lines 3 and 4 of the JSONL
    ASSERT_TRUE(WriteHistoryFile(path, twice, &error)) << error;
    EXPECT_FALSE(ReadHistoryFile(path, &back, &error));
    EXPECT_EQ(error, path + ":4: value 7 is claimed by two stores (line 3 and line 4)");
    EXPECT_TRUE(back.ops.empty());
  }
}

TEST(HistoryFileTest, FileNameIsSanitised) {
  History h;
  h.scenario = "02-iterate while/deleting";
  h.backend = "tbb::concurrent_hash_map";
  h.trial = 7;
  EXPECT_EQ(HistoryFileName(h), "02-iterate_while_deleting__tbb__concurrent_hash_map__trial7.mshist");
  h.scenario = "";
  h.backend = "..";
  EXPECT_EQ(HistoryFileName(h), "unnamed___.__trial7.mshist");
}

constexpr const char* kHeader =
    R"({"format":"mapstress-history","version":1,"scenario":"s","backend":"b","guarantee":"weak","trial":0,"seed":42,"initial":[[17,1001],[18,1002]]})"
    "\n";

TEST(HistoryFileTest, ReadsTheDocumentedExample) {
  std::string text = std::string(kHeader) +
                     R"({"thread":0,"op":"store","key":17,"value":4294967297,"call":1000,"return":1180}
{"thread":1,"op":"erase","key":18,"removed":true,"call":1100,"return":1150}
{"thread":2,"op":"load","key":17,"found":true,"value":4294967297,"call":1200,"return":1230}
{"thread":2,"op":"load","key":99,"found":false,"call":1240,"return":1260}
{"thread":3,"op":"iterate","call":990,"return":2000,"entries":[[17,1001],[18,1002]]}
)";
  History h;
  std::string error;
  ASSERT_TRUE(ParseHistoryText("h.jsonl", text, &h, &error)) << error;
  EXPECT_EQ(h.scenario, "s");
  EXPECT_EQ(h.seed, 42u);
  ASSERT_EQ(h.initial.size(), 2u);
  EXPECT_EQ(h.initial[1].value, 1002u);
  ASSERT_EQ(h.ops.size(), 5u);
  EXPECT_EQ(h.ops[0].kind, OpKind::kStore);
  EXPECT_EQ(h.ops[0].value, 4294967297u);
  EXPECT_EQ(h.ops[0].ret, 1180);
  EXPECT_EQ(h.ops[1].kind, OpKind::kErase);
  EXPECT_TRUE(h.ops[1].found);
  EXPECT_TRUE(h.ops[2].found);
  EXPECT_FALSE(h.ops[3].found);
  EXPECT_EQ(h.ops[3].key, 99u);
  EXPECT_EQ(h.ops[4].kind, OpKind::kIterate);
  EXPECT_EQ(h.ops[4].thread, 3u);
  ASSERT_EQ(h.ops[4].entry_count, 2u);
  EXPECT_EQ(h.entries[h.ops[4].first_entry + 1].key, 18u);
}

TEST(HistoryFileTest, ToleratesWhitespaceKeyOrderAndUnknownFields) {
  std::string text =
      " { \"initial\" : [ [ 1 , 2 ] ] , "
      "\"seed\":1,\"trial\":3,\"guarantee\":\"snapshot\",\"backend\":\"b\\u00e9\\ud83d\\ude00\","
      "\"scenario\":\"a\\\"b\\\\c\\/\\n\",\"future\":{\"x\":[1,{\"y\":\"]}\"}],\"z\":null},\"version\":1,"
      "\"format\":\"mapstress-history\",\"threads\":[\"w\\t1\"],\"truncated\":false}\r\n"
      "\n"
      "{\"return\":5 ,\"note\":\"a \\\"}\\\" b\",\"entries\":[],\"call\":-3,\"op\":\"iterate\",\"thread\":1,"
      "\"n\":-1.5e+3,\"t\":true,\"deep\":[[[[]]]]}\r\n"
      "{\"thread\":0,\"op\":\"load\",\"key\":1,\"found\":false,\"value\":7,\"call\":0,"
      "\"return\":0}";
  History h;
  std::string error;
  ASSERT_TRUE(ParseHistoryText("h.jsonl", text, &h, &error)) << error;
  EXPECT_EQ(h.scenario, "a\"b\\c/\n");
  EXPECT_EQ(h.backend, "b\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(h.guarantee, Guarantee::kSnapshot);
  EXPECT_EQ(h.trial, 3u);
  EXPECT_EQ(h.thread_names, std::vector<std::string>{"w\t1"});
  ASSERT_EQ(h.ops.size(), 2u);
  EXPECT_EQ(h.ops[0].call, -3);
  EXPECT_EQ(h.ops[0].entry_count, 0u);
  EXPECT_FALSE(h.ops[1].found);
  EXPECT_EQ(h.ops[1].value, 0u);  // a value beside found:false is ignored
}

struct Malformed {
  const char* what;
  std::string ops;  // lines after kHeader (or the whole file when header_too)
  std::string message;
  bool header_too = false;
};

TEST(HistoryFileTest, RejectsMalformedLinesWithExactMessages) {
  const std::string store = R"({"thread":0,"op":"store","key":17,"value":5,"call":1000,"return":1180})";
  const std::vector<Malformed> cases = {
      {"truncated line", R"({"thread":0,"op":"store",)",
       "h.jsonl:2: bad JSON: line ended where a string was expected at column 26"},
      {"not an object", "[1,2]", "h.jsonl:2: bad JSON: expected '{' (each line is one JSON object) at column 1"},
      {"trailing text", store + " x", "h.jsonl:2: bad JSON: extra text after the object at column 72"},
      {"bad escape", R"({"thread":0,"op":"st\qre"})", "h.jsonl:2: bad JSON: invalid escape '\\q' at column 22"},
      {"unknown op", R"({"thread":0,"op":"stor","key":1,"value":2,"call":1,"return":2})",
       "h.jsonl:2: unknown op 'stor' (did you mean 'store'?)"},
      {"unknown op, no suggestion", R"({"thread":0,"op":"frobnicate","call":1,"return":2})",
       "h.jsonl:2: unknown op 'frobnicate'"},
      {"missing return", "\n\n" + std::string(R"({"thread":0,"op":"store","key":1,"value":2,"call":1})"),
       "h.jsonl:4: missing field 'return'"},
      {"missing op", R"({"thread":0,"key":1,"call":1,"return":2})", "h.jsonl:2: missing field 'op'"},
      {"missing value of a found load", R"({"thread":0,"op":"load","key":1,"found":true,"call":1,"return":2})",
       "h.jsonl:2: missing field 'value'"},
      {"missing removed", R"({"thread":0,"op":"erase","key":1,"call":1,"return":2})",
       "h.jsonl:2: missing field 'removed'"},
      {"missing entries", R"({"thread":0,"op":"iterate","call":1,"return":2})", "h.jsonl:2: missing field 'entries'"},
      {"return before call",
       "\n\n\n" + std::string(R"({"thread":0,"op":"erase","key":1,"removed":false,"call":1000,"return":900})"),
       "h.jsonl:5: return 900 is before call 1000"},
      {"duplicate field", R"({"thread":0,"thread":1})", "h.jsonl:2: duplicate field 'thread'"},
      {"string key", R"({"thread":0,"op":"store","key":"17","value":2,"call":1,"return":2})",
       "h.jsonl:2: field 'key' must be a non-negative integer (got \"17\")"},
      {"number for bool", R"({"thread":0,"op":"erase","key":1,"removed":1,"call":1,"return":2})",
       "h.jsonl:2: field 'removed' must be true or false (got 1)"},
      {"negative key", R"({"thread":0,"op":"store","key":-5,"value":2,"call":1,"return":2})",
       "h.jsonl:2: field 'key' must not be negative (got -5)"},
      {"negative thread", R"({"thread":-1})", "h.jsonl:2: field 'thread' must not be negative (got -1)"},
      {"fraction", R"({"thread":0,"op":"store","key":1,"value":2.5,"call":1,"return":2})",
       "h.jsonl:2: field 'value' must be an integer (got 2.5)"},
      {"exponent", R"({"call":1e3})", "h.jsonl:2: field 'call' must be an integer (got 1e3)"},
      {"key overflow", R"({"key":18446744073709551616})",
       "h.jsonl:2: field 'key' is out of range (got 18446744073709551616)"},
      {"time overflow", R"({"call":9223372036854775808})",
       "h.jsonl:2: field 'call' is out of range (got 9223372036854775808)"},
      {"thread overflow", R"({"thread":4294967296,"op":"iterate","call":1,"return":2,"entries":[]})",
       "h.jsonl:2: field 'thread' is out of range (got 4294967296)"},
      {"bad pair", R"({"thread":0,"op":"iterate","call":1,"return":2,"entries":[[1,2],[3]]})",
       "h.jsonl:2: field 'entries' item 1 must be a [key, value] pair (got [3])"},
      {"negative entry value", R"({"entries":[[1,-2]]})",
       "h.jsonl:2: field 'entries' item 0 value must not be negative (got -2)"},
      {"two stores claim a value",
       store + "\n" + R"({"thread":1,"op":"store","key":18,"value":5,"call":1,"return":2})" + "\n" +
           R"({"thread":1,"op":"store","key":17,"value":5,"call":3,"return":4})",
       "h.jsonl:4: value 5 is claimed by two stores (line 2 and line 4)"},
      {"store claims an initial value", R"({"thread":1,"op":"store","key":18,"value":1002,"call":1,"return":2})",
       "h.jsonl:2: value 1002 of key 18 is claimed by a store and by the header's initial state"},
      {"not a history", R"({"format":"mapstress-hist","version":1})",
       "h.jsonl:1: not a mapstress history (header 'format' must be \"mapstress-history\")", true},
      {"no format", R"({"version":1})",
       "h.jsonl:1: not a mapstress history (header 'format' must be \"mapstress-history\")", true},
      {"future version", R"({"format":"mapstress-history","version":2,"initial":{"new":"shape"}})",
       "h.jsonl:1: version 2 is not supported (this mapstress reads version 1)", true},
      {"header missing seed",
       R"({"format":"mapstress-history","version":1,"scenario":"s","backend":"b","guarantee":"weak","trial":0,"initial":[]})",
       "h.jsonl:1: missing field 'seed'", true},
      {"unknown guarantee",
       R"({"format":"mapstress-history","version":1,"scenario":"s","backend":"b","guarantee":"snapshott","trial":0,"seed":1,"initial":[]})",
       "h.jsonl:1: unknown guarantee 'snapshott' (did you mean 'snapshot'?)", true},
      {"initial key twice",
       R"({"format":"mapstress-history","version":1,"scenario":"s","backend":"b","guarantee":"weak","trial":0,"seed":1,"initial":[[3,1],[4,1],[3,2]]})",
       "h.jsonl:1: field 'initial' lists key 3 twice", true},
      {"blank first line", "\n" + std::string(kHeader),
       "h.jsonl:1: empty first line (expected a mapstress-history header)", true},
      {"leading zero", R"({"key":017})", "h.jsonl:2: bad JSON: leading zero in a number at column 9"},
      {"empty", "", "h.jsonl:1: empty file (expected a mapstress-history header)", true},
      {"newlines only", "\n \n\n", "h.jsonl:1: empty file (expected a mapstress-history header)", true},
      {"whitespace only", "  \r", "h.jsonl:1: empty file (expected a mapstress-history header)", true},
  };
  for (const Malformed& c : cases) {
    std::string text = c.header_too ? c.ops : std::string(kHeader) + c.ops + "\n";
    History h;
    std::string error;
    EXPECT_FALSE(ParseHistoryText("h.jsonl", text, &h, &error)) << c.what;
    EXPECT_EQ(error, c.message) << c.what;
  }
}

TEST(HistoryFileTest, ReportsFileLevelProblems) {
  std::string error;
  History h;
  std::string empty = TempPath("empty.jsonl");
  WriteText(empty, "");
  EXPECT_FALSE(ReadHistoryFile(empty, &h, &error));
  EXPECT_EQ(error, empty + ":1: empty file (expected a mapstress-history header)");

  EXPECT_FALSE(ReadHistoryFile(TempPath("absent.jsonl"), &h, &error));
  EXPECT_EQ(error.rfind(TempPath("absent.jsonl") + ": cannot open: ", 0), 0u) << error;

  // A gzip stream cut in half: the intact part decodes, then the stream ends early.
  std::string gz = TempPath("cut.jsonl.gz");
  ASSERT_TRUE(WriteHistoryFile(gz, RandomHistory(3), &error)) << error;
  fs::resize_file(gz, fs::file_size(gz) / 2);
  EXPECT_FALSE(ReadHistoryFile(gz, &h, &error));
  EXPECT_EQ(error.rfind(gz + ":", 0), 0u) << error;
  EXPECT_NE(error.find(": truncated or corrupt gzip data ("), std::string::npos) << error;

  std::string plain = TempPath("line.jsonl");
  WriteText(plain, std::string(kHeader) + "{\"thread\":0,\"op\":\"stor\"}\n");
  EXPECT_FALSE(ReadHistoryFile(plain, &h, &error));
  EXPECT_EQ(error, plain + ":2: unknown op 'stor' (did you mean 'store'?)");
}

// Random byte edits of a valid file: each must either fail with a "file:line: " message or load
// a history that survives another round trip (no crash, no silent garbage).
TEST(HistoryFileTest, SurvivesRandomCorruption) {
  std::string path = TempPath("mutate.jsonl");
  std::string error;
  ASSERT_TRUE(WriteHistoryFile(path, RandomHistory(5), &error)) << error;
  std::ifstream in(path, std::ios::binary);
  std::string valid((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string alphabet = "{}[]\":,-.0123456789eE truefalsn\\u\n\t\x01\xff";
  std::mt19937 rng(11);
  int loaded = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string text = valid;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        case 2: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 3: text.resize(at); break;
      }
      if (text.empty()) text = "{";
    }
    History h;
    if (ParseHistoryText("m.jsonl", text, &h, &error)) {
      ++loaded;
      std::string again = TempPath("mutate-again.jsonl");
      ASSERT_TRUE(WriteHistoryFile(again, h, &error)) << error;
      History back;
      ASSERT_TRUE(ReadHistoryFile(again, &back, &error)) << error;
      ExpectSameHistory(h, back);
    } else {
      EXPECT_EQ(error.rfind("m.jsonl:", 0), 0u) << error;
    }
  }
  EXPECT_GT(loaded, 0);  // some edits (inside numbers, truncation at a line end) still parse
}

// Like the engine's: three threads, each thread's ops together and in call order, fast ops in
// 2 us batches sharing call and return, sequential store values, loads of the latest value,
// iterations of the whole map.
History EngineLikeHistory() {
  History h;
  h.scenario = "engine-like";
  h.backend = "locked";
  h.thread_names = {"writer-1", "reader-1", "iterator-1"};
  std::map<uint64_t, uint64_t> state;
  for (uint64_t k = 0; k < 500; ++k) {
    state[k] = (uint64_t{1} << 52) | (k + 1);
    h.initial.push_back({k, state[k]});
  }
  std::mt19937_64 rng(3);
  std::vector<Op> per_thread[3];
  std::vector<Entry> entries[3];
  uint64_t seq = 1;
  for (int64_t b = 0; b < 400; ++b) {
    const int64_t call = 1'000'000 + b * 2000, ret = call + 2000;
    for (uint32_t t = 0; t < 3; ++t) {
      for (int j = 0; j < (t == 2 ? 1 : 30); ++j) {
        Op op;
        op.thread = t;
        op.call = call;
        op.ret = ret;
        op.key = rng() % 500;
        if (t == 0) {
          op.kind = rng() % 4 == 0 ? OpKind::kErase : OpKind::kStore;
          if (op.kind == OpKind::kStore) {
            op.value = (uint64_t{1} << 52) | (uint64_t{1} << 41) | seq++;
            state[op.key] = op.value;
          } else {
            op.found = state.erase(op.key) > 0;
          }
        } else if (t == 1) {
          op.kind = OpKind::kLoad;
          auto it = state.find(op.key);
          op.found = it != state.end();
          op.value = op.found ? it->second : 0;
        } else {
          if (b % 20 != 0) continue;
          op.kind = OpKind::kIterate;
          op.key = 0;
          op.first_entry = entries[t].size();
          for (const auto& [k, v] : state) entries[t].push_back({k, v});
          op.entry_count = static_cast<uint32_t>(state.size());
        }
        per_thread[t].push_back(op);
      }
    }
  }
  for (uint32_t t = 0; t < 3; ++t) {
    for (Op op : per_thread[t]) {
      if (op.kind == OpKind::kIterate) op.first_entry += h.entries.size();
      h.ops.push_back(op);
    }
    h.entries.insert(h.entries.end(), entries[t].begin(), entries[t].end());
  }
  return h;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The binary format keeps every field exactly, for any op order (random histories are in no
// order; the engine's are thread-major, which the file keeps by its thread list).
TEST(HistoryFileTest, BinaryRoundTripsExactly) {
  for (uint32_t seed = 0; seed < 6; ++seed) {
    History h = seed == 5 ? EngineLikeHistory() : RandomHistory(seed);
    std::string path = TempPath("round.mshist");
    std::string error;
    ASSERT_TRUE(WriteHistoryFile(path, h, &error)) << error;
    EXPECT_EQ(ReadText(path).rfind("\x89mshist\n", 0), 0u);
    History back;
    ASSERT_TRUE(ReadHistoryFile(path, &back, &error)) << error;
    ExpectSameHistory(h, back);
    ASSERT_EQ(back.ops.size(), h.ops.size());
    for (size_t i = 0; i < h.ops.size(); ++i) {  // the same order, too
      EXPECT_EQ(back.ops[i].thread, h.ops[i].thread);
      EXPECT_EQ(back.ops[i].call, h.ops[i].call);
      EXPECT_EQ(back.ops[i].key, h.ops[i].key);
    }
    EXPECT_EQ(Check(back).anomalous, Check(h).anomalous);
  }
}

// The point of the format (issue 21): an engine-like history in at most 8 bytes per op, where
// JSON Lines with gzip takes several times that.
TEST(HistoryFileTest, BinaryTakesAtMostEightBytesPerOp) {
  History h = EngineLikeHistory();
  std::string bin = TempPath("size.mshist"), gz = TempPath("size-engine.jsonl.gz");
  std::string error;
  ASSERT_TRUE(WriteHistoryFile(bin, h, &error)) << error;
  ASSERT_TRUE(WriteHistoryFile(gz, h, &error)) << error;
  const double ops = static_cast<double>(h.ops.size());
  EXPECT_LE(static_cast<double>(fs::file_size(bin)) / ops, 8.0);
  EXPECT_LT(fs::file_size(bin) * 2, fs::file_size(gz));
}

// The format is told by the magic, not the name; export-style writes pick it explicitly.
TEST(HistoryFileTest, BinaryIsDetectedByItsMagic) {
  History h = RandomHistory(2);
  std::string path = TempPath("named-wrongly.jsonl");
  std::string error;
  ASSERT_TRUE(WriteHistoryFile(path, h, HistoryFileFormat::kBinary, &error)) << error;
  History back;
  ASSERT_TRUE(ReadHistoryFile(path, &back, &error)) << error;
  ExpectSameHistory(h, back);
  std::string text_path = TempPath("text.mshist");
  ASSERT_TRUE(WriteHistoryFile(text_path, h, HistoryFileFormat::kJsonl, &error)) << error;
  EXPECT_EQ(ReadText(text_path).rfind("{\"format\"", 0), 0u);
  ASSERT_TRUE(ReadHistoryFile(text_path, &back, &error)) << error;
  ExpectSameHistory(h, back);
}

TEST(HistoryFileTest, BinaryErrorsNameTheFileAndRecord) {
  std::string path = TempPath("cut.mshist");
  std::string error;
  ASSERT_TRUE(WriteHistoryFile(path, EngineLikeHistory(), &error)) << error;
  std::string valid = ReadText(path);
  History h;
  EXPECT_FALSE(ParseHistoryText("c.mshist", valid.substr(0, valid.size() - 3), &h, &error));
  EXPECT_EQ(error.rfind("c.mshist:record ", 0), 0u) << error;
  EXPECT_NE(error.find("truncated binary history"), std::string::npos) << error;
  EXPECT_TRUE(h.ops.empty());
  std::string bad_version = valid;
  bad_version[8] = 9;
  EXPECT_FALSE(ParseHistoryText("c.mshist", bad_version, &h, &error));
  EXPECT_EQ(error, "c.mshist:header: binary version 9 is not supported (this mapstress reads version 1)");
  EXPECT_FALSE(ParseHistoryText("c.mshist", valid + "x", &h, &error));
  EXPECT_NE(error.find("1 bytes after the last record"), std::string::npos) << error;
}

// Random byte edits of a binary file: each fails with a "file:" message or loads a history that
// round-trips (no crash, no unbounded allocation).
TEST(HistoryFileTest, BinarySurvivesRandomCorruption) {
  std::string path = TempPath("mutate.mshist");
  std::string error;
  History source = EngineLikeHistory();
  source.ops.resize(300);  // the writer's ops only: small and still thread-major
  source.entries.clear();
  ASSERT_TRUE(WriteHistoryFile(path, source, &error)) << error;
  const std::string valid = ReadText(path);
  std::mt19937 rng(12);
  int loaded = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = valid;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t at = 8 + rng() % (text.size() - 8);
      switch (rng() % 3) {
        case 0: text[at] = static_cast<char>(rng()); break;
        case 1: text[at] ^= static_cast<char>(1 << (rng() % 8)); break;
        case 2: text.resize(at); break;
      }
      if (text.size() <= 8) text = valid.substr(0, 9);
    }
    History h;
    if (ParseHistoryText("m.mshist", text, &h, &error)) {
      ++loaded;
      std::string again = TempPath("mutate-again.mshist");
      ASSERT_TRUE(WriteHistoryFile(again, h, &error)) << error;
      History back;
      ASSERT_TRUE(ReadHistoryFile(again, &back, &error)) << error;
      ExpectSameHistory(h, back);
    } else {
      EXPECT_EQ(error.rfind("m.mshist:", 0), 0u) << error;
    }
  }
  EXPECT_GT(loaded, 0);  // edits of a key or a value still decode
}

// The committed examples (documented in src/history/README.md), each with the anomalies it shows.
struct Example {
  const char* file;
  uint64_t iterations, loads, snapshot;
  std::array<uint64_t, kAnomalyCount> anomalies;  // missing, phantom, duplicate, stale_value,
                                                  // unknown_value, stale_read, not_snapshot
};

TEST(HistoryFileTest, CommittedExamplesShowTheirAnomalies) {
  const Example examples[] = {
      {"clean_snapshot", 1, 2, 1, {0, 0, 0, 0, 0, 0, 0}},    {"clean_weak", 1, 1, 1, {0, 0, 0, 0, 0, 0, 0}},
      {"missing", 1, 0, 0, {1, 0, 0, 0, 0, 0, 0}},           {"phantom", 1, 0, 0, {0, 1, 0, 0, 0, 0, 0}},
      {"duplicate", 1, 0, 0, {0, 0, 1, 0, 0, 0, 0}},         {"stale_value", 1, 0, 0, {0, 0, 0, 1, 0, 0, 0}},
      {"unknown_value", 1, 0, 0, {0, 0, 0, 0, 1, 0, 0}},     {"stale_read", 0, 1, 0, {0, 0, 0, 0, 0, 1, 0}},
      {"not_snapshot", 1, 0, 0, {0, 0, 0, 0, 0, 0, 1}},      {"shared_value", 1, 1, 1, {0, 0, 0, 0, 0, 0, 0}},
      {"wrong_erase", 0, 0, 0, {0, 0, 0, 0, 0, 2, 0}},       {"double_removal", 0, 0, 0, {0, 0, 0, 0, 0, 1, 0}},
      {"new_old_inversion", 0, 3, 0, {0, 0, 0, 0, 0, 1, 0}},
  };
  for (const Example& e : examples) {
    std::string path = std::string(MAPSTRESS_SOURCE_DIR) + "/tests/data/histories/" + e.file + ".jsonl";
    History h;
    std::string error;
    ASSERT_TRUE(ReadHistoryFile(path, &h, &error)) << error;
    CheckResult r = Check(h);
    EXPECT_EQ(r.iterations, e.iterations) << e.file;
    EXPECT_EQ(r.loads, e.loads) << e.file;
    EXPECT_EQ(r.snapshot, e.snapshot) << e.file;
    for (int a = 0; a < kAnomalyCount; ++a) {
      EXPECT_EQ(r.anomalies[a], e.anomalies[a]) << e.file << ": " << AnomalyName(static_cast<Anomaly>(a));
    }
  }
}

}  // namespace
}  // namespace mapstress
