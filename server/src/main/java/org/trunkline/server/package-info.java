/** Main, CLI, YAML config and storage. */
package org.trunkline.server;
