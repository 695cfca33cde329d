package org.trunkline.stack;

import java.util.List;

/**
 * Runs a classic BPF program as the kernel runs a reuseport one over a UDP payload: the opcodes
 * {@link ReuseportSteering} uses, a load past the end returns 0, jumps only forward, at most 4,096
 * instructions ({@code BPF_MAXINSNS}); any other opcode fails the test.
 */
final class Cbpf {
  private Cbpf() {}

  static int run(List<ReuseportSteering.Insn> program, byte[] packet) {
    if (program.size() > 4096) {
      throw new AssertionError(program.size() + " instructions");
    }
    int a = 0;
    int x = 0;
    int[] mem = new int[16];
    int pc = 0;
    while (true) {
      ReuseportSteering.Insn i = program.get(pc++);
      if (i.jt() < 0 || i.jt() > 255 || i.jf() < 0 || i.jf() > 255) {
        throw new AssertionError("jump offset out of 8 bits at " + (pc - 1));
      }
      switch (i.code()) {
        case 0x80 -> a = packet.length;
        case 0x20 -> {
          if (i.k() + 4 > packet.length) {
            return 0;
          }
          a = word(packet, i.k());
        }
        case 0x40 -> {
          if (x + i.k() + 4 > packet.length) {
            return 0;
          }
          a = word(packet, x + i.k());
        }
        case 0x50 -> {
          if (x + i.k() + 1 > packet.length) {
            return 0;
          }
          a = packet[x + i.k()] & 0xff;
        }
        case 0x01 -> x = i.k();
        case 0x61 -> x = mem[i.k()];
        case 0x02 -> mem[i.k()] = a;
        case 0x05 -> pc += i.k();
        case 0x15 -> pc += a == i.k() ? i.jt() : i.jf();
        case 0x35 -> pc += Integer.compareUnsigned(a, i.k()) >= 0 ? i.jt() : i.jf();
        case 0x14 -> a -= i.k();
        case 0x24 -> a *= i.k();
        case 0x0c -> a += x;
        case 0x06 -> {
          return i.k();
        }
        case 0x16 -> {
          return a;
        }
        default -> throw new AssertionError("opcode " + Integer.toHexString(i.code()));
      }
      if (pc >= program.size()) {
        throw new AssertionError("ran off the end");
      }
    }
  }

  private static int word(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
  }
}
