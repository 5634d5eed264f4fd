// The Java plugin: java.util maps reached through JNI. The JVM starts once per process, on the
// first create() (a case's child; later trials reuse it), from a helper thread because HotSpot
// does not want the primordial thread. Each worker thread attaches in thread_attach() (or on its
// first call) and detaches in thread_detach(). The loops live in MapstressJava.java.
// A Java exception from an operation is reported as what it is: the plugin prints
// "fatal error: <backend>: <op> threw <exception>" and aborts, so the case ends `crashed` with
// that message (graded by the backend's profile), never as a tool failure.
#include <jni.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "mapstress/plugin.h"
#include "mapstress/plugin_contract.h"
#include "mapstress_java_class.h"  // kMapstressJavaClass, generated from MapstressJava.class

namespace {

struct Jvm {
  JavaVM* vm = nullptr;
  jclass cls = nullptr;  // global ref to MapstressJava
  jmethodID create, store, erase, load, iterate, iterate_locked, native_loop, prepare_slot;
  std::string error;  // why the JVM could not start, or ""
};
Jvm g_jvm;
std::once_flag g_jvm_once;
thread_local JNIEnv* t_env = nullptr;
thread_local uint64_t t_slot = 0;           // where MapstressJava.load writes a found value
thread_local jobject t_slot_buf = nullptr;  // global ref: a direct ByteBuffer over t_slot

// Prints the pending Java exception (or `what` alone) as a fatal error and aborts.
[[noreturn]] void Fatal(JNIEnv* env, const char* backend, const char* what) {
  std::string text = "fatal error: " + std::string(backend) + ": " + what;
  if (env != nullptr && env->ExceptionCheck()) {
    jthrowable t = env->ExceptionOccurred();
    env->ExceptionClear();
    jclass object = env->FindClass("java/lang/Object");
    jmethodID to_string = object ? env->GetMethodID(object, "toString", "()Ljava/lang/String;") : nullptr;
    jstring s = to_string ? static_cast<jstring>(env->CallObjectMethod(t, to_string)) : nullptr;
    const char* chars = s ? env->GetStringUTFChars(s, nullptr) : nullptr;
    text += " threw ";
    text += chars ? chars : "an exception whose toString() failed";
  }
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
  std::abort();
}

jboolean JNICALL NativeVisit(JNIEnv*, jclass, jlong ctx, jlong key, jlong value) {
  auto* v = reinterpret_cast<std::pair<mapstress_visit_fn, void*>*>(ctx);
  return v->first(v->second, static_cast<uint64_t>(key), static_cast<uint64_t>(value)) != 0 ? JNI_TRUE : JNI_FALSE;
}

// Runs on a helper thread: creates the JVM, defines MapstressJava, registers visit().
void StartJvm() {
  JavaVMOption options[] = {
      {const_cast<char*>("-Xrs"), nullptr},                         // leave SIGINT/SIGTERM/SIGQUIT to mapstress
      {const_cast<char*>("-XX:-UsePerfData"), nullptr},             // no /tmp/hsperfdata_* file
      {const_cast<char*>("-XX:+DisableAttachMechanism"), nullptr},  // no attach socket
      {const_cast<char*>("-XX:ErrorFile=/dev/stderr"),
       nullptr},  // a JVM crash report goes to the case, not to ./hs_err_pid*.log
      {const_cast<char*>("-Xss1m"), nullptr},
  };
  JavaVMInitArgs args{};
  args.version = JNI_VERSION_1_8;
  args.nOptions = sizeof options / sizeof options[0];
  args.options = options;
  args.ignoreUnrecognized = JNI_FALSE;
  JNIEnv* env = nullptr;
  if (JNI_CreateJavaVM(&g_jvm.vm, reinterpret_cast<void**>(&env), &args) != JNI_OK) {
    g_jvm.error = "JNI_CreateJavaVM failed";
    g_jvm.vm = nullptr;
    return;
  }
  jclass loader_class = env->FindClass("java/lang/ClassLoader");
  jmethodID system_loader = env->GetStaticMethodID(loader_class, "getSystemClassLoader", "()Ljava/lang/ClassLoader;");
  jobject loader = env->CallStaticObjectMethod(loader_class, system_loader);
  jclass cls = env->DefineClass("MapstressJava", loader, reinterpret_cast<const jbyte*>(kMapstressJavaClass),
                                static_cast<jsize>(sizeof kMapstressJavaClass));
  JNINativeMethod natives[] = {
      {const_cast<char*>("visit"), const_cast<char*>("(JJJ)Z"), reinterpret_cast<void*>(&NativeVisit)}};
  if (cls == nullptr || env->RegisterNatives(cls, natives, 1) != 0) {
    env->ExceptionDescribe();
    g_jvm.error = "cannot define the MapstressJava class";
    return;
  }
  g_jvm.cls = static_cast<jclass>(env->NewGlobalRef(cls));
  const char* map = "Ljava/util/Map;";
  g_jvm.create = env->GetStaticMethodID(cls, "create", (std::string("(II)") + map).c_str());
  g_jvm.store = env->GetStaticMethodID(cls, "store", (std::string("(") + map + "JJ)V").c_str());
  g_jvm.erase = env->GetStaticMethodID(cls, "erase", (std::string("(") + map + "J)Z").c_str());
  g_jvm.load = env->GetStaticMethodID(cls, "load", (std::string("(") + map + "JLjava/nio/ByteBuffer;)Z").c_str());
  g_jvm.prepare_slot = env->GetStaticMethodID(cls, "prepareSlot", "(Ljava/nio/ByteBuffer;)V");
  g_jvm.iterate = env->GetStaticMethodID(cls, "iterate", (std::string("(") + map + "J)V").c_str());
  g_jvm.iterate_locked = env->GetStaticMethodID(cls, "iterateLocked", (std::string("(") + map + "J)V").c_str());
  g_jvm.native_loop = env->GetStaticMethodID(cls, "nativeLoop", (std::string("(") + map + "J)J").c_str());
  if (env->ExceptionCheck()) {
    env->ExceptionDescribe();
    g_jvm.error = "MapstressJava lacks a method";
    g_jvm.cls = nullptr;
  }
  g_jvm.vm->DetachCurrentThread();
}

// This thread's JNIEnv, attaching it (as a daemon) if it is not yet.
JNIEnv* Env(const char* backend) {
  if (t_env != nullptr) return t_env;
  void* env = nullptr;
  if (g_jvm.vm->GetEnv(&env, JNI_VERSION_1_8) == JNI_EDETACHED &&
      g_jvm.vm->AttachCurrentThreadAsDaemon(&env, nullptr) != JNI_OK) {
    Fatal(nullptr, backend, "AttachCurrentThread failed");
  }
  JNIEnv* e = static_cast<JNIEnv*>(env);
  jobject buf = e->NewDirectByteBuffer(&t_slot, sizeof t_slot);
  if (buf != nullptr) e->CallStaticVoidMethod(g_jvm.cls, g_jvm.prepare_slot, buf);
  if (buf == nullptr || e->ExceptionCheck()) Fatal(e, backend, "NewDirectByteBuffer");
  t_slot_buf = e->NewGlobalRef(buf);
  e->DeleteLocalRef(buf);
  t_env = e;
  return t_env;
}

struct JavaMap {
  jobject map;  // global ref
  const char* backend;
  bool locked_iteration;
};

JavaMap* AsMap(void* m) { return static_cast<JavaMap*>(m); }

void* Create(int kind, const char* backend, bool locked_iteration, uint64_t capacity_hint) {
  std::call_once(g_jvm_once, [] { std::thread(StartJvm).join(); });
  if (g_jvm.cls == nullptr) {
    std::fprintf(stderr, "%s: the JVM did not start: %s\n", backend, g_jvm.error.c_str());
    return nullptr;
  }
  JNIEnv* env = Env(backend);
  jint hint = capacity_hint > (1u << 30) ? (1 << 30) : static_cast<jint>(capacity_hint);
  jobject local = env->CallStaticObjectMethod(g_jvm.cls, g_jvm.create, static_cast<jint>(kind), hint);
  if (env->ExceptionCheck() || local == nullptr) Fatal(env, backend, "create");
  auto* m = new JavaMap{env->NewGlobalRef(local), backend, locked_iteration};
  env->DeleteLocalRef(local);
  return m;
}

void Destroy(void* m) {
  JavaMap* map = AsMap(m);
  Env(map->backend)->DeleteGlobalRef(map->map);
  delete map;
}

void ThreadAttach(void* m) { Env(AsMap(m)->backend); }

void ThreadDetach(void*) {
  if (t_env == nullptr) return;
  t_env->DeleteGlobalRef(t_slot_buf);
  t_slot_buf = nullptr;
  g_jvm.vm->DetachCurrentThread();
  t_env = nullptr;
}

void Store(void* m, uint64_t key, uint64_t value) {
  JavaMap* map = AsMap(m);
  JNIEnv* env = Env(map->backend);
  env->CallStaticVoidMethod(g_jvm.cls, g_jvm.store, map->map, static_cast<jlong>(key), static_cast<jlong>(value));
  if (env->ExceptionCheck()) Fatal(env, map->backend, "put");
}

int Erase(void* m, uint64_t key) {
  JavaMap* map = AsMap(m);
  JNIEnv* env = Env(map->backend);
  jboolean removed = env->CallStaticBooleanMethod(g_jvm.cls, g_jvm.erase, map->map, static_cast<jlong>(key));
  if (env->ExceptionCheck()) Fatal(env, map->backend, "remove");
  return removed ? 1 : 0;
}

int Load(void* m, uint64_t key, uint64_t* value_out) {
  JavaMap* map = AsMap(m);
  JNIEnv* env = Env(map->backend);
  jboolean found = env->CallStaticBooleanMethod(g_jvm.cls, g_jvm.load, map->map, static_cast<jlong>(key), t_slot_buf);
  if (env->ExceptionCheck()) Fatal(env, map->backend, "get");
  if (!found) return 0;
  *value_out = t_slot;
  return 1;
}

void Iterate(void* m, mapstress_visit_fn visit, void* ctx) {
  JavaMap* map = AsMap(m);
  JNIEnv* env = Env(map->backend);
  std::pair<mapstress_visit_fn, void*> v{visit, ctx};
  env->CallStaticVoidMethod(g_jvm.cls, map->locked_iteration ? g_jvm.iterate_locked : g_jvm.iterate, map->map,
                            static_cast<jlong>(reinterpret_cast<intptr_t>(&v)));
  if (env->ExceptionCheck()) Fatal(env, map->backend, "entrySet().iterator()");
}

void* CreateChm(uint64_t hint) { return Create(0, "java-chm", false, hint); }
void* CreateSkipList(uint64_t hint) { return Create(1, "java-skiplist", false, hint); }
void* CreateSynchronized(uint64_t hint) { return Create(2, "java-synchronized", false, hint); }
void* CreateSynchronizedLocked(uint64_t hint) { return Create(2, "java-synchronized-locked", true, hint); }

constexpr mapstress_backend Backend(const char* name, const char* description, const char* guarantee,
                                    void* (*create)(uint64_t)) {
  return {MAPSTRESS_PLUGIN_ABI, name,         description, guarantee, create, Destroy,
          ThreadAttach,         ThreadDetach, Store,       Erase,     Load,   Iterate};
}

const mapstress_backend kChm =
    Backend("java-chm", "Java 17 ConcurrentHashMap<Long, Long> via JNI, entrySet().iterator()", "weak", CreateChm);
const mapstress_backend kSkipList =
    Backend("java-skiplist", "Java 17 ConcurrentSkipListMap<Long, Long> via JNI, entrySet().iterator()", "weak",
            CreateSkipList);
const mapstress_backend kSynchronized = Backend(
    "java-synchronized", "MISUSE ON PURPOSE: Collections.synchronizedMap(HashMap) iterated without its lock (JNI)",
    "none", CreateSynchronized);
const mapstress_backend kSynchronizedLocked =
    Backend("java-synchronized-locked",
            "Java 17 Collections.synchronizedMap(HashMap) via JNI, iterated inside synchronized (map)", "snapshot",
            CreateSynchronizedLocked);
const mapstress_backend* const kBackends[] = {&kChm, &kSkipList, &kSynchronized, &kSynchronizedLocked, nullptr};

// The weakly consistent iterator as java.util.concurrent's package summary defines it.
#define MAPSTRESS_WEAK_ITERATORS                                                                                    \
  "java.util.concurrent package summary (Java SE 17): weakly consistent iterators \"may proceed concurrently with " \
  "other operations; they will never throw ConcurrentModificationException; they are guaranteed to traverse "       \
  "elements as they existed upon construction exactly once, and may (but are not guaranteed to) reflect any "       \
  "modifications subsequent to construction.\" "                                                                    \
  "(https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/concurrent/package-summary.html)"

const mapstress_contract kChmContract = {
    "ConcurrentHashMap (Java SE 17 API): \"Retrievals reflect the results of the most recently completed update "
    "operations holding upon their onset.\"; \"Iterators, Spliterators and Enumerations return elements reflecting "
    "the state of the hash table at some point at or since the creation of the iterator/enumeration. They do not "
    "throw ConcurrentModificationException.\"; " MAPSTRESS_WEAK_ITERATORS
    ". Graded: missing, phantom, stale_value, unknown_value, stale_read FORBIDDEN; not_snapshot ACCEPTABLE "
    "(\"may ... reflect any modifications\"); \"exactly once\" is promised only for elements as they existed upon "
    "construction, and mapstress cannot tell those from keys re-inserted during the iteration, so duplicate is "
    "INTERESTING; a thrown exception (crashed) is FORBIDDEN",
    "every operation may overlap iteration; an iterator is used by one thread (as its docs require)",
    "duplicate=INTERESTING"};
const mapstress_contract kSkipListContract = {
    "ConcurrentSkipListMap (Java SE 17 API): \"Insertion, removal, update, and access operations safely execute "
    "concurrently by multiple threads. Iterators and spliterators are weakly consistent.\"; " MAPSTRESS_WEAK_ITERATORS
    ". Graded: missing, phantom, stale_value, unknown_value FORBIDDEN; not_snapshot ACCEPTABLE; duplicate "
    "INTERESTING (as for java-chm); the class docs promise nothing about what a get() sees, beyond safety, so "
    "stale_read is INTERESTING",
    "every operation may overlap iteration", "duplicate=INTERESTING stale_read=INTERESTING"};
const mapstress_contract kSynchronizedContract = {
    "Collections.synchronizedMap (Java SE 17 API): \"It is imperative that the user manually synchronize on the "
    "returned map when traversing any of its collection views via Iterator, Spliterator or Stream ... Failure to "
    "follow this advice may result in non-deterministic behavior.\" This backend does not: no promise, everything "
    "(including a ConcurrentModificationException, reported as a crash with its message) is INTERESTING",
    "put/remove/get are synchronized; the iteration is not (misuse on purpose)", ""};
const mapstress_contract kSynchronizedLockedContract = {
    "Collections.synchronizedMap (Java SE 17 API): \"Returns a synchronized (thread-safe) map backed by the specified "
    "map. In order to guarantee serial access, it is critical that all access to the backing map is accomplished "
    "through the returned map.\"; \"It is imperative that the user manually synchronize on the returned map when "
    "traversing any of its collection views\": iterated inside synchronized (map), so a snapshot (all FORBIDDEN)",
    "iteration holds the map's monitor, so every other operation waits for it", ""};

}  // namespace

extern "C" MAPSTRESS_PLUGIN_EXPORT const mapstress_backend* const* mapstress_backends(void) { return kBackends; }

extern "C" MAPSTRESS_PLUGIN_EXPORT const mapstress_contract* mapstress_backend_contract(const char* name) {
  if (name == nullptr) return nullptr;
  if (std::strcmp(name, "java-chm") == 0) return &kChmContract;
  if (std::strcmp(name, "java-skiplist") == 0) return &kSkipListContract;
  if (std::strcmp(name, "java-synchronized") == 0) return &kSynchronizedContract;
  if (std::strcmp(name, "java-synchronized-locked") == 0) return &kSynchronizedLockedContract;
  return nullptr;
}

// For tests/bench/lang_call_bench.cpp: the same store/load loop, run inside Java; returns the loads that found a key.
extern "C" MAPSTRESS_PLUGIN_EXPORT uint64_t mapstress_java_native_loop(void* m, uint64_t ops) {
  JavaMap* map = AsMap(m);
  JNIEnv* env = Env(map->backend);
  jlong found = env->CallStaticLongMethod(g_jvm.cls, g_jvm.native_loop, map->map, static_cast<jlong>(ops));
  if (env->ExceptionCheck()) Fatal(env, map->backend, "nativeLoop");
  return static_cast<uint64_t>(found);
}
