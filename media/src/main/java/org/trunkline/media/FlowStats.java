package org.trunkline.media;

/**
 * The quality of one flow of one stream, as counted by the relay on arrival.
 *
 * @param flow which way
 * @param packets packets received, duplicates included
 * @param bytes UDP payload bytes received
 * @param lost packets expected by sequence number but never received (RFC 3550 A.3)
 * @param duplicates packets whose sequence number was already seen
 * @param late packets that arrived after a higher sequence number (reordered)
 * @param jitterMs interarrival jitter, RFC 3550 A.8, in milliseconds
 * @param lossPercent lost as a share of expected, 0-100
 * @param mos E-model estimate of the listening quality, 1-4.5 (0 when nothing flowed)
 */
public record FlowStats(
    Flow flow,
    long packets,
    long bytes,
    long lost,
    long duplicates,
    long late,
    double jitterMs,
    double lossPercent,
    double mos) {}
