package org.trunkline.sip.sdp;

import java.util.Optional;

/**
 * The media direction attributes of RFC 8866 §6.7 (RFC 3264 §5.1 for offer/answer). A media
 * description without one inherits the session's; a session without one is {@link #SENDRECV}.
 */
public enum Direction {
  /** Send and receive: the default. */
  SENDRECV("sendrecv"),
  /** Send only: the far side is put on hold by us. */
  SENDONLY("sendonly"),
  /** Receive only. */
  RECVONLY("recvonly"),
  /** Neither: the stream is paused both ways. */
  INACTIVE("inactive");

  private final String token;

  Direction(String token) {
    this.token = token;
  }

  /** The attribute name, e.g. {@code sendonly}. */
  public String token() {
    return token;
  }

  /** The direction whose attribute name is {@code name} (case-sensitive), if any. */
  public static Optional<Direction> fromToken(String name) {
    for (Direction d : values()) {
      if (d.token.equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** The direction an answerer mirrors (RFC 3264 §6.1): sendonly and recvonly swap. */
  public Direction reversed() {
    return switch (this) {
      case SENDONLY -> RECVONLY;
      case RECVONLY -> SENDONLY;
      default -> this;
    };
  }
}
