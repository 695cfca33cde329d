package org.trunkline.core.ingress;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.trunkline.core.trunk.Trunk;

/** What an ingress stage decided. Failure is a value (STYLE 10). */
public sealed interface Verdict {
  /** Not decided here: the next stage looks. */
  record Continue() implements Verdict {}

  /**
   * The request is {@code trunk}'s. Equal when trunk and {@link #how} are, as a record.
   *
   * <p>{@link #how} is for logs and traces only, and most requests are not logged: {@link #lazily}
   * makes it when first asked (a digest REGISTER is identified thousands of times a second).
   */
  final class Identified implements Verdict {
    private final Trunk trunk;
    private final LazyText how;

    /**
     * @param how which stage and why, for logs and traces: {@code ip peer 203.0.113.0/24}
     */
    public Identified(Trunk trunk, String how) {
      this(trunk, new LazyText(Objects.requireNonNull(how, "how")));
    }

    private Identified(Trunk trunk, LazyText how) {
      this.trunk = trunk;
      this.how = how;
    }

    /** As {@link #Identified(Trunk, String)}, with {@code how} made by {@code how} when asked. */
    public static Identified lazily(Trunk trunk, Supplier<String> how) {
      return new Identified(trunk, new LazyText(how));
    }

    public Trunk trunk() {
      return trunk;
    }

    /** Which stage and why, for logs and traces: {@code ip peer 203.0.113.0/24}. */
    public String how() {
      return how.get();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Identified i && Objects.equals(trunk, i.trunk) && how().equals(i.how());
    }

    @Override
    public int hashCode() {
      return 31 * Objects.hashCode(trunk) + how().hashCode();
    }

    @Override
    public String toString() {
      return "Identified[trunk=" + trunk + ", how=" + how() + "]";
    }
  }

  /**
   * Answer at once with {@code status}. Equal when status, reason, headers and {@link #why} are, as
   * a record.
   *
   * <p>{@link #why} names the source, and only a debug log reads it: {@link #lazily} makes it when
   * first asked (every REGISTER without credentials gets a 401, thousands a second).
   */
  final class Reject implements Verdict {
    private final int status;
    private final String reason;
    private final List<String> headers;
    private final LazyText why;

    /**
     * @param headers extra header lines (WWW-Authenticate, ...)
     * @param why a log line naming source and cause
     */
    public Reject(int status, String reason, List<String> headers, String why) {
      this(status, reason, headers, new LazyText(Objects.requireNonNull(why, "why")));
    }

    private Reject(int status, String reason, List<String> headers, LazyText why) {
      this.status = status;
      this.reason = reason;
      this.headers = List.copyOf(headers);
      this.why = why;
    }

    /**
     * As {@link #Reject(int, String, List, String)}, with the log line made by {@code why} when
     * first asked, on whichever thread asks.
     */
    public static Reject lazily(
        int status, String reason, List<String> headers, Supplier<String> why) {
      return new Reject(status, reason, headers, new LazyText(why));
    }

    public int status() {
      return status;
    }

    public String reason() {
      return reason;
    }

    /** Extra header lines (WWW-Authenticate, ...), unmodifiable. */
    public List<String> headers() {
      return headers;
    }

    /** A log line naming source and cause. */
    public String why() {
      return why.get();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Reject r
          && status == r.status
          && Objects.equals(reason, r.reason)
          && headers.equals(r.headers)
          && why().equals(r.why());
    }

    @Override
    public int hashCode() {
      return Objects.hash(status, reason, headers, why());
    }

    @Override
    public String toString() {
      return "Reject[status="
          + status
          + ", reason="
          + reason
          + ", headers="
          + headers
          + ", why="
          + why()
          + "]";
    }
  }

  /**
   * Not a trunk's, but the server answers it itself (an OPTIONS from a monitoring source).
   *
   * @param how why, for logs
   */
  record Local(String how) implements Verdict {}

  /** Send nothing (a banned source, or an unknown one when policy says drop). */
  record Drop(String why) implements Verdict {}

  Verdict CONTINUE = new Continue();
}
