package org.trunkline.server.storage;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A schema version written in Java ({@link CdrCallBuckets}, {@link CdrBlockSummaries}, {@link
 * CdrTrunkSummaries}): its version and description, no checksum (the code is the migration), run in
 * the migration's transaction.
 */
abstract class SchemaMigration implements JavaMigration {
  private final MigrationVersion version;
  private final String description;

  SchemaMigration(String version, String description) {
    this.version = MigrationVersion.fromVersion(version);
    this.description = description;
  }

  @Override
  public final MigrationVersion getVersion() {
    return version;
  }

  @Override
  public final String getDescription() {
    return description;
  }

  @Override
  public final Integer getChecksum() {
    return null;
  }

  @Override
  public final boolean canExecuteInTransaction() {
    return true;
  }
}
