package org.trunkline.stack;

import io.netty.channel.Channel;
import io.netty.channel.unix.Buffer;
import io.netty.channel.unix.RawUnixChannelOption;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the kernel give a datagram to the UDP socket of the loop it belongs to: a classic BPF
 * program attached to a listen point's {@code SO_REUSEPORT} group ({@code
 * SO_ATTACH_REUSEPORT_CBPF}, Linux 4.5+) returns a loop, the index of that loop's socket in the
 * group (the sockets join in loop order). For a datagram that starts with {@code SIP/} (a response)
 * it is the loop in the first branch of this server ({@link BranchLoops}) in its head, the loop of
 * the layer that sent the request; for any other (a request) the loop after the first tag token of
 * this server in its first {@value #LAST_TAG_START} bytes, which is the To tag we gave the dialog
 * (the loop of its call: the caller's ACK, BYE and re-INVITE, and every request of the callee).
 * Everything else (a new request, a response without our branch in its first {@value #LAST_START}
 * bytes, a short datagram) gets an index past the group, and the kernel picks by its 4-tuple hash
 * as without a program.
 *
 * <p>A hint only: {@link MessageHandler} still routes each message to its layer, so a datagram the
 * program misplaces costs a hand-off, never a lost message. Without it, a peer's responses all land
 * on the one socket its 4-tuple hashes to, and every transaction another loop sent hands them over
 * (bench/RESULTS.md, stop 15, branch hop); so do the callee's requests of every call that lives on
 * another loop than the callee's hash, and the caller's of a call moved off its reading loop
 * ({@link CallLoops}).
 *
 * <p>Cost: the kernel runs the program for every datagram of the group, in the receive path (on
 * loopback, the sender's): a response or an in-dialog request stops at our mark, a new request
 * without one runs the whole tag scan, about two instructions per byte of its first {@value
 * #LAST_TAG_START}.
 */
final class ReuseportSteering {
  private static final Logger LOG = LoggerFactory.getLogger(ReuseportSteering.class);

  /** {@code SOL_SOCKET}, {@code SO_ATTACH_REUSEPORT_CBPF} (asm-generic/socket.h). */
  private static final int SOL_SOCKET = 1;

  private static final int SO_ATTACH_REUSEPORT_CBPF = 51;

  /** Where the magic cookie of the top Via's branch may start: past {@code SIP/2.0 NNN \r\nv:}. */
  static final int FIRST_START = 20;

  /** The last start looked at: the head of a response, where its top Via is. */
  static final int LAST_START = 200;

  /**
   * Where the tag token of a request's To tag may start (past {@code ACK sip:x SIP/2.0\r\n}) and
   * the last start looked at: past the Request-Line, a few Vias, Route, From and To of a request
   * from a trunk. A program holds at most 4,096 instructions ({@code BPF_MAXINSNS}); this scan
   * takes about 4 per offset.
   */
  static final int FIRST_TAG_START = 20;

  static final int LAST_TAG_START = 700;

  /** Offsets of the tag scan per check of the datagram's length. */
  static final int TAG_BLOCK = 32;

  private static final int LOOP_DIGITS = 2;

  /** Returned for "not ours": past any group, so the kernel hashes. */
  private static final int NO_LOOP = 0xffff;

  // classic BPF opcodes (linux/filter.h, linux/bpf_common.h)
  private static final short LD_W_ABS = 0x20;
  private static final short LD_W_LEN = 0x80;
  private static final short LD_W_IND = 0x40;
  private static final short LD_B_IND = 0x50;
  private static final short LDX_IMM = 0x01;
  private static final short LDX_MEM = 0x61;
  private static final short ST = 0x02;
  private static final short JA = 0x05;
  private static final short JEQ_K = 0x15;
  private static final short JGE_K = 0x35;
  private static final short SUB_K = 0x14;
  private static final short MUL_K = 0x24;
  private static final short ADD_X = 0x0c;
  private static final short RET_K = 0x06;
  private static final short RET_A = 0x16;

  /** One classic BPF instruction ({@code struct sock_filter}). */
  record Insn(short code, int jt, int jf, int k) {}

  private ReuseportSteering() {}

  /**
   * Attaches the program for the branches that start with {@code mark} ({@link BranchLoops#mark})
   * and the tags that start with {@code tagToken} ({@link BranchLoops#tagToken}) to the group of
   * {@code first} (a socket of the group; the program serves all of them). Returns whether the
   * kernel took it; logs why not (the kernel then hashes, as before).
   */
  static boolean attach(Channel first, String mark, String tagToken) {
    List<Insn> program = program(mark, tagToken);
    // the kernel copies the program in setsockopt; these buffers go with the GC
    ByteBuffer filter =
        ByteBuffer.allocateDirect(program.size() * 8).order(ByteOrder.nativeOrder());
    ByteBuffer fprog = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    try {
      for (Insn i : program) {
        filter.putShort(i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
      }
      filter.flip();
      // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
      fprog.putShort(0, (short) program.size()).putLong(8, Buffer.memoryAddress(filter));
      fprog.position(0).limit(16);
      boolean set =
          first
              .config()
              .setOption(
                  new RawUnixChannelOption(
                      "SO_ATTACH_REUSEPORT_CBPF", SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, 16),
                  fprog);
      if (!set) {
        LOG.info("UDP {}: messages not steered to their loops (option unsupported)", where(first));
      }
      return set;
    } catch (RuntimeException e) {
      LOG.info("UDP {}: messages not steered to their loops: {}", where(first), e.toString());
      return false;
    } finally {
      java.lang.ref.Reference.reachabilityFence(filter);
    }
  }

  private static Object where(Channel ch) {
    return ch.localAddress();
  }

  /**
   * The program for branches that start with {@code mark} (magic cookie and token, {@link
   * BranchLoops}), then two base-36 loop digits, and for requests whose first occurrence of {@code
   * tagToken} (in the To tag we gave the dialog, {@link BranchLoops#tagPrefix}) is followed by two
   * such digits.
   */
  static List<Insn> program(String mark, String tagToken) {
    byte[] m = mark.getBytes(StandardCharsets.US_ASCII);
    if (m.length != 15) {
      throw new IllegalArgumentException("mark: z9hG4bK and 8 characters, got " + mark);
    }
    byte[] t = tagToken.getBytes(StandardCharsets.US_ASCII);
    if (t.length != 8) {
      throw new IllegalArgumentException("tag token: 8 characters, got " + tagToken);
    }
    List<Insn> p = new ArrayList<>();
    int minLength = LAST_START + m.length + 4;
    // 0-5: "SIP/" (a response) to the branch scan, anything else to the tag scan of a request
    p.add(new Insn(LD_W_LEN, 0, 0, 0));
    p.add(new Insn(JGE_K, 1, 0, 4));
    p.add(new Insn(RET_K, 0, 0, NO_LOOP));
    p.add(new Insn(LD_W_ABS, 0, 0, 0));
    p.add(new Insn(JEQ_K, 1, 0, word(new byte[] {'S', 'I', 'P', '/'}, 0)));
    int toRequests = p.size();
    p.add(null); // JA to the tag scan, set below
    // a response long enough for every load below, else hash
    p.add(new Insn(LD_W_LEN, 0, 0, 0));
    p.add(new Insn(JGE_K, 1, 0, minLength));
    p.add(new Insn(RET_K, 0, 0, NO_LOOP));
    // the scan: the first offset where "z9hG" starts, into X
    int scan = p.size();
    int starts = LAST_START - FIRST_START + 1;
    int handler = scan + 4 * starts + 1;
    for (int at = FIRST_START; at <= LAST_START; at++) {
      int here = p.size();
      p.add(new Insn(LD_W_ABS, 0, 0, at));
      p.add(new Insn(JEQ_K, 0, 2, word(m, 0)));
      p.add(new Insn(LDX_IMM, 0, 0, at));
      p.add(new Insn(JA, 0, 0, handler - (here + 4)));
    }
    p.add(new Insn(RET_K, 0, 0, NO_LOOP));
    // the handler: the rest of the mark at X+4..X+14, then the two digits
    for (int off = 4; off + 4 <= m.length; off += 4) {
      p.add(new Insn(LD_W_IND, 0, 0, off));
      p.add(new Insn(JEQ_K, 1, 0, word(m, off)));
      p.add(new Insn(RET_K, 0, 0, NO_LOOP));
    }
    // bytes 12..14 of the mark ("z9hG4bK" is 7, the token 8: 15 = 3 words + 3 bytes)
    for (int off = 12; off < m.length; off++) {
      p.add(new Insn(LD_B_IND, 0, 0, off));
      p.add(new Insn(JEQ_K, 1, 0, m[off] & 0xff));
      p.add(new Insn(RET_K, 0, 0, NO_LOOP));
    }
    loop(p, m.length);
    p.set(toRequests, new Insn(JA, 0, 0, p.size() - (toRequests + 1)));
    tagScan(p, t);
    return p;
  }

  /**
   * A request: the first offset in {@link #FIRST_TAG_START}..{@link #LAST_TAG_START} where the
   * first word of the tag token starts, into X, then the rest of the token and the loop digits.
   * Every load is inside the datagram: a block of {@link #TAG_BLOCK} offsets is scanned only when
   * the datagram holds the token and digits at its last offset, else the kernel hashes (a To tag in
   * the last few bytes, where a request never has it, is missed).
   */
  private static void tagScan(List<Insn> p, byte[] t) {
    int starts = LAST_TAG_START - FIRST_TAG_START + 1;
    int blocks = (starts + TAG_BLOCK - 1) / TAG_BLOCK;
    int handler = p.size() + 3 * blocks + 4 * starts + 1;
    for (int block = FIRST_TAG_START; block <= LAST_TAG_START; block += TAG_BLOCK) {
      int last = Math.min(block + TAG_BLOCK - 1, LAST_TAG_START);
      p.add(new Insn(LD_W_LEN, 0, 0, 0));
      p.add(new Insn(JGE_K, 1, 0, last + t.length + LOOP_DIGITS));
      p.add(new Insn(RET_K, 0, 0, NO_LOOP));
      for (int at = block; at <= last; at++) {
        int here = p.size();
        p.add(new Insn(LD_W_ABS, 0, 0, at));
        p.add(new Insn(JEQ_K, 0, 2, word(t, 0)));
        p.add(new Insn(LDX_IMM, 0, 0, at));
        p.add(new Insn(JA, 0, 0, handler - (here + 4)));
      }
    }
    p.add(new Insn(RET_K, 0, 0, NO_LOOP));
    if (p.size() != handler) {
      throw new IllegalStateException("tag handler at " + p.size() + ", jumps to " + handler);
    }
    // the handler: the token's second word at X+4, then the two digits at X+8, X+9
    p.add(new Insn(LD_W_IND, 0, 0, 4));
    p.add(new Insn(JEQ_K, 1, 0, word(t, 4)));
    p.add(new Insn(RET_K, 0, 0, NO_LOOP));
    loop(p, t.length);
  }

  /** Returns the loop in the two base-36 digits at X+{@code off}, X+{@code off}+1. */
  private static void loop(List<Insn> p, int off) {
    digit(p, off); // high digit -> M[0] = value * 36
    p.add(new Insn(MUL_K, 0, 0, 36));
    p.add(new Insn(ST, 0, 0, 0));
    digit(p, off + 1);
    p.add(new Insn(LDX_MEM, 0, 0, 0));
    p.add(new Insn(ADD_X, 0, 0, 0));
    p.add(new Insn(RET_A, 0, 0, 0));
  }

  /**
   * A = the value of the base-36 digit at X+{@code off} ('0'-'9', 'a'-'z'), else return NO_LOOP.
   */
  private static void digit(List<Insn> p, int off) {
    p.add(new Insn(LD_B_IND, 0, 0, off));
    p.add(new Insn(JGE_K, 0, 4, 'a')); // a letter 'a'..'z', else to the decimal check
    p.add(new Insn(JGE_K, 2, 0, 'z' + 1));
    p.add(new Insn(SUB_K, 0, 0, 'a' - 10));
    p.add(new Insn(JA, 0, 0, 6)); // past this digit
    p.add(new Insn(RET_K, 0, 0, NO_LOOP));
    p.add(new Insn(JGE_K, 0, 3, '0')); // a decimal digit '0'..'9'
    p.add(new Insn(JGE_K, 2, 0, '9' + 1));
    p.add(new Insn(SUB_K, 0, 0, '0'));
    p.add(new Insn(JA, 0, 0, 1)); // past this digit
    p.add(new Insn(RET_K, 0, 0, NO_LOOP));
  }

  /** Bytes {@code at..at+3} of {@code b} as the big-endian word a BPF load gives. */
  private static int word(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 4).order(ByteOrder.BIG_ENDIAN).getInt();
  }
}
