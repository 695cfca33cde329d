package org.trunkline.server.storage;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Where an embedded H2 URL keeps its files, so the directory can be made before H2 opens it. */
final class H2Files {
  private static final String PREFIX = "jdbc:h2:";
  // mem:, tcp:, ssl:, zip:, nio: ... name something other than a plain file (one letter is a
  // drive).
  private static final Pattern OTHER_PROTOCOL = Pattern.compile("[A-Za-z][A-Za-z0-9]+:.*");

  private H2Files() {}

  /**
   * The directory holding the database files of {@code url}, absolute; empty for URLs that do not
   * name a local file (in-memory, server mode, other databases).
   */
  static Optional<Path> directory(String url) {
    if (!url.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String name = url.substring(PREFIX.length());
    if (name.startsWith("file:")) {
      name = name.substring("file:".length());
    } else if (OTHER_PROTOCOL.matcher(name).matches()) {
      return Optional.empty();
    }
    int options = name.indexOf(';');
    if (options >= 0) {
      name = name.substring(0, options);
    }
    if (name.isEmpty()) {
      return Optional.empty();
    }
    if (name.equals("~") || name.startsWith("~/")) {
      name = System.getProperty("user.home") + name.substring(1);
    }
    Path parent = Path.of(name).toAbsolutePath().normalize().getParent();
    return Optional.ofNullable(parent);
  }
}
