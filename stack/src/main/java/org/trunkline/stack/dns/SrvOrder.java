package org.trunkline.stack.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The order RFC 2782 "Usage rules" gives SRV records: lowest priority first; within a priority, a
 * weighted random draw repeated until every record is placed. Targets of "." are dropped.
 */
final class SrvOrder {
  private SrvOrder() {}

  static List<SrvRecord> order(List<SrvRecord> records, RandomGenerator random) {
    Map<Integer, List<SrvRecord>> byPriority = new TreeMap<>();
    for (SrvRecord r : records) {
      if (!r.unavailable()) {
        byPriority.computeIfAbsent(r.priority(), p -> new ArrayList<>()).add(r);
      }
    }
    List<SrvRecord> out = new ArrayList<>(records.size());
    for (List<SrvRecord> group : byPriority.values()) {
      drawByWeight(group, random, out);
    }
    return out;
  }

  private static void drawByWeight(
      List<SrvRecord> group, RandomGenerator random, List<SrvRecord> out) {
    // RFC 2782: "all those with weight 0 are placed at the beginning of the list", so they are
    // chosen only when the draw is 0 and otherwise sink to the end of their priority
    List<SrvRecord> left = new ArrayList<>(group.size());
    group.stream().filter(r -> r.weight() == 0).forEach(left::add);
    group.stream().filter(r -> r.weight() != 0).forEach(left::add);
    while (!left.isEmpty()) {
      int sum = 0;
      for (SrvRecord r : left) {
        sum += r.weight();
      }
      // "choose a uniform random number between 0 and the sum computed (inclusive)"
      int draw = random.nextInt(sum + 1);
      int running = 0;
      for (int i = 0; i < left.size(); i++) {
        running += left.get(i).weight();
        if (running >= draw) {
          out.add(left.remove(i));
          break;
        }
      }
    }
  }
}
