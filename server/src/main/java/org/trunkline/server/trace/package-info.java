/** Streaming traced SIP messages out of the server: the HEPv3 sender for Homer (issue 7). */
package org.trunkline.server.trace;
