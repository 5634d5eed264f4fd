// Where the redis backends connect: a parsed --redis URL, and the private redis-server that
// "auto" starts (one per process, on a unix socket in a fresh 0700 temp dir, no TCP).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/death_watch.h"

namespace mapstress {

struct RedisEndpoint {
  enum class Kind : uint8_t { kAuto, kUnix, kTcp };
  Kind kind = Kind::kAuto;
  std::string path;  // kUnix
  std::string host;  // kTcp
  int port = 6379;   // kTcp

  std::string ToString() const;  // "auto", "unix:/path", "tcp://host:port"
};

// "auto", "unix:/path" (also "unix:///path"), "tcp://host[:port]" ("[::1]:6379" for IPv6).
// Returns "" on success, otherwise why the text is not a redis URL.
std::string ParseRedisUrl(const std::string& text, RedisEndpoint* out);

// Bound on connecting to a server, so an unreachable URL is an error, never a hang.
inline constexpr std::chrono::milliseconds kRedisConnectTimeout{2000};

// One private redis-server child process. Start() and Stop() are called from one thread;
// PR_SET_PDEATHSIG fires when the *thread* that forked exits, so start it from a thread that
// lives as long as the server is needed (the main thread).
class RedisServer {
 public:
  RedisServer() = default;
  ~RedisServer();  // Stop()
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts redis-server (found on PATH) and waits up to ~5 s for PING. "" on success.
  std::string Start(bool force_hashtable);
  // SIGTERM, wait (SIGKILL after 5 s), remove the temp dir. Does nothing in a forked child
  // (a process other than the one that started the server) or when not running.
  void Stop();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  const std::string& socket_path() const { return socket_path_; }
  bool force_hashtable() const { return force_hashtable_; }

 private:
  void Cleanup();  // kill the child if any, remove the temp dir
  // A small process that removes the temp dir if we die without Cleanup (SIGKILL): it waits on a
  // pipe only we write to, and on EOF stops the server and runs `rm -rf` on the dir.
  void StartJanitor();
  void StopJanitor();

  pid_t pid_ = -1;
  DeathWatch janitor_;
  pid_t owner_ = -1;  // getpid() of the process that started it
  std::string dir_;
  std::string socket_path_;
  bool force_hashtable_ = false;
};

// The process-wide private server behind "auto": started lazily on the first call, stopped at
// exit. Returns "" and the socket path, or an error. When force_hashtable differs from how the
// server runs, it is switched with CONFIG SET (cases run one after another).
std::string AcquirePrivateRedis(bool force_hashtable, std::string* socket_path);

// Whether an executable named `name` is on $PATH (its full path, or "").
std::string FindOnPath(const std::string& name);

}  // namespace mapstress
