package org.trunkline.sip;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A SIP method: an open value type (RFC 3261 §7.1, methods are case-sensitive tokens). Known
 * methods are cached constants; unknown ones (RFC 4475 intmeth, esc02) are still representable.
 * Immutable and thread-safe.
 */
public final class SipMethod {
  private static final Map<String, SipMethod> KNOWN = new ConcurrentHashMap<>();

  public static final SipMethod INVITE = known("INVITE");
  public static final SipMethod ACK = known("ACK");
  public static final SipMethod BYE = known("BYE");
  public static final SipMethod CANCEL = known("CANCEL");
  public static final SipMethod OPTIONS = known("OPTIONS");
  public static final SipMethod REGISTER = known("REGISTER");
  public static final SipMethod PRACK = known("PRACK");
  public static final SipMethod UPDATE = known("UPDATE");
  public static final SipMethod INFO = known("INFO");
  public static final SipMethod SUBSCRIBE = known("SUBSCRIBE");
  public static final SipMethod NOTIFY = known("NOTIFY");
  public static final SipMethod REFER = known("REFER");
  public static final SipMethod MESSAGE = known("MESSAGE");
  public static final SipMethod PUBLISH = known("PUBLISH");

  private final String name;
  private final boolean known;

  private SipMethod(String name, boolean known) {
    this.name = name;
    this.known = known;
  }

  private static SipMethod known(String name) {
    SipMethod m = new SipMethod(name, true);
    KNOWN.put(name, m);
    return m;
  }

  /** The cached constant for a known method, or a new value for any other token. */
  public static SipMethod valueOf(String name) {
    SipMethod m = KNOWN.get(name);
    return m != null ? m : new SipMethod(name, false);
  }

  /** Like {@link #valueOf(String)} over raw bytes, without allocating for known methods. */
  static SipMethod valueOf(byte[] b, int off, int len) {
    SipMethod known = known(b, off, len);
    if (known != null) {
      return known;
    }
    return len >= 3 && len <= 9 && off + Long.BYTES <= b.length
        ? unknown(b, off, len)
        : valueOfBytes(b, off, len);
  }

  /**
   * The known method whose name is exactly the {@code len} bytes at {@code off}, by the word
   * compare of {@link #valueOf(byte[], int, int)}; {@code null} for any other name and for a name
   * in the array's last 7 bytes (no word can be read there). A known name's bytes are all token
   * bytes, so a hit also says the span is a token.
   */
  static SipMethod known(byte[] b, int off, int len) {
    // The known names as one masked word compare each (exact: every byte is compared as it is);
    // a name at the very end of the array, where a word cannot be read, takes the byte compare.
    if (len >= 3 && len <= 9 && off + Long.BYTES <= b.length) {
      long w = Swar.word(b, off) & (len >= Long.BYTES ? -1L : ~(-1L << (len << 3)));
      switch (len) {
        case 3:
          if (w == W_ACK) return ACK;
          if (w == W_BYE) return BYE;
          break;
        case 4:
          if (w == W_INFO) return INFO;
          break;
        case 5:
          if (w == W_PRACK) return PRACK;
          if (w == W_REFER) return REFER;
          break;
        case 6:
          if (w == W_INVITE) return INVITE;
          if (w == W_CANCEL) return CANCEL;
          if (w == W_UPDATE) return UPDATE;
          if (w == W_NOTIFY) return NOTIFY;
          break;
        case 7:
          if (w == W_OPTIONS) return OPTIONS;
          if (w == W_MESSAGE) return MESSAGE;
          if (w == W_PUBLISH) return PUBLISH;
          break;
        case 8:
          if (w == W_REGISTER) return REGISTER;
          break;
        default:
          if (w == W_SUBSCRIB && b[off + 8] == 'E') return SUBSCRIBE;
          break;
      }
    }
    return null;
  }

  /** {@link #valueOf(byte[], int, int)} byte by byte. */
  static SipMethod valueOfBytes(byte[] b, int off, int len) {
    switch (len) {
      case 3:
        if (is(b, off, "ACK")) return ACK;
        if (is(b, off, "BYE")) return BYE;
        break;
      case 4:
        if (is(b, off, "INFO")) return INFO;
        break;
      case 5:
        if (is(b, off, "PRACK")) return PRACK;
        if (is(b, off, "REFER")) return REFER;
        break;
      case 6:
        if (is(b, off, "INVITE")) return INVITE;
        if (is(b, off, "CANCEL")) return CANCEL;
        if (is(b, off, "UPDATE")) return UPDATE;
        if (is(b, off, "NOTIFY")) return NOTIFY;
        break;
      case 7:
        if (is(b, off, "OPTIONS")) return OPTIONS;
        if (is(b, off, "MESSAGE")) return MESSAGE;
        if (is(b, off, "PUBLISH")) return PUBLISH;
        break;
      case 8:
        if (is(b, off, "REGISTER")) return REGISTER;
        break;
      case 9:
        if (is(b, off, "SUBSCRIBE")) return SUBSCRIBE;
        break;
      default:
        break;
    }
    return unknown(b, off, len);
  }

  private static SipMethod unknown(byte[] b, int off, int len) {
    return new SipMethod(
        new String(b, off, len, java.nio.charset.StandardCharsets.ISO_8859_1), false);
  }

  // The known names' first (up to) 8 bytes as little-endian words, zero beyond the name.
  private static final long W_ACK = word("ACK");
  private static final long W_BYE = word("BYE");
  private static final long W_INFO = word("INFO");
  private static final long W_PRACK = word("PRACK");
  private static final long W_REFER = word("REFER");
  private static final long W_INVITE = word("INVITE");
  private static final long W_CANCEL = word("CANCEL");
  private static final long W_UPDATE = word("UPDATE");
  private static final long W_NOTIFY = word("NOTIFY");
  private static final long W_OPTIONS = word("OPTIONS");
  private static final long W_MESSAGE = word("MESSAGE");
  private static final long W_PUBLISH = word("PUBLISH");
  private static final long W_REGISTER = word("REGISTER");
  private static final long W_SUBSCRIB = word("SUBSCRIB");

  private static long word(String s) {
    long w = 0;
    for (int i = Math.min(s.length(), Long.BYTES) - 1; i >= 0; i--) {
      w = w << 8 | (s.charAt(i) & 0xff);
    }
    return w;
  }

  private static boolean is(byte[] b, int off, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (b[off + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  public String name() {
    return name;
  }

  /** Whether this is one of the methods this stack knows by name. */
  public boolean isKnown() {
    return known;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof SipMethod m && m.name.equals(name));
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
