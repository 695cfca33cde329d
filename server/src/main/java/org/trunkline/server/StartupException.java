package org.trunkline.server;

/** The server could not start; the message is the one line shown to the operator. */
public final class StartupException extends Exception {
  private static final long serialVersionUID = 1L;

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
