package org.trunkline.server.trunks;

import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the {@code -trace_msg} log ({@code *_messages.log}) of a SIPp run in a directory. */
public final class SippTrace {
  private SippTrace() {}

  /** The header sections of every message the SIPp run in {@code run} received. */
  public static String headersReceived(Path run) throws Exception {
    return headers(run, "message received");
  }

  /** The header sections of every message the SIPp run in {@code run} sent. */
  public static String headersSent(Path run) throws Exception {
    return headers(run, "message sent");
  }

  /** Every message (headers and body) the SIPp run in {@code run} received. */
  public static String messagesReceived(Path run) throws Exception {
    Path log;
    try (var files = Files.list(run)) {
      log = files.filter(f -> f.toString().endsWith("_messages.log")).findFirst().orElseThrow();
    }
    StringBuilder out = new StringBuilder();
    for (String block : Files.readString(log).split("-{20,}")) {
      if (block.contains("message received")) {
        out.append(block).append('\n');
      }
    }
    return out.toString();
  }

  private static String headers(Path run, String kind) throws Exception {
    Path log;
    try (var files = Files.list(run)) {
      log = files.filter(f -> f.toString().endsWith("_messages.log")).findFirst().orElseThrow();
    }
    StringBuilder out = new StringBuilder();
    for (String block : Files.readString(log).split("-{20,}")) {
      if (block.contains(kind)) {
        // "...received [N] bytes :", a blank line, the headers, a blank line, the body
        String[] parts = block.split("\r?\n\r?\n", 3);
        out.append(parts.length > 1 ? parts[1] : block).append('\n');
      }
    }
    return out.toString();
  }
}
