package org.trunkline.server.storage;

import java.util.List;
import org.trunkline.core.trace.TracedMessage;

/**
 * One trace as stored: every message of every Call-ID linked to it, oldest first.
 *
 * @param id the call id (CDR id), {@code trunk:NAME}, or the Call-ID when it is linked to nothing
 * @param callIds the Call-IDs it holds, first seen first
 * @param messages oldest first (the newest {@link TraceStore#MAX_MESSAGES} when there are more)
 * @param truncated whether older messages were left out
 */
public record Trace(
    String id, List<String> callIds, List<TracedMessage> messages, boolean truncated) {}
