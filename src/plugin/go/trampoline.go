package main

// The visit callback is a C function pointer, which Go cannot call directly: this preamble
// holds the C trampoline. It lives in a file without //export so the definition is allowed.

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#include "mapstress/plugin.h"

int msgo_call_visit(mapstress_visit_fn visit, void *ctx, uint64_t key, uint64_t value) {
  return visit(ctx, key, value);
}
*/
import "C"
