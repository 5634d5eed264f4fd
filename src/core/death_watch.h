// A helper process that outlives us only to clean up after a SIGKILL (which runs no code of ours):
// it waits on a pipe that only we write to, and on EOF without our "fine" byte runs a callback.
#pragma once

#include <sys/types.h>

namespace mapstress {

class DeathWatch {
 public:
  DeathWatch() = default;
  DeathWatch(const DeathWatch&) = delete;
  DeathWatch& operator=(const DeathWatch&) = delete;
  ~DeathWatch() { Release(); }

  // Forks the watcher, named `name` in ps (15 characters at most). It ignores SIGINT, SIGTERM,
  // SIGHUP and SIGQUIT, closes every inherited descriptor, and calls on_orphaned(ctx) when we die.
  // on_orphaned runs in the forked process: async-signal-safe calls only (kill, nanosleep, execv).
  // False when it could not be started.
  bool Start(const char* name, void (*on_orphaned)(void* ctx), void* ctx);
  // Tells the watcher all is well (it exits without acting) and reaps it, waiting at most 2 s.
  void Release();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;  // the write end
};

}  // namespace mapstress
