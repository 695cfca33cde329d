package org.trunkline.server.storage;

/** The database could not be opened, migrated or written; the message is one line naming it. */
public final class DatabaseException extends Exception {
  private static final long serialVersionUID = 1L;

  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }

  public DatabaseException(String message) {
    super(message);
  }
}
