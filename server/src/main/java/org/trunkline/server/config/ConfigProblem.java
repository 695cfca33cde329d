package org.trunkline.server.config;

import java.nio.file.Path;

/**
 * One thing wrong with a config file.
 *
 * @param file the file, as named on the command line
 * @param line 1-based line, or 0 when no line applies (the file cannot be read)
 * @param field the path of the offending value ({@code listen[1].port}), or empty for the file
 * @param problem what is wrong, naming the value found
 */
public record ConfigProblem(Path file, int line, String field, String problem) {
  /** {@code FILE:LINE: field: problem}, the form editors and CI logs link to. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder().append(file);
    if (line > 0) {
      text.append(':').append(line);
    }
    text.append(": ");
    if (!field.isEmpty()) {
      text.append(field).append(": ");
    }
    return text.append(problem).toString();
  }
}
