/**
 * SDP (RFC 8866): a byte-exact parser, an immutable edit model and a writer for media anchoring.
 */
package org.trunkline.sip.sdp;
