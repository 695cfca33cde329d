package org.trunkline.server.storage;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.registrar.Binding;
import org.trunkline.core.registrar.LocationStore;
import org.trunkline.stack.Transport;

/**
 * Registrations in the {@code registration} table. Changes are queued to a {@link QueuedWriter} and
 * applied in order, so the event loops never wait on the database; {@link #close} writes what is
 * queued (a clean shutdown loses nothing). A failed write is logged, never thrown at the caller.
 */
final class JdbcLocationStore implements LocationStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLocationStore.class);

  /** Registrations change rarely; a queue this long means the database is stuck. */
  private static final int QUEUE = 50_000;

  private static final int BATCH = 500;

  private final DataSource db;
  private final QueuedWriter<Change> writer;

  JdbcLocationStore(DataSource db) {
    this.db = db;
    this.writer =
        new QueuedWriter<>(
            "registration",
            db,
            QUEUE,
            BATCH,
            JdbcLocationStore::apply,
            JdbcLocationStore::describe);
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
    writer.offer(new Save(b));
  }

  @Override
  public void remove(String trunk, String contact) {
    writer.offer(new Remove(trunk, contact));
  }

  /** A queued change, applied in order. */
  private sealed interface Change permits Save, Remove {}

  private record Save(Binding binding) implements Change {}

  private record Remove(String trunk, String contact) implements Change {}

  private static void apply(Connection c, List<Change> changes) throws SQLException {
    for (Change change : changes) {
      switch (change) {
        case Save(Binding b) -> {
          delete(c, b.trunk(), b.contact());
          insert(c, b);
        }
        case Remove(String trunk, String contact) -> delete(c, trunk, contact);
      }
    }
  }

  private static String describe(Change change) {
    return switch (change) {
      case Save(Binding b) -> "registration " + b.contact() + " of trunk " + b.trunk();
      case Remove(String trunk, String contact) ->
          "removal of registration " + contact + " of trunk " + trunk;
    };
  }

  private static void insert(Connection c, Binding b) throws SQLException {
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
    writer.close();
  }
}
