// A forked child (a case's, a plugin probe's) that cannot outlive its task or mapstress: it leads
// its own process group (so whatever it forks can be killed with it), dies with the thread that
// forked it (PR_SET_PDEATHSIG), and a small guard process kills the whole group if mapstress
// itself is killed (SIGKILL runs no cleanup of ours).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "core/death_watch.h"

namespace mapstress {

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills the group and reaps the child if the caller did not.
  ~ChildProcess();

  // Forks. Returns 0 in the child (already in its own group, with a parent-death signal), the
  // child's pid in the parent, -1 with `*error` (the reason) on failure. Call from the thread
  // that will wait.
  pid_t Fork(std::string* error);

  pid_t pid() const { return pid_; }
  // Readable when the child has exited (a pidfd), or -1 where the kernel has none: then poll
  // with a short timeout and call TryReap.
  int exit_fd() const { return pidfd_; }
  bool exited() const { return reaped_; }
  int status() const { return status_; }  // waitpid status once exited()

  // Reaps the child if it has exited (never blocks).
  bool TryReap();
  // Sends `signal` to the child alone.
  void Signal(int signal) const;
  // SIGKILL to every process still in the child's group (its own children included).
  void KillGroup() const;
  // Kills the group, then waits at most `bound` for the child to be reaped; stops the guard.
  // False if the child could not be reaped in time (it is then left a zombie, not waited on).
  bool Finish(std::chrono::milliseconds bound = std::chrono::seconds(5));

 private:
  void StartGuard();
  void StopGuard();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  DeathWatch guard_;
};

}  // namespace mapstress
