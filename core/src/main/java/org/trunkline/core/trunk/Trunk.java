package org.trunkline.core.trunk;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One configured trunk. Immutable; built from the config file, replaced as a whole on reload.
 *
 * @param name unique among trunks: 1..64 letters, digits or {@code . _ -}
 * @param mode how its traffic is recognised; always {@code access.mode()}
 * @param access the mode's credentials or addresses
 * @param target where calls to this trunk are sent, a sip:/sips: URI as written; empty when calls
 *     go to registered contacts (register-in) or the trunk only sends us calls
 * @param health OPTIONS probing of the target; empty when the trunk is not probed
 * @param maxChannels the most simultaneous calls, 0 for unlimited
 * @param maxCps the most new calls per second, 0 for unlimited
 * @param numbers the numbers this trunk owns, as written: E.164 ({@code +4930123456}), or a prefix
 *     ending in {@code *} ({@code +4930123*})
 * @param numbering how numbers of calls from and to this trunk are rewritten
 * @param trusted whether the trunk is in our trust domain (RFC 3325): the asserted identity
 *     (P-Asserted-Identity) of its calls is believed, and sent to it
 * @param refer what is done with a REFER in the dialog of one of its calls
 * @param maxChannelsIn the most simultaneous calls from this trunk, 0 for unlimited (within {@code
 *     maxChannels})
 * @param maxChannelsOut the most simultaneous calls to this trunk, 0 for unlimited
 * @param media relay or pass-through, recording and codecs of its calls' media
 */
public record Trunk(
    String name,
    TrunkMode mode,
    TrunkAccess access,
    Optional<String> target,
    Optional<HealthCheck> health,
    int maxChannels,
    int maxCps,
    List<String> numbers,
    Numbering numbering,
    boolean trusted,
    ReferPolicy refer,
    int maxChannelsIn,
    int maxChannelsOut,
    TrunkMedia media) {
  /** What a trunk name may be: it appears in logs, CDRs, URLs and the command line. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** A number a trunk owns: {@code +}, 1..15 digits (ITU-T E.164), and an optional {@code *}. */
  public static final Pattern NUMBER = Pattern.compile("\\+[0-9]{1,15}\\*?");

  /**
   * A trunk whose numbers pass unchanged, untrusted, whose REFERs are rejected, without
   * per-direction channel limits, whose media passes through (SDP unchanged).
   */
  public Trunk(
      String name,
      TrunkMode mode,
      TrunkAccess access,
      Optional<String> target,
      Optional<HealthCheck> health,
      int maxChannels,
      int maxCps,
      List<String> numbers) {
    this(
        name,
        mode,
        access,
        target,
        health,
        maxChannels,
        maxCps,
        numbers,
        Numbering.NONE,
        false,
        ReferPolicy.REJECT,
        0,
        0,
        TrunkMedia.PASS_THROUGH);
  }

  /** This trunk with other media settings. */
  public Trunk withMedia(TrunkMedia m) {
    return new Trunk(
        name,
        mode,
        access,
        target,
        health,
        maxChannels,
        maxCps,
        numbers,
        numbering,
        trusted,
        refer,
        maxChannelsIn,
        maxChannelsOut,
        m);
  }

  public Trunk {
    Objects.requireNonNull(numbering, "numbering");
    Objects.requireNonNull(refer, "refer");
    Objects.requireNonNull(media, "media");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(health, "health");
    numbers = List.copyOf(numbers);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad trunk name: " + name);
    }
    if (access.mode() != mode) {
      throw new IllegalArgumentException(
          "trunk " + name + ": mode " + mode + " with " + access.mode() + " access");
    }
    if (health.isPresent() && target.isEmpty()) {
      throw new IllegalArgumentException("trunk " + name + ": health checks need a target");
    }
    if (maxChannels < 0 || maxCps < 0 || maxChannelsIn < 0 || maxChannelsOut < 0) {
      throw new IllegalArgumentException("trunk " + name + ": negative limit");
    }
    for (String number : numbers) {
      if (!NUMBER.matcher(number).matches()) {
        throw new IllegalArgumentException("trunk " + name + ": bad number " + number);
      }
    }
  }
}
