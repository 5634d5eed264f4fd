#include "engine/isolation.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/case_report_json.h"

namespace mapstress {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kStderrTail = 4096;
constexpr auto kCheckBudget = std::chrono::minutes(10);
constexpr auto kUnboundedRunBudget = std::chrono::seconds(60);  // op-bounded trials

void WriteAll(int fd, const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

// The last lines of what the child wrote to stderr (e.g. Go's "fatal error: concurrent map writes").
std::string TailLines(const std::string& text, size_t max_lines) {
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == ' ')) --end;
  size_t pos = end;
  for (size_t lines = 0; pos > 0 && lines < max_lines;) {
    --pos;
    if (text[pos] == '\n') ++lines;
  }
  if (pos > 0 || (pos < end && text[pos] == '\n')) ++pos;
  return text.substr(pos, end - pos);
}

// The line that says why a runtime gave up ("fatal error: concurrent map writes", "panic: ..."),
// which a Go crash prints before a long goroutine dump; else the last lines.
std::string CrashMessage(const std::string& text) {
  for (const char* marker : {"fatal error:", "panic:", "terminate called", "Assertion"}) {
    size_t at = text.find(marker);
    if (at == std::string::npos) continue;
    size_t start = text.rfind('\n', at);
    start = start == std::string::npos ? 0 : start + 1;
    size_t end = text.find('\n', at);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  return TailLines(text, 3);
}

}  // namespace

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  if (abbrev == nullptr) return "signal " + std::to_string(signal);
  return std::string("SIG") + abbrev;
}

CaseReport RunIsolated(const CaseReport& initial, Nanos trial_budget, Nanos grace, const ChildBody& body) {
  CaseReport report = initial;
  report.isolated = true;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    report.status = CaseStatus::kError;
    report.message = std::string("cannot create a pipe for the isolated child: ") + strerror(errno);
    return report;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    report.status = CaseStatus::kError;
    report.message = std::string("cannot fork the isolated child: ") + strerror(errno);
    return report;
  }
  if (pid == 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    dup2(err_pipe[1], STDERR_FILENO);
    int out = out_pipe[1];
    CaseReport child = initial;
    child.isolated = true;
    body(&child, [out](const CaseReport& r, const char* phase) {
      std::string line = std::string(phase) + " ";
      line += std::string(phase) == "trial" ? CaseReportToJson(r).dump() : "{}";
      WriteAll(out, line + "\n");
    });
    WriteAll(out, "final " + CaseReportToJson(child).dump() + "\n");
    _exit(0);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);

  auto run_budget = trial_budget.count() > 0 ? std::chrono::duration_cast<Clock::duration>(trial_budget)
                                             : std::chrono::duration_cast<Clock::duration>(kUnboundedRunBudget);
  auto deadline = Clock::now() + run_budget + grace + std::chrono::seconds(5);
  std::string out_buf, err_buf;
  bool have_final = false, out_open = true, err_open = true, hung = false;
  auto handle_line = [&](const std::string& line) {
    size_t space = line.find(' ');
    std::string phase = line.substr(0, space);
    if (phase == "run") deadline = Clock::now() + run_budget + grace;
    if (phase == "check") deadline = Clock::now() + kCheckBudget;
    if (phase == "trial" || phase == "final") {
      CaseReport parsed;
      std::string error;
      auto json = nlohmann::json::parse(line.substr(space + 1), nullptr, false);
      if (!json.is_discarded() && CaseReportFromJson(json, &parsed, &error)) {
        report = parsed;
        report.isolated = true;
        have_final |= phase == "final";
      }
    }
  };
  while (out_open || err_open) {
    auto now = Clock::now();
    if (now >= deadline) {
      hung = true;
      kill(pid, SIGKILL);
      break;
    }
    int timeout_ms =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()) + 1;
    pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0}, {err_open ? err_pipe[0] : -1, POLLIN, 0}};
    int ready = poll(fds, 2, std::min(timeout_ms, 200));
    if (ready < 0 && errno != EINTR) break;
    char buf[65536];
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP))) {
      ssize_t n = read(out_pipe[0], buf, sizeof buf);
      if (n <= 0) {
        out_open = false;
      } else {
        out_buf.append(buf, static_cast<size_t>(n));
        size_t nl;
        while ((nl = out_buf.find('\n')) != std::string::npos) {
          handle_line(out_buf.substr(0, nl));
          out_buf.erase(0, nl + 1);
        }
      }
    }
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP))) {
      ssize_t n = read(err_pipe[0], buf, sizeof buf);
      if (n <= 0) {
        err_open = false;
      } else {
        err_buf.append(buf, static_cast<size_t>(n));
        // Keep the head (where a runtime says why it died) and the tail.
        if (err_buf.size() > 4 * kStderrTail) err_buf.erase(kStderrTail, err_buf.size() - 2 * kStderrTail);
      }
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  std::string tail = CrashMessage(err_buf);
  if (hung) {
    report.outcome = Outcome::kHung;
    report.message = fmt::format("no progress within the budget plus {}s grace: killed",
                                 std::chrono::duration_cast<std::chrono::seconds>(grace).count());
  } else if (WIFSIGNALED(status)) {
    report.outcome = Outcome::kCrashed;
    report.signal = SignalName(WTERMSIG(status));
    report.message = tail.empty() ? "killed by " + report.signal : tail;
  } else if (!have_final) {
    report.outcome = Outcome::kCrashed;
    report.signal = "";
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    report.message =
        fmt::format("child exited with status {} before reporting{}", code, tail.empty() ? "" : ": " + tail);
  }
  if (report.outcome != Outcome::kCompleted) {
    report.status = CaseStatus::kPass;  // re-grade: the crash or hang is graded by the contract
    report.status = Verdict(report);
  }
  return report;
}

}  // namespace mapstress
