package org.trunkline.server.config;

/**
 * The {@code database:} section.
 *
 * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL; relative H2 file paths are
 *     relative to the working directory
 * @param user the user to connect as, or null to let the URL or driver decide
 * @param password the password, or null for none
 * @param poolSize the most connections kept open at once, at least 1
 * @param registrationWriteInterval how long registration changes gather before the registrar's
 *     writer stores them (one transaction): a {@code kill -9} loses about this much of them
 */
public record DatabaseConfig(
    String url,
    String user,
    String password,
    int poolSize,
    java.time.Duration registrationWriteInterval) {
  /** The registrar's writer's default gathering time. */
  public static final java.time.Duration DEFAULT_REGISTRATION_WRITE_INTERVAL =
      java.time.Duration.ofMillis(200);

  public DatabaseConfig {
    java.util.Objects.requireNonNull(registrationWriteInterval, "registrationWriteInterval");
    if (registrationWriteInterval.isNegative() || registrationWriteInterval.isZero()) {
      throw new IllegalArgumentException(
          "registration-write-interval: must be > 0, got " + registrationWriteInterval);
    }
  }

  public DatabaseConfig(String url, String user, String password, int poolSize) {
    this(url, user, password, poolSize, DEFAULT_REGISTRATION_WRITE_INTERVAL);
  }

  public static final String DEFAULT_URL = "jdbc:h2:file:./data/trunkline";
  public static final int DEFAULT_POOL_SIZE = 4;

  /** What a config file without a {@code database} section gets. */
  public static DatabaseConfig defaults() {
    return new DatabaseConfig(DEFAULT_URL, null, null, DEFAULT_POOL_SIZE);
  }

  /** The URL with any {@code password=...} parameter masked, for messages and logs. */
  public String redactedUrl() {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override
  public String toString() {
    return "DatabaseConfig[url="
        + redactedUrl()
        + ", user="
        + user
        + ", password="
        + (password == null ? null : "***")
        + ", poolSize="
        + poolSize
        + "]";
  }
}
