package org.trunkline.sip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The RFC 4475 / RFC 5118 torture vectors and their manifest (src/test/resources/torture). */
public final class Vectors {
  /** One line of manifest.tsv. */
  public record Vector(
      String file, String kind, String transport, String expect, String semantics) {
    public String name() {
      return file.substring(file.indexOf('/') + 1, file.length() - 4);
    }

    public byte[] bytes() {
      return resource("/torture/" + file);
    }

    @Override
    public String toString() {
      return name();
    }
  }

  private Vectors() {}

  public static List<Vector> all() {
    String tsv = new String(resource("/torture/manifest.tsv"), StandardCharsets.UTF_8);
    List<Vector> out = new ArrayList<>();
    for (String line : tsv.split("\n")) {
      if (line.isBlank() || line.startsWith("file\t")) {
        continue;
      }
      String[] f = line.split("\t", 5);
      out.add(new Vector(f[0], f[1], f[2], f[3], f.length > 4 ? f[4] : ""));
    }
    return out;
  }

  public static Vector named(String name) {
    return all().stream().filter(v -> v.name().endsWith(name)).findFirst().orElseThrow();
  }

  static byte[] resource(String path) {
    try (InputStream in = Vectors.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
