package org.trunkline.sip;

/**
 * Every hard limit of the parser, in one place. Hostile input that crosses a limit becomes a {@link
 * ParseError} (a 4xx/513 answer), never memory.
 *
 * @param maxMessageBytes largest message (start line + headers + body) accepted; 65535 default, the
 *     largest UDP payload, which also bounds what a stream peer can make us buffer for one message
 * @param maxHeaders most header lines (after unfolding) in one message; default 256
 * @param maxLineLength longest physical line, start line included; default 8192
 * @param maxVias most Via values in one message; default 64 (a loop that long is already broken)
 * @param maxValuesPerHeader most comma-separated values read from one header line; default 256
 */
public record ParseLimits(
    int maxMessageBytes, int maxHeaders, int maxLineLength, int maxVias, int maxValuesPerHeader) {

  /** The defaults documented above. */
  public static final ParseLimits DEFAULT = new ParseLimits(65535, 256, 8192, 64, 256);

  public ParseLimits {
    if (maxMessageBytes < 64 || maxHeaders < 8 || maxLineLength < 64 || maxVias < 1) {
      throw new IllegalArgumentException(
          "parse limits too small to carry SIP: bytes="
              + maxMessageBytes
              + " headers="
              + maxHeaders
              + " line="
              + maxLineLength
              + " vias="
              + maxVias);
    }
    if (maxValuesPerHeader < 1) {
      throw new IllegalArgumentException("maxValuesPerHeader must be >= 1");
    }
  }
}
