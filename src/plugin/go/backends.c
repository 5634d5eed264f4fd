// The C side of the Go plugin: the mapstress_backend table, with thin wrappers turning the
// opaque map pointer into the cgo.Handle integer the Go functions expect.
#include <stddef.h>
#include <stdint.h>

#include "_cgo_export.h"
#include "mapstress/plugin.h"

static void* syncmap_create(uint64_t hint) { return (void*)(uintptr_t)msgoCreate(0, hint); }
static void* rwmutex_create(uint64_t hint) { return (void*)(uintptr_t)msgoCreate(1, hint); }
static void* plain_create(uint64_t hint) { return (void*)(uintptr_t)msgoCreate(2, hint); }

static void go_destroy(void* map) { msgoDestroy((uintptr_t)map); }
static void go_store(void* map, uint64_t key, uint64_t value) { msgoStore((uintptr_t)map, key, value); }
static int go_erase(void* map, uint64_t key) { return msgoErase((uintptr_t)map, key); }
static int go_load(void* map, uint64_t key, uint64_t* value_out) { return msgoLoad((uintptr_t)map, key, value_out); }
static void go_iterate(void* map, mapstress_visit_fn visit, void* ctx) { msgoIterate((uintptr_t)map, visit, ctx); }

#define GO_BACKEND(NAME, DESCRIPTION, GUARANTEE, CREATE)                                                             \
  {                                                                                                                  \
    .abi = MAPSTRESS_PLUGIN_ABI, .name = NAME, .description = DESCRIPTION, .guarantee = GUARANTEE, .create = CREATE, \
    .destroy = go_destroy, .thread_attach = NULL, .thread_detach = NULL, .store = go_store, .erase = go_erase,       \
    .load = go_load, .iterate = go_iterate,                                                                          \
  }

static const mapstress_backend kSyncMap =
    GO_BACKEND("go-syncmap",
               "Go sync.Map via Range, which per its doc \"does not necessarily correspond to any consistent "
               "snapshot of the Map's contents: no key will be visited more than once\"",
               "weak", syncmap_create);
static const mapstress_backend kRWMutexMap =
    GO_BACKEND("go-rwmutex-map", "Go map[uint64]uint64 behind a sync.RWMutex, iterated under the read lock", "snapshot",
               rwmutex_create);
static const mapstress_backend kPlainMap =
    GO_BACKEND("go-map",
               "Go map[uint64]uint64 without synchronisation: the Go runtime kills the process on "
               "\"concurrent map writes\" or \"concurrent map iteration and map write\"",
               "none", plain_create);

static const mapstress_backend* const kBackends[] = {&kSyncMap, &kRWMutexMap, &kPlainMap, NULL};

const mapstress_backend* const* mapstress_backends(void) { return kBackends; }
