package org.trunkline.sip.sdp;

/**
 * The hard limits {@link SdpParser} enforces, so that a hostile or broken body becomes an {@link
 * SdpError} and never memory or CPU. Immutable and thread-safe.
 *
 * <p>The defaults ({@link #DEFAULTS}) fit every offer a trunk sends with room to spare: an audio
 * offer from a PBX is about 300 bytes and 15 lines; a WebRTC-style offer with ICE candidates,
 * fingerprints and several streams stays under 8 KiB and 200 lines.
 *
 * @param maxBytes largest body accepted, in bytes (default 32768); checked before anything is
 *     copied
 * @param maxLines most physical lines, blank ones included (default 1024)
 * @param maxLineLength longest line in bytes, without its line end (default 4096; long enough for
 *     {@code a=fingerprint}, {@code a=crypto} and big {@code a=fmtp} lines)
 * @param maxMediaSections most {@code m=} lines (default 32; a trunk call uses one to three)
 */
public record SdpLimits(int maxBytes, int maxLines, int maxLineLength, int maxMediaSections) {

  /** 32 KiB, 1024 lines, 4096 bytes per line, 32 media sections. */
  public static final SdpLimits DEFAULTS = new SdpLimits(32 * 1024, 1024, 4096, 32);

  /**
   * @throws IllegalArgumentException if a limit is not positive
   */
  public SdpLimits {
    positive("maxBytes", maxBytes);
    positive("maxLines", maxLines);
    positive("maxLineLength", maxLineLength);
    positive("maxMediaSections", maxMediaSections);
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException("SdpLimits." + name + " must be > 0, got " + value);
    }
  }
}
