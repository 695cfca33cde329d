package org.trunkline.core.call;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkMedia;
import org.trunkline.media.MediaException;
import org.trunkline.media.MediaListener;
import org.trunkline.media.MediaOptions;
import org.trunkline.media.MediaRelay;
import org.trunkline.media.MediaSession;
import org.trunkline.media.MediaStats;
import org.trunkline.sip.SipMessage;

/**
 * The media of a relayed call (issue 8): every SDP body that crosses the call goes through its
 * {@link MediaSession}, so each side sees only the relay's address and ports. Keeps the
 * offer/answer state the session needs from the SIP side: the caller's offer (replayed to a new
 * B-leg after a failover, and when the callee's 2xx answers differently from its early answer), and
 * the last rewritten answer per message (a reliable provisional or a 2xx is sent more than once).
 *
 * <p>Confined to the call's event loop, except {@link #close}'s future, which completes on the
 * relay's threads. A body the relay cannot take throws {@link MediaException} with the status the
 * call answers (488 for bad SDP, 503 for no ports).
 */
final class CallMedia {
  private static final Logger LOG = LoggerFactory.getLogger(CallMedia.class);

  private final MediaRelay relay;
  private final String callId;
  private final Trunk from;
  private final MediaListener listener;
  private MediaSession session;
  private TrunkMedia calleeMedia;
  private int sessions;

  /** The caller's initial offer, as it came. */
  private byte[] callerOffer;

  /** Which side's offer waits for its answer: 'A', 'B' or 0. */
  private char pending;

  /** The callee's early answer to the initial offer and what the caller got for it. */
  private byte[] earlyIn;

  private byte[] earlyOut;

  /** Whether any body of the current session reached the caller (then it is kept on failover). */
  private boolean reachedCaller;

  /** The last response rewritten and its rewritten body (retransmissions reuse it). */
  private SipMessage lastIn;

  private byte[] lastOut;

  /**
   * @param onSilent told, on the relay's loop, that the call's media went silent (why, in words)
   */
  CallMedia(MediaRelay relay, String callId, Trunk from, Consumer<String> onSilent) {
    this.relay = relay;
    this.callId = callId;
    this.from = from;
    this.listener =
        new MediaListener() {
          @Override
          public void onSilence(String session, int stream, Duration silentFor) {
            onSilent.accept(
                "media timeout: no RTP on stream "
                    + stream
                    + " for "
                    + silentFor.toSeconds()
                    + " s");
          }
        };
  }

  /** Whether a call between these trunks is relayed: either trunk relays. */
  static boolean wanted(Trunk from, Trunk to) {
    return from.media().relay() || to.media().relay();
  }

  /** Whether the body of {@code m} is SDP (other bodies cross unchanged). */
  static boolean isSdp(String contentType, byte[] body) {
    return body.length > 0
        && contentType != null
        && contentType.strip().toLowerCase(Locale.ROOT).startsWith("application/sdp");
  }

  /**
   * The caller's offer for a new B-leg towards {@code to}: a session for that trunk's codecs and
   * recording (a new one unless an earlier B-leg's media already reached the caller), the offer
   * rewritten for it.
   */
  byte[] offerToCallee(Trunk to, byte[] offer) {
    if (session == null || (!reachedCaller && !to.media().equals(calleeMedia))) {
      if (session != null) {
        session.closeAsync(); // an earlier B-leg's, never heard by the caller
      }
      calleeMedia = to.media();
      boolean record = from.media().record() || to.media().record();
      MediaOptions options =
          new MediaOptions(from.media().codecs(), to.media().codecs(), record, listener);
      sessions++;
      session = relay.open(sessions == 1 ? callId : callId + "-" + sessions, options);
    }
    earlyIn = null;
    earlyOut = null;
    if (offer.length == 0) {
      // a late offer (RFC 3261 §13.2.1): the callee offers in its answer, the caller answers in
      // its ACK
      callerOffer = null;
      pending = 0;
      return offer;
    }
    callerOffer = offer;
    byte[] out = session.offerFromA(offer);
    pending = 'A';
    return out;
  }

  /**
   * The caller's copy of the body of the callee's provisional or 2xx answer to the initial INVITE.
   */
  byte[] answerToCaller(SipMessage r) {
    byte[] body = r.body();
    if (!isSdp(r.contentType(), body)) {
      return body;
    }
    if (r == lastIn) {
      return lastOut;
    }
    byte[] out;
    if (earlyIn != null && Arrays.equals(earlyIn, body)) {
      out = earlyOut; // the 2xx repeats the early SDP
    } else if (callerOffer == null) {
      out = session.offerFromB(body); // a late offer: the caller answers in its ACK
      pending = 'B';
    } else {
      if (pending != 'A') {
        // RFC 3261 §13.2.1: a 2xx answering otherwise than the early answer: the session takes
        // the caller's offer again so the new answer applies
        session.offerFromA(callerOffer);
      }
      out = session.answerFromB(body);
      pending = 0;
    }
    earlyIn = body;
    earlyOut = out;
    reachedCaller = true;
    return remember(r, out);
  }

  /**
   * The answer of the caller ({@code fromCaller}) or the callee, in its ACK, to the other side's
   * offer in a 2xx (a late offer), for the other side.
   */
  byte[] lateAnswer(boolean fromCaller, String contentType, byte[] body) {
    if (!isSdp(contentType, body) || pending != (fromCaller ? 'B' : 'A')) {
      return body;
    }
    byte[] out = fromCaller ? session.answerFromA(body) : session.answerFromB(body);
    pending = 0;
    return out;
  }

  /** An offer inside the call (re-INVITE, UPDATE) from the caller or the callee. */
  byte[] offer(boolean fromCaller, byte[] body) {
    byte[] out = fromCaller ? session.offerFromA(body) : session.offerFromB(body);
    pending = fromCaller ? 'A' : 'B';
    return out;
  }

  /**
   * The body of {@code r}, the answer to an offer inside the call from the caller ({@code
   * fromCaller}) or the callee, for the offerer. An answer that carries an offer (the request had
   * none) is taken as an offer of the answering side.
   */
  byte[] answer(boolean fromCaller, SipMessage r) {
    byte[] body = r.body();
    if (!isSdp(r.contentType(), body)) {
      return body;
    }
    if (r == lastIn) {
      return lastOut;
    }
    char offerer = fromCaller ? 'A' : 'B';
    byte[] out;
    if (pending == offerer) {
      out = fromCaller ? session.answerFromB(body) : session.answerFromA(body);
      pending = 0;
    } else {
      out = fromCaller ? session.offerFromB(body) : session.offerFromA(body);
      pending = fromCaller ? 'B' : 'A';
    }
    return remember(r, out);
  }

  private byte[] remember(SipMessage r, byte[] out) {
    lastIn = r;
    lastOut = out;
    return out;
  }

  /** Stops relaying and frees the ports; the stats complete once a recording is on disk. */
  CompletableFuture<MediaStats> close() {
    if (session == null) {
      return CompletableFuture.completedFuture(null);
    }
    LOG.debug("call {}: closing its media session", callId);
    return session.closeAsync();
  }

  /** Whether a session was ever opened. */
  boolean opened() {
    return session != null;
  }

  /** A failure of the relay as the status to answer: a bug or closed session is a 500. */
  static MediaException failure(RuntimeException e) {
    if (e instanceof MediaException m) {
      return m;
    }
    LOG.warn("media: {}", e.toString());
    return new MediaException(500, e.getMessage() == null ? e.toString() : e.getMessage());
  }

  /**
   * The Q.850 cause of a call refused for its media: 65 (bearer capability not implemented) for
   * 488, 34 (no circuit) for 503.
   */
  static int cause(MediaException e) {
    return switch (e.sipStatus()) {
      case 503 -> Q850.NO_CIRCUIT;
      case 488 -> 65;
      default -> Q850.forStatus(e.sipStatus());
    };
  }

  /** The reason phrase of a call refused for its media. */
  static String phrase(MediaException e) {
    return switch (e.sipStatus()) {
      case 503 -> "No media ports available";
      case 488 -> "Not Acceptable Here";
      default -> "Media relay failure";
    };
  }
}
