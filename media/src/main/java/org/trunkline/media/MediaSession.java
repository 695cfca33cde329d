package org.trunkline.media;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.sdp.Direction;
import org.trunkline.sip.sdp.MediaDescription;
import org.trunkline.sip.sdp.SessionDescription;

/**
 * The media of one call: the SDP of both legs rewritten to the relay (RFC 3264 offer/answer, in
 * either direction, re-offers, hold, streams added and removed) and the streams relayed between
 * them. Obtained from {@link MediaRelay#open}.
 *
 * <pre>{@code
 * MediaSession s = relay.open(callId, options);
 * byte[] toB = s.offerFromA(inviteBody);   // 488/503 as MediaException
 * byte[] toA = s.answerFromB(okBody);
 * ...
 * MediaStats stats = s.closeAsync().join(); // for the CDR
 * }</pre>
 *
 * <p>Threads: offers and answers are made by the call, on one thread at a time, never on one of the
 * relay's loops (they bind sockets). Packets, counters, DTMF, timeouts and listener calls run on
 * the session's own event loop.
 */
public final class MediaSession {
  private static final Logger LOG = LoggerFactory.getLogger(MediaSession.class);

  private final MediaRelay relay;
  private final String callId;
  private final MediaOptions options;
  private final EventLoop loop;
  private final long openedNanos;
  private volatile List<RelayStream> streams = List.of(); // by media index; null where removed
  private final List<RelayStream> all = new ArrayList<>(); // every stream ever; under this
  private final SessionDescription[] sent = new SessionDescription[2]; // what each leg got
  private Leg offerer; // the leg of the last offer
  private SessionDescription offer; // the last offer as received
  volatile Recorder recorder;
  private final List<DtmfEvent> dtmf = new ArrayList<>(); // loop only
  private final List<OneWayAudio> oneWay = new ArrayList<>(); // loop only
  private boolean silent; // loop only
  private ScheduledFuture<?> tick;
  private CompletableFuture<MediaStats> closing; // under this

  MediaSession(MediaRelay relay, String callId, MediaOptions options, EventLoop loop) {
    this.relay = relay;
    this.callId = callId;
    this.options = options;
    this.loop = loop;
    this.openedNanos = relay.nanoTime();
  }

  void start() {
    long every = relay.config().checkInterval().toNanos();
    tick = loop.scheduleAtFixedRate(this::check, every, every, TimeUnit.NANOSECONDS);
  }

  public String callId() {
    return callId;
  }

  /** An offer from the caller; returns the body for leg B. */
  public byte[] offerFromA(byte[] sdp) {
    return offer(Leg.A, sdp);
  }

  /** The callee's answer to {@link #offerFromA}; returns the body for leg A. */
  public byte[] answerFromB(byte[] sdp) {
    return answer(Leg.B, sdp);
  }

  /** An offer from the callee (a re-INVITE or UPDATE of leg B); returns the body for leg A. */
  public byte[] offerFromB(byte[] sdp) {
    return offer(Leg.B, sdp);
  }

  /** The caller's answer to {@link #offerFromB}; returns the body for leg B. */
  public byte[] answerFromA(byte[] sdp) {
    return answer(Leg.A, sdp);
  }

  /**
   * An offer (initial or re-offer) from {@code from}: streams are opened for new media lines,
   * closed for ones set to port 0, and the body is rewritten for the other leg. A newer offer
   * replaces a pending one (the earlier one was rejected).
   *
   * @throws MediaException 488 if the body does not parse, 503 if no ports are left
   * @throws IllegalStateException if the session is closed
   */
  public synchronized byte[] offer(Leg from, byte[] body) {
    ensureOpen();
    SessionDescription sdp = SdpRewriter.parse(callId, from, body);
    Leg to = from.other();
    long now = relay.nanoTime();
    List<RelayStream> next = new ArrayList<>(streams);
    List<RelayStream> created = new ArrayList<>();
    List<RelayStream> removed = new ArrayList<>();
    int[] ports = new int[sdp.media().size()];
    try {
      for (int i = 0; i < sdp.media().size(); i++) {
        MediaDescription m = sdp.media().get(i);
        RelayStream s = i < next.size() ? next.get(i) : null;
        if (s != null && (m.port() == 0 || !s.media.equals(m.media()))) {
          removed.add(s); // RFC 3264 §8.2: port 0 removes it; another media type replaces it
          s = null;
        }
        if (m.port() != 0 && s == null) {
          s = newStream(i, m.media(), now);
          created.add(s);
        }
        set(next, i, s);
        ports[i] = s == null ? 0 : s.port(to);
      }
    } catch (RuntimeException e) {
      created.forEach(relay::release);
      throw e;
    }
    SessionDescription out =
        SdpRewriter.rewrite(sdp, advertised(), ports, options.codecs(to), null);
    long window = relay.config().latchWindow().toNanos();
    for (int i = 0; i < next.size(); i++) {
      RelayStream s = next.get(i);
      if (s == null || i >= sdp.media().size()) {
        continue;
      }
      if (out.media().get(i).port() == 0) {
        removed.add(s); // the other trunk takes none of its codecs
        set(next, i, null);
        continue;
      }
      s.signal(from, StreamSignal.of(sdp, sdp.media().get(i)), now, window);
      // until the answer: what the other leg sends is numbered as in this offer
      s.flows[to.sending().ordinal()].numbering = numbering(out, i, null);
    }
    removed.forEach(relay::release);
    all.addAll(created);
    streams = Collections.unmodifiableList(next);
    sent[to.ordinal()] = out;
    offerer = from;
    offer = sdp;
    return out.toBytes();
  }

  /**
   * The answer from {@code from} to the pending offer of the other leg; returns the body for the
   * offerer. Streams the answer rejects (port 0) are closed. The same leg may answer the same offer
   * again (early SDP in a 183, then the 200's): the later answer replaces the earlier.
   *
   * @throws MediaException 488 if the body does not parse
   * @throws IllegalStateException if the other leg has no offer pending, or the session is closed
   */
  public synchronized byte[] answer(Leg from, byte[] body) {
    ensureOpen();
    Leg to = from.other();
    if (offerer != to || offer == null) {
      throw new IllegalStateException(
          "call "
              + callId
              + ": answer from leg "
              + from
              + " but leg "
              + to
              + " has no offer pending");
    }
    SessionDescription sdp = SdpRewriter.parse(callId, from, body);
    long now = relay.nanoTime();
    List<RelayStream> next = new ArrayList<>(streams);
    int[] ports = new int[sdp.media().size()];
    for (int i = 0; i < sdp.media().size() && i < next.size(); i++) {
      RelayStream s = next.get(i);
      if (s != null && sdp.media().get(i).port() == 0) {
        relay.release(s);
        set(next, i, null);
      } else if (s != null) {
        ports[i] = s.port(to);
      }
    }
    SessionDescription out = SdpRewriter.rewrite(sdp, advertised(), ports, null, offer);
    long window = relay.config().latchWindow().toNanos();
    for (int i = 0; i < sdp.media().size() && i < next.size(); i++) {
      RelayStream s = next.get(i);
      if (s == null) {
        continue;
      }
      StreamSignal sig = StreamSignal.of(sdp, sdp.media().get(i));
      s.signal(from, sig, now, window);
      s.held = sig.direction() != Direction.SENDRECV;
      // the offerer sends as numbered in this answer; the answerer wants its own numbers
      s.flows[to.sending().ordinal()].numbering = numbering(out, i, sdp);
      s.flows[from.sending().ordinal()].numbering = numbering(sent[from.ordinal()], i, offer);
      s.answered = true;
    }
    streams = Collections.unmodifiableList(next);
    sent[to.ordinal()] = out;
    if (options.record() && recorder == null) {
      recorder = newRecorder(out);
    }
    return out.toBytes();
  }

  private RelayStream newStream(int index, String media, long now) {
    RelayStream s = new RelayStream(this, index, media, now);
    relay.bind(loop, s.rtp[0], s.rtcp[0], callId);
    try {
      relay.bind(loop, s.rtp[1], s.rtcp[1], callId);
    } catch (RuntimeException e) {
      relay.release(s);
      throw e;
    }
    return s;
  }

  /**
   * How packets arriving numbered as in {@code arriving} leave numbered as in {@code departing}.
   */
  private static FlowState.Numbering numbering(
      SessionDescription arriving, int i, SessionDescription departing) {
    if (arriving == null || i >= arriving.media().size()) {
      return FlowState.Numbering.NONE;
    }
    StreamSignal in = StreamSignal.of(arriving, arriving.media().get(i));
    Map<Integer, Integer> changes = Map.of();
    if (departing != null && i < departing.media().size() && !in.isSrtp()) {
      changes = SdpRewriter.payloadMap(in, StreamSignal.of(departing, departing.media().get(i)));
    }
    return FlowState.Numbering.of(in.payloads(), changes);
  }

  /** A WAV if the first audio stream settled on G.711 (its first format), else a pcap. */
  private Recorder newRecorder(SessionDescription answer) {
    String name = callId.replaceAll("[^A-Za-z0-9._-]", "_");
    int audio = -1;
    for (int i = 0; i < answer.media().size() && audio < 0; i++) {
      MediaDescription m = answer.media().get(i);
      audio = m.media().equals("audio") && m.port() != 0 ? i : -1;
    }
    boolean g711 =
        audio >= 0
            && StreamSignal.of(answer, answer.media().get(audio)).payloads().values().stream()
                .findFirst()
                .filter(r -> r.clockRate() == 8000)
                .map(r ->
                    r.encodingName().equalsIgnoreCase("PCMU")
                        || r.encodingName().equalsIgnoreCase("PCMA"))
                .orElse(false);
    Path dir = relay.config().recordingDir();
    long now = relay.nanoTime();
    return g711
        ? new WavRecorder(dir.resolve(name + ".wav"), relay.recordingThread(), audio, now)
        : new PcapRecorder(
            dir.resolve(name + ".pcap"),
            relay.recordingThread(),
            now,
            System.currentTimeMillis() * 1000);
  }

  private static void set(List<RelayStream> list, int i, RelayStream s) {
    while (list.size() <= i) {
      list.add(null);
    }
    list.set(i, s);
  }

  private String advertised() {
    return relay.config().advertisedAddress();
  }

  private void ensureOpen() {
    if (closing != null) {
      throw new IllegalStateException("media session for call " + callId + " is closed");
    }
  }

  long nanoTime() {
    return relay.nanoTime();
  }

  /** The event loop that owns this session's sockets. */
  EventLoop loop() {
    return loop;
  }

  /** On the loop: a telephone event ended. */
  void dtmf(DtmfEvent e) {
    dtmf.add(e);
    LOG.info("call {}: DTMF {} {} {} ms", callId, e.digit(), e.flow(), e.durationMs());
    options.listener().onDtmf(callId, e);
  }

  void log(Endpoint e, Throwable cause) {
    LOG.debug(
        "call {}: stream {} leg {} port {}: {}",
        callId,
        e.stream.index,
        e.leg,
        e.port,
        cause.toString());
  }

  /** On the loop, every check interval: silence and one-way audio. */
  private void check() {
    long now = relay.nanoTime();
    MediaConfig c = relay.config();
    for (RelayStream s : streams) {
      if (s == null || !s.answered || !s.isRtp) {
        continue;
      }
      RtpStats ab = s.flows[0].stats;
      RtpStats ba = s.flows[1].stats;
      long last = Math.max(s.startNanos, Math.max(ab.lastArrivalNanos(), ba.lastArrivalNanos()));
      Duration timeout = s.held ? c.holdTimeout() : c.silenceTimeout();
      if (!timeout.isZero() && now - last >= timeout.toNanos()) {
        if (!s.silenceReported) {
          s.silenceReported = true;
          silent = true;
          LOG.info("call {}: stream {} silent for {}", callId, s.index, timeout);
          options.listener().onSilence(callId, s.index, timeout);
        }
      } else {
        s.silenceReported = false;
      }
      long n = c.oneWayAfter().toNanos();
      if (n == 0 || s.held || s.oneWayReported) {
        continue;
      }
      for (Flow f : Flow.values()) {
        RtpStats on = s.flows[f.ordinal()].stats;
        RtpStats off = s.flows[f.reversed().ordinal()].stats;
        boolean flowing =
            on.packets() > 0
                && now - on.firstArrivalNanos() >= n
                && now - on.lastArrivalNanos() < n;
        boolean quiet = off.packets() == 0 || now - off.lastArrivalNanos() >= n;
        if (flowing && quiet) {
          s.oneWayReported = true;
          OneWayAudio w = new OneWayAudio(s.index, f, c.oneWayAfter());
          oneWay.add(w);
          LOG.info(
              "call {}: one-way audio on stream {}: only {} for {}",
              callId,
              s.index,
              f,
              c.oneWayAfter());
          options.listener().onOneWay(callId, w);
        }
      }
    }
  }

  /** {@link #closeAsync()} waited for: blocks for a loop round trip and the recording's end. */
  public MediaStats close() {
    return closeAsync().join();
  }

  /**
   * Stops relaying, frees the ports, finishes the recording. Completes, on another thread, with the
   * stats once the recording is on disk. Closing twice returns the same future.
   */
  public synchronized CompletableFuture<MediaStats> closeAsync() {
    if (closing != null) {
      return closing;
    }
    List<RelayStream> every = List.copyOf(all);
    List<RelayStream> live = streams.stream().filter(s -> s != null).toList();
    CompletableFuture<MediaStats> done = new CompletableFuture<>();
    closing = done;
    loop.execute(() -> {
      tick.cancel(false);
      live.forEach(relay::release);
      List<StreamStats> stats = new ArrayList<>();
      for (RelayStream s : every) {
        stats.add(snapshot(s));
      }
      Recorder r = recorder;
      CompletableFuture<Optional<Path>> file =
          r == null
              ? CompletableFuture.completedFuture(Optional.empty())
              : r.finish().thenApply(Optional::of);
      List<OneWayAudio> ow = List.copyOf(oneWay);
      List<DtmfEvent> digits = List.copyOf(dtmf);
      boolean wasSilent = silent;
      file.whenComplete((path, err) -> {
        relay.closed(this);
        if (err != null) {
          LOG.warn("call {}: recording failed: {}", callId, err.toString());
        }
        done.complete(
            new MediaStats(
                callId, stats, ow, wasSilent, digits, err == null ? path : Optional.empty()));
      });
    });
    return done;
  }

  private static StreamStats snapshot(RelayStream s) {
    List<FlowStats> flows = new ArrayList<>();
    for (Flow f : Flow.values()) {
      FlowState st = s.flows[f.ordinal()];
      int clock = st.numbering.clock()[0];
      flows.add(st.stats.snapshot(f, clock));
    }
    long rejected = s.endpoints().stream().mapToLong(e -> e.rejected).sum();
    return new StreamStats(s.index, s.media, flows, rejected);
  }

  /** How long the session has been open. */
  public Duration age() {
    return Duration.ofNanos(relay.nanoTime() - openedNanos);
  }
}
