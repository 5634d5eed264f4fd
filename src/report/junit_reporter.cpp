// The `junit` report: JUnit XML for CI (validated against the Jenkins junit-10.xsd): a testsuite
// per scenario, a testcase per backend.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/case_report_json.h"
#include "core/text_width.h"
#include "report/case_facts.h"
#include "report/number_format.h"
#include "report/reporter.h"
#include "report/terminal.h"

namespace mapstress {
namespace {

// XML 1.0 can hold no control character but tab and line breaks, not even as a reference: the
// others are written as visible "\x01" text. Attributes keep their line breaks as references.
std::string Escape(std::string_view raw, bool attribute) {
  std::string text = ValidUtf8(raw);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&apos;"; continue;
      case '\r': out += "&#13;"; continue;
      case '\n': out += attribute ? "&#10;" : "\n"; continue;
      case '\t': out += attribute ? "&#9;" : "\t"; continue;
      default: break;
    }
    if (c < 0x20) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
               (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
      out += "\xEF\xBF\xBD";  // U+FFFE and U+FFFF are not XML characters
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Attr(std::string_view text) { return Escape(text, true); }
std::string Text(std::string_view text) { return Escape(text, false); }

std::string Seconds(double s) { return fmt::format("{:.3f}", s >= 0 ? s : 0.0); }

bool CrashOrHangFailed(const CaseReport& c) {
  return (c.outcome == Outcome::kCrashed && c.grading.crashed == Grade::kForbidden) ||
         (c.outcome == Outcome::kHung && c.grading.hung == Grade::kForbidden);
}

std::string Summary(const CaseReport& c) {
  Rates rates = ComputeRates(c.check);
  return fmt::format(
      "guarantee {}; {} iterations ({} snapshot, {} weak, {} anomalous); {} loads; trials {}/{}; "
      "threads {}; seed {}; iteration deviation {} [{}, {}]{}",
      GuaranteeName(c.guarantee), c.check.iterations, c.check.snapshot, c.check.weak, c.check.anomalous, c.check.loads,
      c.trials_completed, c.trials, c.threads, c.seed, FormatPercent(rates.iteration_deviation.value),
      FormatPercent(rates.iteration_deviation.lo), FormatPercent(rates.iteration_deviation.hi),
      c.truncated ? "; history truncated" : "");
}

std::string TestCase(const CaseReport& c) {
  std::string out = fmt::format("    <testcase name=\"{}\" classname=\"mapstress.{}\" time=\"{}\">\n", Attr(c.backend),
                                Attr(c.scenario), Seconds(c.duration_s));
  std::string first_line = c.message.substr(0, c.message.find('\n'));
  bool table_in_body = false;
  if (c.status == CaseStatus::kError) {
    out += fmt::format("      <error message=\"{}\" type=\"error\">{}</error>\n", Attr(first_line), Text(c.message));
  } else if (c.status == CaseStatus::kFail && CrashOrHangFailed(c)) {
    std::string what = c.outcome == Outcome::kCrashed
                           ? "crashed" + (c.signal.empty() ? std::string() : " (" + c.signal + ")")
                           : std::string("hung");
    out += fmt::format("      <error message=\"{}\" type=\"{}\">{}</error>\n", Attr(what),
                       c.outcome == Outcome::kCrashed ? "crashed" : "hung", Text(RenderFailureTable(c)));
    table_in_body = true;
  } else if (c.status == CaseStatus::kFail) {
    std::string message = "FORBIDDEN:";
    bool first = true;
    for (int i = 0; i < kAnomalyCount; ++i) {
      Anomaly a = static_cast<Anomaly>(i);
      if (c.check.Count(a) == 0 || c.grading.Of(a) != Grade::kForbidden) continue;
      message += fmt::format("{} {} {} ({})", first ? "" : ",", AnomalyName(a), c.check.Count(a),
                             FormatPercent(AnomalyRate(c, a)));
      first = false;
    }
    out += fmt::format("      <failure message=\"{}\" type=\"FORBIDDEN\">{}</failure>\n", Attr(message),
                       Text(RenderFailureTable(c)));
    table_in_body = true;
  } else if (c.status == CaseStatus::kUnsupported || c.status == CaseStatus::kInconclusive) {
    out += fmt::format("      <skipped message=\"{}: {}\"/>\n", CaseStatusName(c.status), Attr(first_line));
  }
  std::string system_out = Summary(c) + "\n";
  bool any_anomaly = std::any_of(c.check.anomalies.begin(), c.check.anomalies.end(), [](uint64_t n) { return n > 0; });
  if (!table_in_body && (any_anomaly || c.outcome != Outcome::kCompleted)) system_out += RenderFailureTable(c);
  out += fmt::format("      <system-out>{}</system-out>\n", Text(system_out));
  if (!c.message.empty() && c.status != CaseStatus::kError) {
    out += fmt::format("      <system-err>{}</system-err>\n", Text(c.message));
  }
  return out + "    </testcase>\n";
}

}  // namespace

std::string RenderJunitReport(const ReportInput& input) {
  std::vector<std::string> scenarios;
  std::map<std::string, std::vector<const CaseReport*>> by_scenario;
  for (const CaseReport& c : input.cases) {
    if (by_scenario.find(c.scenario) == by_scenario.end()) scenarios.push_back(c.scenario);
    by_scenario[c.scenario].push_back(&c);
  }
  size_t failures = 0, errors = 0;
  double total_time = 0;
  std::string suites;
  for (const std::string& scenario : scenarios) {
    size_t fail = 0, error = 0, skipped = 0;
    double time = 0;
    std::string cases;
    for (const CaseReport* c : by_scenario[scenario]) {
      if (c->status == CaseStatus::kError || (c->status == CaseStatus::kFail && CrashOrHangFailed(*c))) {
        ++error;
      } else if (c->status == CaseStatus::kFail) {
        ++fail;
      } else if (c->status == CaseStatus::kUnsupported || c->status == CaseStatus::kInconclusive) {
        ++skipped;
      }
      time += c->duration_s >= 0 ? c->duration_s : 0;
      cases += TestCase(*c);
    }
    const CaseReport& first = *by_scenario[scenario].front();
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" "
        "timestamp=\"{}\" hostname=\"{}\">\n",
        Attr(scenario), by_scenario[scenario].size(), fail, error, skipped, Seconds(time),
        Attr(input.context.start_time), Attr(input.context.host));
    suites += "    <properties>\n";
    auto property = [&](const std::string& name, const std::string& value) {
      suites += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", Attr(name), Attr(value));
    };
    property("mapstress.version", input.context.tool_version);
    property("scenario_path", first.scenario_path);
    property("seed", fmt::format("{}", first.seed));
    property("command_line", input.context.command_line);
    suites += "    </properties>\n";
    suites += cases + "  </testsuite>\n";
    failures += fail;
    errors += error;
    total_time += time;
  }
  return fmt::format(
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
             input.interrupted ? "mapstress (interrupted)" : "mapstress", input.cases.size(), failures, errors,
             Seconds(total_time)) +
         suites + "</testsuites>\n";
}

}  // namespace mapstress
