package org.trunkline.media;

/**
 * A listening-quality estimate after ITU-T G.107 (the E-model), reduced to what a relay can see:
 * the G.711 equipment impairment (Ie 0, Bpl 25.1 with packet loss concealment, G.113 appendix I),
 * random loss, and a delay impairment from a jitter buffer of twice the measured jitter plus
 * packetization. The one-way network delay is unknown to a relay and taken as zero, so the figure
 * is an upper bound. Stateless.
 */
final class EModel {
  private static final double R0 = 93.2; // G.107 default basic signal-to-noise ratio
  private static final double BPL = 25.1; // G.711 with PLC
  private static final double PACKETIZATION_MS = 20;

  private EModel() {}

  /** MOS-CQE, 1.0 to 4.5. */
  static double mos(double lossPercent, double jitterMs) {
    double ieEff = 95 * lossPercent / (lossPercent + BPL); // G.107 §7.6 with Ie 0, BurstR 1
    double d = PACKETIZATION_MS + 2 * jitterMs;
    double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0); // Cole & Rosenbluth
    double r = R0 - ieEff - id;
    if (r <= 0) {
      return 1.0;
    }
    if (r >= 100) {
      return 4.5;
    }
    return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6; // G.107 annex B
  }
}
