package org.trunkline.server.storage;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.registrar.Binding;
import org.trunkline.core.registrar.LocationStore;
import org.trunkline.stack.Transport;

/**
 * Registrations in the {@code registration} table. Writes are queued to one writer thread, in
 * order, so the event loops never wait on the database; {@link #close} writes what is queued (a
 * clean shutdown loses nothing). A failed write is logged, never thrown at the caller.
 */
final class JdbcLocationStore implements LocationStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLocationStore.class);

  private final DataSource db;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "registration-writer");
        t.setDaemon(true);
        return t;
      });

  JdbcLocationStore(DataSource db) {
    this.db = db;
  }

  @Override
  public List<Binding> loadAll() {
    List<Binding> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT trunk, contact, expires_at, transport, source_ip, source_port,"
                    + " listen_point, call_id, cseq, user_agent, registered_at FROM registration");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        try {
          out.add(
              new Binding(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  Transport.valueOf(rs.getString(4)),
                  new InetSocketAddress(InetAddress.getByName(rs.getString(5)), rs.getInt(6)),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getLong(9),
                  rs.getString(10),
                  rs.getLong(11)));
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
          LOG.warn(
              "skipped unreadable registration of trunk {}: {}", rs.getString(1), e.getMessage());
        }
      }
    } catch (SQLException e) {
      LOG.error("cannot load registrations: {}", e.getMessage());
    }
    return out;
  }

  @Override
  public void save(Binding b) {
    writer.execute(() -> {
      try (Connection c = db.getConnection()) {
        c.setAutoCommit(false);
        delete(c, b.trunk(), b.contact());
        try (PreparedStatement i =
            c.prepareStatement(
                "INSERT INTO registration (trunk, contact, expires_at, transport, source_ip,"
                    + " source_port, listen_point, call_id, cseq, user_agent, registered_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          i.setString(1, b.trunk());
          i.setString(2, b.contact());
          i.setLong(3, b.expiresAt());
          i.setString(4, b.transport().name());
          i.setString(5, b.source().getAddress().getHostAddress());
          i.setInt(6, b.source().getPort());
          i.setString(7, b.listenPoint());
          i.setString(8, truncate(b.callId(), 256));
          i.setLong(9, b.cseq());
          i.setString(10, truncate(b.userAgent(), 256));
          i.setLong(11, b.registeredAt());
          i.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        LOG.error(
            "cannot store registration {} of trunk {}: {}", b.contact(), b.trunk(), e.getMessage());
      }
    });
  }

  @Override
  public void remove(String trunk, String contact) {
    writer.execute(() -> {
      try (Connection c = db.getConnection()) {
        delete(c, trunk, contact);
      } catch (SQLException e) {
        LOG.error("cannot delete registration {} of trunk {}: {}", contact, trunk, e.getMessage());
      }
    });
  }

  private static void delete(Connection c, String trunk, String contact) throws SQLException {
    try (PreparedStatement d =
        c.prepareStatement("DELETE FROM registration WHERE trunk = ? AND contact = ?")) {
      d.setString(1, trunk);
      d.setString(2, contact);
      d.executeUpdate();
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** Writes what is queued (at most 10 s), then stops the writer. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("registration writer did not finish in 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
