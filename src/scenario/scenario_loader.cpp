#include "scenario/scenario_loader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "core/duration.h"
#include "core/suggest.h"
#include "scenario/strict_sax.h"

namespace mapstress {
namespace {

constexpr uint32_t kMaxTrials = 100000;

bool IsIntegerSyntax(const std::string& raw) { return raw.find_first_of(".eE") == std::string::npos; }

// floor(value * count) for a decimal literal 0 <= value <= 1, exactly (0.29 * 100 = 29).
uint64_t ScaleByFraction(const std::string& raw, uint64_t count) {
  std::string digits;
  int64_t exp10 = 0;
  size_t i = 0;
  if (i < raw.size() && raw[i] == '-') ++i;
  for (; i < raw.size() && std::isdigit(static_cast<unsigned char>(raw[i])); ++i) digits += raw[i];
  if (i < raw.size() && raw[i] == '.') {
    for (++i; i < raw.size() && std::isdigit(static_cast<unsigned char>(raw[i])); ++i) {
      digits += raw[i];
      --exp10;
    }
  }
  if (i < raw.size() && (raw[i] == 'e' || raw[i] == 'E')) {
    ++i;
    bool negative = i < raw.size() && raw[i] == '-';
    if (i < raw.size() && (raw[i] == '-' || raw[i] == '+')) ++i;
    int64_t e = 0;
    for (; i < raw.size() && std::isdigit(static_cast<unsigned char>(raw[i])); ++i) {
      e = std::min<int64_t>(e * 10 + (raw[i] - '0'), 1000000);
    }
    exp10 += negative ? -e : e;
  }
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) return 0;
  if (exp10 >= 0) return count;  // a non-zero integer value <= 1 is exactly 1
  // product = digits * count as a decimal string, then drop -exp10 digits.
  std::string product;
  uint64_t carry = 0;
  for (size_t k = digits.size(); k-- > 0;) {
    uint64_t v = static_cast<uint64_t>(digits[k] - '0') * count + carry;
    product.insert(product.begin(), static_cast<char>('0' + v % 10));
    carry = v / 10;
  }
  for (; carry > 0; carry /= 10) product.insert(product.begin(), static_cast<char>('0' + carry % 10));
  uint64_t drop = static_cast<uint64_t>(-exp10);
  if (drop >= product.size()) return 0;
  product.resize(product.size() - drop);
  uint64_t result = 0;
  for (char c : product) result = result * 10 + static_cast<uint64_t>(c - '0');
  return result;
}

class Loader {
 public:
  Loader(const std::string& file, const StrictSax& sax, LoadError* error) : file_(file), sax_(sax), error_(error) {}

  bool Load(const Json& root, Scenario* s) {
    if (!root.is_object()) return Fail("", "expected a scenario object, got " + Got(root, ""));
    if (!CheckKeys(root, "",
                   {"name", "description", "keys", "duration", "trials", "seed", "threads", "backends", "expect"},
                   {"name", "description", "keys", "threads"})) {
      return false;
    }
    if (!ReadName(root["name"], "/name", &s->name)) return false;
    const Json& description = root["description"];
    if (!description.is_string() || description.get_ref<const std::string&>().empty()) {
      return Fail("/description", "expected a non-empty string, got " + Got(description, "/description"));
    }
    s->description = description.get<std::string>();
    if (!ReadKeys(root["keys"], &s->keys)) return false;
    if (root.contains("duration")) {
      Nanos d;
      if (!ReadDuration(root["duration"], "/duration", Nanos(1), kMaxDuration, "> 0 and ≤ 24h", &d)) {
        return false;
      }
      s->duration = d;
    }
    if (root.contains("trials")) {
      uint64_t trials;
      if (!ReadUint(root["trials"], "/trials", 1, kMaxTrials, "", &trials)) return false;
      s->trials = static_cast<uint32_t>(trials);
    }
    if (root.contains("seed")) {
      uint64_t seed;
      if (!ReadUint(root["seed"], "/seed", 0, std::numeric_limits<uint64_t>::max(), "", &seed)) {
        return false;
      }
      s->seed = seed;
    }
    if (!ReadThreads(root["threads"], *s, &s->threads)) return false;
    if (root.contains("backends") && !ReadBackends(root["backends"], &s->backends)) return false;
    if (root.contains("expect") && !ReadExpect(root["expect"], s)) return false;
    return true;
  }

 private:
  bool Fail(const std::string& where, const std::string& message) {
    error_->file = file_;
    error_->where = where;
    error_->message = message;
    return false;
  }

  // The found value, compactly: strings quoted, numbers as written, containers by type.
  std::string Got(const Json& v, const std::string& pointer) const {
    if (v.is_number_float()) {
      auto it = sax_.float_text_.find(pointer);
      if (it != sax_.float_text_.end()) return it->second;
    }
    if (v.is_object()) return v.empty() ? "{}" : "an object";
    if (v.is_array()) return v.empty() ? "[]" : "an array";
    std::string text = v.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > 60) {
      size_t cut = 56;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut) + "...\"";
    }
    return text;
  }

  // "a, b, c"
  static std::string CommaList(const std::vector<std::string>& names) {
    std::string list;
    for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
    return list;
  }

  bool CheckKeys(const Json& obj, const std::string& pointer, const std::vector<std::string>& allowed,
                 const std::vector<std::string>& required) {
    for (const auto& item : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
        // No close match: name what is allowed here (a report's JSON given as a scenario, say).
        std::string hint = DidYouMean(item.key(), allowed);
        if (hint.empty()) hint = " (expected one of: " + CommaList(allowed) + ")";
        return Fail(pointer, "unknown key '" + item.key() + "'" + hint);
      }
    }
    for (const auto& key : required) {
      if (!obj.contains(key)) return Fail(pointer, "missing required key '" + key + "'");
    }
    return true;
  }

  bool ExpectObject(const Json& v, const std::string& pointer) {
    if (v.is_object()) return true;
    return Fail(pointer, "expected an object, got " + Got(v, pointer));
  }

  // An integer written as one (2.0 is not an integer here) in [lo, hi].
  bool ReadUint(const Json& v, const std::string& pointer, uint64_t lo, uint64_t hi, const std::string& hi_note,
                uint64_t* out) {
    std::string got = Got(v, pointer);
    if (v.is_number_float() && IsIntegerSyntax(got)) {  // beyond 64 bits
      if (got[0] == '-') return Fail(pointer, "expected an integer ≥ " + std::to_string(lo) + ", got " + got);
      return Fail(pointer, "expected an integer ≤ " + std::to_string(hi) + hi_note + ", got " + got);
    }
    if (!v.is_number_integer()) return Fail(pointer, "expected an integer, got " + got);
    if (!v.is_number_unsigned() || v.get<uint64_t>() < lo) {
      return Fail(pointer, "expected an integer ≥ " + std::to_string(lo) + ", got " + got);
    }
    if (v.get<uint64_t>() > hi) {
      return Fail(pointer, "expected an integer ≤ " + std::to_string(hi) + hi_note + ", got " + got);
    }
    *out = v.get<uint64_t>();
    return true;
  }

  bool ReadNumber(const Json& v, const std::string& pointer, double* out) {
    if (!v.is_number()) return Fail(pointer, "expected a number, got " + Got(v, pointer));
    *out = v.get<double>();
    return true;
  }

  bool ReadEnum(const Json& v, const std::string& pointer, const std::vector<std::string>& names, size_t* index) {
    const std::string list = CommaList(names);
    if (v.is_string()) {
      const auto& text = v.get_ref<const std::string&>();
      auto it = std::find(names.begin(), names.end(), text);
      if (it != names.end()) {
        *index = static_cast<size_t>(it - names.begin());
        return true;
      }
      return Fail(pointer, "expected one of " + list + ", got " + Got(v, pointer) + DidYouMean(text, names));
    }
    return Fail(pointer, "expected one of " + list + ", got " + Got(v, pointer));
  }

  bool ReadDuration(const Json& v, const std::string& pointer, Nanos lo, Nanos hi, const std::string& range,
                    Nanos* out) {
    if (!v.is_string()) {
      return Fail(pointer, "expected a duration string such as \"2s\", got " + Got(v, pointer));
    }
    std::string why;
    if (!ParseDuration(v.get_ref<const std::string&>(), out, &why)) {
      return Fail(pointer, "invalid duration " + Got(v, pointer) + ": " + why);
    }
    if (*out < lo || *out > hi) return Fail(pointer, "expected a duration " + range + ", got " + Got(v, pointer));
    return true;
  }

  bool ReadName(const Json& v, const std::string& pointer, std::string* out) {
    bool ok = v.is_string() && !v.get_ref<const std::string&>().empty();
    if (ok) {
      for (char c : v.get_ref<const std::string&>()) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') ok = false;
      }
    }
    if (!ok) {
      return Fail(pointer, "expected a name of letters, digits, '.', '_' or '-', got " + Got(v, pointer));
    }
    *out = v.get<std::string>();
    return true;
  }

  bool ReadKeys(const Json& v, KeySpec* keys) {
    if (!ExpectObject(v, "/keys")) return false;
    if (!CheckKeys(v, "/keys", {"count", "distribution", "theta", "hot_fraction", "hot_probability", "prefill"},
                   {"count"})) {
      return false;
    }
    if (!ReadUint(v["count"], "/keys/count", 1, kMaxKeys, "", &keys->count)) return false;
    if (v.contains("distribution")) {
      size_t index;
      if (!ReadEnum(v["distribution"], "/keys/distribution", {"uniform", "zipf", "hotset"}, &index)) return false;
      keys->distribution = static_cast<Distribution>(index);
    }
    if (v.contains("theta")) {
      if (keys->distribution != Distribution::kZipf) {
        return Fail("/keys/theta", "only allowed with distribution \"zipf\"");
      }
      if (!ReadNumber(v["theta"], "/keys/theta", &keys->theta)) return false;
      if (!(keys->theta > 0 && keys->theta != 1 && keys->theta <= 10)) {
        return Fail("/keys/theta", "expected a number > 0, ≠ 1 and ≤ 10, got " + Got(v["theta"], "/keys/theta"));
      }
    }
    for (const char* name : {"hot_fraction", "hot_probability"}) {
      if (!v.contains(name)) continue;
      std::string pointer = std::string("/keys/") + name;
      if (keys->distribution != Distribution::kHotset) {
        return Fail(pointer, "only allowed with distribution \"hotset\"");
      }
      bool fraction = std::string(name) == "hot_fraction";
      double* out = fraction ? &keys->hot_fraction : &keys->hot_probability;
      if (!ReadNumber(v[name], pointer, out)) return false;
      bool ok = fraction ? (*out > 0 && *out <= 1) : (*out >= 0 && *out <= 1);
      if (!ok) {
        return Fail(pointer, std::string(fraction ? "expected a number > 0 and ≤ 1" : "expected a number in [0, 1]") +
                                 ", got " + Got(v[name], pointer));
      }
    }
    if (v.contains("prefill")) return ReadPrefill(v["prefill"], keys);
    return true;
  }

  bool ReadPrefill(const Json& v, KeySpec* keys) {
    const std::string pointer = "/keys/prefill";
    std::string got = Got(v, pointer);
    if (v.is_number_integer() || (v.is_number_float() && IsIntegerSyntax(got))) {
      return ReadUint(v, pointer, 0, keys->count, " (keys.count)", &keys->prefill);
    }
    if (!v.is_number_float()) {
      return Fail(pointer, "expected an integer count or a fraction in [0.0, 1.0], got " + got);
    }
    double f = v.get<double>();
    if (!(f >= 0 && f <= 1)) return Fail(pointer, "expected a fraction in [0.0, 1.0] or an integer count, got " + got);
    keys->prefill = ScaleByFraction(got, keys->count);
    return true;
  }

  bool ReadThreads(const Json& v, const Scenario& s, std::vector<ThreadGroup>* groups) {
    if (!v.is_array()) return Fail("/threads", "expected an array of thread groups, got " + Got(v, "/threads"));
    if (v.empty()) return Fail("/threads", "expected at least one thread group, got []");
    uint64_t total = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      ThreadGroup group;
      if (!ReadGroup(v[i], "/threads/" + std::to_string(i), s, &group)) return false;
      total += group.count;
      groups->push_back(group);
    }
    if (total > kMaxThreads) {
      return Fail("/threads", "expected at most " + std::to_string(kMaxThreads) + " threads in total, got " +
                                  std::to_string(total));
    }
    return true;
  }

  bool ReadGroup(const Json& v, const std::string& ptr, const Scenario& s, ThreadGroup* g) {
    if (!ExpectObject(v, ptr)) return false;
    if (!CheckKeys(v, ptr,
                   {"role", "count", "keys", "order", "ops", "think", "start_delay", "visit_delay", "mix", "lockstep"},
                   {"role"})) {
      return false;
    }
    size_t index;
    if (!ReadEnum(v["role"], ptr + "/role", RoleNames(), &index)) return false;
    g->role = static_cast<Role>(index);
    uint64_t value;
    if (v.contains("count")) {
      if (!ReadUint(v["count"], ptr + "/count", 1, kMaxThreads, "", &value)) return false;
      g->count = static_cast<uint32_t>(value);
    }
    if (v.contains("keys") && !ReadRange(v["keys"], ptr + "/keys", s.keys.count, g)) return false;
    if (v.contains("order")) {
      if (!ReadEnum(v["order"], ptr + "/order", {"random", "sequential"}, &index)) return false;
      g->order = static_cast<KeyOrder>(index);
    }
    if (v.contains("ops") && !ReadUint(v["ops"], ptr + "/ops", 1, std::numeric_limits<uint64_t>::max(), "", &g->ops)) {
      return false;
    }
    if (v.contains("think") &&
        !ReadDuration(v["think"], ptr + "/think", Nanos(0), std::chrono::seconds(1), "in [0, 1s]", &g->think)) {
      return false;
    }
    if (v.contains("start_delay") && !ReadDuration(v["start_delay"], ptr + "/start_delay", Nanos(0),
                                                   kMaxDuration - Nanos(1), "< 24h", &g->start_delay)) {
      return false;
    }
    if (v.contains("mix")) {
      if (g->role != Role::kMixed) return Fail(ptr + "/mix", "only allowed for role mixed");
      if (!ReadMix(v["mix"], ptr + "/mix", &g->mix)) return false;
    } else if (g->role == Role::kMixed) {
      return Fail(ptr, "missing required key 'mix' (role mixed)");
    }
    if (v.contains("visit_delay")) {
      if (g->role != Role::kIterator && !(g->role == Role::kMixed && g->mix.iterate > 0)) {
        return Fail(ptr + "/visit_delay", "only allowed for role iterator, or mixed with iterate > 0");
      }
      if (!ReadDuration(v["visit_delay"], ptr + "/visit_delay", Nanos(0), std::chrono::milliseconds(1), "in [0, 1ms]",
                        &g->visit_delay)) {
        return false;
      }
    }
    if (v.contains("lockstep")) {
      if (!ReadUint(v["lockstep"], ptr + "/lockstep", 1, kMaxLockstep, "", &value)) return false;
      if (g->count < 2) {
        return Fail(ptr + "/lockstep", "lockstep needs a group of count ≥ 2 (its threads meet each other), got count " +
                                           std::to_string(g->count));
      }
      g->lockstep = static_cast<uint32_t>(value);
    }
    if (g->role == Role::kUpdater && !g->key_lo && s.keys.prefill == 0) {
      return Fail(ptr, "role updater needs keys.prefill > 0 or an explicit \"keys\" range");
    }
    if (g->role == Role::kMixed && g->mix.update > 0 && s.keys.prefill == 0) {
      return Fail(ptr + "/mix/update", "update overwrites prefilled keys: needs keys.prefill > 0, got update " +
                                           std::to_string(g->mix.update) + " with no prefill");
    }
    if (g->role == Role::kToggler) {
      uint64_t size = g->key_hi.value_or(s.keys.count) - g->key_lo.value_or(0);
      if (size < uint64_t{2} * g->count) {
        return Fail(v.contains("keys") ? ptr + "/keys" : ptr,
                    "role toggler needs a key range of at least 2 × count = " + std::to_string(2 * g->count) +
                        " keys, got " + std::to_string(size));
      }
    }
    return true;
  }

  bool ReadRange(const Json& v, const std::string& ptr, uint64_t key_count, ThreadGroup* g) {
    if (g->role == Role::kIterator) return Fail(ptr, "not allowed for role iterator (iterators walk the whole map)");
    if (!v.is_array() || v.size() != 2) {
      return Fail(ptr, "expected a key range [lo, hi] of two integers, got " + Got(v, ptr));
    }
    uint64_t lo, hi;
    if (!ReadUint(v[0], ptr + "/0", 0, key_count, " (keys.count)", &lo)) return false;
    if (!ReadUint(v[1], ptr + "/1", 0, key_count, " (keys.count)", &hi)) return false;
    if (lo >= hi) return Fail(ptr, "expected lo < hi, got " + v.dump());
    g->key_lo = lo;
    g->key_hi = hi;
    return true;
  }

  bool ReadMix(const Json& v, const std::string& ptr, OpMix* mix) {
    if (!ExpectObject(v, ptr)) return false;
    if (!CheckKeys(v, ptr, {"store", "update", "erase", "load", "iterate"}, {})) return false;
    const std::pair<const char*, uint32_t*> fields[] = {{"store", &mix->store},
                                                        {"update", &mix->update},
                                                        {"erase", &mix->erase},
                                                        {"load", &mix->load},
                                                        {"iterate", &mix->iterate}};
    uint64_t sum = 0;
    for (const auto& [name, out] : fields) {
      if (!v.contains(name)) continue;
      uint64_t value;
      if (!ReadUint(v[name], ptr + "/" + name, 0, 100, "", &value)) return false;
      *out = static_cast<uint32_t>(value);
      sum += value;
    }
    if (sum != 100) return Fail(ptr, "expected percentages summing to 100, got " + std::to_string(sum));
    return true;
  }

  bool ReadBackends(const Json& v, std::vector<std::string>* out) {
    if (!v.is_array()) return Fail("/backends", "expected an array of backend names, got " + Got(v, "/backends"));
    if (v.empty()) return Fail("/backends", "expected at least one backend name, got []");
    for (size_t i = 0; i < v.size(); ++i) {
      std::string ptr = "/backends/" + std::to_string(i);
      if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty()) {
        return Fail(ptr, "expected a backend name, got " + Got(v[i], ptr));
      }
      const auto& name = v[i].get_ref<const std::string&>();
      if (std::find(out->begin(), out->end(), name) != out->end()) {
        return Fail(ptr, "duplicate backend " + Got(v[i], ptr));
      }
      out->push_back(name);
    }
    return true;
  }

  bool ReadGrades(const Json& v, const std::string& ptr, bool allow_backends, GradeOverrides* out) {
    if (!ExpectObject(v, ptr)) return false;
    std::vector<std::string> allowed = GradedKindNames();
    if (allow_backends) allowed.push_back("backends");
    if (!CheckKeys(v, ptr, allowed, {})) return false;
    for (const auto& item : v.items()) {
      if (item.key() == "backends") continue;
      std::string p = ptr + "/" + item.key();
      Grade grade;
      if (!item.value().is_string() || !ParseGrade(item.value().get<std::string>(), &grade)) {
        std::string hint;
        if (item.value().is_string()) {
          std::string upper = item.value().get<std::string>();
          for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          hint = DidYouMean(upper, {"ACCEPTABLE", "INTERESTING", "FORBIDDEN"});
        }
        return Fail(p, "expected a grade (ACCEPTABLE, INTERESTING or FORBIDDEN), got " + Got(item.value(), p) + hint);
      }
      (*out)[item.key()] = grade;
    }
    return true;
  }

  bool ReadExpect(const Json& v, Scenario* s) {
    if (!ReadGrades(v, "/expect", true, &s->expect)) return false;
    if (!v.contains("backends")) return true;
    const Json& per = v["backends"];
    if (!ExpectObject(per, "/expect/backends")) return false;
    for (const auto& item : per.items()) {
      std::string p = "/expect/backends/" + PointerToken(item.key());
      if (!ReadGrades(item.value(), p, false, &s->expect_backend[item.key()])) return false;
    }
    return true;
  }

  std::string file_;
  const StrictSax& sax_;
  LoadError* error_;
};

}  // namespace

std::string LoadError::ToString() const {
  if (where.empty()) return file + ": " + message;
  if (where[0] == '/') return file + ": " + where + ": " + message;
  return file + ":" + where + ": " + message;
}

bool ParseScenario(std::string_view text, const std::string& file, Scenario* out, LoadError* error) {
  Json root;
  StrictSax sax(&root);
  bool parsed = Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json, true);
  if (sax.syntax_error_) {
    *error = LoadError{file, LineColumn(text, sax.error_position_), ReadableSyntaxError(sax.error_text_)};
    return false;
  }
  if (sax.too_deep_ || !parsed) {
    size_t at = TooDeepPosition(text);
    *error = LoadError{file, at ? LineColumn(text, at) : "",
                       "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
    return false;
  }
  if (sax.has_duplicate_) {
    *error = LoadError{file, sax.duplicate_where_, "duplicate key '" + sax.duplicate_key_ + "'"};
    return false;
  }
  Scenario s;
  s.path = file;
  if (!Loader(file, sax, error).Load(root, &s)) return false;
  *out = std::move(s);
  return true;
}

bool LoadScenarioFile(const std::string& file, Scenario* out, LoadError* error) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) {
    *error = LoadError{file, "", std::string("cannot read: ") + std::strerror(errno)};
    return false;
  }
  std::string text;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  bool failed = std::ferror(f) != 0;
  int saved = errno;
  std::fclose(f);
  if (failed) {
    *error = LoadError{file, "", std::string("cannot read: ") + std::strerror(saved)};
    return false;
  }
  return ParseScenario(text, file, out, error);
}

bool CollectScenarioFiles(const std::vector<std::string>& paths, bool recursive, std::vector<std::string>* files,
                          LoadError* error) {
  namespace fs = std::filesystem;
  auto is_scenario = [](const fs::path& p) {
    std::string name = p.filename().string();
    auto ends = [&](const std::string& suffix) {
      return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return ends(".json") && !ends(".schema.json");
  };
  for (const auto& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      *error = LoadError{path, "", std::string("cannot read: ") + std::strerror(ENOENT)};
      return false;
    }
    if (!fs::is_directory(status)) {
      files->push_back(path);
      continue;
    }
    std::vector<std::string> found;
    auto add = [&](const fs::directory_entry& entry) {
      std::error_code e;
      if (entry.is_regular_file(e) && is_scenario(entry.path())) found.push_back(entry.path().string());
    };
    if (recursive) {
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) add(*it);
    } else {
      for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) add(*it);
    }
    if (ec) {
      *error = LoadError{path, "", "cannot read: " + ec.message()};
      return false;
    }
    std::sort(found.begin(), found.end());
    files->insert(files->end(), found.begin(), found.end());
  }
  return true;
}

}  // namespace mapstress
