package org.trunkline.server.storage;

import java.time.Instant;
import java.util.List;
import org.trunkline.core.call.Cdr;

/**
 * One trace in a search result.
 *
 * @param id the call id (CDR id), {@code trunk:NAME}, or a Call-ID linked to nothing
 * @param callIds the Call-IDs it holds, first seen first
 * @param first its first message's time
 * @param last its last message's time
 * @param messages how many messages it holds
 * @param startLine its first message's start line ({@code INVITE sip:+7495...@host SIP/2.0})
 * @param cdr the call's CDR, or null (a trunk trace, a call still going or refused by ingress)
 */
public record TraceSummary(
    String id,
    List<String> callIds,
    Instant first,
    Instant last,
    int messages,
    String startLine,
    Cdr cdr) {}
