#include "plugin/plugin_loader.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "backend/yield_point.h"
#include "core/child_process.h"
#include "core/history.h"
#include "mapstress/plugin.h"
#include "plugin/plugin_contract.h"

namespace mapstress {
namespace {

constexpr const char* kEntryPoint = "mapstress_backends";
constexpr const char* kBuildEntryPoint = "mapstress_plugin_build";  // optional
constexpr size_t kMaxBuildLine = 200;
constexpr const char* kSetHost = "mapstress_set_host";    // ABI 2, optional
constexpr const char* kBatchFor = "mapstress_batch_for";  // optional, any ABI

static_assert(sizeof(BatchOp) == sizeof(mapstress_op) && offsetof(BatchOp, key) == offsetof(mapstress_op, key) &&
                  offsetof(BatchOp, value) == offsetof(mapstress_op, value) &&
                  offsetof(BatchOp, kind) == offsetof(mapstress_op, kind) &&
                  offsetof(BatchOp, result) == offsetof(mapstress_op, result),
              "BatchOp is passed to plugins as mapstress_op");
static_assert(static_cast<uint32_t>(OpKind::kStore) == MAPSTRESS_OP_STORE &&
                  static_cast<uint32_t>(OpKind::kErase) == MAPSTRESS_OP_ERASE &&
                  static_cast<uint32_t>(OpKind::kLoad) == MAPSTRESS_OP_LOAD,
              "BatchOp::kind is an OpKind");

// ABI 2 scheduling points: a plugin's yield_point() lands in the engine's schedule noise.
void HostYieldPoint(void* /*ctx*/, uint32_t site) { YieldPoint(site); }
const mapstress_host kHost = {MAPSTRESS_PLUGIN_ABI, nullptr, &HostYieldPoint};
constexpr int kMaxBackends = 4096;  // a longer list is taken as a missing NULL terminator

std::string Prefix(const std::string& path) { return "plugin " + path + ": "; }

// [a-z0-9][a-z0-9._-]*: the dot is for toolchain names (go1.22-syncmap); no leading dot or dash.
bool ValidName(const char* name) {
  if (*name == '\0') return false;
  for (const char* c = name; *c != '\0'; ++c) {
    bool alnum = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9');
    if (!alnum && (c == name || (*c != '_' && *c != '-' && *c != '.'))) return false;
  }
  return true;
}

// "" when the backend is usable, otherwise why not (without the "plugin <path>: " prefix).
std::string ValidateBackend(const mapstress_backend* b, int index) {
  std::string label =
      b->name != nullptr ? "backend '" + std::string(b->name) + "'" : "backend #" + std::to_string(index + 1);
  if (b->abi < 1 || b->abi > MAPSTRESS_PLUGIN_ABI) {
    return label + " was built for plugin ABI " + std::to_string(b->abi) + ", this mapstress supports ABI " +
           std::to_string(MAPSTRESS_PLUGIN_ABI);
  }
  if (b->name == nullptr) return label + ": required field 'name' is NULL";
  if (!ValidName(b->name)) return "backend name '" + std::string(b->name) + "' must match [a-z0-9][a-z0-9._-]*";
  if (b->description == nullptr) return label + ": required field 'description' is NULL";
  if (std::strchr(b->description, '\n') != nullptr) return label + ": description must be one line";
  if (b->guarantee == nullptr) return label + ": required field 'guarantee' is NULL";
  Guarantee guarantee;
  if (!ParseGuarantee(b->guarantee, &guarantee)) {
    return label + ": unknown guarantee '" + b->guarantee + "' (expected snapshot, weak or none)";
  }
  const std::pair<const char*, bool> required[] = {
      {"create", b->create != nullptr}, {"destroy", b->destroy != nullptr}, {"store", b->store != nullptr},
      {"erase", b->erase != nullptr},   {"load", b->load != nullptr},       {"iterate", b->iterate != nullptr},
  };
  for (const auto& [function, present] : required) {
    if (!present) return label + ": required function '" + function + "' is NULL";
  }
  return "";
}

// "SIGSEGV"; kept local so the loader does not pull in the engine.
std::string SignalText(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

bool LooksLikeElf(const std::string& path) {
  static constexpr char kElfMagic[4] = {0x7f, 'E', 'L', 'F'};
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[4] = {};
  size_t n = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  return n == sizeof magic && std::memcmp(magic, kElfMagic, sizeof magic) == 0;
}

// dlopen()s the plugin in this process and returns its backend list, or nullptr and *error.
// *handle (when given) receives the library handle.
const mapstress_backend* const* OpenPlugin(const std::string& real_path, const std::string& shown_path,
                                           std::string* error, void** handle_out = nullptr) {
  if (access(real_path.c_str(), F_OK) != 0) {
    *error = Prefix(shown_path) + "no such file";
    return nullptr;
  }
  dlerror();
  // Never dlclose()d: a Go runtime cannot be unloaded, and the process is short-lived anyway.
  void* handle = dlopen(real_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    std::string text = why != nullptr ? why : "unknown dlopen error";
    *error = Prefix(shown_path) + (LooksLikeElf(real_path) ? "cannot be loaded: " : "not a shared library: ") + text;
    return nullptr;
  }
  if (handle_out != nullptr) *handle_out = handle;
  using SetHostFn = void (*)(const mapstress_host*);
  if (auto set_host = reinterpret_cast<SetHostFn>(dlsym(handle, kSetHost)); set_host != nullptr) set_host(&kHost);
  using EntryFn = const mapstress_backend* const* (*)();
  auto entry = reinterpret_cast<EntryFn>(dlsym(handle, kEntryPoint));
  if (entry == nullptr) {
    *error = Prefix(shown_path) + "does not export mapstress_backends()";
    return nullptr;
  }
  const mapstress_backend* const* list = entry();
  if (list == nullptr || list[0] == nullptr) {
    *error = Prefix(shown_path) + "mapstress_backends() returned no backends";
    return nullptr;
  }
  return list;
}

// A probe reply carrying an error message ("O" starts a successful one).
std::string Failure(const std::string& message) {
  std::string reply = "E";
  reply += message;
  return reply;
}

// Length-prefixed strings over the probe pipe: "<len>:<bytes>".
void PutString(std::string* out, const std::string& s) {
  *out += std::to_string(s.size());
  *out += ':';
  *out += s;
}

bool GetString(const std::string& in, size_t* pos, std::string* s) {
  size_t colon = in.find(':', *pos);
  if (colon == std::string::npos || colon == *pos || colon - *pos > 9) return false;
  size_t len = 0;
  for (size_t i = *pos; i < colon; ++i) {
    if (in[i] < '0' || in[i] > '9') return false;
    len = len * 10 + static_cast<size_t>(in[i] - '0');
  }
  if (in.size() - colon - 1 < len) return false;
  *s = in.substr(colon + 1, len);
  *pos = colon + 1 + len;
  return true;
}

// The line from the optional mapstress_plugin_build(): "" when absent; false (and *error) when invalid.
bool ReadBuildLine(void* handle, const std::string& shown_path, std::string* line, std::string* error) {
  using BuildFn = const char* (*)();
  auto build = reinterpret_cast<BuildFn>(dlsym(handle, kBuildEntryPoint));
  const char* text = build != nullptr ? build() : nullptr;
  *line = text != nullptr ? text : "";
  if (line->size() > kMaxBuildLine || line->find('\n') != std::string::npos) {
    *error = Prefix(shown_path) + "mapstress_plugin_build() must return one line of at most " +
             std::to_string(kMaxBuildLine) + " bytes";
    return false;
  }
  return true;
}

// The backend's batch function from the optional mapstress_batch_for(), or nullptr.
mapstress_batch_fn BatchFor(void* handle, const mapstress_backend* backend) {
  using BatchForFn = mapstress_batch_fn (*)(const mapstress_backend*);
  auto batch_for = reinterpret_cast<BatchForFn>(dlsym(handle, kBatchFor));
  return batch_for != nullptr ? batch_for(backend) : nullptr;
}

// Runs in the probe child: "E" + message, or "O" + the build line + (name, description, guarantee, promise,
// concurrency, grades, batch "1"/"0") per backend; promise, concurrency and grades come from the optional
// contract entry point, batch from mapstress_batch_for().
std::string Probe(const std::string& real_path, const std::string& shown_path) {
  std::string error;
  void* handle = nullptr;
  const mapstress_backend* const* list = OpenPlugin(real_path, shown_path, &error, &handle);
  if (list == nullptr) return Failure(error);
  std::string build;
  if (!ReadBuildLine(handle, shown_path, &build, &error)) return Failure(error);
  std::string out = "O";
  PutString(&out, build);
  std::vector<std::string> names;
  for (int i = 0; list[i] != nullptr; ++i) {
    if (i == kMaxBackends) {
      return Failure(Prefix(shown_path) + "mapstress_backends() returned more than " + std::to_string(kMaxBackends) +
                     " backends (missing NULL terminator?)");
    }
    const mapstress_backend* b = list[i];
    std::string why = ValidateBackend(b, i);
    if (!why.empty()) return Failure(Prefix(shown_path) + why);
    for (const auto& seen : names) {
      if (seen == b->name) {
        return Failure(Prefix(shown_path) + "backend name '" + seen + "' is already taken by another backend");
      }
    }
    names.push_back(b->name);
    PutString(&out, b->name);
    PutString(&out, b->description);
    PutString(&out, b->guarantee);
    PluginContract contract = ReadPluginContract(real_path, b->name);
    std::string bad = ValidatePluginContract(contract);
    if (!bad.empty()) return Failure(Prefix(shown_path) + "backend '" + b->name + "': " + bad);
    PutString(&out, contract.promise);
    PutString(&out, contract.concurrency);
    PutString(&out, contract.grades);
    PutString(&out, BatchFor(handle, b) != nullptr ? "1" : "0");
  }
  return out;
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Appends what the pipe holds without blocking; false at EOF or on an error.
bool ReadAvailable(int fd, std::string* out) {
  char buf[4096];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      out->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

// Forks the probe child and returns its message, or an error message starting with "E". The
// probe is a ChildProcess like a case's child: its own process group (killed whole when the
// probe ends, so whatever the plugin's initialiser forked dies with it), a parent-death signal,
// and the reply ends when the probe exits, not at EOF (a grandchild may hold the pipe open).
std::string RunProbe(const std::string& real_path, const std::string& shown_path, int timeout_ms) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Failure(Prefix(shown_path) + "cannot create a pipe for the probe: " + std::strerror(errno));
  }
  std::fflush(stdout);
  std::fflush(stderr);
  ChildProcess probe;
  std::string fork_error;
  pid_t pid = probe.Fork(&fork_error);
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Failure(Prefix(shown_path) + "cannot fork the probe: " + fork_error);
  }
  if (pid == 0) {
    close(fds[0]);
    WriteAll(fds[1], Probe(real_path, shown_path));
    _exit(0);  // no atexit handlers, no plugin destructors, no flushing of inherited buffers
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string message;
  bool open = true;  // the pipe: until EOF (no grandchild holds it) or an error
  while (!probe.TryReap()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    // Without a pidfd (old kernels) the exit is noticed by polling every 50 ms.
    int wait_ms = probe.exit_fd() >= 0 ? static_cast<int>(left.count()) : std::min<int>(50, left.count());
    pollfd p[2] = {{open ? fds[0] : -1, POLLIN, 0}, {probe.exit_fd(), POLLIN, 0}};
    poll(p, 2, wait_ms + 1);
    if (open) open = ReadAvailable(fds[0], &message);
  }
  bool finished = probe.exited();
  probe.Finish();  // kills the probe's group: whatever the plugin forked
  ReadAvailable(fds[0], &message);
  close(fds[0]);
  if (!finished) {
    return Failure(Prefix(shown_path) + fmt::format("timed out after {:g} s", timeout_ms / 1000.0) +
                   " while loading (the plugin hung in its initialiser or in mapstress_backends())");
  }
  int status = probe.status();
  if (WIFSIGNALED(status)) {
    return Failure(Prefix(shown_path) + "crashed while loading (" + SignalText(WTERMSIG(status)) + ")");
  }
  if (message.empty() || WEXITSTATUS(status) != 0) {
    return Failure(Prefix(shown_path) + "the loading process exited with status " +
                   std::to_string(WEXITSTATUS(status)) + " before reporting");
  }
  return message;
}

// Calls through the C ABI; owns the plugin's map.
class PluginMap final : public Map {
 public:
  PluginMap(const mapstress_backend* backend, void* map, mapstress_batch_fn batch)
      : backend_(backend), map_(map), batch_(batch) {}
  ~PluginMap() override { backend_->destroy(map_); }
  PluginMap(const PluginMap&) = delete;
  PluginMap& operator=(const PluginMap&) = delete;

  void Store(uint64_t key, uint64_t value) override { backend_->store(map_, key, value); }
  bool Erase(uint64_t key) override { return backend_->erase(map_, key) != 0; }
  bool Load(uint64_t key, uint64_t* value) override { return backend_->load(map_, key, value) != 0; }
  void Iterate(const Visitor& visit) override {
    backend_->iterate(map_, &VisitTrampoline, const_cast<Visitor*>(&visit));
  }
  void AttachThread() override {
    if (backend_->thread_attach != nullptr) backend_->thread_attach(map_);
  }
  void DetachThread() override {
    if (backend_->thread_detach != nullptr) backend_->thread_detach(map_);
  }
  bool HasBatch() const override { return batch_ != nullptr; }
  void RunBatch(BatchOp* ops, uint32_t count) override { batch_(map_, reinterpret_cast<mapstress_op*>(ops), count); }

 private:
  static int VisitTrampoline(void* ctx, uint64_t key, uint64_t value) {
    return (*static_cast<const Visitor*>(ctx))(key, value) ? 1 : 0;
  }

  const mapstress_backend* backend_;
  void* map_;
  mapstress_batch_fn batch_;  // nullptr: one call per op
};

// In the calling process: loads the plugin and finds the named backend (and its batch function,
// nullptr when none); throws on failure.
const mapstress_backend* OpenBackend(const std::string& real_path, const std::string& shown_path,
                                     const std::string& name, mapstress_batch_fn* batch) {
  std::string error;
  void* handle = nullptr;
  const mapstress_backend* const* list = OpenPlugin(real_path, shown_path, &error, &handle);
  if (list == nullptr) throw std::runtime_error(error);
  for (int i = 0; i < kMaxBackends && list[i] != nullptr; ++i) {
    if (list[i]->name == nullptr || name != list[i]->name) continue;
    std::string why = ValidateBackend(list[i], i);
    if (!why.empty()) throw std::runtime_error(Prefix(shown_path) + why);
    *batch = BatchFor(handle, list[i]);
    return list[i];
  }
  throw std::runtime_error(Prefix(shown_path) + "backend '" + name + "' is no longer exported");
}

}  // namespace

bool LoadPlugin(const std::string& path, std::vector<BackendInfo>* backends, std::string* error, int timeout_ms) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    *error = Prefix(path) + (errno == ENOENT || errno == ENOTDIR ? "no such file" : std::strerror(errno));
    return false;
  }
  // dlopen() searches the library path for a name without a slash, so always pass an absolute one.
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) {
    *error = Prefix(path) + std::strerror(errno);
    return false;
  }
  std::string real_path = resolved;
  std::string message = RunProbe(real_path, path, timeout_ms);
  if (message.empty() || message[0] != 'O') {
    *error = message.empty() ? Prefix(path) + "empty reply from the loading process" : message.substr(1);
    return false;
  }
  std::vector<BackendInfo> found;
  size_t pos = 1;
  std::string build;
  if (!GetString(message, &pos, &build)) {
    *error = Prefix(path) + "garbled reply from the loading process";
    return false;
  }
  while (pos < message.size()) {
    std::string name, description, guarantee, batch;
    PluginContract contract;
    if (!GetString(message, &pos, &name) || !GetString(message, &pos, &description) ||
        !GetString(message, &pos, &guarantee) || !GetString(message, &pos, &contract.promise) ||
        !GetString(message, &pos, &contract.concurrency) || !GetString(message, &pos, &contract.grades) ||
        !GetString(message, &pos, &batch)) {
      *error = Prefix(path) + "garbled reply from the loading process";
      return false;
    }
    BackendInfo info;
    info.name = name;
    info.description = description;
    ParseGuarantee(guarantee, &info.guarantee);  // validated by the probe
    info.promise = contract.promise.empty() ? "declared by plugin " + path : contract.promise;
    info.build = build;
    info.batch = batch == "1";
    info.concurrency = contract.concurrency.empty() ? "as documented by the plugin" : contract.concurrency;
    if (!contract.grades.empty()) {
      info.profile = ProfileFor(info.guarantee);
      ApplyContractGrades(contract.grades, &*info.profile);
    }
    info.always_isolate = true;
    info.create = [real_path, path, name](const BackendOptions& options) -> std::unique_ptr<Map> {
      mapstress_batch_fn batch = nullptr;
      const mapstress_backend* backend = OpenBackend(real_path, path, name, &batch);
      void* map = backend->create(options.capacity_hint);
      if (map == nullptr) throw std::runtime_error(Prefix(path) + "backend '" + name + "': create() returned NULL");
      return std::make_unique<PluginMap>(backend, map, batch);
    };
    found.push_back(std::move(info));
  }
  if (found.empty()) {
    *error = Prefix(path) + "mapstress_backends() returned no backends";
    return false;
  }
  for (auto& info : found) backends->push_back(std::move(info));
  return true;
}

std::string AddPluginBackends(const std::string& path, BackendRegistry* registry) {
  std::vector<BackendInfo> backends;
  std::string error;
  if (!LoadPlugin(path, &backends, &error)) return error;
  BackendRegistry updated = *registry;  // all or none
  for (auto& info : backends) {
    std::string why = updated.Add(std::move(info));
    if (!why.empty()) return Prefix(path) + why;
  }
  *registry = std::move(updated);
  return "";
}

}  // namespace mapstress
