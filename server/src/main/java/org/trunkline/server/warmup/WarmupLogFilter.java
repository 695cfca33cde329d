package org.trunkline.server.warmup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the throwaway warm-up server's log lines (its start, contacts registered, its stop) off the
 * console while {@link Warmup} runs; errors still show. The loggers' levels stay as they are, so
 * the code that asks {@code isInfoEnabled()} runs the same way in the warm-up as after it.
 */
public final class WarmupLogFilter extends Filter<ILoggingEvent> {
  @Override
  public FilterReply decide(ILoggingEvent event) {
    return Warmup.running() && !event.getLevel().isGreaterOrEqual(Level.ERROR)
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
