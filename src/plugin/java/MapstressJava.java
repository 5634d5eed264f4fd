// The Java half of the JNI plugin (java_plugin.cpp): the maps, and loops that stay in Java so an
// iteration costs one JNI call plus one native upcall per entry. Compiled by javac at build time
// and embedded in the plugin; no inner classes or lambdas (one .class file).
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

final class MapstressJava {
  private MapstressJava() {}

  // Registered by the plugin: visits one entry; true stops the iteration.
  static native boolean visit(long ctx, long key, long value);

  // kind: 0 ConcurrentHashMap, 1 ConcurrentSkipListMap, 2 Collections.synchronizedMap(HashMap).
  static Map<Long, Long> create(int kind, int capacityHint) {
    switch (kind) {
      case 0: return new ConcurrentHashMap<Long, Long>(Math.max(16, capacityHint));
      case 1: return new ConcurrentSkipListMap<Long, Long>();
      default: return Collections.synchronizedMap(new HashMap<Long, Long>(Math.max(16, capacityHint)));
    }
  }

  static void store(Map<Long, Long> m, long key, long value) { m.put(key, value); }

  static boolean erase(Map<Long, Long> m, long key) { return m.remove(key) != null; }

  // The calling thread's 8-byte slot (a direct buffer over native memory), in native byte order.
  static void prepareSlot(ByteBuffer slot) { slot.order(ByteOrder.nativeOrder()); }

  // Writes the value into the thread's slot: one JNI call per load, no object handed back.
  static boolean load(Map<Long, Long> m, long key, ByteBuffer slot) {
    Long v = m.get(key);
    if (v == null) return false;
    slot.putLong(0, v);
    return true;
  }

  // entrySet().iterator(), as the docs describe it; for a synchronizedMap this is the traversal
  // its docs say must hold the map's lock.
  static void iterate(Map<Long, Long> m, long ctx) {
    Iterator<Map.Entry<Long, Long>> it = m.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Long> e = it.next();
      if (visit(ctx, e.getKey(), e.getValue())) return;
    }
  }

  // "It is imperative that the user manually synchronize on the returned map when traversing".
  static void iterateLocked(Map<Long, Long> m, long ctx) {
    synchronized (m) {
      iterate(m, ctx);
    }
  }

  // The same store/load loop in Java, for the per-call cost comparison (java_call_cost.sh).
  static long nativeLoop(Map<Long, Long> m, long ops) {
    long found = 0;
    for (long i = 0; i < ops; i++) {
      long key = (i * 0x9E3779B97F4A7C15L) >>> 54;  // 1024 keys
      if ((i & 1) == 0) {
        m.put(key, i);
      } else if (m.get(key) != null) {
        found++;
      }
    }
    return found;
  }
}
