package org.trunkline.bench;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.trunkline.media.MediaConfig;
import org.trunkline.media.MediaRelay;
import org.trunkline.media.MediaSession;
import org.trunkline.media.MediaStats;

/**
 * Trunkline's {@link MediaRelay} behind the subset of rtpengine's "ng" control protocol that the
 * media benchmark uses ({@code ping}, {@code offer}, {@code answer}, {@code delete}), so that one
 * load generator ({@link RtpLoad}) drives both relays the same way. A benchmark tool, not a
 * product: no retransmission cache, one control thread.
 *
 * <pre>
 * java -cp benchmarks.jar org.trunkline.bench.NgRelayServer LISTEN_PORT PORT_MIN PORT_MAX THREADS
 * </pre>
 */
public final class NgRelayServer {
  private NgRelayServer() {}

  public static void main(String[] args) throws Exception {
    int listen = Integer.parseInt(args[0]);
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    MediaConfig cfg =
        MediaConfig.defaults(lo)
            .withPorts(Integer.parseInt(args[1]), Integer.parseInt(args[2]))
            .withThreads(Integer.parseInt(args[3]))
            .withTimers(
                Duration.ofSeconds(3),
                Duration.ZERO,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ofSeconds(1))
            .withRecordingDir(Path.of("/tmp"));
    MediaRelay relay = new MediaRelay(cfg);
    Map<String, MediaSession> calls = new HashMap<>();
    Map<String, String> callerTag = new HashMap<>();
    System.out.println("ng relay on 127.0.0.1:" + listen + " epoll=" + relay.epoll());
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(lo, listen))) {
      byte[] buf = new byte[65536];
      while (true) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        String text = new String(buf, 0, p.getLength(), StandardCharsets.ISO_8859_1);
        int sp = text.indexOf(' ');
        String cookie = text.substring(0, sp);
        @SuppressWarnings("unchecked")
        Map<String, Object> req = (Map<String, Object>) Bencode.decode(buf, sp + 1);
        Map<String, Object> resp = new HashMap<>();
        try {
          String cmd = (String) req.get("command");
          String callId = (String) req.get("call-id");
          String from = (String) req.get("from-tag");
          switch (cmd) {
            case "ping" -> resp.put("result", "pong");
            case "offer" -> {
              MediaSession m = calls.computeIfAbsent(callId, relay::open);
              callerTag.putIfAbsent(callId, from);
              byte[] sdp = bytes(req.get("sdp"));
              byte[] out =
                  from.equals(callerTag.get(callId)) ? m.offerFromA(sdp) : m.offerFromB(sdp);
              resp.put("result", "ok");
              resp.put("sdp", new String(out, StandardCharsets.ISO_8859_1));
            }
            case "answer" -> {
              MediaSession m = calls.get(callId);
              byte[] sdp = bytes(req.get("sdp"));
              byte[] out =
                  from.equals(callerTag.get(callId)) ? m.answerFromB(sdp) : m.answerFromA(sdp);
              resp.put("result", "ok");
              resp.put("sdp", new String(out, StandardCharsets.ISO_8859_1));
            }
            case "delete" -> {
              MediaSession m = calls.remove(callId);
              callerTag.remove(callId);
              if (m != null) {
                MediaStats st = m.close();
                resp.put(
                    "packets",
                    st.streams().stream()
                        .flatMap(x -> x.flows().stream())
                        .mapToLong(f -> f.packets())
                        .sum());
              }
              resp.put("result", "ok");
            }
            default -> {
              resp.put("result", "error");
              resp.put("error-reason", "unsupported command " + cmd);
            }
          }
        } catch (RuntimeException e) {
          resp.put("result", "error");
          resp.put("error-reason", e.toString());
        }
        byte[] body = Bencode.encode(resp);
        byte[] out = new byte[cookie.length() + 1 + body.length];
        System.arraycopy(cookie.getBytes(StandardCharsets.ISO_8859_1), 0, out, 0, cookie.length());
        out[cookie.length()] = ' ';
        System.arraycopy(body, 0, out, cookie.length() + 1, body.length);
        s.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
      }
    }
  }

  private static byte[] bytes(Object sdp) {
    return ((String) sdp).getBytes(StandardCharsets.ISO_8859_1);
  }
}
