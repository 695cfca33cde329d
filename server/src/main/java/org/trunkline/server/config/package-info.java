/** The YAML config file, read once into immutable records; errors name file, line and field. */
package org.trunkline.server.config;
