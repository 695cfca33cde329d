/** The command line: {@code trunkline run|check [--config FILE]}, built on picocli. */
package org.trunkline.server.cli;
