package org.trunkline.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain-socket SIP peer for tests: sends bytes, reads one answer (or times out). */
final class SipPeer implements AutoCloseable {
  static final int TIMEOUT_MS = 3000;

  private final InetSocketAddress server;
  private final DatagramSocket udp;
  private Socket tcp;

  SipPeer(InetSocketAddress server) throws IOException {
    this.server = server;
    this.udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    this.udp.setSoTimeout(TIMEOUT_MS);
  }

  int udpPort() {
    return udp.getLocalPort();
  }

  void sendUdp(byte[] b) throws IOException {
    udp.send(new DatagramPacket(b, b.length, server));
  }

  /** The next datagram as text, or null if none came within the timeout. */
  String receiveUdp() throws IOException {
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      udp.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
  }

  Socket connectTcp(InetSocketAddress tcpServer) throws IOException {
    closeTcp();
    tcp = new Socket();
    tcp.connect(tcpServer, TIMEOUT_MS);
    tcp.setSoTimeout(TIMEOUT_MS);
    return tcp;
  }

  /** A TLS connection (handshake done) that {@link #sendTcp} and {@link #receiveTcp} then use. */
  javax.net.ssl.SSLSocket connectTls(InetSocketAddress tlsServer, javax.net.ssl.SSLContext context)
      throws IOException {
    closeTcp();
    javax.net.ssl.SSLSocket s =
        (javax.net.ssl.SSLSocket)
            context
                .getSocketFactory()
                .createSocket(connectTcp(tlsServer), "localhost", tlsServer.getPort(), true);
    s.setSoTimeout(TIMEOUT_MS);
    s.startHandshake();
    tcp = s;
    return s;
  }

  void sendTcp(byte[] b) throws IOException {
    tcp.getOutputStream().write(b);
    tcp.getOutputStream().flush();
  }

  /** One response from the stream (headers up to the blank line; bodies are empty), or null. */
  String receiveTcp() throws IOException {
    InputStream in = tcp.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      int c;
      while ((c = in.read()) >= 0) {
        out.write(c);
        String s = out.toString(StandardCharsets.UTF_8);
        if (s.endsWith("\r\n\r\n") && !s.isBlank()) {
          return s;
        }
      }
    } catch (SocketTimeoutException e) {
      return null;
    }
    return out.size() == 0 ? null : out.toString(StandardCharsets.UTF_8);
  }

  /** Whether the server closed the TCP connection (read returns end of stream in time). */
  boolean tcpClosedByServer() throws IOException {
    try {
      return tcp.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  void closeTcp() throws IOException {
    if (tcp != null) {
      tcp.close();
      tcp = null;
    }
  }

  static int status(String response) {
    return response == null ? 0 : Integer.parseInt(response.substring(8, 11));
  }

  static String options(String callId, int localPort) {
    return "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:"
        + localPort
        + ";branch=z9hG4bK-"
        + callId
        + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:probe@127.0.0.1>;tag=probe\r\n"
        + "To: <sip:127.0.0.1>\r\n"
        + "Call-ID: "
        + callId
        + "\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  @Override
  public void close() throws IOException {
    udp.close();
    closeTcp();
  }
}
