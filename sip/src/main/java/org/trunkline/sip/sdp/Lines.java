package org.trunkline.sip.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reading and editing one level's lines (the session level, or one media description). Every edit
 * returns a new list and leaves the lines it does not touch as they are, bytes and all. Stateless.
 */
final class Lines {
  private Lines() {}

  /** Types that go before {@code c=} at session level (RFC 8866 §5 order). */
  static final String BEFORE_SESSION_CONNECTION = "vosiuep";

  /** Types that go before {@code c=} in a media description. */
  static final String BEFORE_MEDIA_CONNECTION = "mi";

  static Optional<SdpLine> first(List<SdpLine> lines, char type) {
    for (SdpLine l : lines) {
      if (l.type() == type) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }

  static List<Attribute> attributes(List<SdpLine> lines) {
    List<Attribute> out = new ArrayList<>();
    for (SdpLine l : lines) {
      if (l.type() == 'a') {
        out.add(Attribute.parse(l.value()));
      }
    }
    return List.copyOf(out);
  }

  static List<Attribute> attributes(List<SdpLine> lines, String name) {
    return attributes(lines).stream().filter(a -> a.name().equals(name)).toList();
  }

  static Optional<Direction> direction(List<SdpLine> lines) {
    for (SdpLine l : lines) {
      Optional<Direction> d = direction(l);
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  /**
   * The direction this line sets, if it is a direction attribute. Trailing spaces are ignored: a
   * sloppy {@code a=sendonly } still puts the call on hold.
   */
  static Optional<Direction> direction(SdpLine line) {
    return line.type() == 'a' ? Direction.fromToken(line.value().strip()) : Optional.empty();
  }

  static Optional<Connection> connection(List<SdpLine> lines) {
    return first(lines, 'c').map(l -> Connection.parse(l.value()).value());
  }

  /**
   * Replaces the first line of {@code type} with one holding {@code value}, or inserts a new line
   * after the last line whose type is in {@code after}.
   */
  static List<SdpLine> set(List<SdpLine> lines, char type, String value, String after, byte[] eol) {
    List<SdpLine> out = new ArrayList<>(lines);
    int at = -1;
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).type() == type) {
        out.set(i, out.get(i).withValue(value));
        return List.copyOf(out);
      }
      if (after.indexOf(out.get(i).type()) >= 0) {
        at = i;
      }
    }
    out.add(at + 1, SdpLine.create(type, value, eol));
    return List.copyOf(out);
  }

  /** Replaces the value of every line of {@code type}. */
  static List<SdpLine> replaceAll(List<SdpLine> lines, char type, String value) {
    return lines.stream().map(l -> l.type() == type ? l.withValue(value) : l).toList();
  }

  /** Sets the direction where the first direction attribute was, dropping any others. */
  static List<SdpLine> withDirection(List<SdpLine> lines, Direction d, byte[] eol) {
    List<SdpLine> out = new ArrayList<>();
    boolean placed = false;
    for (SdpLine l : lines) {
      boolean isDirection = direction(l).isPresent();
      if (!isDirection) {
        out.add(l);
      } else if (!placed) {
        out.add(l.withValue(d.token()));
        placed = true;
      }
    }
    return placed ? List.copyOf(out) : addAttribute(out, Attribute.of(d.token()).toLine(eol));
  }

  /** Inserts an attribute line after the last {@code a=} line, or at the end of the level. */
  static List<SdpLine> addAttribute(List<SdpLine> lines, SdpLine line) {
    int at = lines.size();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).type() == 'a') {
        at = i + 1;
        break;
      }
    }
    List<SdpLine> out = new ArrayList<>(lines);
    out.add(at, line);
    return List.copyOf(out);
  }

  static List<SdpLine> removeAttributes(List<SdpLine> lines, Predicate<Attribute> which) {
    return lines.stream()
        .filter(l -> l.type() != 'a' || !which.test(Attribute.parse(l.value())))
        .toList();
  }

  static List<SdpLine> removeType(List<SdpLine> lines, char type) {
    return lines.stream().filter(l -> l.type() != type).toList();
  }
}
