#include "engine/isolation.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/case_report_json.h"
#include "core/child_process.h"
#include "engine/crash_report.h"

namespace mapstress {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kStderrTail = 4096;
constexpr auto kCheckBudget = std::chrono::minutes(10);
constexpr auto kUnboundedRunBudget = std::chrono::seconds(60);    // op-bounded trials
constexpr auto kInterruptGrace = std::chrono::milliseconds(500);  // Ctrl-C: time to send what it has
constexpr auto kPollInterval = std::chrono::milliseconds(100);    // interrupt checks; exit when no pidfd

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

namespace {

// What a pipe from the child delivered: its head and tail (where runtimes say why they died) and
// how many lines were dropped between them.
struct Captured {
  std::string text;
  uint64_t lines = 0;
  uint64_t dropped_lines = 0;

  void Append(const char* data, size_t n) {
    text.append(data, n);
    lines += static_cast<uint64_t>(std::count(data, data + n, '\n'));
    if (text.size() > 4 * kStderrTail) {
      dropped_lines +=
          static_cast<uint64_t>(std::count(text.begin() + kStderrTail, text.end() - 2 * kStderrTail, '\n'));
      text.erase(kStderrTail, text.size() - 3 * kStderrTail);
    }
  }
};

// Reads what is there without blocking; false at EOF or on an error.
bool Drain(int fd, const std::function<void(const char*, size_t)>& sink) {
  char buf[65536];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      sink(buf, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

// The child's side: stdout and stderr into the parent's pipes, the report channel on its own fd.
[[noreturn]] void RunChild(const CaseReport& initial, const ChildBody& body, int channel, int out_fd, int err_fd) {
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  CaseReport child = initial;
  child.isolated = true;
  body(&child, [channel](const CaseReport& r, const char* phase) {
    std::string line = std::string(phase) + " ";
    line += std::string(phase) == "trial" ? CaseReportToJson(r).dump() : "{}";
    WriteAll(channel, line + "\n");
  });
  WriteAll(channel, "final " + CaseReportToJson(child).dump() + "\n");
  std::fflush(stdout);
  _exit(0);
}

// "the backend wrote 12 lines to stdout, last: ..." for the report (empty when it wrote nothing).
std::string StdoutNote(const Captured& out) {
  if (out.text.empty()) return "";
  std::string last = TailLines(out.text, 3);
  for (char& c : last) {
    if (c == '\n') c = '|';
  }
  return fmt::format("the backend wrote {} line(s) to stdout{}, last: {}", out.lines,
                     out.dropped_lines ? fmt::format(" ({} not kept)", out.dropped_lines) : "", last);
}

}  // namespace

CaseReport RunIsolated(const CaseReport& initial, Nanos trial_budget, Nanos grace, const ChildBody& body,
                       const std::atomic<bool>* interrupted) {
  CaseReport report = initial;
  report.isolated = true;
  // channel: the child's progress reports; out/err: what it (and the plugin) print.
  int channel[2], out_pipe[2], err_pipe[2];
  if (pipe2(channel, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    report.status = CaseStatus::kError;
    report.message = std::string("cannot create a pipe for the isolated child: ") + strerror(errno);
    return report;
  }
  fflush(stdout);
  fflush(stderr);
  const int crash_fd = CreateCrashFile();  // the child's crash or hang dump
  struct FdCloser {
    int fd;
    ~FdCloser() {
      if (fd >= 0) close(fd);
    }
  } crash_closer{crash_fd};
  ChildProcess child;
  std::string fork_error;
  pid_t pid = child.Fork(&fork_error);
  if (pid == 0) {
    close(channel[0]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    InstallCrashHandlers(crash_fd);
    RunChild(initial, body, channel[1], out_pipe[1], err_pipe[1]);
  }
  close(channel[1]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(channel[0]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    report.status = CaseStatus::kError;
    report.message = "cannot fork the isolated child: " + fork_error;
    return report;
  }
  for (int fd : {channel[0], out_pipe[0], err_pipe[0]}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

  auto run_budget = trial_budget.count() > 0 ? std::chrono::duration_cast<Clock::duration>(trial_budget)
                                             : std::chrono::duration_cast<Clock::duration>(kUnboundedRunBudget);
  auto deadline = Clock::now() + run_budget + grace + std::chrono::seconds(5);
  std::string channel_buf;
  Captured out, err;
  bool have_final = false, hung = false, stopped = false;
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
  auto on_channel = [&](const char* data, size_t n) {
    channel_buf.append(data, n);
    size_t nl;
    while ((nl = channel_buf.find('\n')) != std::string::npos) {
      handle_line(channel_buf.substr(0, nl));
      channel_buf.erase(0, nl + 1);
    }
  };
  auto read_all = [&] {
    Drain(channel[0], on_channel);
    Drain(out_pipe[0], [&](const char* d, size_t n) { out.Append(d, n); });
    Drain(err_pipe[0], [&](const char* d, size_t n) { err.Append(d, n); });
  };
  // The case ends when the child exits, not when its pipes close: anything it forked may hold
  // them open. Interrupts ask the child to stop (SIGTERM), then kill the group after a moment.
  auto stop_by = Clock::time_point::max();
  while (!child.TryReap()) {
    auto now = Clock::now();
    if (interrupted != nullptr && interrupted->load() && !stopped) {
      stopped = true;
      child.Signal(SIGTERM);
      stop_by = now + kInterruptGrace;
    }
    if (now >= deadline || now >= stop_by) {
      hung = now >= deadline && !stopped;
      if (hung) RequestStacks(pid, crash_fd);  // each thread writes its stack before the kill
      break;
    }
    auto wait = std::min({deadline, stop_by, now + kPollInterval}) - now;
    int timeout_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()) + 1;
    pollfd fds[4] = {
        {channel[0], POLLIN, 0}, {out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {child.exit_fd(), POLLIN, 0}};
    poll(fds, 4, timeout_ms);
    read_all();
  }
  child.Finish();  // kills what the child left running, reaps it
  read_all();      // what was written before the group died
  close(channel[0]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = child.status();

  std::string tail = CrashMessage(err.text);
  if (hung) {
    report.outcome = Outcome::kHung;
    report.message = fmt::format("no progress within the budget plus {}s grace: killed",
                                 std::chrono::duration_cast<std::chrono::seconds>(grace).count());
  } else if (stopped && !have_final) {
    report.status = CaseStatus::kInconclusive;
    report.message = "interrupted: the isolated child was stopped";
    return report;
  } else if (!child.exited()) {
    report.status = CaseStatus::kError;
    report.message = "the isolated child could not be reaped after SIGKILL";
    return report;
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
  std::string note = StdoutNote(out);
  if (!note.empty()) report.message += (report.message.empty() ? "" : "; ") + note;
  if (report.outcome != Outcome::kCompleted) ReadCrashDump(crash_fd, &report);
  if (report.outcome != Outcome::kCompleted) {
    report.status = CaseStatus::kPass;  // re-grade: the crash or hang is graded by the contract
    report.status = Verdict(report);
  }
  return report;
}

}  // namespace mapstress
