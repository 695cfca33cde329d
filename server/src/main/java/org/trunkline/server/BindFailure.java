package org.trunkline.server;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.trunkline.stack.ListenPoint;

/**
 * Turns a failed {@code SipServer.start()} into one line naming the listen point: {@code cannot
 * bind sip:127.0.0.1:5060;transport=udp: Address already in use}.
 *
 * <p>The stack reports one {@link IOException} for all points. When its message names a point (the
 * text of {@link ListenPoint#toString()}), that point is named; with one point there is no doubt;
 * otherwise every candidate is listed.
 */
final class BindFailure {
  private BindFailure() {}

  static String describe(List<ListenPoint> points, IOException e) {
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    message = message.strip();
    for (ListenPoint point : points) {
      String name = point.toString();
      int at = message.indexOf(name);
      if (at >= 0) {
        String rest = (message.substring(0, at) + message.substring(at + name.length())).strip();
        rest = rest.replaceFirst("^(cannot bind|bind failed)?[:\\s]*", "");
        return "cannot bind " + name + ": " + cause(rest);
      }
    }
    if (points.size() == 1) {
      return "cannot bind " + points.get(0) + ": " + cause(message);
    }
    String all = points.stream().map(ListenPoint::toString).collect(Collectors.joining(", "));
    return "cannot bind one of " + all + ": " + cause(message);
  }

  /** Netty's native transport prefixes the OS reason with the failed call: drop it. */
  private static String cause(String message) {
    String reason = message.replaceFirst("^bind\\(\\.\\.\\) failed: ", "");
    return reason.isEmpty() ? "unknown reason" : reason;
  }
}
