package org.trunkline.server.api;

import java.util.List;

/** What one reload did: applied (possibly nothing), or rejected with the file's problems. */
public sealed interface ReloadResult {
  /**
   * The trunks of the file now run.
   *
   * @param changes one line per trunk added, changed or removed, and the ingress policy; empty when
   *     the file's trunks equal the running ones
   * @param restart the sections that changed but only take effect on a restart ({@code listen},
   *     {@code database}, {@code api}); the running values stay
   * @param warnings what the operator should know, e.g. a trunk on a listen point not yet bound
   */
  record Applied(List<String> changes, List<String> restart, List<String> warnings)
      implements ReloadResult {
    public Applied {
      changes = List.copyOf(changes);
      restart = List.copyOf(restart);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The file was rejected and the running config kept.
   *
   * @param errors the {@code FILE:LINE: field: problem} lines
   */
  record Rejected(List<String> errors) implements ReloadResult {
    public Rejected {
      errors = List.copyOf(errors);
    }
  }
}
