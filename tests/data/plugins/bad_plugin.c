/*
 * Deliberately broken plugins for tests/plugin_loader_test.cpp: src/plugin/plugins.cmake builds
 * this file once per BAD_* variant, each with exactly one defect.
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mapstress/plugin.h"

#if defined(BAD_FORK) || defined(BAD_FORK_INIT)
/* Appends a pid to the file named by $BAD_PLUGIN_PIDS (for the test to check). */
static void note(pid_t pid) {
  const char* path = getenv("BAD_PLUGIN_PIDS");
  FILE* f = path != NULL ? fopen(path, "a") : NULL;
  if (f == NULL) return;
  fprintf(f, "%d\n", (int)pid);
  fclose(f);
}
static void note_pid(void) { note(getpid()); }
#endif

#if defined(BAD_FORK_INIT)
/* The library's initialiser (run by dlopen, so in the load probe and in each case's child) forks
 * a grandchild that sleeps forever holding every inherited descriptor (the probe's reply pipe). */
__attribute__((constructor)) static void fork_at_load(void) {
  pid_t grandchild = fork();
  if (grandchild == 0) {
    for (;;) pause();
  }
  note_pid(); /* both noted before the library finishes loading */
  if (grandchild > 0) note(grandchild);
}
#endif

#if !defined(BAD_NO_SYMBOL)
static void* fake_create(uint64_t capacity_hint) {
  (void)capacity_hint;
  static int dummy;
#if defined(BAD_FORK)
  /* A grandchild that sleeps forever holding every inherited descriptor (mapstress's pipes). */
  note_pid();
  if (fork() == 0) {
    note_pid();
    for (;;) pause();
  }
#endif
  return &dummy;
}
static void fake_destroy(void* map) { (void)map; }
__attribute__((unused)) static void fake_store(void* map, uint64_t key, uint64_t value) {
  (void)map;
  (void)key;
  (void)value;
#if defined(BAD_FORK)
  if (getenv("BAD_PLUGIN_SPIN") != NULL) {
    for (volatile int spin = 0;; spin = spin + 1) { /* hangs the case, burning a CPU */
    }
  }
#elif defined(BAD_NOISY)
  printf("noisy plugin: store %llu\n", (unsigned long long)key);
#endif
}
static int fake_erase(void* map, uint64_t key) {
  (void)map;
  (void)key;
  return 0;
}
static int fake_load(void* map, uint64_t key, uint64_t* value_out) {
  (void)map;
  (void)key;
  (void)value_out;
  return 0;
}
static void fake_iterate(void* map, mapstress_visit_fn visit, void* ctx) {
  (void)map;
  (void)visit;
  (void)ctx;
}

#define BACKEND(ABI, NAME, GUARANTEE, STORE)                                                                     \
  {                                                                                                              \
    .abi = ABI, .name = NAME, .description = "broken on purpose", .guarantee = GUARANTEE, .create = fake_create, \
    .destroy = fake_destroy, .thread_attach = NULL, .thread_detach = NULL, .store = STORE, .erase = fake_erase,  \
    .load = fake_load, .iterate = fake_iterate,                                                                  \
  }

#endif

#if defined(BAD_NO_SYMBOL)
/* Exports something, but not mapstress_backends(). */
const mapstress_backend* const* mapstress_backend_list(void) { return NULL; }
#else

#if defined(BAD_WRONG_ABI)
static const mapstress_backend kBad = BACKEND(MAPSTRESS_PLUGIN_ABI + 1, "x", "snapshot", fake_store);
#elif defined(BAD_NULL_STORE)
static const mapstress_backend kBad = BACKEND(1, "x", "snapshot", NULL);
#elif defined(BAD_NAME)
static const mapstress_backend kBad = BACKEND(1, "Bad Name", "snapshot", fake_store);
#elif defined(BAD_GUARANTEE)
static const mapstress_backend kBad = BACKEND(1, "x", "linearizable", fake_store);
#elif defined(BAD_BUILTIN_CLASH)
/* Valid on its own; clashes with the built-in backend `locked` in a registry. */
static const mapstress_backend kBad = BACKEND(1, "locked", "snapshot", fake_store);
#else
static const mapstress_backend kBad = BACKEND(1, "dup", "weak", fake_store);
#endif

#if defined(BAD_EMPTY)
static const mapstress_backend* const kBackends[] = {NULL};
static const mapstress_backend* const kUnused[] = {&kBad}; /* keeps -Wunused quiet */
const mapstress_backend* const* mapstress_unused_backends(void) { return kUnused; }
#elif defined(BAD_DUPLICATE)
static const mapstress_backend* const kBackends[] = {&kBad, &kBad, NULL};
#else
static const mapstress_backend* const kBackends[] = {&kBad, NULL};
#endif

const mapstress_backend* const* mapstress_backends(void) {
#if defined(BAD_CRASH)
  raise(SIGSEGV);
#elif defined(BAD_HANG)
  for (;;) pause();
#endif
  return kBackends;
}

#if defined(BAD_BUILD)
/* The optional build line must be one line. */
const char* mapstress_plugin_build(void) { return "gcc\nsecond line"; }
#endif
#endif
