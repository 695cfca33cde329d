/**
 * RFC 3263 server location: NAPTR, SRV and A/AAAA lookups on Netty's DNS resolver, and failover.
 */
package org.trunkline.stack.dns;
