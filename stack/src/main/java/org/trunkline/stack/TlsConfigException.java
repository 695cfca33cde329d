package org.trunkline.stack;

/**
 * A TLS file that cannot be used: missing, unreadable, not PEM, or a key that does not belong to
 * its certificate. {@link #field()} says which setting it is ({@code certificate}, {@code
 * private-key}, {@code ca}, {@code sni[0].certificate}, ...), so the config can name its line.
 */
public final class TlsConfigException extends Exception {
  private final String field;

  public TlsConfigException(String field, String problem) {
    super(problem);
    this.field = field;
  }

  /** The config key of the file at fault, relative to the listen entry. */
  public String field() {
    return field;
  }

  @Override
  public String toString() {
    return field + ": " + getMessage();
  }
}
