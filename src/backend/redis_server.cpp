#ifdef MAPSTRESS_HAVE_HIREDIS

#include "backend/redis_server.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace mapstress {
namespace {

bool ParsePort(const std::string& text, int* port) {
  if (text.empty() || text.size() > 5) return false;
  int p = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + (c - '0');
  }
  if (p < 1 || p > 65535) return false;
  *port = p;
  return true;
}

// The last few lines of the server's log, for error messages.
std::string LogTail(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::string tail;
  for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) tail += "\n  " + lines[i];
  return tail;
}

// True once `socket` answers PING.
bool Pings(const std::string& socket) {
  timeval tv{0, 200 * 1000};
  redisContext* c = redisConnectUnixWithTimeout(socket.c_str(), tv);
  bool ok = false;
  if (c != nullptr && c->err == 0) {
    redisSetTimeout(c, tv);
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
    if (reply != nullptr) freeReplyObject(reply);
  }
  if (c != nullptr) redisFree(c);
  return ok;
}

std::string TempBase() {
  const char* env = std::getenv("TMPDIR");
  std::string base = env != nullptr && *env != '\0' ? env : "/tmp";
  // sun_path holds 108 bytes: keep room for "/mapstress-redis-XXXXXX/redis.sock".
  if (base.size() > 60) base = "/tmp";
  return base;
}

}  // namespace

std::string RedisEndpoint::ToString() const {
  switch (kind) {
    case Kind::kAuto: return "auto";
    case Kind::kUnix: return "unix:" + path;
    case Kind::kTcp: {
      bool v6 = host.find(':') != std::string::npos;
      return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }
  }
  return "auto";
}

std::string ParseRedisUrl(const std::string& text, RedisEndpoint* out) {
  RedisEndpoint e;
  const std::string kForms = " (expected auto, unix:/path/to/socket or tcp://host:port)";
  if (text.empty() || text == "auto") {
    *out = e;
    return "";
  }
  if (text.rfind("unix:", 0) == 0) {
    std::string path = text.substr(5);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // unix:///path
    if (path.empty() || path[0] != '/') return "redis URL '" + text + "': the socket path must be absolute" + kForms;
    if (path.size() >= 108) return "redis URL '" + text + "': the socket path is too long (max 107 bytes)";
    e.kind = RedisEndpoint::Kind::kUnix;
    e.path = path;
    *out = e;
    return "";
  }
  if (text.rfind("tcp://", 0) == 0) {
    std::string rest = text.substr(6);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    std::string host, port;
    if (!rest.empty() && rest[0] == '[') {
      size_t close = rest.find(']');
      if (close == std::string::npos) return "redis URL '" + text + "': unclosed '[' in the host";
      host = rest.substr(1, close - 1);
      std::string after = rest.substr(close + 1);
      if (!after.empty()) {
        if (after[0] != ':') return "redis URL '" + text + "': expected ':port' after ']'";
        port = after.substr(1);
        if (port.empty()) return "redis URL '" + text + "': empty port";
      }
    } else {
      size_t colon = rest.rfind(':');
      host = rest.substr(0, colon);
      if (colon != std::string::npos) {
        port = rest.substr(colon + 1);
        if (port.empty()) return "redis URL '" + text + "': empty port";
      }
      if (host.find_first_of(":/@") != std::string::npos) {
        return "redis URL '" + text + "': bad host '" + host + "'" + kForms;
      }
    }
    if (host.empty()) return "redis URL '" + text + "': missing host" + kForms;
    if (!port.empty() && !ParsePort(port, &e.port)) {
      return "redis URL '" + text + "': bad port '" + port + "' (1-65535)";
    }
    e.kind = RedisEndpoint::Kind::kTcp;
    e.host = host;
    *out = e;
    return "";
  }
  return "redis URL '" + text + "' not understood" + kForms;
}

std::string FindOnPath(const std::string& name) {
  const char* env = std::getenv("PATH");
  if (env == nullptr) return "";
  std::stringstream path(env);
  for (std::string dir; std::getline(path, dir, ':');) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

RedisServer::~RedisServer() { Stop(); }

std::string RedisServer::Start(bool force_hashtable) {
  if (running()) return "";
  std::string binary = FindOnPath("redis-server");
  if (binary.empty()) {
    return "redis-server not found on PATH: install it (apt-get install redis-server) or pass --redis URL";
  }
  std::string templ = TempBase() + "/mapstress-redis-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    return "cannot create a temp dir for the private redis-server (" + templ + "): " + strerror(errno);
  }
  dir_ = buf.data();
  chmod(dir_.c_str(), 0700);
  socket_path_ = dir_ + "/redis.sock";
  std::string log = dir_ + "/redis.log";
  force_hashtable_ = force_hashtable;

  // Everything the child needs is built before fork(): after it, only async-signal-safe calls.
  std::vector<std::string> args = {binary, "--port", "0",  "--unixsocket", socket_path_, "--unixsocketperm",
                                   "700",  "--save", "",   "--appendonly", "no",         "--daemonize",
                                   "no",   "--dir",  dir_, "--logfile",    log};
  if (force_hashtable) {
    args.push_back("--hash-max-listpack-entries");
    args.push_back("0");
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) {
    std::string error = std::string("cannot open /dev/null: ") + strerror(errno);
    Cleanup();
    return error;
  }
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    std::string error = std::string("cannot fork redis-server: ") + strerror(errno);
    close(devnull);
    Cleanup();
    return error;
  }
  if (pid == 0) {
    // Dies with us, even on SIGKILL; the getppid check closes the race with a parent that
    // died before prctl ran.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    dup2(devnull, STDIN_FILENO);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    close_range(3, ~0U, 0);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(devnull);
  pid_ = pid;
  owner_ = parent;
  StartJanitor();

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string error = "redis-server (" + binary + ") exited during startup";
      if (WIFEXITED(status)) error += " with status " + std::to_string(WEXITSTATUS(status));
      error += LogTail(log);
      Cleanup();
      return error;
    }
    if (Pings(socket_path_)) return "";
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string error = "the private redis-server did not answer PING within 5 s" + LogTail(log);
      Cleanup();
      return error;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

namespace {

struct JanitorJob {
  pid_t server;
  char** rm_argv;
};

// The janitor's action when we died: stop the server (its parent-death signal does too), give it
// up to 5 s to exit, then remove the temp dir.
void RemoveServerDir(void* ctx) {
  auto* job = static_cast<JanitorJob*>(ctx);
  kill(job->server, SIGTERM);
  struct timespec pause = {0, 50 * 1000 * 1000};
  for (int i = 0; i < 100 && kill(job->server, 0) == 0; ++i) nanosleep(&pause, nullptr);
  execv(job->rm_argv[0], job->rm_argv);
}

}  // namespace

void RedisServer::StartJanitor() {
  // Built before the fork: the janitor only reads them.
  std::string rm = "/bin/rm", flag = "-rf", end = "--", dir = dir_;
  char* argv[] = {rm.data(), flag.data(), end.data(), dir.data(), nullptr};
  JanitorJob job{pid_, argv};
  janitor_.Start("mapstress-rmdir", RemoveServerDir, &job);
}

void RedisServer::StopJanitor() { janitor_.Release(); }

void RedisServer::Stop() {
  if (owner_ != getpid()) return;  // never stop the server of the process we were forked from
  Cleanup();
}

void RedisServer::Cleanup() {
  StopJanitor();
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
  owner_ = -1;
}

namespace {

std::mutex g_private_mu;
RedisServer* g_private = nullptr;  // leaked on purpose: stopped by the atexit hook below
bool g_private_force = false;      // the server's current hash-max-listpack-entries choice

void StopPrivateRedis() {
  std::lock_guard lock(g_private_mu);
  if (g_private != nullptr) g_private->Stop();
}

}  // namespace

std::string AcquirePrivateRedis(bool force_hashtable, std::string* socket_path) {
  std::lock_guard lock(g_private_mu);
  if (g_private == nullptr) {
    g_private = new RedisServer();
    std::atexit(StopPrivateRedis);
  }
  if (!g_private->running()) {
    std::string error = g_private->Start(force_hashtable);
    if (!error.empty()) return error;
    g_private_force = force_hashtable;
  } else if (g_private_force != force_hashtable) {
    // Config is server-wide and cases run one after another, so switching it is safe.
    timeval tv{2, 0};
    redisContext* c = redisConnectUnixWithTimeout(g_private->socket_path().c_str(), tv);
    bool ok = false;
    if (c != nullptr && c->err == 0) {
      redisSetTimeout(c, tv);
      auto* reply = static_cast<redisReply*>(
          redisCommand(c, "CONFIG SET hash-max-listpack-entries %s", force_hashtable ? "0" : "128"));
      ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
      if (reply != nullptr) freeReplyObject(reply);
    }
    if (c != nullptr) redisFree(c);
    if (!ok) return "cannot switch hash-max-listpack-entries on the private redis-server";
    g_private_force = force_hashtable;
  }
  *socket_path = g_private->socket_path();
  return "";
}

}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_HIREDIS
