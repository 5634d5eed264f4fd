#include "core/case_report_json.h"

#include <fmt/format.h>

#include <limits>

namespace mapstress {
namespace {

using nlohmann::json;

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is not one.

const char* BoundName(const Rate& rate) { return rate.count > 0 ? "wilson95" : "rule_of_three"; }

json RateToJson(const Rate& rate) {
  return {{"count", rate.count}, {"total", rate.total}, {"value", rate.value},
          {"lo", rate.lo},       {"hi", rate.hi},       {"bound", BoundName(rate)}};
}

// Reads typed fields of one JSON object; keeps the first error, naming the field's path.
class FieldReader {
 public:
  FieldReader(const json& object, std::string where, std::string* error)
      : object_(object), where_(std::move(where)), error_(error) {
    if (!object_.is_object()) Fail(where_.empty() ? "expected an object" : where_ + ": expected an object");
  }

  bool ok() const { return ok_; }
  const std::string& where() const { return where_; }
  std::string PathOf(const char* key) const { return where_.empty() ? key : where_ + "." + key; }

  void Fail(const std::string& message) {
    if (ok_ && error_ != nullptr) *error_ = message;
    ok_ = false;
  }

  // The member, or nullptr (after recording an error when required).
  const json* Get(const char* key, bool required = true) {
    if (!ok_) return nullptr;
    auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) Fail(PathOf(key) + ": missing");
      return nullptr;
    }
    return &*it;
  }

  void U64(const char* key, uint64_t* out, bool required = true) {
    const json* v = Get(key, required);
    if (v == nullptr) return;
    if (v->is_number_unsigned()) {
      *out = v->get<uint64_t>();
    } else if (v->is_number_integer() && v->get<int64_t>() >= 0) {
      *out = static_cast<uint64_t>(v->get<int64_t>());
    } else {
      Fail(PathOf(key) + ": expected a non-negative integer");
    }
  }

  void U32(const char* key, uint32_t* out, bool required = true) {
    uint64_t wide = *out;
    U64(key, &wide, required);
    if (!ok_) return;
    if (wide > std::numeric_limits<uint32_t>::max()) {
      Fail(PathOf(key) + ": out of range");
      return;
    }
    *out = static_cast<uint32_t>(wide);
  }

  void Double(const char* key, double* out, bool required = true) {
    const json* v = Get(key, required);
    if (v == nullptr) return;
    if (v->is_number()) {
      *out = v->get<double>();
    } else if (v->is_null()) {
      *out = std::numeric_limits<double>::quiet_NaN();  // dump() writes NaN and infinities as null
    } else {
      Fail(PathOf(key) + ": expected a number");
    }
  }

  void Bool(const char* key, bool* out, bool required = true) {
    const json* v = Get(key, required);
    if (v == nullptr) return;
    if (!v->is_boolean()) {
      Fail(PathOf(key) + ": expected true or false");
      return;
    }
    *out = v->get<bool>();
  }

  void String(const char* key, std::string* out, bool required = true) {
    const json* v = Get(key, required);
    if (v == nullptr) return;
    if (!v->is_string()) {
      Fail(PathOf(key) + ": expected a string");
      return;
    }
    *out = v->get<std::string>();
  }

  // A string member parsed by `parse`; `what` lists the accepted words for the message.
  template <typename T>
  void Enum(const char* key, T* out, bool (*parse)(const std::string&, T*), const char* what) {
    std::string text;
    String(key, &text);
    if (ok_ && !parse(text, out)) Fail(fmt::format("{}: \"{}\" is not one of {}", PathOf(key), text, what));
  }

 private:
  const json& object_;
  std::string where_;
  std::string* error_;
  bool ok_ = true;
};

constexpr const char* kGradeWords = "ACCEPTABLE, INTERESTING, FORBIDDEN";

json Strings(const std::vector<std::string>& items) {
  json out = json::array();
  for (const auto& s : items) out.push_back(ValidUtf8(s));
  return out;
}

// An optional array of strings; false (with the error) when it is not one.
bool ReadStrings(FieldReader& r, const char* key, std::vector<std::string>* out) {
  const json* v = r.Get(key, /*required=*/false);
  if (v == nullptr) return r.ok();
  if (!v->is_array()) r.Fail(r.PathOf(key) + ": expected an array of strings");
  for (size_t i = 0; r.ok() && i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      r.Fail(fmt::format("{}[{}]: expected a string", r.PathOf(key), i));
    } else {
      out->push_back((*v)[i].get<std::string>());
    }
  }
  return r.ok();
}

json CrashDetailsToJson(const CrashDetails& c) {
  json threads = json::array();
  for (const ThreadDump& t : c.threads) {
    json item = {{"thread", ValidUtf8(t.thread)}, {"ops_started", t.ops_started}, {"last_ops", Strings(t.last_ops)}};
    if (!t.stack.empty()) item["stack"] = Strings(t.stack);
    threads.push_back(std::move(item));
  }
  json out = {{"threads", std::move(threads)}};
  if (!c.thread.empty()) out["thread"] = ValidUtf8(c.thread);
  if (!c.backtrace.empty()) out["backtrace"] = Strings(c.backtrace);
  return out;
}

bool CrashDetailsFromJson(const json& j, CrashDetails* out, std::string* error) {
  FieldReader r(j, "crash", error);
  r.String("thread", &out->thread, /*required=*/false);
  if (!ReadStrings(r, "backtrace", &out->backtrace)) return false;
  const json* threads = r.Get("threads");
  if (threads == nullptr) return false;
  if (!threads->is_array()) {
    r.Fail("crash.threads: expected an array");
    return false;
  }
  for (size_t i = 0; i < threads->size(); ++i) {
    FieldReader t((*threads)[i], fmt::format("crash.threads[{}]", i), error);
    ThreadDump dump;
    t.String("thread", &dump.thread);
    t.U64("ops_started", &dump.ops_started);
    if (!ReadStrings(t, "last_ops", &dump.last_ops) || !ReadStrings(t, "stack", &dump.stack)) return false;
    out->threads.push_back(std::move(dump));
  }
  return r.ok();
}

// A history time; null stands for "before every op" / "never superseded".
json TimeToJson(int64_t t, int64_t infinite) { return t == infinite ? json(nullptr) : json(t); }

bool TimeFromJson(const json& v, int64_t infinite, int64_t* out) {
  if (v.is_null()) {
    *out = infinite;
  } else if (v.is_number_integer()) {
    *out = v.get<int64_t>();
  } else {
    return false;
  }
  return true;
}

json SpanToJson(const TimeSpan& s) {
  return json::array({TimeToJson(s.lo, kTimeBeforeAll), TimeToJson(s.hi, kTimeAfterAll)});
}

bool SpanFromJson(const json& v, TimeSpan* out) {
  return v.is_array() && v.size() == 2 && TimeFromJson(v[0], kTimeBeforeAll, &out->lo) &&
         TimeFromJson(v[1], kTimeAfterAll, &out->hi);
}

json SpansToJson(const std::vector<TimeSpan>& spans) {
  json out = json::array();
  for (const TimeSpan& s : spans) out.push_back(SpanToJson(s));
  return out;
}

json WitnessOpToJson(const WitnessOp& w) {
  json j = {{"role", WitnessRoleName(w.role)},
            {"thread", ValidUtf8(w.thread)},
            {"op", OpKindName(w.op)},
            {"initial", w.initial},
            {"call", TimeToJson(w.call, kTimeBeforeAll)},
            {"return", TimeToJson(w.ret, kTimeBeforeAll)}};
  if (w.op != OpKind::kIterate) j["key"] = w.key;
  if (w.op == OpKind::kStore || (w.op == OpKind::kLoad && w.found)) j["value"] = w.value;
  if (w.op == OpKind::kLoad) j["found"] = w.found;
  if (w.op == OpKind::kErase) j["removed"] = w.found;
  if (w.op == OpKind::kIterate) j["entries"] = w.entries;
  if (w.has_effect) j["effect"] = SpanToJson(w.effect);
  return j;
}

json ExampleToJson(const Example& e) {
  json witnesses = json::array();
  for (const std::string& w : e.witnesses) witnesses.push_back(ValidUtf8(w));
  json j = {{"kind", AnomalyName(e.kind)},
            {"key", e.key},
            {"explanation", ValidUtf8(e.explanation)},
            {"witnesses", std::move(witnesses)}};
  if (e.ops.empty()) return j;  // read from a schema 1 report: nothing structured to write
  json ops = json::array();
  for (const WitnessOp& w : e.ops) ops.push_back(WitnessOpToJson(w));
  j["trial"] = e.trial;
  j["iteration"] = e.iteration;
  j["window"] = SpanToJson(e.window);
  j["witness_ops"] = std::move(ops);
  j["view"] = SpanToJson(e.view);
  j["present"] = SpansToJson(e.present);
  j["absent"] = SpansToJson(e.absent);
  return j;
}

json TallyToJson(const AnomalyTally& t) {
  return {{"occasions", t.occasions},
          {"distinct_keys", t.distinct_keys},
          {"top_key", t.top_key},
          {"top_key_occasions", t.top_key_occasions},
          {"partial", t.partial}};
}

bool ParseOpKindName(const std::string& text, OpKind* out) {
  for (int k = 0; k < kOpKindCount; ++k) {
    if (text == OpKindName(static_cast<OpKind>(k))) {
      *out = static_cast<OpKind>(k);
      return true;
    }
  }
  return false;
}

// A time span member: [from, until] with null for an open end.
void SpanMember(FieldReader* r, const char* key, TimeSpan* out) {
  const json* v = r->Get(key);
  if (v != nullptr && !SpanFromJson(*v, out)) r->Fail(r->PathOf(key) + ": expected [integer or null, integer or null]");
}

void SpansMember(FieldReader* r, const char* key, std::vector<TimeSpan>* out) {
  const json* v = r->Get(key);
  if (v == nullptr) return;
  if (!v->is_array()) return r->Fail(r->PathOf(key) + ": expected an array of [from, until] pairs");
  for (size_t i = 0; i < v->size(); ++i) {
    TimeSpan s;
    if (!SpanFromJson((*v)[i], &s))
      return r->Fail(fmt::format("{}[{}]: expected [integer or null, integer or null]", r->PathOf(key), i));
    out->push_back(s);
  }
}

void TimeMember(FieldReader* r, const char* key, int64_t* out) {
  const json* v = r->Get(key);
  if (v != nullptr && !TimeFromJson(*v, kTimeBeforeAll, out)) r->Fail(r->PathOf(key) + ": expected an integer or null");
}

// The schema 2 members of an example (absent in schema 1 reports: left empty).
void ReadStructuredExample(FieldReader* r, const json& j, Example* e) {
  if (!r->ok() || !j.contains("witness_ops")) return;
  r->U32("trial", &e->trial);
  r->U64("iteration", &e->iteration);
  SpanMember(r, "window", &e->window);
  SpanMember(r, "view", &e->view);
  SpansMember(r, "present", &e->present);
  SpansMember(r, "absent", &e->absent);
  const json* ops = r->Get("witness_ops");
  if (!r->ok()) return;
  if (!ops->is_array()) return r->Fail(r->PathOf("witness_ops") + ": expected an array");
  for (size_t i = 0; i < ops->size() && r->ok(); ++i) {
    std::string error;
    FieldReader o((*ops)[i], fmt::format("{}[{}]", r->PathOf("witness_ops"), i), &error);
    WitnessOp w;
    o.Enum("role", &w.role, ParseWitnessRole, "subject, write, superseder, erase, other");
    o.String("thread", &w.thread);
    o.Enum("op", &w.op, ParseOpKindName, "store, erase, load, iterate");
    o.Bool("initial", &w.initial);
    TimeMember(&o, "call", &w.call);
    TimeMember(&o, "return", &w.ret);
    if (w.op != OpKind::kIterate) o.U64("key", &w.key);
    if (w.op == OpKind::kLoad) o.Bool("found", &w.found);
    if (w.op == OpKind::kErase) o.Bool("removed", &w.found);
    if (w.op == OpKind::kStore || (w.op == OpKind::kLoad && w.found)) o.U64("value", &w.value);
    if (w.op == OpKind::kIterate) o.U32("entries", &w.entries);
    if (o.ok() && o.Get("effect", /*required=*/false) != nullptr) {
      w.has_effect = true;
      SpanMember(&o, "effect", &w.effect);
    }
    if (!o.ok()) return r->Fail(error);
    e->ops.push_back(std::move(w));
  }
}

}  // namespace

json CheckResultToJson(const CheckResult& check) {
  json anomalies = json::object();
  for (int i = 0; i < kAnomalyCount; ++i) anomalies[AnomalyName(static_cast<Anomaly>(i))] = check.anomalies[i];
  json examples = json::array();
  for (const Example& e : check.examples) examples.push_back(ExampleToJson(e));
  json spread = json::object();
  for (int i = 0; i < kAnomalyCount; ++i) {
    if (check.tallies[i].occasions > 0) spread[AnomalyName(static_cast<Anomaly>(i))] = TallyToJson(check.tallies[i]);
  }
  json out = {{"iterations",
               {{"total", check.iterations},
                {"snapshot", check.snapshot},
                {"weak", check.weak},
                {"anomalous", check.anomalous}}},
              {"loads", check.loads},
              {"erases", check.erases},
              {"anomalies", std::move(anomalies)},
              {"key_counts", {{"wrong", check.key_wrong}, {"total", check.key_total}}},
              {"events", check.events},
              {"examples", std::move(examples)}};
  if (check.shares_known) {
    json iterations_with = json::object(), loads_with = json::object(), erases_with = json::object();
    for (int i = 0; i < kAnomalyCount; ++i) {
      iterations_with[AnomalyName(static_cast<Anomaly>(i))] = check.iterations_with[i];
      loads_with[AnomalyName(static_cast<Anomaly>(i))] = check.loads_with[i];
      erases_with[AnomalyName(static_cast<Anomaly>(i))] = check.erases_with[i];
    }
    out["iterations_with"] = std::move(iterations_with);
    out["loads_with"] = std::move(loads_with);
    out["erases_with"] = std::move(erases_with);
  }
  if (!spread.empty()) out["spread"] = std::move(spread);  // only kinds that occurred
  return out;
}

bool CheckResultFromJson(const json& j, CheckResult* check, std::string* error) {
  CheckResult out;
  FieldReader top(j, "", error);
  if (const json* it = top.Get("iterations")) {
    FieldReader r(*it, "iterations", error);
    r.U64("total", &out.iterations);
    r.U64("snapshot", &out.snapshot);
    r.U64("weak", &out.weak);
    r.U64("anomalous", &out.anomalous);
    if (!r.ok()) return false;
  }
  top.U64("loads", &out.loads);
  top.U64("erases", &out.erases, /*required=*/false);  // absent in reports before erase results were checked
  if (const json* a = top.Get("anomalies")) {
    FieldReader r(*a, "anomalies", error);
    for (int i = 0; i < kAnomalyCount; ++i) r.U64(AnomalyName(static_cast<Anomaly>(i)), &out.anomalies[i]);
    if (!r.ok()) return false;
  }
  // Both or neither: reports written before they existed have neither.
  const json* iterations_with = top.Get("iterations_with", false);
  const json* loads_with = top.Get("loads_with", false);
  out.shares_known = iterations_with != nullptr && loads_with != nullptr;
  if (out.shares_known) {
    FieldReader ri(*iterations_with, "iterations_with", error);
    FieldReader rl(*loads_with, "loads_with", error);
    for (int i = 0; i < kAnomalyCount; ++i) {
      ri.U64(AnomalyName(static_cast<Anomaly>(i)), &out.iterations_with[i]);
      rl.U64(AnomalyName(static_cast<Anomaly>(i)), &out.loads_with[i]);
    }
    if (!ri.ok() || !rl.ok()) return false;
    if (const json* erases_with = top.Get("erases_with", /*required=*/false)) {
      FieldReader re(*erases_with, "erases_with", error);
      for (int i = 0; i < kAnomalyCount; ++i) re.U64(AnomalyName(static_cast<Anomaly>(i)), &out.erases_with[i]);
      if (!re.ok()) return false;
    }
  }
  if (const json* k = top.Get("key_counts")) {
    FieldReader r(*k, "key_counts", error);
    r.U64("wrong", &out.key_wrong);
    r.U64("total", &out.key_total);
    if (!r.ok()) return false;
  }
  top.U64("events", &out.events);
  if (const json* spread = top.Get("spread", /*required=*/false)) {  // schema 2
    FieldReader sr(*spread, "spread", error);
    for (int i = 0; i < kAnomalyCount && sr.ok(); ++i) {
      const char* name = AnomalyName(static_cast<Anomaly>(i));
      const json* t = sr.Get(name, /*required=*/false);
      if (t == nullptr) continue;
      FieldReader tr(*t, sr.PathOf(name), error);
      AnomalyTally& tally = out.tallies[i];
      tr.U64("occasions", &tally.occasions);
      tr.U64("distinct_keys", &tally.distinct_keys);
      tr.U64("top_key", &tally.top_key);
      tr.U64("top_key_occasions", &tally.top_key_occasions);
      tr.Bool("partial", &tally.partial);
      if (!tr.ok()) return false;
    }
    if (!sr.ok()) return false;
  }
  if (const json* examples = top.Get("examples")) {
    if (!examples->is_array()) {
      top.Fail("examples: expected an array");
    } else {
      for (size_t i = 0; i < examples->size() && top.ok(); ++i) {
        FieldReader r((*examples)[i], fmt::format("examples[{}]", i), error);
        Example e;
        r.Enum("kind", &e.kind, ParseAnomaly,
               "missing, phantom, duplicate, stale_value, unknown_value, stale_read, not_snapshot");
        r.U64("key", &e.key);
        r.String("explanation", &e.explanation);
        if (const json* w = r.Get("witnesses")) {
          if (!w->is_array()) r.Fail(r.PathOf("witnesses") + ": expected an array of strings");
          for (size_t k = 0; r.ok() && k < w->size(); ++k) {
            if (!(*w)[k].is_string()) {
              r.Fail(fmt::format("{}[{}]: expected a string", r.PathOf("witnesses"), k));
            } else {
              e.witnesses.push_back((*w)[k].get<std::string>());
            }
          }
        }
        ReadStructuredExample(&r, (*examples)[i], &e);
        if (!r.ok()) return false;
        out.examples.push_back(std::move(e));
      }
    }
  }
  if (!top.ok()) return false;
  *check = std::move(out);
  return true;
}

json CaseReportToJson(const CaseReport& report) {
  json j;
  j["scenario"] = ValidUtf8(report.scenario);
  j["scenario_path"] = ValidUtf8(report.scenario_path);
  j["backend"] = ValidUtf8(report.backend);
  j["guarantee"] = GuaranteeName(report.guarantee);
  j["status"] = CaseStatusName(report.status);
  j["outcome"] = OutcomeName(report.outcome);
  if (report.outcome == Outcome::kCrashed || !report.signal.empty()) j["signal"] = ValidUtf8(report.signal);
  if (!report.message.empty()) j["message"] = ValidUtf8(report.message);
  if (!report.crash.empty()) j["crash"] = CrashDetailsToJson(report.crash);
  j["trials"] = report.trials;
  j["trials_completed"] = report.trials_completed;
  j["threads"] = report.threads;
  j["seed"] = report.seed;
  j["duration_s"] = report.duration_s;
  j["truncated"] = report.truncated;
  j["isolated"] = report.isolated;
  json ops = json::object();
  for (int k = 0; k < kOpKindCount; ++k) {
    const OpStats& s = report.ops[k];
    ops[OpKindName(static_cast<OpKind>(k))] = {
        {"count", s.count},
        {"per_sec", s.per_sec},
        {"latency_ns", {{"p50", s.p50_ns}, {"p99", s.p99_ns}, {"p999", s.p999_ns}, {"max", s.max_ns}}}};
  }
  j["ops"] = std::move(ops);
  json check = CheckResultToJson(report.check);
  j["iterations"] = check["iterations"];
  j["loads"] = check["loads"];
  j["erases"] = check["erases"];
  j["anomalies"] = check["anomalies"];
  if (check.contains("iterations_with")) {
    j["iterations_with"] = check["iterations_with"];
    j["loads_with"] = check["loads_with"];
    j["erases_with"] = check["erases_with"];
  }
  json grading = json::object();
  for (int i = 0; i < kGradedKindCount; ++i) {
    auto k = static_cast<GradedKind>(i);
    grading[GradedKindName(k)] = GradeName(report.grading.Of(k));
  }
  j["grading"] = std::move(grading);
  Rates rates = ComputeRates(report.check);
  j["rates"] = {{"iteration_deviation", RateToJson(rates.iteration_deviation)},
                {"snapshot_deviation", RateToJson(rates.snapshot_deviation)},
                {"key_deviation", RateToJson(rates.key_deviation)}};
  j["key_counts"] = check["key_counts"];
  j["events"] = check["events"];
  if (check.contains("spread")) j["spread"] = check["spread"];
  j["examples"] = check["examples"];
  return j;
}

bool CaseReportFromJson(const json& j, CaseReport* report, std::string* error) {
  CaseReport out;
  FieldReader r(j, "", error);
  r.String("scenario", &out.scenario);
  r.String("scenario_path", &out.scenario_path);
  r.String("backend", &out.backend);
  r.Enum("guarantee", &out.guarantee, ParseGuarantee, "snapshot, weak, none");
  r.Enum("status", &out.status, ParseCaseStatus, "pass, fail, inconclusive, error, unsupported");
  r.Enum("outcome", &out.outcome, ParseOutcome, "completed, crashed, hung");
  r.String("signal", &out.signal, /*required=*/false);
  r.String("message", &out.message, /*required=*/false);
  if (const json* crash = r.Get("crash", /*required=*/false)) {
    if (!CrashDetailsFromJson(*crash, &out.crash, error)) return false;
  }
  r.U32("trials", &out.trials);
  r.U32("trials_completed", &out.trials_completed);
  r.U32("threads", &out.threads);
  r.U64("seed", &out.seed);
  r.Double("duration_s", &out.duration_s);
  r.Bool("truncated", &out.truncated);
  r.Bool("isolated", &out.isolated);
  if (const json* ops = r.Get("ops")) {
    FieldReader o(*ops, "ops", error);
    for (int k = 0; k < kOpKindCount && o.ok(); ++k) {
      const char* name = OpKindName(static_cast<OpKind>(k));
      const json* op = o.Get(name);
      if (op == nullptr) break;
      FieldReader s(*op, o.PathOf(name), error);
      OpStats& stats = out.ops[k];
      s.U64("count", &stats.count);
      s.Double("per_sec", &stats.per_sec);
      if (const json* lat = s.Get("latency_ns")) {
        FieldReader l(*lat, s.PathOf("latency_ns"), error);
        l.U64("p50", &stats.p50_ns);
        l.U64("p99", &stats.p99_ns);
        l.U64("p999", &stats.p999_ns);
        l.U64("max", &stats.max_ns);
        if (!l.ok()) return false;
      }
      if (!s.ok()) return false;
    }
    if (!o.ok()) return false;
  }
  if (!r.ok()) return false;
  // The check result's members sit at the case's top level.
  if (!CheckResultFromJson(j, &out.check, error)) return false;
  if (const json* g = r.Get("grading")) {
    FieldReader gr(*g, "grading", error);
    for (int i = 0; i < kAnomalyCount; ++i) {
      gr.Enum(AnomalyName(static_cast<Anomaly>(i)), &out.grading.anomaly[i], ParseGrade, kGradeWords);
    }
    gr.Enum(GradedKindName(GradedKind::kCrashed), &out.grading.crashed, ParseGrade, kGradeWords);
    gr.Enum(GradedKindName(GradedKind::kHung), &out.grading.hung, ParseGrade, kGradeWords);
    if (!gr.ok()) return false;
  }
  // "rates" is derived from the counts and not read back.
  if (!r.ok()) return false;
  *report = std::move(out);
  return true;
}

json BuildsToJson(const std::map<std::string, std::string>& builds) {
  json out = json::object();
  for (const auto& [backend, build] : builds) out[ValidUtf8(backend)] = ValidUtf8(build);
  return out;
}

json RunContextToJson(const RunContext& c) {
  json j = {{"tool_version", ValidUtf8(c.tool_version)},
            {"host", ValidUtf8(c.host)},
            {"cpus", c.cpus},
            {"compiler", ValidUtf8(c.compiler)},
            {"build_type", ValidUtf8(c.build_type)},
            {"sanitized", c.sanitized},
            {"seed", c.seed},
            {"start_time", ValidUtf8(c.start_time)},
            {"duration", ValidUtf8(c.duration)},
            {"trials", c.trials},
            {"noise", ValidUtf8(c.noise)},
            {"command_line", ValidUtf8(c.command_line)},
            {"plan", ValidUtf8(c.plan)},
            {"plan_cases", c.plan_cases},
            {"partial", c.partial},
            {"clock",
             {{"source", ValidUtf8(c.clock.source)},
              {"resolution_ns", c.clock.resolution_ns},
              {"read_cost_ns", c.clock.read_cost_ns},
              {"fence_window_ns", c.clock.fence_window_ns},
              {"cross_core_samples", c.clock.cross_core_samples},
              {"cross_core_violations", c.clock.cross_core_violations},
              {"trusted", c.clock.trusted},
              {"note", ValidUtf8(c.clock.note)}}}};
  if (c.shard_count > 0) j["shard"] = {{"index", c.shard_index}, {"count", c.shard_count}};
  if (!c.backend_builds.empty()) j["backend_builds"] = BuildsToJson(c.backend_builds);  // plugins only
  return j;
}

bool RunContextFromJson(const json& j, RunContext* context, std::string* error) {
  RunContext out;
  FieldReader r(j, "context", error);
  r.String("tool_version", &out.tool_version);
  r.String("host", &out.host);
  r.U32("cpus", &out.cpus);
  r.String("compiler", &out.compiler);
  r.String("build_type", &out.build_type);
  r.Bool("sanitized", &out.sanitized);
  r.U64("seed", &out.seed);
  r.String("start_time", &out.start_time);
  r.String("duration", &out.duration);
  r.U32("trials", &out.trials);
  r.String("noise", &out.noise, /*required=*/false);  // absent in older reports
  r.String("command_line", &out.command_line);
  if (const json* builds = r.Get("backend_builds", /*required=*/false)) {  // absent in older reports
    if (!builds->is_object()) r.Fail("context.backend_builds: expected an object");
    for (auto it = builds->begin(); r.ok() && it != builds->end(); ++it) {
      if (!it->is_string()) r.Fail("context.backend_builds." + it.key() + ": expected a string");
      if (r.ok()) out.backend_builds[it.key()] = it->get<std::string>();
    }
  }
  // Absent in reports written before shards and plans were recorded.
  if (const json* shard = r.Get("shard", false)) {
    FieldReader sh(*shard, "context.shard", error);
    sh.U32("index", &out.shard_index);
    sh.U32("count", &out.shard_count);
    if (!sh.ok()) return false;
    if (out.shard_count == 0 || out.shard_index == 0 || out.shard_index > out.shard_count) {
      sh.Fail(fmt::format("context.shard: expected 1 <= index <= count, got {}/{}", out.shard_index, out.shard_count));
      return false;
    }
  }
  r.String("plan", &out.plan, false);
  r.U64("plan_cases", &out.plan_cases, false);
  r.Bool("partial", &out.partial, false);
  if (const json* clock = r.Get("clock")) {
    FieldReader c(*clock, "context.clock", error);
    c.String("source", &out.clock.source);
    c.Double("resolution_ns", &out.clock.resolution_ns);
    c.Double("read_cost_ns", &out.clock.read_cost_ns);
    c.U64("fence_window_ns", &out.clock.fence_window_ns, /*required=*/false);  // absent in older reports
    c.U64("cross_core_samples", &out.clock.cross_core_samples);
    c.U64("cross_core_violations", &out.clock.cross_core_violations);
    c.Bool("trusted", &out.clock.trusted);
    c.String("note", &out.clock.note);
    if (!c.ok()) return false;
  }
  if (!r.ok()) return false;
  *context = std::move(out);
  return true;
}

}  // namespace mapstress
