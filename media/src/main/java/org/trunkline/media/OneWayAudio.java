package org.trunkline.media;

import java.time.Duration;

/**
 * A stream on which audio went only one way.
 *
 * @param stream the media description index
 * @param flowing the direction that carried packets; the reverse one carried none
 * @param after how long that had lasted when it was flagged
 */
public record OneWayAudio(int stream, Flow flowing, Duration after) {}
