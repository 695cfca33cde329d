/**
 * The command line: {@code trunkline run|check|trunks|cdr|reload [--config FILE]}, built on
 * picocli.
 */
package org.trunkline.server.cli;
