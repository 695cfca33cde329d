package org.trunkline.server.warmup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the throwaway warm-up server's log lines (its start, contacts registered, its stop) off the
 * console while {@link Warmup} runs; errors still show. The loggers' levels stay as they are, so
 * the code that asks {@code isInfoEnabled()} runs the same way in the warm-up as after it.
 *
 * <p>With a {@code pattern} (the appender's own), a line kept off is still laid out and thrown
 * away: the layout's code (the date, the converters) is then compiled before the real server's
 * first lines, instead of while its first registrations come in (stop 24: about 80 methods of
 * logback and java.time compiled during a fill of 100,000).
 */
public final class WarmupLogFilter extends Filter<ILoggingEvent> {
  private String pattern;
  private PatternLayout layout;

  /** The appender's pattern (logback.xml), laid out for nothing while the warm-up runs. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    if (pattern != null && !pattern.isBlank()) {
      PatternLayout l = new PatternLayout();
      l.setContext(getContext());
      l.setPattern(pattern);
      l.start();
      layout = l;
    }
    super.start();
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (!Warmup.running() || event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      return FilterReply.NEUTRAL;
    }
    PatternLayout l = layout;
    if (l != null) {
      l.doLayout(event);
    }
    return FilterReply.DENY;
  }
}
