package mapstress

// Go cannot call a C function pointer, so the visit callback goes through this C trampoline.
// It lives in a file without //export, where a cgo preamble may hold definitions.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <time.h>
#include "mapstress/plugin.h"

// This thread's CPU time in seconds (for the native loop's CPU-time figure).
double msgo_thread_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int msgo_call_visit(mapstress_visit_fn visit, void *ctx, uint64_t key, uint64_t value) {
  return visit(ctx, key, value);
}
*/
import "C"
