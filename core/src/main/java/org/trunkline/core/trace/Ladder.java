package org.trunkline.core.trace;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.TraceTap;

/**
 * Draws a trace as a ladder for the terminal: one column per party (the one who spoke to us first
 * on the left, then us, then every other party in the order they appear, e.g. caller, Trunkline,
 * each callee), one numbered row per message with the time since the previous message and an arrow
 * labelled with the method or the status and reason. A message seen again (the same bytes, or a
 * request with the same branch, CSeq and method, or a response with the same status to the same
 * branch and CSeq) in the same direction with the same peer is marked as a retransmission of the
 * first row that carried it.
 *
 * <p>The parties come from the addresses alone: every {@code local} address is us; a remote party
 * is one {@code ip:port}. Rows are numbered in time order ({@link #ordered}), so {@code --message
 * N} prints {@code ordered(messages).get(N - 1)} ({@link #message}).
 *
 * <p>Pure: any thread may call it.
 */
public final class Ladder {
  /**
   * How to draw.
   *
   * @param width the terminal's width in characters: lanes are spread (or labels cut) to fit it
   * @param ascii plain ASCII ({@code | - < >}) instead of box-drawing characters
   * @param full each message's text under its row
   */
  public record Options(int width, boolean ascii, boolean full) {
    /** 100 columns, box-drawing characters, no message text. */
    public static final Options DEFAULT = new Options(100, false, false);

    public Options {
      if (width < 40) {
        throw new IllegalArgumentException("width must be at least 40, got " + width);
      }
    }
  }

  private static final int MIN_GAP = 14;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Ladder() {}

  /** The messages in row order: by time, and in the given order at equal times. */
  public static List<TracedMessage> ordered(List<TracedMessage> messages) {
    List<TracedMessage> out = new ArrayList<>(messages);
    out.sort(Comparator.comparingLong(TracedMessage::epochMicros));
    return out;
  }

  /** The ladder of {@code messages} (any order; drawn in time order). */
  public static String draw(List<TracedMessage> messages, Options o) {
    List<TracedMessage> rows = ordered(messages);
    if (rows.isEmpty()) {
      return "(no messages)\n";
    }
    Glyphs g = o.ascii() ? Glyphs.ASCII : Glyphs.BOX;
    List<String> parties = parties(rows);
    int us = parties.indexOf(US);
    int numberWidth = Math.max(2, Integer.toString(rows.size()).length());
    int prefix = numberWidth + 2 + 9 + 2; // "NN  +0.000s  "
    int longest = 0;
    List<String> labels = new ArrayList<>();
    for (String p : parties) {
      String label = p.equals(US) ? "Trunkline " + address(rows.getFirst().local()) : p;
      labels.add(label);
      longest = Math.max(longest, label.length());
    }
    int n = parties.size();
    int gap = Math.max(MIN_GAP, (o.width() - prefix - longest) / Math.max(1, n - 1));
    gap = Math.min(gap, Math.max(MIN_GAP, longest + 24));
    int half = Math.min(labels.getFirst().length() / 2, gap / 2 - 1);
    int[] lane = new int[n];
    for (int i = 0; i < n; i++) {
      lane[i] = prefix + half + i * gap;
    }

    StringBuilder out = new StringBuilder();
    TracedMessage first = rows.getFirst();
    long span = rows.getLast().epochMicros() - first.epochMicros();
    out.append(
        String.format(
            Locale.ROOT,
            "%d messages from %s over %.3fs%s%n",
            rows.size(),
            TIME.format(instant(first.epochMicros())),
            span / 1e6,
            first.correlationId().isEmpty() ? "" : " (trace " + first.correlationId() + ")"));
    out.append(header(labels, lane, gap, prefix)).append('\n');
    List<String> roles = roles(rows, parties, us);
    out.append(header(roles, lane, gap, prefix)).append('\n');
    String locals = locals(rows, parties, roles);
    if (locals != null) {
      out.append(" ".repeat(prefix)).append(locals).append('\n');
    }

    SipParser parser = new SipParser();
    Retransmissions retransmissions = new Retransmissions();
    long previous = first.epochMicros();
    for (int r = 0; r < rows.size(); r++) {
      TracedMessage m = rows.get(r);
      SipMessage sip = parser.parseDatagram(m.bytes());
      int peer = parties.indexOf(remote(m));
      boolean in = m.direction() == TraceTap.Direction.IN;
      int from = in ? peer : us;
      int to = in ? us : peer;
      char[] line = new char[lane[n - 1] + 1];
      Arrays.fill(line, ' ');
      String head = String.format(Locale.ROOT, "%" + numberWidth + "d", r + 1);
      put(line, 0, head);
      put(line, numberWidth + 2, pad(delta(m.epochMicros() - previous), 9));
      for (int x : lane) {
        line[x] = g.lane;
      }
      arrow(line, lane[from], lane[to], label(sip, m), g);
      StringBuilder row = new StringBuilder(new String(line).stripTrailing());
      int again = retransmissions.firstRowOf(m, sip, r + 1);
      if (again > 0) {
        row.append("  retransmission of #").append(again);
      }
      out.append(row).append('\n');
      if (o.full()) {
        for (String l : text(m.bytes()).split("\n", -1)) {
          out.append(" ".repeat(prefix)).append(l).append('\n');
        }
      }
      previous = m.epochMicros();
    }
    return out.toString();
  }

  /**
   * Row {@code n} (1-based, as numbered by {@link #draw}): when, which way, the addresses and the
   * whole message.
   *
   * @throws IllegalArgumentException naming the range when there is no such row
   */
  public static String message(List<TracedMessage> messages, int n) {
    List<TracedMessage> rows = ordered(messages);
    if (n < 1 || n > rows.size()) {
      throw new IllegalArgumentException(
          "no message #" + n + ": the trace has " + rows.size() + " (1.." + rows.size() + ")");
    }
    TracedMessage m = rows.get(n - 1);
    boolean in = m.direction() == TraceTap.Direction.IN;
    return "#"
        + n
        + "  "
        + TIME.format(instant(m.epochMicros()))
        + "  "
        + m.transport().token()
        + " "
        + address(in ? m.remote() : m.local())
        + " -> "
        + address(in ? m.local() : m.remote())
        + "  ("
        + (in ? "received" : "sent")
        + ", "
        + m.bytes().length
        + " bytes)\n"
        + text(m.bytes())
        + "\n";
  }

  // ---- parties ----

  private static final String US = "\0us";

  /** The first to speak to us (if it spoke first) on the left, us, then the others as they come. */
  private static List<String> parties(List<TracedMessage> rows) {
    List<String> out = new ArrayList<>();
    if (rows.getFirst().direction() == TraceTap.Direction.IN) {
      out.add(remote(rows.getFirst()));
    }
    out.add(US);
    for (TracedMessage m : rows) {
      String p = remote(m);
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private static String remote(TracedMessage m) {
    return address(m.remote());
  }

  private static String address(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /**
   * Where the trace used more than one of our addresses (a cross-connect trunk's own socket, UDP on
   * one side and TCP on the other): which of ours faced which party, e.g. {@code us: 127.0.0.1:5060
   * to the caller, 127.0.0.2:5060 to the callee}; else null (the header says it).
   */
  private static String locals(List<TracedMessage> rows, List<String> parties, List<String> roles) {
    Map<String, List<String>> faced = new LinkedHashMap<>();
    for (TracedMessage m : rows) {
      String role = roles.get(parties.indexOf(remote(m)));
      List<String> those = faced.computeIfAbsent(address(m.local()), k -> new ArrayList<>());
      if (!those.contains(role)) {
        those.add(role);
      }
    }
    if (faced.size() < 2) {
      return null;
    }
    StringBuilder b = new StringBuilder("us:");
    String sep = " ";
    for (Map.Entry<String, List<String>> e : faced.entrySet()) {
      b.append(sep)
          .append(e.getKey())
          .append(" to the ")
          .append(String.join(" and the ", e.getValue()));
      sep = ", ";
    }
    return b.toString();
  }

  /** caller / callee / peer under each address, from who sent the INVITEs. */
  private static List<String> roles(List<TracedMessage> rows, List<String> parties, int us) {
    Map<String, String> role = new LinkedHashMap<>();
    SipParser parser = new SipParser();
    int callees = 0;
    for (TracedMessage m : rows) {
      SipMessage sip = parser.parseDatagram(m.bytes());
      if (!SipMethod.INVITE.equals(sip.method()) || sip.toTag() != null) {
        continue;
      }
      String p = remote(m);
      if (!role.containsKey(p)) {
        role.put(p, m.direction() == TraceTap.Direction.IN ? "caller" : "callee " + (++callees));
      }
    }
    if (callees == 1) {
      role.replaceAll((k, v) -> v.equals("callee 1") ? "callee" : v);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < parties.size(); i++) {
      out.add(i == us ? "(us)" : role.getOrDefault(parties.get(i), "peer"));
    }
    return out;
  }

  // ---- rows ----

  private static String header(List<String> labels, int[] lane, int gap, int prefix) {
    char[] line = new char[lane[lane.length - 1] + gap];
    Arrays.fill(line, ' ');
    for (int i = 0; i < labels.size(); i++) {
      String l = cut(labels.get(i), gap - 2);
      put(line, Math.max(i == 0 ? prefix : 0, lane[i] - l.length() / 2), l);
    }
    return new String(line).stripTrailing();
  }

  private static void arrow(char[] line, int from, int to, String label, Glyphs g) {
    int a = Math.min(from, to);
    int b = Math.max(from, to);
    for (int x = a + 1; x < b; x++) {
      line[x] = g.line;
    }
    if (to > from) {
      line[b - 1] = g.right;
    } else {
      line[a + 1] = g.left;
    }
    String l = cut(label, b - a - 6);
    if (!l.isEmpty()) {
      put(line, a + 3, " " + l + " ");
    }
  }

  private static String label(SipMessage sip, TracedMessage m) {
    String sdp =
        sip.bodyLength() > 0
                && sip.contentType() != null
                && sip.contentType().toLowerCase(Locale.ROOT).startsWith("application/sdp")
            ? " (SDP)"
            : "";
    if (sip.isRequest() && sip.method() != null) {
      return sip.method().name() + sdp;
    }
    if (!sip.isRequest() && sip.status() > 0) {
      return sip.status() + " " + sip.reason() + sdp;
    }
    String firstLine = text(m.bytes()).lines().findFirst().orElse("");
    return "unreadable: " + firstLine;
  }

  private static String delta(long micros) {
    return String.format(Locale.ROOT, "+%.3fs", micros / 1e6);
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  /** The message as text: lines without CR, other control bytes shown as '.'. */
  static String text(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n");
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 && c != '\n' && c != '\t' ? '.' : c);
    }
    String t = b.toString();
    return t.endsWith("\n") ? t.substring(0, t.length() - 1) : t;
  }

  private static String cut(String s, int max) {
    if (max <= 0) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "~";
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private static void put(char[] line, int at, String s) {
    for (int i = 0; i < s.length() && at + i < line.length; i++) {
      if (at + i >= 0) {
        line[at + i] = s.charAt(i);
      }
    }
  }

  private enum Glyphs {
    ASCII('|', '-', '>', '<'),
    BOX('│', '─', '▶', '◀');

    final char lane;
    final char line;
    final char right;
    final char left;

    Glyphs(char lane, char line, char right, char left) {
      this.lane = lane;
      this.line = line;
      this.right = right;
      this.left = left;
    }
  }
}
