/**
 * The admin HTTP API ({@code /api/trunks}, {@code /api/counters}, {@code /api/reload}) and reload.
 */
package org.trunkline.server.api;
