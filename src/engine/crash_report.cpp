#include "engine/crash_report.h"

#include <execinfo.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <map>
#include <sstream>
#include <thread>

#include "core/limits.h"
#include "engine/crash_history.h"
#include "engine/symbolizer.h"

namespace mapstress {
namespace {

constexpr int kMaxFrames = 48;
constexpr size_t kNamesBytes = 16384;
const int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

// What the handlers read: set before the trial's threads start, in normal context.
struct CrashState {
  int fd = -1;
  std::atomic<OpRing*> rings{nullptr};
  std::atomic<uint32_t> count{0};
  char names[kNamesBytes] = {};  // "names N a b c\n"
  std::atomic<size_t> names_len{0};
  std::atomic<bool> crashing{false};
  std::atomic<bool> stacks_requested{false};
};
CrashState g_crash;

int StackSignal() { return SIGRTMIN + 4; }

// An async-signal-safe line builder over a fixed buffer.
class Line {
 public:
  Line& Text(const char* s) {
    while (*s && len_ < sizeof buf_ - 2) buf_[len_++] = *s++;
    return *this;
  }
  Line& Dec(int64_t v) {
    if (v < 0) {
      Text("-");
      v = -v;
    }
    char tmp[24];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v > 0);
    while (n > 0 && len_ < sizeof buf_ - 2) buf_[len_++] = tmp[--n];
    return *this;
  }
  Line& Hex(uint64_t v) {
    char tmp[20];
    int n = 0;
    do {
      tmp[n++] = "0123456789abcdef"[v & 15];
      v >>= 4;
    } while (v > 0);
    Text(" ");
    while (n > 0 && len_ < sizeof buf_ - 2) buf_[len_++] = tmp[--n];
    return *this;
  }
  void Write(int fd) {
    buf_[len_++] = '\n';
    size_t done = 0;
    while (done < len_) {
      ssize_t n = write(fd, buf_ + done, len_ - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

 private:
  char buf_[2048];
  size_t len_ = 0;
};

int SelfIndex() {
  const auto tid = static_cast<int32_t>(syscall(SYS_gettid));
  OpRing* rings = g_crash.rings.load();
  const uint32_t n = rings ? g_crash.count.load() : 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (rings[i].tid.load(std::memory_order_relaxed) == tid) return static_cast<int>(i);
  }
  return -1;
}

void WriteFrames(const char* tag, int self) {
  void* frames[kMaxFrames];
  int n = backtrace(frames, kMaxFrames);
  Line line;
  line.Text(tag).Text(" ").Dec(self);
  for (int i = 1; i < n; ++i) line.Hex(reinterpret_cast<uintptr_t>(frames[i]));  // frame 0: this handler
  line.Write(g_crash.fd);
}

void WriteRings() {
  const size_t names_len = g_crash.names_len.load();
  if (names_len > 0) {
    ssize_t ignored = write(g_crash.fd, g_crash.names, names_len);
    (void)ignored;
  }
  OpRing* rings = g_crash.rings.load();
  const uint32_t n = rings ? g_crash.count.load() : 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t started = rings[i].started.load(std::memory_order_relaxed);
    Line line;
    line.Text("ops ").Dec(i).Text(" ").Dec(static_cast<int64_t>(started));
    const uint64_t first = started > OpRing::kSize ? started - OpRing::kSize : 0;
    for (uint64_t k = first; k < started; ++k) line.Hex(rings[i].slots[k & (OpRing::kSize - 1)].load());
    line.Write(g_crash.fd);
  }
}

void OnCrashSignal(int sig, siginfo_t*, void*) {
  if (g_crash.crashing.exchange(true)) {
    while (true) pause();  // another thread is writing the dump; its re-raise ends us both
  }
  const int self = SelfIndex();
  Line line;
  line.Text("crash ").Dec(sig).Text(" ").Dec(self);
  line.Write(g_crash.fd);
  WriteFrames("frames", self);
  WriteRings();
  WriteThreadLogs(g_crash.rings.load(), g_crash.count.load());  // --save-history only (crash_history.h)
  signal(sig, SIG_DFL);
  raise(sig);  // delivered when the handler returns (it is blocked here): dies as it would have
}

// The first thread to get the stack signal writes the rings, passes the signal on to every
// worker, writes its stack, then the logs (--save-history) and the "end" line RequestStacks
// waits for; the others write their stacks.
void OnStackSignal(int sig, siginfo_t*, void*) {
  const int self = SelfIndex();
  const bool first = !g_crash.stacks_requested.exchange(true);
  OpRing* rings = g_crash.rings.load();
  const uint32_t n = rings ? g_crash.count.load() : 0;
  if (first) {
    Line line;
    line.Text("hang");
    line.Write(g_crash.fd);
    WriteRings();
    const pid_t pid = getpid();
    for (uint32_t i = 0; i < n; ++i) {
      const int32_t tid = rings[i].tid.load(std::memory_order_relaxed);
      if (tid != 0 && static_cast<int>(i) != self) syscall(SYS_tgkill, pid, tid, sig);
    }
  }
  WriteFrames("stack", self);
  if (first) {
    WriteThreadLogs(rings, n);
    Line end;
    end.Text("end");
    end.Write(g_crash.fd);
  }
}

std::string OpText(uint64_t slot) {
  const OpKind kind = static_cast<OpKind>(slot & 3);
  if (kind == OpKind::kIterate) return OpKindName(kind);  // an iteration has no key
  return fmt::format("{} key={}", OpKindName(kind), slot >> 2);
}

std::vector<std::string> Symbolize(std::istringstream& in) {
  std::vector<std::string> frames;
  std::string word;
  bool first = true;
  while (in >> word) {
    uintptr_t address = std::stoull(word, nullptr, 16);
    // The first frame above the handler is the kernel's signal trampoline, the next the
    // interrupted code itself: neither is a return address.
    frames.push_back(SymbolizeAddress(address, !first && frames.size() > 1));
    first = false;
  }
  // The handler's own frames (how many depends on inlining) are no news.
  size_t own = 0;
  while (own < frames.size() && (frames[own].find("OnCrashSignal") != std::string::npos ||
                                 frames[own].find("OnStackSignal") != std::string::npos ||
                                 frames[own].find("WriteFrames") != std::string::npos)) {
    ++own;
  }
  frames.erase(frames.begin(), frames.begin() + static_cast<std::ptrdiff_t>(own));
  return frames;
}

}  // namespace

// O_APPEND: several threads' handlers write at once, and a memfd has no atomic file position
// (each write() could land at the same offset and overwrite another's line); appends are atomic.
int CreateCrashFile() {
  const int fd = memfd_create("mapstress-crash", MFD_CLOEXEC);
  if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_APPEND);
  return fd;
}

void InstallCrashHandlers(int fd) {
  if (fd < 0) return;
  g_crash.fd = fd;
  void* warm[2];
  backtrace(warm, 2);  // loads libgcc's unwinder now, not inside a handler
  struct sigaction action {};
  action.sa_sigaction = OnCrashSignal;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  for (int sig : kCrashSignals) sigaction(sig, &action, nullptr);
  action.sa_sigaction = OnStackSignal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(StackSignal(), &action, nullptr);
}

void PublishOpRings(OpRing* rings, uint32_t count, const std::vector<std::string>& names) {
  std::string text = fmt::format("names {}", names.size());
  for (const auto& n : names) text += " " + (n.empty() ? std::string("?") : n);
  text += "\n";
  if (text.size() > kNamesBytes) text = "names 0\n";
  g_crash.names_len.store(0);
  std::memcpy(g_crash.names, text.data(), text.size());
  g_crash.names_len.store(text.size());
  g_crash.count.store(count);
  g_crash.rings.store(rings);
}

void WithdrawOpRings() { g_crash.rings.store(nullptr); }

void RequestStacks(pid_t pid, int fd, std::chrono::milliseconds wait) {
  if (fd < 0 || kill(pid, StackSignal()) != 0) return;
  auto deadline = std::chrono::steady_clock::now() + wait;
  off_t last = -1;
  int quiet = 0;
  bool ended = false;  // the first handler wrote its "end" line (after the logs)
  while (std::chrono::steady_clock::now() < deadline && !(ended && quiet >= 3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    struct stat st {};
    if (fstat(fd, &st) != 0) return;
    quiet = st.st_size > 0 && st.st_size == last ? quiet + 1 : 0;
    if (st.st_size != last && !ended) {
      std::string text(static_cast<size_t>(st.st_size), '\0');
      ended = pread(fd, text.data(), text.size(), 0) == st.st_size && text.find("\nend\n") != std::string::npos;
    }
    last = st.st_size;
  }
}

CrashDetails ParseCrashDump(const std::string& text) {
  CrashDetails out;
  std::vector<std::string> names;
  std::map<int, ThreadDump> threads;
  auto name_of = [&](int index) {
    if (index < 0) return std::string("main");
    if (static_cast<size_t>(index) < names.size()) return names[static_cast<size_t>(index)];
    return fmt::format("thread {}", index);
  };
  // Names first (the handler writes them after the crash line).
  if (size_t at = text.rfind("names ", std::string::npos);
      at != std::string::npos && (at == 0 || text[at - 1] == '\n')) {
    std::istringstream in(text.substr(at + 6, text.find('\n', at) - at - 6));
    size_t n = 0;
    in >> n;
    names.assign(std::min<size_t>(n, kMaxThreads), "");
    for (auto& name : names) in >> name;
  }
  std::istringstream lines(text);
  std::string raw;
  while (std::getline(lines, raw)) {
    std::istringstream in(raw);
    std::string tag;
    int index = -1;
    in >> tag;
    try {
      if (tag == "crash") {
        int sig = 0;
        in >> sig >> index;
        out.thread = name_of(index);
      } else if (tag == "frames") {
        in >> index;
        out.backtrace = Symbolize(in);
      } else if (tag == "ops") {
        uint64_t started = 0;
        in >> index >> started;
        ThreadDump& t = threads[index];
        t.thread = name_of(index);
        t.ops_started = started;
        std::string word;
        while (in >> word) t.last_ops.push_back(OpText(std::stoull(word, nullptr, 16)));
      } else if (tag == "stack") {
        in >> index;
        ThreadDump& t = threads[index];
        t.thread = name_of(index);
        t.stack = Symbolize(in);
      }
    } catch (const std::exception&) {
      continue;  // a line cut short by the kill: skip it
    }
  }
  for (auto& [index, t] : threads) out.threads.push_back(std::move(t));
  return out;
}

void ReadCrashDump(int fd, CaseReport* report) {
  if (fd < 0) return;
  std::string text;
  char buf[65536];
  for (off_t at = 0;;) {
    ssize_t n = pread(fd, buf, sizeof buf, at);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    at += n;
  }
  if (!text.empty()) report->crash = ParseCrashDump(text);
}

}  // namespace mapstress
