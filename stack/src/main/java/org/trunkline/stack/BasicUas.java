package org.trunkline.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.ParseError;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipParseException;
import org.trunkline.sip.SipUri;
import org.trunkline.sip.SipValidator;
import org.trunkline.sip.Uri;

/**
 * The answers the server gives before call routing exists, in the order of RFC 3261 §8.2: a parse
 * failure gets its status from {@link org.trunkline.sip.ErrorKind} (responses and ACKs are
 * dropped), then method inspection (§8.2.1: 405/501), Require (§8.2.2.3: 420), content (§8.2.3:
 * 415, 406), then the request itself: OPTIONS 200, INVITE 404 (no routes yet), REGISTER 403 (no
 * registering trunks yet), in-dialog requests 481. Stateless and thread-safe.
 */
public final class BasicUas {
  /** What we answer to; also our Allow header (§20.5). */
  /** The methods we answer to (§20.5 Allow). */
  public static final List<SipMethod> ALLOWED =
      List.of(
          SipMethod.INVITE,
          SipMethod.ACK,
          SipMethod.CANCEL,
          SipMethod.BYE,
          SipMethod.OPTIONS,
          SipMethod.REGISTER,
          SipMethod.PRACK,
          SipMethod.UPDATE,
          SipMethod.INFO);

  /** The Allow header value listing {@link #ALLOWED}. */
  public static final String ALLOW =
      String.join(", ", ALLOWED.stream().map(SipMethod::name).toList());

  /** Option tags a plain UAS supports (none); an empty Supported is allowed (§20.37). */
  public static final List<String> SUPPORTED = List.of();

  /** The option tags this UAS supports, lower case: a Require of any other is answered 420. */
  private final List<String> supported;

  /** A UAS that supports no option tag. */
  public BasicUas() {
    this(SUPPORTED);
  }

  /**
   * A UAS supporting {@code supported} option tags (e.g. {@code 100rel}, {@code timer} when the
   * layer above implements RFC 3262 and RFC 4028): a Require of any other gets {@code 420 Bad
   * Extension} (§8.2.2.3), OPTIONS list them in Supported.
   */
  public BasicUas(List<String> supported) {
    this.supported = supported.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
  }

  private static final List<SipMethod> DIALOG_METHODS =
      List.of(
          SipMethod.BYE,
          SipMethod.PRACK,
          SipMethod.UPDATE,
          SipMethod.INFO,
          SipMethod.NOTIFY,
          SipMethod.REFER);

  /** Decides the answer to one received message. */
  public Answer answer(SipMessage m) {
    return answer(m, m.isRequest() ? SipValidator.validate(m) : m.error());
  }

  /**
   * Decides the answer to a message whose {@link SipValidator#validate} result the caller already
   * has ({@code null}: it validated), so that a request is validated once on its way in.
   */
  public Answer answer(SipMessage m, ParseError error) {
    if (!m.isRequest()) {
      return Answer.drop(m.isOk() ? "stray response" : "malformed response: " + m.error());
    }
    if (m.method() == SipMethod.ACK) {
      // §17.2.3 / §8.2: an ACK is never answered; without a transaction it is absorbed.
      return Answer.drop(error == null ? "ACK without transaction" : "malformed ACK: " + error);
    }
    if (error != null && m.viaCount() == 0) {
      // §8.2.6: a response is routed by the Via; without one this is not a SIP request we can
      // answer.
      return Answer.drop("no Via to answer to: " + error);
    }
    if (error != null) {
      return Answer.malformed(error);
    }
    SipMethod method = m.method();
    boolean knownHere = ALLOWED.contains(method);
    if (!method.isKnown()) {
      return Answer.of(501, "Not Implemented", "Allow: " + ALLOW);
    }
    if (!knownHere && m.toTag() == null) {
      return Answer.of(405, "Method Not Allowed", "Allow: " + ALLOW);
    }
    if (method != SipMethod.CANCEL) {
      List<String> unsupported = unsupported(m);
      if (!unsupported.isEmpty()) {
        return Answer.of(420, "Bad Extension", "Unsupported: " + String.join(", ", unsupported));
      }
    }
    if (method == SipMethod.CANCEL) {
      return Answer.of(481, "Call/Transaction Does Not Exist");
    }
    if (m.toTag() != null || DIALOG_METHODS.contains(method)) {
      return Answer.of(481, "Call/Transaction Does Not Exist");
    }
    if (method == SipMethod.OPTIONS) {
      // §11.2; RFC 4475 zeromf: a UAS answers OPTIONS even with Max-Forwards 0.
      return Answer.of(
          200,
          "OK",
          "Allow: " + ALLOW,
          "Accept: application/sdp",
          "Accept-Language: en",
          "Supported: " + String.join(", ", supported));
    }
    if (method == SipMethod.INVITE) {
      return invite(m);
    }
    if (method == SipMethod.REGISTER) {
      return register(m);
    }
    return Answer.of(405, "Method Not Allowed", "Allow: " + ALLOW);
  }

  private static Answer invite(SipMessage m) {
    String type = m.contentType();
    if (m.bodyLength() > 0 && type != null && !acceptsBody(type)) {
      return Answer.of(415, "Unsupported Media Type", "Accept: application/sdp");
    }
    String accept = m.header(HeaderName.ACCEPT);
    if (accept != null && !acceptsSdp(m.headers(HeaderName.ACCEPT))) {
      // RFC 4475 sdp01: our answer would be SDP, which the caller does not accept.
      return Answer.of(406, "Not Acceptable", "Accept: application/sdp");
    }
    if (m.maxForwards() == 0) {
      return Answer.of(483, "Too Many Hops");
    }
    return Answer.of(404, "Not Found (no route)");
  }

  private static Answer register(SipMessage m) {
    // §10.3 step 3: the To of a REGISTER is the address of record, a SIP or SIPS URI (unksm2).
    try {
      Uri to = m.to().uri();
      if (!(to instanceof SipUri)) {
        return Answer.of(
            400,
            "Bad To (address of record must be a SIP URI) (line "
                + m.headerLine(m.indexOf(HeaderName.TO))
                + ")");
      }
    } catch (SipParseException e) {
      return Answer.of(400, "Bad To");
    }
    return Answer.of(403, "Forbidden (no registering trunk)");
  }

  private static boolean acceptsBody(String contentType) {
    String t = mediaType(contentType);
    return t.equals("application/sdp") || t.startsWith("multipart/");
  }

  private static boolean acceptsSdp(List<String> ranges) {
    for (String r : ranges) {
      String t = mediaType(r);
      if (t.isEmpty()
          || t.equals("application/sdp")
          || t.equals("*/*")
          || t.equals("application/*")) {
        return true;
      }
    }
    return false;
  }

  private static String mediaType(String v) {
    int semi = v.indexOf(';');
    return (semi < 0 ? v : v.substring(0, semi))
        .replace(" ", "")
        .replace("\t", "")
        .toLowerCase(Locale.ROOT);
  }

  private List<String> unsupported(SipMessage m) {
    List<String> out = new ArrayList<>(0);
    for (String option : m.headers(HeaderName.REQUIRE)) {
      if (!option.isEmpty() && !supported.contains(option.toLowerCase(Locale.ROOT))) {
        out.add(option);
      }
    }
    return out;
  }
}
