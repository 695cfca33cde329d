package org.trunkline.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A little loopback TCP or TLS server for outbound tests: counts accepts, and hands out the
 * connections it accepted with the SNI name they asked for. Closed by the test.
 */
final class TestListener implements AutoCloseable {
  /** One accepted connection. */
  record Accepted(Socket socket, String sni) {
    /** The next message (headers up to the blank line, no body), or null on timeout / close. */
    String read() throws IOException {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        int c;
        while ((c = in.read()) >= 0) {
          out.write(c);
          if (out.size() >= 4 && out.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            return out.toString(StandardCharsets.UTF_8);
          }
        }
      } catch (SocketTimeoutException e) {
        return null;
      }
      return null;
    }

    void write(String s) throws IOException {
      socket.getOutputStream().write(s.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }
  }

  private final ServerSocket server;
  private final Thread acceptor;
  private final AtomicInteger accepts = new AtomicInteger();
  private final BlockingQueue<Object> accepted = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = new ArrayList<>();

  /** Plain TCP on 127.0.0.1. */
  TestListener() throws IOException {
    this(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
  }

  /** TLS on 127.0.0.1 with {@code context}'s certificate; asks clients for theirs. */
  TestListener(SSLContext context) throws IOException {
    this(tlsServer(context));
  }

  private static ServerSocket tlsServer(SSLContext context) throws IOException {
    javax.net.ssl.SSLServerSocket s =
        (javax.net.ssl.SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    s.setWantClientAuth(true);
    return s;
  }

  private TestListener(ServerSocket server) {
    this.server = server;
    this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepts.incrementAndGet();
        synchronized (sockets) {
          sockets.add(s);
        }
        s.setSoTimeout(SipPeer.TIMEOUT_MS);
        String sni = null;
        if (s instanceof SSLSocket ssl) {
          try {
            ssl.startHandshake();
            if (ssl.getSession() instanceof ExtendedSSLSession e) {
              for (SNIServerName n : e.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) {
                  sni = h.getAsciiName();
                }
              }
            }
          } catch (IOException e) {
            accepted.add(e);
            continue;
          }
        }
        accepted.add(new Accepted(s, sni));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  int accepts() {
    return accepts.get();
  }

  /** The next accepted connection (handshake done), within the peer timeout. */
  Accepted next() throws Exception {
    Object o = accepted.poll(SipPeer.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (o instanceof Exception e) {
      throw e;
    }
    if (o == null) {
      throw new AssertionError("no connection accepted on " + address());
    }
    return (Accepted) o;
  }

  /** The next handshake failure seen by the listener, or null. */
  Exception nextFailure() throws InterruptedException {
    Object o = accepted.poll(SipPeer.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return o instanceof Exception e ? e : null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
    try {
      acceptor.join(SipPeer.TIMEOUT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
