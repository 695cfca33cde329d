package org.trunkline.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.registrar.LocationStore;
import org.trunkline.server.config.DatabaseConfig;

/**
 * The server's database: a HikariCP pool on the configured URL, with the schema migrated by Flyway
 * from {@code classpath:db/migration} (and {@link CdrCallBuckets}, {@link CdrBlockSummaries},
 * {@link CdrTrunkSummaries}) when it opens.
 *
 * <p>Open once at start-up, close once at shutdown. The methods block on JDBC: never call them from
 * a Netty event loop. Thread-safe.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  static final String MIGRATIONS = "classpath:db/migration";

  /** The JVM-wide H2 setting that {@link Database}'s class initialization turns off. */
  static final String H2_OBJECT_CACHE = "h2.objectCache";

  static {
    // H2 looks up every value it makes (each string bound to an INSERT) in a JVM-wide cache of
    // 1,024 soft references, hashing it to hand out an equal one already made. The CDR and
    // registration writers bind new strings nearly always, so that lookup is pure cost: about
    // 1.3 of the CDR writer's 14.5 us per row (bench/RESULTS.md, stop 19, branch cdr12). H2 reads
    // the property once, when its classes load, which is after this (every H2 use goes through
    // open()); an operator's own -Dh2.objectCache wins.
    if (System.getProperty(H2_OBJECT_CACHE) == null) {
      System.setProperty(H2_OBJECT_CACHE, "false");
    }
  }

  private final String name;
  private final String url;
  private final HikariDataSource pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Database(
      String name, String url, HikariDataSource pool, Duration registrationWriteInterval) {
    this.name = name;
    this.url = url;
    this.pool = pool;
    this.registrationWriteInterval = registrationWriteInterval;
  }

  /** How long the registrar's changes gather before its writer stores them. */
  private final Duration registrationWriteInterval;

  /**
   * Opens the pool and brings the schema up to date. For an H2 file URL the directory is created
   * first, so a fresh checkout starts without setup.
   *
   * @throws DatabaseException naming the URL (password masked) and the cause, in one line
   */
  public static Database open(DatabaseConfig config) throws DatabaseException {
    String name = config.redactedUrl();
    Optional<Path> directory = H2Files.directory(config.url());
    if (directory.isPresent()) {
      try {
        Files.createDirectories(directory.get());
      } catch (IOException e) {
        throw new DatabaseException(
            "cannot create database directory "
                + directory.get()
                + ": "
                + describe(e, directory.get()),
            e);
      }
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikari(config, directory.isPresent()));
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new DatabaseException("cannot open database " + name + ": " + firstLine(cause), e);
    }
    try {
      MigrateResult result =
          Flyway.configure(Database.class.getClassLoader())
              .dataSource(pool)
              .locations(MIGRATIONS)
              // Versions 8, 9 and 10 are Java (they compute what SQL cannot alike on H2 and
              // PostgreSQL).
              .javaMigrations(
                  new CdrCallBuckets(), new CdrBlockSummaries(), new CdrTrunkSummaries())
              .failOnMissingLocations(true)
              .load()
              .migrate();
      log.info(
          "database {} ready at schema version {} (migrations applied now: {})",
          name,
          result.targetSchemaVersion != null
              ? result.targetSchemaVersion
              : result.initialSchemaVersion,
          result.migrationsExecuted);
    } catch (FlywayException e) {
      pool.close();
      throw new DatabaseException("cannot migrate database " + name + ": " + firstLine(e), e);
    }
    return new Database(name, config.url(), pool, config.registrationWriteInterval());
  }

  private static HikariConfig hikari(DatabaseConfig config, boolean embeddedH2File) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("trunkline-db");
    hikari.setJdbcUrl(config.url());
    if (config.user() != null) {
      hikari.setUsername(config.user());
    }
    if (config.password() != null) {
      hikari.setPassword(config.password());
    }
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(10_000);
    // Fail at start-up, with the driver's reason, rather than on first use.
    hikari.setInitializationFailTimeout(1);
    if (embeddedH2File && !config.url().toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT")) {
      // Our shutdown hook closes the pool; H2's own hook would close the files under it first.
      hikari.addDataSourceProperty("DB_CLOSE_ON_EXIT", "FALSE");
    }
    if (embeddedH2File && !config.url().toUpperCase(Locale.ROOT).contains("ANALYZE_AUTO")) {
      // H2 re-analyzes a table each time it has changed by 2,000 x 2^k rows: on the append-only CDR
      // and trace tables that is a pause of sampling reads, chunk rewrites and ~300 methods
      // compiled
      // in a running server (stop 17, branch jit). Our queries go by primary key, block summaries
      // and single indexes, whose plans need no statistics.
      hikari.addDataSourceProperty("ANALYZE_AUTO", "0");
    }
    return hikari;
  }

  /** The pool, for the storage classes that write through it. */
  public DataSource dataSource() {
    return pool;
  }

  // Made on first use; each starts a writer thread, so at most one of each (guarded by this).
  private JdbcLocationStore locations;
  private JdbcCdrStore cdrs;

  /** Where registrations are kept (one store per database, written by its own thread). */
  public synchronized LocationStore locationStore() {
    if (locations == null) {
      locations = new JdbcLocationStore(pool, registrationWriteInterval);
    }
    return locations;
  }

  /** Where ended calls' records go and are read from (one store per database, one writer). */
  public synchronized JdbcCdrStore cdrStore() {
    if (cdrs == null) {
      cdrs = new JdbcCdrStore(pool);
    }
    return cdrs;
  }

  /** The URL this database was opened with (password included: not for logs). */
  String url() {
    return url;
  }

  /** The URL this database was opened with, password masked. */
  public String name() {
    return name;
  }

  /**
   * Records that node {@code nodeId} started: inserts its row, or updates it when the node started
   * before.
   */
  public void recordStart(String nodeId, String version, Instant startedAt)
      throws DatabaseException {
    var at = startedAt.atOffset(ZoneOffset.UTC);
    try (Connection c = pool.getConnection()) {
      int updated;
      try (PreparedStatement update =
          c.prepareStatement("UPDATE node SET version = ?, started_at = ? WHERE node_id = ?")) {
        update.setString(1, version);
        update.setObject(2, at);
        update.setString(3, nodeId);
        updated = update.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO node (node_id, version, started_at) VALUES (?, ?, ?)")) {
          insert.setString(1, nodeId);
          insert.setString(2, version);
          insert.setObject(3, at);
          insert.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new DatabaseException(
          "cannot record start of node " + nodeId + " in " + name + ": " + firstLine(e), e);
    }
  }

  /**
   * Writes what the stores have queued, then closes the pool; for an embedded H2 database this
   * closes its files. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      JdbcLocationStore l;
      JdbcCdrStore c;
      synchronized (this) {
        l = locations;
        c = cdrs;
      }
      if (l != null) {
        l.close();
      }
      if (c != null) {
        c.close();
      }
      pool.close();
      log.info("database {} closed", name);
    }
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    int newline = message.indexOf('\n');
    return (newline >= 0 ? message.substring(0, newline) : message).strip();
  }

  /** The OS reason, naming the path only when it is not {@code tried} itself. */
  private static String describe(IOException e, Path tried) {
    if (e instanceof FileAlreadyExistsException f) {
      return f.getFile() + " exists and is not a directory";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return tried.toString().equals(f.getFile())
          ? f.getReason()
          : f.getFile() + ": " + f.getReason();
    }
    return firstLine(e);
  }
}
