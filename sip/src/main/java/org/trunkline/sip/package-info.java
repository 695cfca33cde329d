/** The SIP message: parser, writer, URIs, headers and SDP; knows bytes, not sockets. */
package org.trunkline.sip;
