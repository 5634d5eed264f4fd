#include "history/history_file.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "core/atomic_file.h"
#include "core/contract.h"
#include "core/suggest.h"
#include "history/binary_history.h"
#include "history/gzip_file.h"
#include "history/json_line_parser.h"
#include "history/line_reader.h"

namespace mapstress {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Writing

template <typename Int>
void AppendInt(std::string* out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append(fmt::format("\\u{:04x}", c));
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendPairs(std::string* out, const Entry* begin, const Entry* end) {
  out->push_back('[');
  for (const Entry* e = begin; e != end; ++e) {
    if (e != begin) out->push_back(',');
    out->push_back('[');
    AppendInt(out, e->key);
    out->push_back(',');
    AppendInt(out, e->value);
    out->push_back(']');
  }
  out->push_back(']');
}

void AppendHeader(std::string* out, const History& h) {
  out->append("{\"format\":\"mapstress-history\",\"version\":");
  AppendInt(out, kHistoryFormatVersion);
  out->append(",\"scenario\":");
  AppendJsonString(out, h.scenario);
  out->append(",\"backend\":");
  AppendJsonString(out, h.backend);
  out->append(",\"guarantee\":\"");
  out->append(GuaranteeName(h.guarantee));
  out->append("\",\"trial\":");
  AppendInt(out, h.trial);
  out->append(",\"seed\":");
  AppendInt(out, h.seed);
  if (!h.thread_names.empty()) {
    out->append(",\"threads\":[");
    for (size_t i = 0; i < h.thread_names.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendJsonString(out, h.thread_names[i]);
    }
    out->push_back(']');
  }
  if (h.truncated) out->append(",\"truncated\":true");
  if (!h.grading.empty()) {
    out->append(",\"grading\":{");
    bool first = true;
    for (const auto& [kind, grade] : h.grading) {
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(out, kind);
      out->push_back(':');
      AppendJsonString(out, grade);
    }
    out->push_back('}');
  }
  out->append(",\"initial\":");
  AppendPairs(out, h.initial.data(), h.initial.data() + h.initial.size());
  out->append("}\n");
}

void AppendOp(std::string* out, const History& h, const Op& op) {
  out->append("{\"thread\":");
  AppendInt(out, op.thread);
  out->append(",\"op\":\"");
  out->append(OpKindName(op.kind));
  out->push_back('"');
  switch (op.kind) {
    case OpKind::kStore:
      out->append(",\"key\":");
      AppendInt(out, op.key);
      out->append(",\"value\":");
      AppendInt(out, op.value);
      break;
    case OpKind::kErase:
      out->append(",\"key\":");
      AppendInt(out, op.key);
      out->append(op.found ? ",\"removed\":true" : ",\"removed\":false");
      break;
    case OpKind::kLoad:
      out->append(",\"key\":");
      AppendInt(out, op.key);
      if (op.found) {
        out->append(",\"found\":true,\"value\":");
        AppendInt(out, op.value);
      } else {
        out->append(",\"found\":false");
      }
      break;
    case OpKind::kIterate: break;
  }
  out->append(",\"call\":");
  AppendInt(out, op.call);
  out->append(",\"return\":");
  AppendInt(out, op.ret);
  if (op.kind == OpKind::kIterate) {
    out->append(",\"entries\":");
    const Entry* first = h.entries.data() + op.first_entry;
    AppendPairs(out, first, first + op.entry_count);
  }
  out->append("}\n");
}

enum Field : uint32_t {
  kThread = 1 << 0,
  kOp = 1 << 1,
  kKey = 1 << 2,
  kValue = 1 << 3,
  kFound = 1 << 4,
  kRemoved = 1 << 5,
  kCall = 1 << 6,
  kReturn = 1 << 7,
  kEntries = 1 << 8,
};

struct FieldName {
  std::string_view name;
  Field bit;
};
constexpr FieldName kOpFields[] = {
    {"thread", kThread},   {"op", kOp},     {"key", kKey},       {"value", kValue},     {"found", kFound},
    {"removed", kRemoved}, {"call", kCall}, {"return", kReturn}, {"entries", kEntries},
};

bool ParseOpField(LineParser* p, OpKind* kind) {
  if (!p->Peek('"')) return p->WrongType({"op"}, "a string");
  std::string_view text;
  std::string scratch;
  if (!p->ParseString(&text, &scratch)) return false;
  if (ParseOpKind(text, kind)) return true;
  std::string word(text);
  return p->Fail(fmt::format("unknown op '{}'{}", word, DidYouMean(word, OpKindNames())));
}

// One operation line into history->ops (and its entries into history->entries).
bool ParseOpLine(LineParser* p, History* history) {
  Op op;
  uint32_t seen = 0;
  uint64_t thread = 0;
  bool found = false;
  bool removed = false;
  size_t entries_before = history->entries.size();
  bool ok = ParseObject(p, [&](std::string_view name) {
    Field bit = Field(0);
    for (const auto& f : kOpFields) {
      if (f.name == name) bit = f.bit;
    }
    if (bit == 0) return p->SkipValue();
    if (seen & bit) return p->Fail(fmt::format("duplicate field '{}'", name));
    seen |= bit;
    switch (bit) {
      case kThread: return p->ParseU64({"thread"}, &thread);
      case kOp: return ParseOpField(p, &op.kind);
      case kKey: return p->ParseU64({"key"}, &op.key);
      case kValue: return p->ParseU64({"value"}, &op.value);
      case kFound: return p->ParseBool({"found"}, &found);
      case kRemoved: return p->ParseBool({"removed"}, &removed);
      case kCall: return p->ParseI64({"call"}, &op.call);
      case kReturn: return p->ParseI64({"return"}, &op.ret);
      case kEntries: return p->ParsePairs("entries", &history->entries);
    }
    return false;
  });
  if (!ok) return false;
  auto require = [&](uint32_t bits) {
    for (const auto& f : kOpFields) {
      if ((bits & f.bit) && !(seen & f.bit)) return p->Fail(fmt::format("missing field '{}'", f.name));
    }
    return true;
  };
  if (!require(kOp | kThread | kCall | kReturn)) return false;
  switch (op.kind) {
    case OpKind::kStore: ok = require(kKey | kValue); break;
    case OpKind::kErase: ok = require(kKey | kRemoved); break;
    case OpKind::kLoad: ok = require(kKey | kFound) && (!found || require(kValue)); break;
    case OpKind::kIterate: ok = require(kEntries); break;
  }
  if (!ok) return false;
  // Fields that belong to other ops ("found" on an erase, "value" on a missed load) are ignored.
  op.found = op.kind == OpKind::kErase ? removed : op.kind == OpKind::kLoad && found;
  if (op.kind == OpKind::kErase || (op.kind == OpKind::kLoad && !found)) op.value = 0;
  if (op.kind != OpKind::kIterate && (seen & kEntries)) history->entries.resize(entries_before);
  if (thread > UINT32_MAX) return p->Fail(fmt::format("field 'thread' is out of range (got {})", thread));
  op.thread = static_cast<uint32_t>(thread);
  if (op.ret < op.call) return p->Fail(fmt::format("return {} is before call {}", op.ret, op.call));
  if (op.kind == OpKind::kIterate) {
    op.first_entry = entries_before;
    size_t count = history->entries.size() - entries_before;
    if (count > UINT32_MAX) return p->Fail("too many entries in one iteration");
    op.entry_count = static_cast<uint32_t>(count);
    op.key = 0;
    op.value = 0;
  }
  history->ops.push_back(op);
  return true;
}

bool ParseHeaderLine(LineParser* p, History* history) {
  // Field values are located first and interpreted after 'format' and 'version' are known to be
  // right, so a future version's header reports its version, not a confusing type error.
  constexpr std::string_view kNames[] = {"format", "version", "scenario", "backend",   "guarantee", "trial",
                                         "seed",   "initial", "threads",  "truncated", "grading"};
  constexpr size_t kCount = std::size(kNames);
  const char* where[kCount] = {};
  bool ok = ParseObject(p, [&](std::string_view name) {
    for (size_t i = 0; i < kCount; ++i) {
      if (kNames[i] != name) continue;
      if (where[i] != nullptr) return p->Fail(fmt::format("duplicate field '{}'", name));
      p->SkipWs();
      where[i] = p->pos();
    }
    return p->SkipValue();
  });
  if (!ok) return false;
  const std::string not_ours = "not a mapstress history (header 'format' must be \"mapstress-history\")";
  std::string text;
  if (where[0] == nullptr) return p->Fail(not_ours);
  p->Seek(where[0]);
  LineParser probe = *p;
  if (!probe.ParseStringField({"format"}, &text) || text != "mapstress-history") return p->Fail(not_ours);
  if (where[1] == nullptr) return p->Fail("missing field 'version'");
  p->Seek(where[1]);
  uint64_t version = 0;
  if (!p->ParseU64({"version"}, &version)) return false;
  if (version != kHistoryFormatVersion) {
    return p->Fail(
        fmt::format("version {} is not supported (this mapstress reads version {})", version, kHistoryFormatVersion));
  }
  for (size_t i = 2; i < 8; ++i) {
    if (where[i] == nullptr) return p->Fail(fmt::format("missing field '{}'", kNames[i]));
  }
  p->Seek(where[2]);
  if (!p->ParseStringField({"scenario"}, &history->scenario)) return false;
  p->Seek(where[3]);
  if (!p->ParseStringField({"backend"}, &history->backend)) return false;
  p->Seek(where[4]);
  if (!p->ParseStringField({"guarantee"}, &text)) return false;
  if (!ParseGuarantee(text, &history->guarantee)) {
    return p->Fail(fmt::format("unknown guarantee '{}'{}", text, DidYouMean(text, GuaranteeNames())));
  }
  uint64_t trial = 0;
  p->Seek(where[5]);
  if (!p->ParseU64({"trial"}, &trial)) return false;
  if (trial > UINT32_MAX) return p->Fail(fmt::format("field 'trial' is out of range (got {})", trial));
  history->trial = static_cast<uint32_t>(trial);
  p->Seek(where[6]);
  if (!p->ParseU64({"seed"}, &history->seed)) return false;
  p->Seek(where[7]);
  if (!p->ParsePairs("initial", &history->initial)) return false;
  std::vector<uint64_t> keys;
  keys.reserve(history->initial.size());
  for (const Entry& e : history->initial) keys.push_back(e.key);
  std::sort(keys.begin(), keys.end());
  auto dup = std::adjacent_find(keys.begin(), keys.end());
  if (dup != keys.end()) return p->Fail(fmt::format("field 'initial' lists key {} twice", *dup));
  if (where[8] != nullptr) {
    p->Seek(where[8]);
    if (!p->Peek('[')) return p->WrongType({"threads"}, "an array of strings");
    p->Consume('[');
    if (!p->Consume(']')) {
      int64_t item = 0;
      do {
        history->thread_names.emplace_back();
        if (!p->ParseStringField({"threads", item++}, &history->thread_names.back())) return false;
      } while (p->Consume(','));
      if (!p->Expect(']', "',' or ']'")) return false;
    }
  }
  if (where[9] != nullptr) {
    p->Seek(where[9]);
    if (!p->ParseBool({"truncated"}, &history->truncated)) return false;
  }
  if (where[10] != nullptr) {  // {"kind": "GRADE", ...}: parsed whole, it is small
    p->Seek(where[10]);
    const char* start = p->pos();
    if (!p->SkipValue()) return false;
    auto grading = nlohmann::json::parse(start, p->pos(), nullptr, false);
    if (!grading.is_object()) return p->Fail("field 'grading' must be an object of kind: grade");
    for (const auto& [kind, grade] : grading.items()) {
      GradedKind graded;
      Grade parsed;
      if (!ParseGradedKind(kind, &graded)) {
        return p->Fail(fmt::format("field 'grading': unknown anomaly kind '{}'", kind));
      }
      if (!grade.is_string() || !ParseGrade(grade.get<std::string>(), &parsed)) {
        return p->Fail(fmt::format("field 'grading': '{}' must be ACCEPTABLE, INTERESTING or FORBIDDEN", kind));
      }
      history->grading[kind] = GradeName(parsed);
    }
  }
  return true;
}

struct StoreClaim {
  uint64_t key;
  uint64_t value;
  size_t line;  // 0: the header's initial state
};

// LSD radix sort, 8 bits a pass; a pass whose digit is the same in every value is skipped.
void RadixSort(std::vector<uint64_t>* v) {
  if (v->size() < 2) return;
  std::vector<std::array<size_t, 256>> counts(8);
  for (uint64_t x : *v) {
    for (int d = 0; d < 8; ++d) ++counts[d][(x >> (8 * d)) & 255];
  }
  std::vector<uint64_t> tmp(v->size());
  for (int d = 0; d < 8; ++d) {
    auto& c = counts[d];
    if (c[(v->front() >> (8 * d)) & 255] == v->size()) continue;
    size_t sum = 0;
    for (size_t& n : c) sum += std::exchange(n, sum);
    for (uint64_t x : *v) tmp[c[(x >> (8 * d)) & 255]++] = x;
    v->swap(tmp);
  }
}

// True when no two writes (stores and the initial state) share a value at all, whatever their
// keys: then no (key, value) is claimed twice. mapstress's own histories always pass; the
// claims are sorted only when this fails.
bool AllValuesDistinct(const History& history) {
  std::vector<uint64_t> values;
  values.reserve(history.ops.size() / 2 + history.initial.size());
  for (const Entry& e : history.initial) values.push_back(e.value);
  for (const Op& op : history.ops) {
    if (op.kind == OpKind::kStore) values.push_back(op.value);
  }
  RadixSort(&values);
  return std::adjacent_find(values.begin(), values.end()) == values.end();
}

// Each (key, value) may come from one write only, or the checker could not tell which write a
// reader saw. Finds the claim pair whose later line comes first in the file. `store_lines`: the
// line of each store in op order; null: op i is on line i + 2 (a binary file's JSONL export).
bool CheckUniqueValues(const std::string& name, const History& history, const std::vector<size_t>* store_lines,
                       std::string* error) {
  if (AllValuesDistinct(history)) return true;
  std::vector<StoreClaim> claims;
  claims.reserve(history.ops.size() / 2 + history.initial.size());
  for (const Entry& e : history.initial) claims.push_back({e.key, e.value, 0});
  size_t s = 0;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    const Op& op = history.ops[i];
    if (op.kind == OpKind::kStore) claims.push_back({op.key, op.value, store_lines ? (*store_lines)[s++] : i + 2});
  }
  std::sort(claims.begin(), claims.end(), [](const StoreClaim& a, const StoreClaim& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.value != b.value) return a.value < b.value;
    return a.line < b.line;
  });
  const StoreClaim* first = nullptr;
  const StoreClaim* second = nullptr;
  for (size_t i = 1; i < claims.size(); ++i) {
    if (claims[i].key == claims[i - 1].key && claims[i].value == claims[i - 1].value &&
        (second == nullptr || claims[i].line < second->line)) {
      first = &claims[i - 1];
      second = &claims[i];
    }
  }
  if (second == nullptr) return true;
  if (first->line == 0) {
    *error = fmt::format("{}:{}: value {} of key {} is claimed by a store and by the header's initial state", name,
                         second->line, second->value, second->key);
  } else {
    *error = fmt::format("{}:{}: value {} is claimed by two stores (line {} and line {})", name, second->line,
                         second->value, first->line, second->line);
  }
  return false;
}

std::string SanitiseName(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out.push_back(keep ? c : '_');
  }
  if (out.empty()) out = "unnamed";
  if (out[0] == '.') out[0] = '_';
  return out;
}

}  // namespace

HistoryFileFormat FormatForPath(const std::string& path) {
  return path.ends_with(kBinaryHistoryExtension) ? HistoryFileFormat::kBinary : HistoryFileFormat::kJsonl;
}

bool WriteHistoryFile(const std::string& path, const History& history, std::string* error) {
  return WriteHistoryFile(path, history, FormatForPath(path), error);
}

bool WriteHistoryFile(const std::string& path, const History& history, HistoryFileFormat format, std::string* error) {
  const bool binary = format == HistoryFileFormat::kBinary;
  auto bad_op = [&](size_t i) {
    *error = fmt::format("{}: op {} refers to entries beyond the history's {}", path, i, history.entries.size());
    return false;
  };
  std::string buffer;
  if (binary) {  // magic, version, header length and header line, then the op records (built first)
    std::string header;
    AppendHeader(&header, history);
    buffer.append(kBinaryHistoryMagic);
    buffer.push_back(static_cast<char>(kBinaryHistoryVersion));
    AppendInt(&buffer, header.size());
    buffer.push_back('\n');
    buffer.append(header);
    size_t bad = 0;
    if (!EncodeBinaryOps(history, &buffer, &bad)) return bad_op(bad);
  } else {
    for (size_t i = 0; i < history.ops.size(); ++i) {
      if (history.RefersPastEntries(history.ops[i])) return bad_op(i);
    }
  }
  AtomicFile file;
  if (!file.Open(path)) {
    *error = fmt::format("{}: cannot write: {}", path, std::strerror(file.error_number()));
    return false;
  }
  OutFile out;
  if (!out.Open(file.fd(), path, !binary && path.ends_with(".gz"), error)) return false;
  bool ok = true;
  if (!binary) {
    buffer.reserve(kFlushBytes + 4096);
    AppendHeader(&buffer, history);
    for (const Op& op : history.ops) {
      AppendOp(&buffer, history, op);
      if (buffer.size() >= kFlushBytes) {
        ok = ok && out.Write(buffer);
        buffer.clear();
      }
    }
  }
  ok = ok && out.Write(buffer);
  ok = out.Close() && ok;
  if (!ok) {
    *error = fmt::format("{}: cannot write: {}", path, std::strerror(errno));
    return false;  // `file` removes the temp file
  }
  if (!file.Commit()) {
    *error = fmt::format("{}: cannot write: {}", path, std::strerror(file.error_number()));
    return false;
  }
  return true;
}

// A name part of at most kMaxNamePart characters: longer names keep their start plus a hash of
// the whole name, so the file name stays under NAME_MAX (255) and distinct names stay distinct.
std::string NamePart(const std::string& name) {
  constexpr size_t kMaxNamePart = 96;
  std::string part = SanitiseName(name);
  if (part.size() <= kMaxNamePart) return part;
  uint64_t hash = 14695981039346656037ull;  // FNV-1a: stable across runs and builds
  for (unsigned char c : name) hash = (hash ^ c) * 1099511628211ull;
  return fmt::format("{}-{:016x}", part.substr(0, kMaxNamePart - 17), hash);
}

std::string HistoryFileName(const History& history) {
  return fmt::format("{}__{}__trial{}{}", NamePart(history.scenario), NamePart(history.backend), history.trial,
                     kBinaryHistoryExtension);
}

namespace {

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// Parses what `reader` yields. Memory follows the ops the file holds: blank lines cost nothing.
bool ParseHistoryLines(const std::string& name, LineReader* reader, History* history, std::string* error) {
  *history = History();
  auto fail = [&](const std::string& message) {
    *error = message;
    *history = History();
    return false;
  };
  std::string_view text;
  if (!reader->Next(&text)) {
    return fail(!reader->error().empty() ? reader->error()
                                         : fmt::format("{}:1: empty file (expected a mapstress-history header)", name));
  }
  if (IsBlank(text)) {  // "empty file" when nothing else follows, else the first line is wrong
    bool more = false;
    while (!more && reader->Next(&text)) more = !IsBlank(text);
    if (!reader->error().empty()) return fail(reader->error());
    return fail(
        fmt::format("{}:1: {} (expected a mapstress-history header)", name, more ? "empty first line" : "empty file"));
  }
  {
    LineParser parser(text.data(), text.data() + text.size());
    if (!ParseHeaderLine(&parser, history)) return fail(fmt::format("{}:1: {}", name, parser.message()));
  }
  std::vector<size_t> store_lines;
  while (reader->Next(&text)) {
    LineParser parser(text.data(), text.data() + text.size());
    if (parser.AtEnd()) continue;  // blank lines are tolerated
    if (!ParseOpLine(&parser, history)) {
      return fail(fmt::format("{}:{}: {}", name, reader->line_number(), parser.message()));
    }
    if (history->ops.back().kind == OpKind::kStore) store_lines.push_back(reader->line_number());
  }
  if (!reader->error().empty()) return fail(reader->error());
  if (!CheckUniqueValues(name, *history, &store_lines, error)) return fail(*error);
  return true;
}

// A binary history (README "Binary format"): magic, version byte, the header's length in
// decimal and '\n', the header line, the op records. Errors: "name:header: ..." or
// "name:record N: ...".
bool ParseBinaryHistory(const std::string& name, std::string_view data, History* history, std::string* error) {
  *history = History();
  auto fail = [&](const std::string& message) {
    *error = message;
    *history = History();
    return false;
  };
  data.remove_prefix(kBinaryHistoryMagic.size());
  if (data.empty()) return fail(fmt::format("{}:header: truncated binary history (no version)", name));
  const auto version = static_cast<uint8_t>(data[0]);
  if (version != kBinaryHistoryVersion) {
    return fail(fmt::format("{}:header: binary version {} is not supported (this mapstress reads version {})", name,
                            version, kBinaryHistoryVersion));
  }
  data.remove_prefix(1);
  size_t newline = data.find('\n');
  uint64_t length = 0;
  auto [end, ec] = std::from_chars(data.data(), data.data() + std::min(newline, data.size()), length);
  if (newline == std::string_view::npos || ec != std::errc() || end != data.data() + newline ||
      length > data.size() - newline - 1 || length == 0) {
    return fail(fmt::format("{}:header: truncated or corrupt binary history (bad header length)", name));
  }
  std::string_view header = data.substr(newline + 1, length);
  if (header.back() == '\n') header.remove_suffix(1);
  LineParser parser(header.data(), header.data() + header.size());
  if (!ParseHeaderLine(&parser, history)) return fail(fmt::format("{}:header: {}", name, parser.message()));
  std::string message;
  uint64_t record = 0;
  if (!DecodeBinaryOps(data.substr(newline + 1 + length), history, &message, &record)) {
    return fail(fmt::format("{}:record {}: {}", name, record, message));
  }
  // Store "lines" are those of the file's JSONL export: the header is line 1, op i line i + 2.
  if (!CheckUniqueValues(name, *history, nullptr, error)) return fail(*error);
  return true;
}

// The whole of a regular file that starts with the binary magic into `*data`; false (and
// nothing read) when it is not one, so the caller reads it as JSONL.
bool SlurpBinary(const std::string& path, const InputLimits& limits, std::string* data, std::string* error,
                 bool* failed) {
  *failed = false;
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[kBinaryHistoryMagic.size()];
  if (std::fread(magic, 1, sizeof(magic), f) != sizeof(magic) ||
      std::string_view(magic, sizeof(magic)) != kBinaryHistoryMagic) {
    std::fclose(f);
    return false;
  }
  if (static_cast<uint64_t>(st.st_size) > limits.max_total_bytes) {
    std::fclose(f);
    *failed = true;
    *error = fmt::format("{}:1: input is larger than {} MiB (--max-input-mb changes the cap)", path,
                         limits.max_total_bytes >> 20);
    return true;
  }
  data->assign(magic, sizeof(magic));
  data->resize(static_cast<size_t>(st.st_size));
  size_t got = std::fread(data->data() + sizeof(magic), 1, data->size() - sizeof(magic), f);
  std::fclose(f);
  data->resize(sizeof(magic) + got);
  return true;
}

}  // namespace

bool ParseHistoryText(const std::string& name, const std::string& text, History* history, std::string* error) {
  if (text.starts_with(kBinaryHistoryMagic)) return ParseBinaryHistory(name, text, history, error);
  LineReader reader;
  reader.OpenText(name, text, InputLimits{});
  return ParseHistoryLines(name, &reader, history, error);
}

bool ReadHistoryFile(const std::string& path, History* history, std::string* error) {
  return ReadHistoryFile(path, InputLimits{}, history, error);
}

bool ReadHistoryFile(const std::string& path, const InputLimits& limits, History* history, std::string* error) {
  std::string data;
  bool failed = false;
  if (SlurpBinary(path, limits, &data, error, &failed)) {
    if (failed) {
      *history = History();
      return false;
    }
    return ParseBinaryHistory(path, data, history, error);
  }
  LineReader reader;
  if (!reader.Open(path, limits, error)) {
    *history = History();
    return false;
  }
  return ParseHistoryLines(path, &reader, history, error);
}

}  // namespace mapstress
