#include "core/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace mapstress {
namespace {

constexpr int kOrphanExit = 125;  // the child found its parent already gone

int OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// The guard's action when mapstress died: kill the child's whole group.
void KillGroupOf(void* ctx) { kill(-*static_cast<pid_t*>(ctx), SIGKILL); }

}  // namespace

pid_t ChildProcess::Fork(std::string* error) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    *error = strerror(errno);
    return -1;
  }
  if (pid == 0) {
    setpgid(0, 0);
    // Dies with the forking thread; if that already happened, the parent is someone else now.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(kOrphanExit);
    return 0;
  }
  setpgid(pid, pid);  // both sides set it, so the group exists whichever runs first
  pid_ = pid;
  pidfd_ = OpenPidFd(pid);
  StartGuard();
  return pid;
}

// The guard: forked from mapstress, outside the child's group; kills the group if mapstress dies.
void ChildProcess::StartGuard() { guard_.Start("mapstress-guard", KillGroupOf, &pid_); }

void ChildProcess::StopGuard() { guard_.Release(); }

bool ChildProcess::TryReap() {
  if (reaped_ || pid_ <= 0) return reaped_;
  pid_t r;
  while ((r = waitpid(pid_, &status_, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r == pid_) reaped_ = true;
  return reaped_;
}

void ChildProcess::Signal(int signal) const {
  if (pid_ > 0 && !reaped_) kill(pid_, signal);
}

void ChildProcess::KillGroup() const {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);
  if (!reaped_) kill(pid_, SIGKILL);  // in case the group was not formed yet
}

bool ChildProcess::Finish(std::chrono::milliseconds bound) {
  if (pid_ <= 0) return true;
  KillGroup();
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (!TryReap() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  StopGuard();
  if (pidfd_ >= 0) close(pidfd_);
  pidfd_ = -1;
  bool ok = reaped_;
  pid_ = -1;
  return ok;
}

ChildProcess::~ChildProcess() { Finish(); }

}  // namespace mapstress
