package org.trunkline.core.call;

/**
 * Q.850 cause values for the {@code Reason} header of failures (RFC 3326), from the SIP status by
 * the mapping of RFC 3398 §8.2.6.1, and for our own refusals.
 */
public final class Q850 {
  /** No route to destination: a number no route covers. */
  public static final int NO_ROUTE = 3;

  /** Call rejected: a source that is no trunk's, a trunk that may not call. */
  public static final int CALL_REJECTED = 21;

  /** No circuit/channel available: a trunk at its channel or call-rate limit. */
  public static final int NO_CIRCUIT = 34;

  private Q850() {}

  /** The cause RFC 3398 §8.2.6.1 gives a final failure status; 127 (interworking) otherwise. */
  public static int forStatus(int status) {
    return switch (status) {
      case 400, 481, 500, 503 -> 41;
      case 401, 402, 403, 407, 603 -> 21;
      case 404, 485, 604 -> 1;
      case 405 -> 63;
      case 406, 415, 501 -> 79;
      case 408, 504 -> 102;
      case 410 -> 22;
      case 480 -> 18;
      case 482, 483 -> 25;
      case 484 -> 28;
      case 486, 600 -> 17;
      case 487 -> 16;
      case 502 -> 38;
      default -> 127;
    };
  }

  /** {@code Reason: Q.850;cause=N;text="..."} for {@code status}. */
  public static String reasonHeader(int cause, String text) {
    return "Reason: Q.850;cause=" + cause + ";text=\"" + text.replace("\"", "'") + "\"";
  }
}
