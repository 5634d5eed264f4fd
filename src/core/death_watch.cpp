#include "core/death_watch.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace mapstress {
namespace {

// close_range(2) where the kernel has it, else the usual descriptor range.
void CloseFrom(unsigned first, unsigned last) {
  if (first > last) return;
  if (syscall(SYS_close_range, first, last, 0u) == 0) return;
  for (unsigned fd = first; fd <= last && fd < 1024; ++fd) close(static_cast<int>(fd));
}

}  // namespace

bool DeathWatch::Start(const char* name, void (*on_orphaned)(void* ctx), void* ctx) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  pid_t pid = fork();
  if (pid == 0) {  // async-signal-safe calls only from here on
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) sigaction(s, &ignore, nullptr);
    prctl(PR_SET_NAME, name);
    unsigned keep = static_cast<unsigned>(fds[0]);
    CloseFrom(3, keep - 1);
    CloseFrom(keep + 1, ~0u);
    char fine = 0;
    ssize_t n;
    while ((n = read(fds[0], &fine, 1)) < 0 && errno == EINTR) {
    }
    if (n <= 0) on_orphaned(ctx);
    _exit(0);
  }
  close(fds[0]);
  if (pid < 0) {
    close(fds[1]);
    return false;
  }
  pid_ = pid;
  fd_ = fds[1];
  return true;
}

void DeathWatch::Release() {
  if (fd_ >= 0) {
    char fine = 1;
    while (write(fd_, &fine, 1) < 0 && errno == EINTR) {
    }
    close(fd_);
    fd_ = -1;
  }
  if (pid_ > 0) {
    struct timespec pause = {0, 1000 * 1000};
    for (int i = 0; i < 2000; ++i) {
      pid_t r = waitpid(pid_, nullptr, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) break;
      nanosleep(&pause, nullptr);
    }
    pid_ = -1;
  }
}

}  // namespace mapstress
