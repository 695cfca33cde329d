package org.trunkline.stack.transaction;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.Via;

/**
 * The keys server transactions are found by (§17.2.3), one string each. A client transaction is
 * found by its branch alone, its CSeq method checked on it ({@link TransactionLayer}, §17.1.3).
 */
final class TransactionKeys {
  /** §8.1.1.7: a branch that starts with this was made by an RFC 3261 element. */
  static final String MAGIC_COOKIE = "z9hG4bK";

  private TransactionKeys() {}

  /**
   * §17.2.3: a request matches by top Via branch, sent-by and method ({@code method} is INVITE for
   * an ACK, and for the INVITE a CANCEL is looking for). Without the magic cookie (RFC 2543): by
   * Request-URI, From tag, Call-ID, CSeq number, top Via and method; the To tag is left out because
   * every response of one server transaction carries the same tag (ours).
   *
   * <p>Beyond §17.2.3, the key holds where the request came from (transport and address): the
   * retransmissions, ACK and CANCEL of a request come from where it came from (§9.1, §17.1.1.3),
   * and a request from elsewhere that reuses a branch (RFC 4475 and 5118 vectors share theirs; so
   * do broken UAs) is a request of its own, not a retransmission to answer to another peer.
   *
   * @throws org.trunkline.sip.SipParseException if the top Via does not parse
   */
  static String server(SipMessage m, SipMethod method, Peer source) {
    String branch = m.topViaBranch();
    InetSocketAddress a = source.address();
    if (branch != null
        && branch.startsWith(MAGIC_COOKIE)
        && a.getAddress() instanceof Inet4Address ip) {
      Via v = m.topVia();
      // The usual key in one concatenation, its String of the exact size and no StringBuilder
      // (issue 6); the same text as the general form writes (TransactionKeysTest).
      return "s|"
          + branch
          + '|'
          + v.host().toLowerCase(Locale.ROOT)
          + ':'
          + v.port()
          + '|'
          + method.name()
          + '|'
          + source.transport().ordinal()
          + ':'
          + ip.hashCode()
          + ':'
          + a.getPort();
    }
    return serverGeneral(m, method, source);
  }

  /** {@link #server} for any source, written with a StringBuilder. */
  static String serverGeneral(SipMessage m, SipMethod method, Peer source) {
    StringBuilder sb = new StringBuilder(128);
    String branch = m.topViaBranch();
    if (branch != null && branch.startsWith(MAGIC_COOKIE)) {
      Via v = m.topVia();
      sb.append("s|")
          .append(branch)
          .append('|')
          .append(v.host().toLowerCase(Locale.ROOT))
          .append(':')
          .append(v.port());
    } else {
      sb.append("o|")
          .append(m.requestUriText())
          .append('|')
          .append(m.fromTag())
          .append('|')
          .append(m.callId())
          .append('|')
          .append(m.cseqNumber())
          .append('|')
          .append(Messages.topViaValue(m));
    }
    sb.append('|').append(method.name()).append('|');
    return appendSource(sb, source).toString();
  }

  /**
   * Where a request came from, as a key part: transport, address, port. Not {@link Peer#toString}:
   * that formats the address as text, which costs more than the rest of the key (an IPv4 address is
   * its 32 bits here).
   */
  private static StringBuilder appendSource(StringBuilder sb, Peer source) {
    InetSocketAddress a = source.address();
    sb.append(source.transport().ordinal()).append(':');
    InetAddress ip = a.getAddress();
    if (ip instanceof Inet4Address) {
      sb.append(ip.hashCode()); // Inet4Address: the address itself
    } else if (ip != null) {
      sb.append(ip.getHostAddress());
    } else {
      sb.append(a.getHostString());
    }
    return sb.append(':').append(a.getPort());
  }

  /** §13.3.1.4 / §17.1.1.3: the ACK for a 2xx has a branch of its own; it matches the dialog. */
  static String ackForSuccess(SipMessage m) {
    return m.callId() + "|" + m.cseqNumber() + "|" + m.fromTag();
  }
}
