package mapstress

// Go cannot call a C function pointer, so the visit callback goes through this C trampoline.
// It lives in a file without //export, where a cgo preamble may hold definitions.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include "mapstress/plugin.h"

int msgo_call_visit(mapstress_visit_fn visit, void *ctx, uint64_t key, uint64_t value) {
  return visit(ctx, key, value);
}
*/
import "C"
