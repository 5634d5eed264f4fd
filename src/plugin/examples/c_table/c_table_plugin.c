/*
 * Example mapstress plugin: an open-addressing hash table (linear probing) guarded by one
 * pthread mutex. Every operation, iteration included, holds the mutex, so iteration sees a
 * snapshot. Copy this file to start a plugin of your own; see src/plugin/README.md.
 *
 * It also shows the ABI 2 scheduling points: it exports mapstress_set_host() and calls
 * yield_point() at its two racy spots, the places that would be race windows without the
 * mutex (a slot marked full before its value is written; a slot read while iterating). Under
 * the mutex the noise there only holds the lock longer, which is harmless.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "mapstress/plugin.h"

enum { kEmpty = 0, kFull = 1, kDeleted = 2 };

/* ABI 2: set by mapstress before any create(); NULL when loaded by a host without it. */
static const mapstress_host* g_host;

MAPSTRESS_PLUGIN_EXPORT void mapstress_set_host(const mapstress_host* host) { g_host = host; }

enum { kSiteStorePublished = 1, kSiteIterateSlot = 2 };

static void yield_point(uint32_t site) {
  if (g_host != NULL && g_host->yield_point != NULL) g_host->yield_point(g_host->ctx, site);
}

typedef struct slot {
  uint64_t key;
  uint64_t value;
  uint8_t state;
} slot;

typedef struct c_table {
  pthread_mutex_t mutex;
  slot* slots;
  uint64_t capacity; /* a power of two */
  uint64_t used;     /* full + deleted slots: what probing has to walk over */
} c_table;

static uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* The slot holding key, or else the first free slot on its probe path. */
static slot* find_slot(const c_table* t, uint64_t key, int* found) {
  uint64_t mask = t->capacity - 1;
  slot* first_deleted = NULL;
  for (uint64_t i = mix(key) & mask;; i = (i + 1) & mask) {
    slot* s = &t->slots[i];
    if (s->state == kEmpty) {
      *found = 0;
      return first_deleted != NULL ? first_deleted : s;
    }
    if (s->state == kDeleted) {
      if (first_deleted == NULL) first_deleted = s;
    } else if (s->key == key) {
      *found = 1;
      return s;
    }
  }
}

/* Returns 0 when out of memory (the table is then unchanged). */
static int rehash(c_table* t, uint64_t capacity) {
  slot* old = t->slots;
  uint64_t old_capacity = t->capacity;
  slot* fresh = calloc(capacity, sizeof(slot));
  if (fresh == NULL) return 0;
  t->slots = fresh;
  t->capacity = capacity;
  t->used = 0;
  for (uint64_t i = 0; i < old_capacity; ++i) {
    if (old[i].state != kFull) continue;
    int found;
    slot* s = find_slot(t, old[i].key, &found);
    *s = old[i];
    t->used++;
  }
  free(old);
  return 1;
}

static void* table_create(uint64_t capacity_hint) {
  c_table* t = calloc(1, sizeof(c_table));
  if (t == NULL) return NULL;
  uint64_t capacity = 16;
  while (capacity < 2 * capacity_hint && capacity < (1ULL << 40)) capacity *= 2;
  t->slots = calloc(capacity, sizeof(slot));
  if (t->slots == NULL) {
    free(t);
    return NULL;
  }
  t->capacity = capacity;
  pthread_mutex_init(&t->mutex, NULL);
  return t;
}

static void table_destroy(void* map) {
  c_table* t = map;
  pthread_mutex_destroy(&t->mutex);
  free(t->slots);
  free(t);
}

static void table_store(void* map, uint64_t key, uint64_t value) {
  c_table* t = map;
  pthread_mutex_lock(&t->mutex);
  int found;
  slot* s = find_slot(t, key, &found);
  if (!found) {
    /* Keep at least half the slots empty so probes stay short and always terminate. */
    if (2 * (t->used + 1) > t->capacity) {
      if (!rehash(t, t->capacity * 2)) abort();
      s = find_slot(t, key, &found);
    }
    if (s->state == kEmpty) t->used++;
    s->key = key;
    s->state = kFull;
    yield_point(kSiteStorePublished); /* racy point 1: full, value not yet written */
  }
  s->value = value;
  pthread_mutex_unlock(&t->mutex);
}

static int table_erase(void* map, uint64_t key) {
  c_table* t = map;
  pthread_mutex_lock(&t->mutex);
  int found;
  slot* s = find_slot(t, key, &found);
  if (found) s->state = kDeleted;
  pthread_mutex_unlock(&t->mutex);
  return found;
}

static int table_load(void* map, uint64_t key, uint64_t* value_out) {
  c_table* t = map;
  pthread_mutex_lock(&t->mutex);
  int found;
  slot* s = find_slot(t, key, &found);
  if (found) *value_out = s->value;
  pthread_mutex_unlock(&t->mutex);
  return found;
}

static void table_iterate(void* map, mapstress_visit_fn visit, void* ctx) {
  c_table* t = map;
  pthread_mutex_lock(&t->mutex);
  for (uint64_t i = 0; i < t->capacity; ++i) {
    if (t->slots[i].state != kFull) continue;
    yield_point(kSiteIterateSlot); /* racy point 2: between two slots of one iteration */
    if (visit(ctx, t->slots[i].key, t->slots[i].value) != 0) break;
  }
  pthread_mutex_unlock(&t->mutex);
}

static const mapstress_backend kCTable = {
    .abi = MAPSTRESS_PLUGIN_ABI,
    .name = "c-table",
    .description = "example C plugin: open-addressing hash table behind one pthread mutex",
    .guarantee = "snapshot",
    .create = table_create,
    .destroy = table_destroy,
    .thread_attach = NULL,
    .thread_detach = NULL,
    .store = table_store,
    .erase = table_erase,
    .load = table_load,
    .iterate = table_iterate,
};

static const mapstress_backend* const kBackends[] = {&kCTable, NULL};

const mapstress_backend* const* mapstress_backends(void) { return kBackends; }
