package org.trunkline.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Collects every problem of one file, so a single run reports them all. */
final class Problems {
  private final Path file;
  private final List<ConfigProblem> found = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  /** The file being read (relative paths in it are relative to its directory). */
  Path file() {
    return file;
  }

  void add(Node at, String field, String problem) {
    add(line(at), field, problem);
  }

  void add(int line, String field, String problem) {
    found.add(new ConfigProblem(file, line, field, problem));
  }

  /** How many problems were found so far: a reader compares counts to see if a part was clean. */
  int count() {
    return found.size();
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  /** In line order; problems on one line keep the order they were found in. */
  List<ConfigProblem> sorted() {
    return found.stream().sorted(Comparator.comparingInt(ConfigProblem::line)).toList();
  }

  /** 1-based line where the node starts (SnakeYAML marks are 0-based). */
  static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }
}
