package org.trunkline.core.trunk;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What identifies and authorizes a trunk's traffic; one record per {@link TrunkMode}. Immutable.
 */
public sealed interface TrunkAccess {
  /** The mode this access belongs to. */
  TrunkMode mode();

  /**
   * {@code register-in}: the customer's PBX registers to us and answers our digest challenges.
   *
   * @param username the digest username the PBX authenticates with
   * @param password the digest password, never empty
   * @param realm the digest realm of our challenges ({@link #DEFAULT_REALM} unless configured)
   * @param maxContacts the most contacts bound at once, at least 1
   * @param minExpires the shortest registration accepted; shorter ones get 423 with Min-Expires
   * @param maxExpires the longest registration granted; longer ones are shortened to it
   */
  record RegisterIn(
      String username,
      String password,
      String realm,
      int maxContacts,
      int minExpires,
      int maxExpires)
      implements TrunkAccess {
    /**
     * One realm for every trunk by default: a challenge is sent before we know which trunk a
     * request is from, so its realm cannot depend on the trunk. Username + realm identify the
     * trunk.
     */
    public static final String DEFAULT_REALM = "trunkline";

    public static final int DEFAULT_MAX_CONTACTS = 1;
    public static final int DEFAULT_MIN_EXPIRES = 60;
    public static final int DEFAULT_MAX_EXPIRES = 3600;

    public RegisterIn {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(realm, "realm");
      if (password.isEmpty()) {
        throw new IllegalArgumentException("empty password");
      }
      if (maxContacts < 1 || minExpires < 1 || maxExpires < minExpires) {
        throw new IllegalArgumentException(
            "need maxContacts >= 1 and 1 <= minExpires <= maxExpires, got "
                + maxContacts
                + ", "
                + minExpires
                + ", "
                + maxExpires);
      }
    }

    @Override
    public TrunkMode mode() {
      return TrunkMode.REGISTER_IN;
    }

    @Override
    public String toString() {
      return "RegisterIn[username="
          + username
          + ", password=***, realm="
          + realm
          + ", maxContacts="
          + maxContacts
          + ", minExpires="
          + minExpires
          + ", maxExpires="
          + maxExpires
          + "]";
    }
  }

  /**
   * {@code register-out}: we register to the customer's PBX and answer its challenges, on REGISTER
   * and on the calls we send it.
   *
   * @param registrar the sip:/sips: URI we send REGISTER to, without a user part (RFC 3261 §10.2)
   * @param username the user part of our address-of-record (To/From)
   * @param password the digest password, never empty
   * @param authUsername the digest username, the same as {@code username} unless configured
   * @param expires the registration lifetime we ask for, in seconds
   * @param retryMin the first wait after a failed registration; doubled (with jitter) on each
   *     further failure
   * @param retryMax the longest wait between retries
   */
  record RegisterOut(
      String registrar,
      String username,
      String password,
      String authUsername,
      int expires,
      Duration retryMin,
      Duration retryMax)
      implements TrunkAccess {
    public static final int DEFAULT_EXPIRES = 3600;
    public static final Duration DEFAULT_RETRY_MIN = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(5);

    public RegisterOut {
      Objects.requireNonNull(registrar, "registrar");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(authUsername, "authUsername");
      Objects.requireNonNull(retryMin, "retryMin");
      Objects.requireNonNull(retryMax, "retryMax");
      if (password.isEmpty()) {
        throw new IllegalArgumentException("empty password");
      }
      if (expires < 1
          || retryMin.isNegative()
          || retryMin.isZero()
          || retryMax.compareTo(retryMin) < 0) {
        throw new IllegalArgumentException(
            "need expires >= 1 and 0 < retryMin <= retryMax, got "
                + expires
                + ", "
                + retryMin
                + ", "
                + retryMax);
      }
    }

    @Override
    public TrunkMode mode() {
      return TrunkMode.REGISTER_OUT;
    }

    @Override
    public String toString() {
      return "RegisterOut[registrar="
          + registrar
          + ", username="
          + username
          + ", password=***"
          + ", authUsername="
          + authUsername
          + ", expires="
          + expires
          + ", retryMin="
          + retryMin
          + ", retryMax="
          + retryMax
          + "]";
    }
  }

  /**
   * {@code ip}: requests from these source addresses are this trunk's; the most specific match
   * across all ip trunks wins.
   *
   * @param peers at least one address or CIDR
   */
  record Ip(List<AddressRange> peers) implements TrunkAccess {
    public Ip {
      peers = List.copyOf(peers);
      if (peers.isEmpty()) {
        throw new IllegalArgumentException("an ip trunk needs at least one peer");
      }
    }

    @Override
    public TrunkMode mode() {
      return TrunkMode.IP;
    }
  }

  /**
   * {@code cross-connect}: everything received on the named listen point is this trunk's, and
   * everything sent to it leaves from there.
   *
   * @param listen the name of a {@code listen:} entry, used by no other cross-connect trunk
   * @param peers the sources accepted on it; empty means any source
   */
  record CrossConnect(String listen, List<AddressRange> peers) implements TrunkAccess {
    public CrossConnect {
      Objects.requireNonNull(listen, "listen");
      peers = List.copyOf(peers);
    }

    @Override
    public TrunkMode mode() {
      return TrunkMode.CROSS_CONNECT;
    }
  }
}
