package org.trunkline.stack.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: base64url(issue time in ms | sequence number | SipHash-2-4 tag of both), 8
 * bytes each, 32 characters. The server keeps no table of issued nonces: the tag proves we issued
 * it for this realm, the time says how old it is (RFC 7616 §5.4 suggests exactly this), and the
 * sequence number makes it unique and names its slot in {@link NonceCounts}.
 *
 * <p>The tag's key is derived from the secret and the realm (HMAC-SHA256, once), so a nonce of one
 * realm is not one of another, and nodes that share the secret accept each other's nonces. Each
 * codec starts its sequence at a random 62-bit number, so two nodes or two runs of one node do not
 * issue the same nonce. A nonce need not be unpredictable: it cannot be made without the key.
 * Thread-safe, allocation-free but for the returned String (a per-thread buffer assembles it).
 */
final class NonceCodec {
  private static final int LENGTH = 24;
  private static final int CHARS = LENGTH / 3 * 4;
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEXTET = new byte[128];

  static {
    Arrays.fill(SEXTET, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      SEXTET[ALPHABET[i]] = (byte) i;
    }
  }

  private final SecretKeySpec key;
  private final byte[] realm;
  private final long k0;
  private final long k1;
  private final AtomicLong sequence;

  NonceCodec(byte[] secret, String realm) {
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.realm = realm.getBytes(StandardCharsets.UTF_8);
    byte[] k = hmac("nonce-key:");
    this.k0 = SipHash.littleEndian(k, 0, 8);
    this.k1 = SipHash.littleEndian(k, 8, 8);
    this.sequence = new AtomicLong(new SecureRandom().nextLong() >>> 2);
  }

  /** A new nonce issued at {@code nowMillis}. */
  String issue(long nowMillis) {
    return encode(nowMillis, nextSequence());
  }

  /** The sequence number of the next nonce: each is taken once. */
  long nextSequence() {
    return sequence.getAndIncrement();
  }

  /**
   * Text around a nonce, as the Latin-1 bytes of two Strings whose chars are all below 0x100 (see
   * {@link #of}): {@link #encode(long, long, Frame)} makes {@code before + nonce + after} as one
   * String, without the nonce's own.
   */
  record Frame(byte[] before, byte[] after) {
    /** No text around: the nonce alone. */
    static final Frame NONE = new Frame(new byte[0], new byte[0]);

    /**
     * The frame of {@code before} and {@code after}, or null when a char of them is not Latin-1.
     */
    static Frame of(String before, String after) {
      if (!latin1(before) || !latin1(after)) {
        return null;
      }
      return new Frame(
          before.getBytes(StandardCharsets.ISO_8859_1),
          after.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean latin1(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) > 0xff) {
          return false;
        }
      }
      return true;
    }
  }

  /** Per thread: where {@link #encode(long, long, Frame)} assembles a line (grown when short). */
  private static final ThreadLocal<byte[][]> LINE =
      ThreadLocal.withInitial(() -> new byte[][] {new byte[256]});

  /**
   * The nonce of issue time {@code nowMillis} and sequence number {@code seq} ({@link
   * #nextSequence}): the same text for the same two numbers, so a challenge can be made again
   * ({@link RecentChallenges}).
   */
  String encode(long nowMillis, long seq) {
    return encode(nowMillis, seq, Frame.NONE);
  }

  /**
   * {@code before + encode(nowMillis, seq) + after} of {@code frame}: the one String of the result
   * (its bytes copied once from a per-thread buffer), no char array or String of the nonce.
   */
  String encode(long nowMillis, long seq, Frame frame) {
    byte[] before = frame.before();
    byte[] after = frame.after();
    int n = before.length + CHARS + after.length;
    byte[][] holder = LINE.get();
    byte[] out = holder[0];
    if (out.length < n) {
      out = new byte[Math.max(n, 2 * out.length)];
      holder[0] = out;
    }
    System.arraycopy(before, 0, out, 0, before.length);
    long tag = tag(nowMillis, seq);
    // the 24 bytes as eight groups of 3 (4 characters each): time 3+3+2, seq 1+3+3+1, tag 2+3+3
    int o = encode(nowMillis >>> 40, out, before.length);
    o = encode(nowMillis >>> 16, out, o);
    o = encode(nowMillis << 8 | seq >>> 56, out, o);
    o = encode(seq >>> 32, out, o);
    o = encode(seq >>> 8, out, o);
    o = encode(seq << 16 | tag >>> 48, out, o);
    o = encode(tag >>> 24, out, o);
    o = encode(tag, out, o);
    System.arraycopy(after, 0, out, o, after.length);
    return new String(out, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** Four characters for the low 24 bits of {@code bits}; returns the next position. */
  private static int encode(long bits, byte[] out, int o) {
    out[o] = ALPHABET[(int) (bits >>> 18) & 63];
    out[o + 1] = ALPHABET[(int) (bits >>> 12) & 63];
    out[o + 2] = ALPHABET[(int) (bits >>> 6) & 63];
    out[o + 3] = ALPHABET[(int) bits & 63];
    return o + 4;
  }

  /** The issue time of a nonce we issued, or {@code -1} if we did not (or it was altered). */
  long issuedAt(CharSequence nonce) {
    if (nonce == null || nonce.length() != CHARS) {
      return -1;
    }
    long a = decode(nonce, 0);
    long b = decode(nonce, 4);
    long c = decode(nonce, 8);
    long d = decode(nonce, 12);
    long e = decode(nonce, 16);
    long f = decode(nonce, 20);
    long g = decode(nonce, 24);
    long h = decode(nonce, 28);
    if ((a | b | c | d | e | f | g | h) < 0) {
      return -1; // not base64url
    }
    long time = a << 40 | b << 16 | c >>> 8;
    long seq = c << 56 | d << 32 | e << 8 | f >>> 16;
    long tag = f << 48 | g << 24 | h;
    // a difference anywhere in the tag costs the same time
    return tag(time, seq) == tag ? time : -1;
  }

  /** The sequence number of a nonce {@link #issuedAt} accepted. */
  static long sequence(CharSequence nonce) {
    return decode(nonce, 8) << 56
        | decode(nonce, 12) << 32
        | decode(nonce, 16) << 8
        | decode(nonce, 20) >>> 16;
  }

  /** The 24 bits of four base64url characters from {@code at}, or a negative number. */
  private static long decode(CharSequence text, int at) {
    long v = 0;
    for (int i = at; i < at + 4; i++) {
      char ch = text.charAt(i);
      int s = ch < 128 ? SEXTET[ch] : -1;
      if (s < 0) {
        return -1;
      }
      v = v << 6 | s;
    }
    return v;
  }

  private long tag(long time, long seq) {
    // SipHash of the nonce's first 16 bytes, time | seq, both big-endian
    return SipHash.hash(k0, k1, Long.reverseBytes(time), Long.reverseBytes(seq));
  }

  /**
   * A per-realm opaque value derived from the secret, so every node of a cluster sends the same.
   */
  String opaque() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Arrays.copyOf(hmac("opaque:"), 12));
  }

  /** HMAC-SHA256(secret, label | realm). */
  private byte[] hmac(String label) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      m.update(label.getBytes(StandardCharsets.UTF_8));
      m.update(realm);
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
