package org.trunkline.server.config;

/**
 * The {@code database:} section.
 *
 * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL; relative H2 file paths are
 *     relative to the working directory
 * @param user the user to connect as, or null to let the URL or driver decide
 * @param password the password, or null for none
 * @param poolSize the most connections kept open at once, at least 1
 */
public record DatabaseConfig(String url, String user, String password, int poolSize) {
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
