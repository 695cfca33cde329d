/**
 * SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 8760): challenges, verification, answers.
 */
package org.trunkline.stack.auth;
