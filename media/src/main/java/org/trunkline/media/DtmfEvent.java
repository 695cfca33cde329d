package org.trunkline.media;

/**
 * A telephone event (RFC 4733 §3.2) seen ending in a flow: a DTMF digit or another event code.
 *
 * @param flow which way it went
 * @param stream the media description index it came in
 * @param event the event code: 0-9, 10 for *, 11 for #, 12-15 for A-D (RFC 4733 §3.2)
 * @param durationMs how long it lasted, from the end packet's duration and the clock rate
 * @param volume the power level in -dBm0, 0-63
 */
public record DtmfEvent(Flow flow, int stream, int event, int durationMs, int volume) {

  /** The digit as a character: {@code 0-9 * # A-D}, or {@code ?} for another event. */
  public char digit() {
    return event >= 0 && event < 16 ? "0123456789*#ABCD".charAt(event) : '?';
  }
}
