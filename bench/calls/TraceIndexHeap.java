import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.trunkline.server.config.TracesConfig;
import org.trunkline.server.storage.TraceStore;

/**
 * java -cp trunkline.jar bench/calls/TraceIndexHeap.java DIR: opens a trace directory as the server does at start (every
 * segment indexed), then prints the used heap it added after a full GC and the trace index's arrays (capacity, KB) by
 * reflection on TraceStore.index (a bench tool: it reads a private field). Run by trace-index-heap.sh.
 */
public class TraceIndexHeap {
  public static void main(String[] a) throws Exception {
    gc();
    long h0 = used();
    TraceStore s = TraceStore.open(new TracesConfig(true, 1L << 40, Duration.ofDays(3650), 65536, Path.of(a[0])), Clock.systemUTC(), null);
    gc();
    long h1 = used();
    Field f = TraceStore.class.getDeclaredField("index");
    f.setAccessible(true);
    Object idx = f.get(s);
    StringBuilder sb = new StringBuilder();
    long arrays = arrays(idx, sb, "index", 0);
    System.out.printf("%s: heap after GC +%d KB; index arrays %d KB%n%s", a[0], (h1 - h0) / 1024, arrays / 1024, sb);
    s.close();
  }
  static long arrays(Object o, StringBuilder sb, String path, int depth) throws Exception {
    long sum = 0;
    for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
        f.setAccessible(true);
        Object v = f.get(o);
        if (v == null) continue;
        Class<?> t = v.getClass();
        if (t.isArray() && t.getComponentType().isPrimitive()) {
          int n = java.lang.reflect.Array.getLength(v);
          int w = t == long[].class ? 8 : t == int[].class ? 4 : t == byte[].class ? 1 : t == short[].class ? 2 : 8;
          sum += (long) n * w;
          sb.append(String.format("  %s.%s %s[%d] %d KB%n", path, f.getName(), t.getComponentType(), n, (long) n * w / 1024));
        } else if (depth < 1 && t.getName().startsWith("org.trunkline")) {
          sum += arrays(v, sb, path + "." + f.getName(), depth + 1);
        }
      }
    }
    return sum;
  }
  static void gc() throws Exception { for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(200); } }
  static long used() { return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(); }
}
