/** JDBC storage: the connection pool, Flyway migrations and what the server writes itself. */
package org.trunkline.server.storage;
