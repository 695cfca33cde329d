/** RTP relay, SDP offer/answer rewrite, DTMF and recording. */
package org.trunkline.media;
