// The C side of a Go plugin: the mapstress_backend table, filled once from the backends that
// mapstress.Register collected, and the entry points mapstress looks up.
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "_cgo_export.h"
#include "mapstress/plugin.h"

static void go_destroy(void* map) { msgoDestroy((uintptr_t)map); }
static void go_store(void* map, uint64_t key, uint64_t value) { msgoStore((uintptr_t)map, key, value); }
static int go_erase(void* map, uint64_t key) { return msgoErase((uintptr_t)map, key); }
static int go_load(void* map, uint64_t key, uint64_t* value_out) { return msgoLoad((uintptr_t)map, key, value_out); }
static void go_iterate(void* map, mapstress_visit_fn visit, void* ctx) { msgoIterate((uintptr_t)map, visit, ctx); }
static void go_batch(void* map, mapstress_op* ops, uint32_t count) { msgoBatch((uintptr_t)map, ops, count); }

// create() carries no backend index, so each table slot gets its own create function.
#define MSGO_CREATE(I, J) \
  static void* go_create_##I##_##J(uint64_t hint) { return (void*)(uintptr_t)msgoCreate(I * 8 + J, hint); }
#define MSGO_CREATE8(I)                                                                                \
  MSGO_CREATE(I, 0) MSGO_CREATE(I, 1) MSGO_CREATE(I, 2) MSGO_CREATE(I, 3) MSGO_CREATE(I, 4) MSGO_CREATE(I, 5) \
  MSGO_CREATE(I, 6) MSGO_CREATE(I, 7)
MSGO_CREATE8(0) MSGO_CREATE8(1) MSGO_CREATE8(2) MSGO_CREATE8(3) MSGO_CREATE8(4) MSGO_CREATE8(5) MSGO_CREATE8(6)
MSGO_CREATE8(7)
#define MSGO_REF8(I)                                                                                     \
  go_create_##I##_0, go_create_##I##_1, go_create_##I##_2, go_create_##I##_3, go_create_##I##_4, go_create_##I##_5, \
  go_create_##I##_6, go_create_##I##_7
static void* (*const kCreate[64])(uint64_t) = {MSGO_REF8(0), MSGO_REF8(1), MSGO_REF8(2), MSGO_REF8(3),
                                               MSGO_REF8(4), MSGO_REF8(5), MSGO_REF8(6), MSGO_REF8(7)};

static mapstress_backend table[64];
static const mapstress_backend* list[65];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build_table(void) {
  int n = msgoBackendCount();
  if (n > 64) n = 64;
  for (int i = 0; i < n; ++i) {
    mapstress_backend b = {
        .abi = MAPSTRESS_PLUGIN_ABI, .name = msgoBackendName(i), .description = msgoBackendDescription(i),
        .guarantee = msgoBackendGuarantee(i), .create = kCreate[i], .destroy = go_destroy,
        .thread_attach = NULL, .thread_detach = NULL, .store = go_store, .erase = go_erase,
        .load = go_load, .iterate = go_iterate,
    };
    table[i] = b;
    list[i] = &table[i];
  }
  list[n] = NULL;
}

const mapstress_backend* const* mapstress_backends(void) {
  pthread_once(&once, build_table);
  return list;
}

const char* mapstress_plugin_build(void) { return msgoBuild(); }

// Every Go backend runs point ops in batches: one cgo call for many ops.
mapstress_batch_fn mapstress_batch_for(const mapstress_backend* backend) {
  (void)backend;
  return go_batch;
}
